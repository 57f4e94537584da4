"""Available to promise by allocation: stock a quotation may not take because segments served first need it.

An optional company setting. Customer segments are ranked (e.g. ``B2B``
before ``B2C``); the forecast demand of each product, segment and warehouse
over the product's replenishment lead time is the stock those segments will
need before more can arrive. A line of a customer in segment ``s`` may not
take the demand of the segments ranked before ``s``: :func:`allocated_qty`
gives that quantity per line, and :meth:`PromiseEngine.check_batch
<crm_bridge.promise.engine.PromiseEngine.check_batch>` keeps it back until the
product can be replenished, with the reason ``allocation`` when it binds.

The first segment is never held back; a segment not in the ranking comes
after every ranked one. The demand comes from
:func:`ai_insights.forecast.demand.demand_over` (a :class:`Forecast`, the main
job) or :func:`ai_insights.forecast.demand.demand_from_weekly` (the forecast
rows stored in Odoo), at the ``product_segment_warehouse`` level.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crm_bridge.contract.errors import ValidationError

__all__ = ["DEMAND_COLUMNS", "allocated_qty", "parse_priority"]

#: Columns of the demand table: forecast demand over the replenishment lead time.
DEMAND_COLUMNS = ("product_id", "segment", "warehouse_id", "qty")


def parse_priority(text: str | None) -> tuple[str, ...]:
    """Segments in the order they are served, from a comma-separated setting (``"B2B, B2C"``).

    Raises
    ------
    ValidationError
        ``duplicate_segment`` when a segment is named twice.
    """
    names = tuple(part.strip() for part in (text or "").split(",") if part.strip())
    if len(set(names)) != len(names):
        raise ValidationError("Each segment may be named once in the priority.", code="duplicate_segment",
                              field="segment_priority", details={"segments": list(names)})
    return names


def allocated_qty(demand: pd.DataFrame, priority: Sequence[str], product_ids: Sequence[int] | np.ndarray,
                  warehouse_ids: Sequence[int] | np.ndarray, segments: Sequence[str]) -> np.ndarray:
    """Quantity each line may not take: the demand of the segments served before its customer's.

    Parameters
    ----------
    demand : DataFrame
        :data:`DEMAND_COLUMNS`: forecast demand of a product for a segment
        from a warehouse over the product's replenishment lead time (several
        rows of a key add up; negative quantities count as none).
    priority : sequence of str
        Segments in the order they are served.
    product_ids, warehouse_ids, segments : sequences of length n
        Per line: the product, the warehouse it ships from and the
        customer's segment.

    Returns
    -------
    ndarray of float
        Per line, in the demand's unit (the product's base unit).

    Raises
    ------
    ValidationError
        ``missing_columns``, ``length_mismatch``.
    """
    missing = [name for name in DEMAND_COLUMNS if name not in demand.columns]
    if missing:
        raise ValidationError(f"The allocation demand lacks columns {missing}.", code="missing_columns",
                              field="demand", details={"missing": missing})
    n = len(segments)
    if len(product_ids) != n or len(warehouse_ids) != n:
        raise ValidationError(f"expected {n} products and warehouses", code="length_mismatch", field="lines")
    rank = {str(name): i for i, name in enumerate(priority)}
    last = len(rank)
    if n == 0 or demand.empty or last == 0:
        return np.zeros(n)
    ranked = demand.assign(rank=demand["segment"].astype(str).map(rank).fillna(last).astype(int),
                           qty=demand["qty"].astype(float).clip(lower=0.0))
    by_rank = ranked.pivot_table(index=["product_id", "warehouse_id"], columns="rank", values="qty", aggfunc="sum",
                                 fill_value=0.0).reindex(columns=range(last + 1), fill_value=0.0)
    # before[:, r]: demand of the segments ranked before r
    before = np.hstack([np.zeros((len(by_rank), 1)), np.cumsum(by_rank.to_numpy(), axis=1)[:, :-1]])
    keys = pd.MultiIndex.from_arrays([np.asarray(product_ids, dtype=np.int64), np.asarray(warehouse_ids, np.int64)])
    row = by_rank.index.get_indexer(keys)
    line_rank = np.array([rank.get(str(segment), last) for segment in segments], dtype=int)
    return np.where(row >= 0, before[np.maximum(row, 0), line_rank], 0.0)
