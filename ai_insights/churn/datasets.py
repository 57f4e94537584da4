"""Data for the churn and lifetime-value models: CDNOW, the demo company, windows.

Everything is turned into the schema's plain tables (``orders``,
``order_lines``, ...), so one feature builder serves every source. A
*calibration/holdout* pair is the feature table as of a cut-off plus what each
customer bought in the ``horizon_days`` that follow it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ai_insights.churn.features import build_features, purchases
from crm_bridge.contract.errors import InsufficientDataError

__all__ = [
    "TABLE_NAMES",
    "CDNOW_START",
    "CDNOW_CALIBRATION_END",
    "CDNOW_HOLDOUT_END",
    "load_cdnow",
    "demo_tables",
    "data_end",
    "future_purchases",
    "calibration_holdout",
    "rfm_summary",
    "latest_cutoffs",
]

# Tables the feature builder reads.
TABLE_NAMES = ("customers", "orders", "order_lines", "invoices", "tickets", "interactions")

# The classic CDNOW split: 39 weeks of calibration, 39 weeks of holdout.
CDNOW_START = pd.Timestamp("1997-01-01")
CDNOW_CALIBRATION_END = pd.Timestamp("1997-10-01")  # exclusive: the holdout starts here
CDNOW_HOLDOUT_END = pd.Timestamp("1998-07-01")  # exclusive


def load_cdnow() -> dict[str, pd.DataFrame]:
    """CDNOW transactions (shipped with ``lifetimes``) as ``orders`` and ``order_lines``.

    The purchases of one customer on one day form one order, as in the
    literature's repeat-purchase counts. CDNOW has no costs, discounts,
    returns, invoices or CRM tables, so those features are NaN or 0.
    """
    from lifetimes.datasets import load_dataset

    raw = load_dataset("CDNOW_master.txt", header=None, sep=r"\s+", dtype=str)
    if raw.iloc[0, 0] == "customer_id":  # the file starts with a header line
        raw = raw.iloc[1:]
    raw = pd.DataFrame(
        {
            "customer_id": raw[0].astype(int).to_numpy(),
            "date_order": pd.to_datetime(raw[1], format="%Y%m%d").to_numpy(),
            "qty": raw[2].astype(float).to_numpy(),
            "amount": raw[3].astype(float).to_numpy(),
        }
    )
    daily = raw.groupby(["customer_id", "date_order"], as_index=False)[["qty", "amount"]].sum()
    daily["order_id"] = np.arange(1, len(daily) + 1)
    orders = daily[["order_id", "customer_id", "date_order"]].assign(
        state="delivered", commitment_date=pd.NaT, delivery_date=pd.NaT
    )
    lines = pd.DataFrame(
        {
            "line_id": daily["order_id"],
            "order_id": daily["order_id"],
            "qty": daily["qty"],
            # A few CDNOW rows have 0 CDs for a positive amount: keep the amount as one unit.
            "price_unit": daily["amount"] / daily["qty"].where(daily["qty"] > 0, 1.0),
            "discount": 0.0,
            "cost": np.nan,
            "qty_returned": 0.0,
        }
    )
    lines["qty"] = lines["qty"].where(lines["qty"] > 0, 1.0)
    return {"orders": orders, "order_lines": lines}


def demo_tables(company: Any) -> dict[str, pd.DataFrame]:
    """The feature builder's tables from a ``demo_company.DemoCompany`` (never its hidden truth)."""
    source = company.tables if hasattr(company, "tables") else company
    get = source.get if isinstance(source, Mapping) else lambda name: getattr(source, name, None)
    return {name: get(name) for name in TABLE_NAMES if get(name) is not None}


def data_end(tables: Mapping[str, pd.DataFrame]) -> pd.Timestamp:
    """The day after the last order of any state: the first day nothing is known about."""
    return pd.to_datetime(tables["orders"]["date_order"]).max().normalize() + pd.Timedelta(days=1)


def latest_cutoffs(tables: Mapping[str, pd.DataFrame], horizon_days: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The latest (training, evaluation) cut-offs whose windows both end by :func:`data_end`.

    The evaluation window is the last ``horizon_days`` of the data and the
    training window the ``horizon_days`` before it, so the two never overlap.
    """
    evaluation = data_end(tables) - pd.Timedelta(days=horizon_days)
    return evaluation - pd.Timedelta(days=horizon_days), evaluation


def future_purchases(tables: Mapping[str, pd.DataFrame], cutoff, horizon_days: int, customer_ids) -> pd.Series:
    """Number of purchases of each customer in ``[cutoff, cutoff + horizon_days)``.

    Raises
    ------
    InsufficientDataError
        When the data stop before the end of the window.
    """
    cutoff = pd.Timestamp(cutoff)
    end = cutoff + pd.Timedelta(days=horizon_days)
    if end > data_end(tables):
        raise InsufficientDataError(
            f"the {horizon_days}-day window after {cutoff.date()} ends on {end.date()},"
            f" after the last recorded order ({(data_end(tables) - pd.Timedelta(days=1)).date()})",
            code="window_too_short",
            field="horizon_days",
        )
    counts = purchases(tables, start=cutoff, end=end).groupby("customer_id").size()
    return counts.reindex(pd.Index(customer_ids, name="customer_id"), fill_value=0).astype(float)


def calibration_holdout(
    tables: Mapping[str, pd.DataFrame], cutoff, horizon_days: int, **feature_options
) -> tuple[pd.DataFrame, pd.Series]:
    """Features as of ``cutoff`` and purchases in the ``horizon_days`` after it.

    Only customers with a purchase before ``cutoff`` are included.
    """
    features = build_features(tables, cutoff, **feature_options)
    return features, future_purchases(tables, cutoff, horizon_days, features.index)


def rfm_summary(tables: Mapping[str, pd.DataFrame], cutoff, customer_ids=None) -> pd.DataFrame:
    """The ``lifetimes`` summary (``frequency``, ``recency``, ``T`` in days) as of ``cutoff``.

    ``frequency`` counts repeat purchase days, ``recency`` is the age of the
    customer at the last purchase and ``T`` the age at ``cutoff``.
    """
    cutoff = pd.Timestamp(cutoff)
    bought = purchases(tables, end=cutoff)
    days = bought["date_order"].dt.normalize()
    grouped = days.groupby(bought["customer_id"])
    first, last = grouped.min(), grouped.max()
    summary = pd.DataFrame(
        {
            "frequency": grouped.nunique().astype(float) - 1,
            "recency": (last - first) / np.timedelta64(1, "D"),
            "T": (cutoff - first) / np.timedelta64(1, "D"),
        }
    )
    summary.index.name = "customer_id"
    return summary if customer_ids is None else summary.reindex(pd.Index(customer_ids, name="customer_id"))
