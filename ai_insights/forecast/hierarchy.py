"""The series of one product and how they add up: product, per segment, per warehouse, per both.

Every product has the same block of ``1 + S + W + S*W`` series (``S``
segments, ``W`` warehouses), in this order: the product's total, its total
per segment, its total per warehouse, and the bottom series per segment and
warehouse. The block's summing matrix maps the bottom series onto all of
them.

Coherence is bottom-up: only the bottom series are forecast, and every
total is the sum of its parts, so segments and warehouses add up to the
product exactly. On the development company (``demo_company.generate(seed=8)``,
three windows of eight weeks at the end of its history) MinTrace with the
backtest errors as a diagonal covariance (WLS, Wickramasuriya et al. 2019)
was measured against it: revenue-weighted MASE over the four levels 0.508
for MinT-WLS, 0.506 for bottom-up, 0.509 for no reconciliation. Bottom-up
is as accurate and forecasts less than half of the series, so it stays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LEVELS", "aggregate", "level_of_rows", "series_keys", "summing_matrix"]

#: Levels of the block, top first.
LEVELS = ("product", "product_segment", "product_warehouse", "product_segment_warehouse")


def summing_matrix(n_segments: int, n_warehouses: int) -> np.ndarray:
    """The ``(1 + S + W + S*W, S*W)`` 0/1 matrix from bottom series to every series of a product."""
    n_bottom = n_segments * n_warehouses
    segment = np.repeat(np.arange(n_segments), n_warehouses)
    warehouse = np.tile(np.arange(n_warehouses), n_segments)
    return np.vstack([
        np.ones((1, n_bottom)),
        (segment[None, :] == np.arange(n_segments)[:, None]).astype(float),
        (warehouse[None, :] == np.arange(n_warehouses)[:, None]).astype(float),
        np.eye(n_bottom),
    ])


def level_of_rows(n_segments: int, n_warehouses: int) -> np.ndarray:
    """Index into :data:`LEVELS` of each row of a product's block."""
    return np.repeat(np.arange(4), [1, n_segments, n_warehouses, n_segments * n_warehouses])


def series_keys(product_ids: np.ndarray, segments: tuple[str, ...], warehouses: tuple[int, ...]) -> pd.DataFrame:
    """One row per series, products in order and each product's block in order.

    Columns ``product_id``, ``segment`` (empty string: every segment),
    ``warehouse_id`` (0: every warehouse) and ``level`` (one of :data:`LEVELS`).
    """
    n_s, n_w = len(segments), len(warehouses)
    block_segment = ["", *segments, *[""] * n_w, *np.repeat(segments, n_w)]
    block_warehouse = [0, *[0] * n_s, *warehouses, *np.tile(warehouses, n_s)]
    block_level = np.asarray(LEVELS)[level_of_rows(n_s, n_w)]
    m = len(block_level)
    return pd.DataFrame({
        "product_id": np.repeat(np.asarray(product_ids), m),
        "segment": np.tile(np.asarray(block_segment, dtype=object), len(product_ids)).astype(str),
        "warehouse_id": np.tile(np.asarray(block_warehouse, dtype=np.int64), len(product_ids)),
        "level": np.tile(block_level, len(product_ids)),
    })


def aggregate(bottom: np.ndarray) -> np.ndarray:
    """Every series of every product from the bottom ones.

    Parameters
    ----------
    bottom : ndarray, shape (products, segments, warehouses, ...)

    Returns
    -------
    ndarray, shape (products, 1 + S + W + S*W, ...)
    """
    n_p, n_s, n_w = bottom.shape[:3]
    flat = bottom.reshape(n_p, n_s * n_w, -1)
    summed = np.einsum("mb,pbt->pmt", summing_matrix(n_s, n_w), flat)
    return summed.reshape(n_p, -1, *bottom.shape[3:])

