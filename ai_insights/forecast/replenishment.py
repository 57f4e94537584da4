"""Suggested reordering rules from the demand forecast, and a simulation to judge any min/max rule.

:func:`suggest_reorder_points` is the one rule the Odoo addon writes beside
a person's reordering rules (``stock.warehouse.orderpoint``) and the
benchmark judges:

* **minimum**: the demand over the vendor lead time (at least
  :data:`MIN_LEAD_DAYS`, the forecast's grain; at most its horizon) at the
  service level (:func:`~ai_insights.forecast.demand.demand_over`,
  ``quantile``): below it, an order placed now may arrive after the stock
  ran out;
* **maximum**: the minimum plus the expected demand of one order cycle
  (:data:`ORDER_CYCLE_DAYS`, at most the horizon).

:func:`simulate_min_max` replays demand day by day against min/max rules
(continuous review: when the stock on hand plus on order falls to the
minimum, order up to the maximum, received after the lead time; demand not
served from stock is lost), counting stock-out days, units short and the
average stock held.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ai_insights.forecast.demand import demand_over, horizon_days
from ai_insights.forecast.model import Forecast
from crm_bridge.contract.errors import ValidationError

__all__ = ["MIN_LEAD_DAYS", "ORDER_CYCLE_DAYS", "simulate_min_max", "suggest_reorder_points"]

#: The minimum covers at least a week of demand: the forecast's grain.
MIN_LEAD_DAYS = 7
#: The maximum adds the expected demand of a four-week order cycle.
ORDER_CYCLE_DAYS = 28


def suggest_reorder_points(forecast: Forecast, lead_days: Mapping[int, float] | pd.Series, service_level: float,
                           order_cycle_days: int = ORDER_CYCLE_DAYS) -> pd.DataFrame:
    """Suggested minimum and maximum per product and warehouse.

    Parameters
    ----------
    forecast : Forecast
    lead_days : mapping or Series of product_id to days
        Vendor lead time of each product; products missing get no rule.
    service_level : float
        Probability (0-1) that the demand over the lead time stays under the minimum.
    order_cycle_days : int

    Returns
    -------
    DataFrame
        ``product_id``, ``warehouse_id``, ``lead_days``, ``cycle_days``,
        ``min_qty``, ``max_qty``, ``cycle_qty`` (expected demand of the
        cycle), for the series with demand in the cycle.
    """
    horizon = horizon_days(forecast)
    lead = pd.Series(lead_days, dtype=float).clip(lower=MIN_LEAD_DAYS, upper=horizon)
    cycle_days = min(int(order_cycle_days), horizon)
    keys = ["product_id", "warehouse_id"]
    suggestion = demand_over(forecast, lead, service_level=service_level).merge(
        demand_over(forecast, cycle_days).rename(columns={"mean": "cycle_qty"})[[*keys, "cycle_qty"]], on=keys)
    suggestion = suggestion[suggestion["product_id"].isin(lead.index) & (suggestion["cycle_qty"] > 0)]
    return pd.DataFrame({
        "product_id": suggestion["product_id"].to_numpy(), "warehouse_id": suggestion["warehouse_id"].to_numpy(),
        "lead_days": suggestion["days"].to_numpy(), "cycle_days": cycle_days,
        "min_qty": suggestion["quantile"].to_numpy(), "max_qty": (suggestion["quantile"] + suggestion["cycle_qty"]
                                                                  ).to_numpy(),
        "cycle_qty": suggestion["cycle_qty"].to_numpy()})


def simulate_min_max(demand: np.ndarray, min_qty: np.ndarray, max_qty: np.ndarray, lead_days: np.ndarray,
                     start_qty: np.ndarray) -> dict[str, np.ndarray]:
    """Replay daily ``demand`` against min/max rules; per series stock-out days, units short, mean stock.

    Parameters
    ----------
    demand : ndarray, shape (series, days)
        Units asked each day.
    min_qty, max_qty, lead_days, start_qty : ndarray, shape (series,)
        The rule, the lead time in whole days (at least 1) and the stock on
        hand on the first morning.

    Returns
    -------
    dict
        ``stockout_days`` (days with demand not fully served), ``short_qty``
        (units not served), ``mean_on_hand`` (stock held at the end of each
        day, averaged), ``orders`` (orders placed).

    Raises
    ------
    ValidationError
        ``length_mismatch``; ``invalid_rule`` when a maximum is under its minimum.
    """
    demand = np.asarray(demand, dtype=float)
    n, days = demand.shape
    rule = [np.asarray(values, dtype=float).reshape(-1) for values in (min_qty, max_qty, lead_days, start_qty)]
    if any(len(values) != n for values in rule):
        raise ValidationError(f"expected {n} values per rule", code="length_mismatch", field="rules")
    low, high, lead, on_hand = rule
    if (high < low).any():
        raise ValidationError("a maximum is under its minimum", code="invalid_rule", field="max_qty")
    lead = np.maximum(np.round(lead).astype(int), 1)
    on_hand = np.clip(on_hand, 0.0, None).copy()
    arriving = np.zeros((n, days + int(lead.max()) + 1))
    on_order = np.zeros(n)
    rows = np.arange(n)
    stockout_days, short, held, orders = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    for day in range(days):
        on_hand += arriving[:, day]
        on_order -= arriving[:, day]
        served = np.minimum(on_hand, demand[:, day])
        missing = demand[:, day] - served
        on_hand -= served
        stockout_days += missing > 1e-9
        short += missing
        position = on_hand + on_order
        reorder = position <= low
        quantity = np.where(reorder, high - position, 0.0)
        quantity = np.where(quantity > 1e-9, quantity, 0.0)
        arriving[rows, day + lead] += quantity
        on_order += quantity
        orders += quantity > 0
        held += on_hand
    return {"stockout_days": stockout_days, "short_qty": short, "mean_on_hand": held / days, "orders": orders}
