"""Forecast stock-outs: when demand at the service level overtakes the stock and the receipts due.

For each product and warehouse, the day ``d`` (1 to the forecast's
horizon in days) is a stock-out when the demand of the ``d`` days ahead at
the service level (:func:`~ai_insights.forecast.demand.demand_curve`,
every span at once) exceeds the free stock now plus the receipts due before day
``d``. :func:`days_to_stockout` gives the first such day: the score of the
actions' ``stockout_forecast`` trigger (a rule fires at ``score <=
threshold`` days: hold the product's promotions, propose replenishment).
Series that last the whole horizon are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ai_insights.forecast.demand import demand_curve, horizon_days
from ai_insights.forecast.model import Forecast
from crm_bridge.contract.errors import ValidationError

__all__ = ["STOCKOUT_COLUMNS", "days_to_stockout"]

#: Columns of :func:`days_to_stockout`'s answer.
STOCKOUT_COLUMNS = ("product_id", "warehouse_id", "days", "demand", "supply", "free_qty")
_KEYS = ["product_id", "warehouse_id"]


def days_to_stockout(forecast: Forecast, free: pd.DataFrame, receipts: pd.DataFrame | None = None, *,
                     service_level: float = 0.95) -> pd.DataFrame:
    """First day each product runs out in each warehouse, within the forecast's horizon.

    Parameters
    ----------
    forecast : Forecast
    free : DataFrame
        ``product_id``, ``warehouse_id``, ``qty``: free stock now (negative
        counts as none); a series missing has none.
    receipts : DataFrame, optional
        ``product_id``, ``warehouse_id``, ``day`` (days from the forecast's
        first day, 0 or more), ``qty``: receipts due; a receipt on day ``r``
        serves the demand of the days after it.
    service_level : float
        Probability the demand of the days ahead is not exceeded (0-1).

    Returns
    -------
    DataFrame
        :data:`STOCKOUT_COLUMNS`, one row per product and warehouse that runs
        out within the horizon: ``days`` to the stock-out, ``demand`` (at
        the service level) and ``supply`` (free stock and receipts) on that
        day, ``free_qty`` now.

    Raises
    ------
    ValidationError
        ``invalid_service_level``; ``invalid_quantity`` for a non-finite
        stock or receipt.
    """
    if not 0 < service_level < 1:
        raise ValidationError("service_level must be between 0 and 1", code="invalid_service_level",
                              field="service_level")
    for name, table in (("free", free), ("receipts", receipts)):
        if table is not None and len(table) and not np.isfinite(table["qty"].to_numpy(float)).all():
            raise ValidationError(f"{name} quantities must be finite numbers", code="invalid_quantity", field=name)
    horizon = horizon_days(forecast)
    series, demand = demand_curve(forecast, service_level)
    stock = free.groupby(_KEYS)["qty"].sum().clip(lower=0.0)
    free_qty = stock.reindex(pd.MultiIndex.from_frame(series), fill_value=0.0).to_numpy()
    due = np.zeros((len(series), horizon + 1))  # due[:, d]: received before day d
    if receipts is not None and len(receipts):
        rows = pd.MultiIndex.from_frame(series).get_indexer(pd.MultiIndex.from_frame(receipts[_KEYS]))
        day = np.clip(receipts["day"].to_numpy(int), 0, horizon) + 1
        keep = (rows >= 0) & (day <= horizon)
        np.add.at(due, (rows[keep], day[keep]), receipts["qty"].to_numpy(float)[keep])
        due = np.cumsum(due, axis=1)
    supply = free_qty[:, None] + due
    short = demand[:, 1:] > supply[:, 1:] + 1e-9
    out = short.any(axis=1)
    first = np.argmax(short, axis=1) + 1
    rows = np.flatnonzero(out)
    return pd.DataFrame({
        "product_id": series["product_id"].to_numpy()[rows], "warehouse_id": series["warehouse_id"].to_numpy()[rows],
        "days": first[rows], "demand": demand[rows, first[rows]], "supply": supply[rows, first[rows]],
        "free_qty": free_qty[rows]}, columns=list(STOCKOUT_COLUMNS))
