"""Days of cover: how long a product's free stock lasts at its expected demand. The one rule every caller uses.

``days of cover = free stock / daily demand``, where

* **free stock** is the company's stock not reserved, over all its
  warehouses; a negative figure counts as none;
* **daily demand** is, for a product with a demand forecast, the demand
  the forecast expects per day over the days ahead (``forecast_daily``,
  reason ``from_forecast``), so that overstock and scarcity are judged on
  what is coming; for any other product the quantity sold on confirmed
  orders (not quotations, not cancelled orders) dated in the demand window,
  the ``window_days`` days ending with today (:func:`demand_window`),
  divided by ``window_days`` (reason ``from_sales``). The forecast's daily
  demand comes from :func:`ai_insights.forecast.demand.daily_demand`.

"No demand" has one meaning. A product in stock that nobody bought in the
window is **overstock**: its cover is :data:`NO_DEMAND_COVER_DAYS`, reason
``unsold_stock`` (``no_forecast_demand`` when the forecast expects none). A
product with neither free stock nor demand has **zero cover**, reason
``no_stock``. Covers are capped at
:data:`NO_DEMAND_COVER_DAYS`. Only stocked (storable) products have a cover:
services and consumables get NaN, reason ``not_stocked``, which the pricing
guardrail reads as "cover unknown".

The Odoo addons gather free stock and sold quantities with batched reads and
call :func:`days_of_cover`; :func:`cover_from_tables` does the same on the
plain company tables (:mod:`crm_bridge.tables.schema`) for the main job and
the demo. Both read the window from :func:`demand_window`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crm_bridge.contract.errors import ValidationError
from crm_bridge.contract.reasons import Reason

__all__ = [
    "COVER_CODES",
    "DEMAND_WINDOW_DAYS",
    "NO_DEMAND_COVER_DAYS",
    "SOLD_ORDER_STATES",
    "Cover",
    "cover_from_tables",
    "days_of_cover",
    "demand_window",
    "sold_in_window",
]

#: Sales of this many days, today included, give the average daily demand.
DEMAND_WINDOW_DAYS = 90
#: Cover of a product in stock that nobody bought in the window (ten years): overstock, and the cap of every cover.
NO_DEMAND_COVER_DAYS = 3650.0
#: Order states of the company tables whose lines are sales (Odoo: ``sale.order`` in state ``sale``).
SOLD_ORDER_STATES = ("confirmed", "delivered")
#: ``from_sales``: free stock over demand; ``unsold_stock``: in stock, not sold in the window (overstock);
#: ``no_stock``: neither stock nor demand (zero cover); ``not_stocked``: a service or consumable (unknown);
#: ``from_forecast``: free stock over the forecast's daily demand; ``no_forecast_demand``: in stock, and the
#: forecast expects no demand (overstock).
COVER_CODES = ("from_sales", "unsold_stock", "no_stock", "not_stocked", "from_forecast", "no_forecast_demand")
_FROM_SALES, _UNSOLD, _NO_STOCK, _NOT_STOCKED, _FROM_FORECAST, _NO_FORECAST_DEMAND = range(6)


@dataclass(frozen=True)
class Cover:
    """Days of cover of many products, as arrays aligned with the inputs.

    Attributes
    ----------
    free_qty : ndarray
        Free stock, negative values as 0.
    daily_demand : ndarray
        Demand per day: the forecast's where there is one, else the average
        quantity sold per day in the window.
    days : ndarray
        Days of cover, NaN for products that are not stocked.
    code : ndarray of int8
        Index into :data:`COVER_CODES`.
    window_days : int
    """

    free_qty: np.ndarray
    daily_demand: np.ndarray
    days: np.ndarray
    code: np.ndarray
    window_days: int

    def __len__(self) -> int:
        return len(self.days)

    def codes(self) -> np.ndarray:
        """The code of each product as a string array."""
        return np.asarray(COVER_CODES)[self.code]

    def reason(self, i: int) -> Reason:
        """Why product ``i`` has its cover, with the figures (``free_qty``, ``daily_demand``, ``cover_days``)."""
        free, daily, days = float(self.free_qty[i]), float(self.daily_demand[i]), float(self.days[i])
        code = COVER_CODES[int(self.code[i])]
        params = {"free_qty": free, "daily_demand": daily, "cover_days": days, "window_days": self.window_days}
        messages = {
            "from_sales": f"{free:g} free, {daily:.2f} sold a day: {days:.0f} days of cover",
            "unsold_stock": f"{free:g} free and none sold in the last {self.window_days} days: overstock",
            "no_stock": f"Nothing free and none sold in the last {self.window_days} days: no cover",
            "not_stocked": "Not a stocked product: no days of cover",
            "from_forecast": f"{free:g} free, {daily:.2f} expected a day (demand forecast): {days:.0f} days of cover",
            "no_forecast_demand": f"{free:g} free and the demand forecast expects none: overstock",
        }
        return Reason(code, messages[code], params)


def _quantities(values: Any, name: str, n: int | None = None) -> np.ndarray:
    array = np.asarray(values, dtype=float).reshape(-1)
    if n is not None and len(array) != n:
        raise ValidationError(f"expected {n} values of {name}", code="length_mismatch", field=name)
    if not np.isfinite(array).all():
        i = int(np.flatnonzero(~np.isfinite(array))[0])
        raise ValidationError(f"{name} must be a finite number", code="invalid_quantity", field=f"{name}[{i}]")
    return array


def days_of_cover(
    free_qty: Sequence[float] | np.ndarray,
    sold_qty: Sequence[float] | np.ndarray,
    window_days: int = DEMAND_WINDOW_DAYS,
    stocked: bool | Sequence[bool] | np.ndarray = True,
    forecast_daily: Sequence[float] | np.ndarray | None = None,
) -> Cover:
    """Days of cover of many products (see the module's documentation for the rule).

    Parameters
    ----------
    free_qty : array-like of float
        Free (unreserved) stock of each product over the company's warehouses.
    sold_qty : array-like of float
        Quantity sold in the demand window (:func:`demand_window`), in the
        same unit; negative values (returns beyond sales) count as none.
    window_days : int
        Length of the window the quantities were sold in.
    stocked : bool or array-like of bool
        Whether each product is kept in stock (storable); others have no cover.
    forecast_daily : array-like of float, optional
        Demand per day the forecast expects for each product, NaN for a
        product without a forecast (its sales decide); negative values
        count as none.

    Raises
    ------
    ValidationError
        ``invalid_quantity`` for a non-finite quantity (or an infinite
        forecast), ``invalid_window`` for a window under one day,
        ``length_mismatch``.
    """
    if isinstance(window_days, bool) or not isinstance(window_days, (int, np.integer)) or window_days < 1:
        raise ValidationError("window_days must be a whole number >= 1", code="invalid_window", field="window_days")
    free = np.clip(_quantities(free_qty, "free_qty"), 0.0, None)
    n = len(free)
    daily = np.clip(_quantities(sold_qty, "sold_qty", n), 0.0, None) / int(window_days)
    stocked = np.broadcast_to(np.asarray(stocked, dtype=bool), (n,))
    forecast = np.full(n, np.nan) if forecast_daily is None else np.asarray(forecast_daily, dtype=float).reshape(-1)
    if len(forecast) != n:
        raise ValidationError(f"expected {n} values of forecast_daily", code="length_mismatch",
                              field="forecast_daily")
    if np.isinf(forecast).any():
        i = int(np.flatnonzero(np.isinf(forecast))[0])
        raise ValidationError("forecast_daily must be a finite number or NaN", code="invalid_quantity",
                              field=f"forecast_daily[{i}]")
    forecast_known = ~np.isnan(forecast)
    daily = np.where(forecast_known, np.clip(np.nan_to_num(forecast), 0.0, None), daily)
    demand = daily > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        days = np.where(demand, np.minimum(free / np.where(demand, daily, 1.0), NO_DEMAND_COVER_DAYS),
                        np.where(free > 0, NO_DEMAND_COVER_DAYS, 0.0))
    code = np.select(
        [~stocked, forecast_known & demand, demand, forecast_known & (free > 0), free > 0],
        [_NOT_STOCKED, _FROM_FORECAST, _FROM_SALES, _NO_FORECAST_DEMAND, _UNSOLD], _NO_STOCK).astype(np.int8)
    return Cover(free, daily, np.where(stocked, days, np.nan), code, int(window_days))


def demand_window(today: dt.date, window_days: int = DEMAND_WINDOW_DAYS) -> tuple[dt.date, dt.date]:
    """``(first day, day after the last)`` of the demand window: the ``window_days`` days ending with ``today``.

    Sales are counted by the day of their order date: ``first <= day < end``.
    """
    today = pd.Timestamp(today).date()
    return today - dt.timedelta(days=window_days - 1), today + dt.timedelta(days=1)


def sold_in_window(orders: pd.DataFrame, order_lines: pd.DataFrame, today: dt.date,
                   window_days: int = DEMAND_WINDOW_DAYS) -> pd.Series:
    """Quantity sold per product in the demand window, from the ``orders`` and ``order_lines`` tables.

    Lines of orders in :data:`SOLD_ORDER_STATES` dated in :func:`demand_window`;
    products that did not sell are absent.
    """
    first, end = (pd.Timestamp(day) for day in demand_window(today, window_days))
    day = pd.to_datetime(orders["date_order"]).dt.normalize()
    sales = orders.loc[orders["state"].isin(SOLD_ORDER_STATES) & (day >= first) & (day < end), ["order_id"]]
    sold = order_lines.merge(sales, on="order_id").groupby("product_id")["qty"].sum()
    return sold.rename("sold_qty")


def cover_from_tables(tables: Mapping[str, pd.DataFrame], today: dt.date,
                      window_days: int = DEMAND_WINDOW_DAYS,
                      forecast_daily: pd.Series | None = None) -> pd.DataFrame:
    """Days of cover of every product of the company tables, indexed by ``product_id``.

    Columns ``free_qty`` (the ``stock`` table over all warehouses),
    ``daily_demand``, ``cover_days`` and ``cover_code``; storable products
    are stocked, the others have NaN days. ``forecast_daily`` (product_id
    to the forecast's demand per day) replaces the trailing sales of the
    products it holds.
    """
    products = tables["products"].set_index("product_id")
    free = tables["stock"].groupby("product_id")["qty_on_hand"].sum().reindex(products.index, fill_value=0.0)
    sold = sold_in_window(tables["orders"], tables["order_lines"], today, window_days)
    cover = days_of_cover(free.to_numpy(float), sold.reindex(products.index, fill_value=0.0).to_numpy(float),
                          window_days, (products["type"] == "storable").to_numpy(),
                          None if forecast_daily is None else forecast_daily.reindex(products.index).to_numpy(float))
    return pd.DataFrame({"free_qty": cover.free_qty, "daily_demand": cover.daily_demand, "cover_days": cover.days,
                         "cover_code": cover.codes()}, index=products.index)
