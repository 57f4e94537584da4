"""Weekly demand per product x customer segment x warehouse, read from the company tables.

Demand is what customers asked for: the ordered quantity of every line of an
order that was not cancelled (quotations, confirmed and delivered orders),
in the product's unit of measure, counted in the week of the order's
``date_order``. Returns do not lower demand. Weeks start on Monday; only
complete weeks enter the history: the last one ends on or before ``as_of``,
the first one starts on or after the earliest order of the company.

What is forecast is :func:`sold_goods`: the products that are not services
and appear on a line of an order that was not cancelled. Every forecast of
a company (the Odoo run, ``make demo``) reads its tables through it, so the
pooled interval calibration and the revenue-weighted scores are those of
the same products everywhere.

Two facts the tables cannot give, and how they are handled:

* **When a product was launched.** The ``products`` table has no creation
  date, so a product's history starts with the week of its first sale
  anywhere (any segment, any warehouse); weeks before it are not zero
  demand, they are no history. A product never sold is a *new product*.
* **When a product was out of stock.** The ``stock`` table keeps today's
  free stock only, not its history, so a week without stock (no sales
  because nothing could be sold) cannot be told from a week without
  demand. The caller passes those weeks as ``censored`` (``product_id``,
  ``warehouse_id``, ``week``): inside Odoo they come from the stock moves;
  from any other source, from that source's stock history. Censored weeks
  are not observations: the models never learn from them and the
  backtests never score them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from crm_bridge.contract.errors import InsufficientDataError, ValidationError

__all__ = ["CENSORED_COLUMNS", "GOODS_COLUMNS", "REQUIRED_COLUMNS", "DemandHistory", "sold_goods", "week_start",
           "weekly_demand"]

#: Columns of each table the forecast reads (and no other).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "orders": ("order_id", "customer_id", "warehouse_id", "date_order", "state"),
    "order_lines": ("order_id", "product_id", "qty", "price_unit", "discount"),
    "customers": ("customer_id", "segment"),
    "products": ("product_id", "category"),
    "warehouses": ("warehouse_id",),
}
#: Columns :func:`sold_goods` reads besides :data:`REQUIRED_COLUMNS`.
GOODS_COLUMNS: dict[str, tuple[str, ...]] = {"products": ("product_id", "type")}
#: Product type (``products.type``) that is never forecast: nothing of it is stocked.
SERVICE_TYPE = "service"
#: Columns of the ``censored`` argument: a product out of stock in a warehouse during a week.
CENSORED_COLUMNS = ("product_id", "warehouse_id", "week")


def week_start(days: Any) -> pd.DatetimeIndex | pd.Series | pd.Timestamp:
    """The Monday of the week of each date (dates at midnight)."""
    if isinstance(days, pd.Series):
        days = pd.to_datetime(days).dt.normalize()
        return days - pd.to_timedelta(days.dt.weekday, unit="D")
    if isinstance(days, (pd.DatetimeIndex, list, tuple, np.ndarray)):
        days = pd.DatetimeIndex(pd.to_datetime(days)).normalize()
        return days - pd.to_timedelta(days.weekday, unit="D")
    day = pd.Timestamp(days).normalize()
    return day - pd.Timedelta(days=day.weekday())


@dataclass(frozen=True)
class DemandHistory:
    """Weekly demand of the bottom series: every product x segment x warehouse.

    Attributes
    ----------
    products : DataFrame
        ``product_id`` and ``category`` of every product, in series order.
    segments : tuple of str
        Customer segments, in series order.
    warehouses : tuple of int
        Warehouse ids, in series order.
    weeks : DatetimeIndex
        Monday of each complete week of the history.
    qty : ndarray, shape (products, segments, warehouses, weeks)
        Demand (ordered quantity).
    revenue : ndarray, same shape
        Net revenue of that demand (quantity x unit price x (1 - discount)).
    censored : ndarray of bool, shape (products, warehouses, weeks)
        Weeks the product had no stock in the warehouse.
    launch : ndarray of int, shape (products,)
        Index of each product's first week with demand; ``len(weeks)`` for
        a product never sold (a new product).
    """

    products: pd.DataFrame
    segments: tuple[str, ...]
    warehouses: tuple[int, ...]
    weeks: pd.DatetimeIndex
    qty: np.ndarray
    revenue: np.ndarray
    censored: np.ndarray
    launch: np.ndarray

    @property
    def n_weeks(self) -> int:
        return len(self.weeks)

    def future(self, periods: int) -> pd.DatetimeIndex:
        """The ``periods`` periods after the history: weeks, or the history's own regular frequency."""
        step = self.weeks.freq or pd.infer_freq(self.weeks) or "7D"
        return pd.date_range(self.weeks[-1], periods=periods + 1, freq=step)[1:]

    def truncate(self, n_weeks: int) -> DemandHistory:
        """The history as it was known after its first ``n_weeks`` weeks (launches recomputed)."""
        if not 0 < n_weeks <= self.n_weeks:
            raise ValidationError(f"n_weeks must be between 1 and {self.n_weeks}", code="invalid_weeks",
                                  field="n_weeks", details={"value": n_weeks})
        qty = self.qty[..., :n_weeks]
        return DemandHistory(self.products, self.segments, self.warehouses, self.weeks[:n_weeks], qty,
                             self.revenue[..., :n_weeks], self.censored[..., :n_weeks], _launch(qty))


def _launch(qty: np.ndarray) -> np.ndarray:
    sold = (qty > 0).any(axis=(1, 2))
    return np.where(sold.any(axis=1), sold.argmax(axis=1), qty.shape[-1])


def _table(tables: Any, name: str, columns: Mapping[str, tuple[str, ...]] = REQUIRED_COLUMNS) -> pd.DataFrame:
    frame = tables.get(name)
    if frame is None:
        raise ValidationError(f"The demand forecast needs the {name!r} table.", code="missing_table", field=name)
    missing = [column for column in columns[name] if column not in frame.columns]
    if missing:
        raise ValidationError(f"Table {name!r} lacks columns {missing}.", code="missing_columns", field=name,
                              details={"missing": missing})
    return frame


def sold_goods(tables: Mapping[str, pd.DataFrame] | Any) -> dict[str, pd.DataFrame]:
    """The company tables limited to the products the demand forecast forecasts: the goods that sold.

    A good is a product whose ``type`` is not ``"service"``; it sold when a
    line of an order that was not cancelled holds it (at any date: the
    history's window is :func:`weekly_demand`'s business). Services are
    not stocked, and a good never sold has nothing to learn from: neither
    is forecast, so neither enters the backtest's pooled intervals and
    scores nor gets a reordering rule.

    Parameters
    ----------
    tables : mapping of str to DataFrame, or CompanyTables
        As :func:`weekly_demand` reads them; ``products`` also with
        :data:`GOODS_COLUMNS`.

    Returns
    -------
    dict of str to DataFrame
        Every table as given, but ``products`` limited to the goods that
        sold and ``order_lines`` to the lines of those goods.

    Raises
    ------
    ValidationError
        ``missing_table`` or ``missing_columns``.
    InsufficientDataError
        No good has been sold yet.
    """
    if hasattr(tables, "public_tables"):
        tables = tables.public_tables()
    products = _table(tables, "products", GOODS_COLUMNS)
    orders, lines = _table(tables, "orders"), _table(tables, "order_lines")
    live = orders.loc[orders["state"].astype(str) != "cancelled", "order_id"]
    sold = lines.loc[lines["order_id"].isin(live), "product_id"]
    goods = products[(products["type"].astype(str) != SERVICE_TYPE) & products["product_id"].isin(sold)]
    if goods.empty:
        raise InsufficientDataError("No good has been sold yet: nothing to forecast.", field="products",
                                    details={"products": len(products)})
    return {**tables, "products": goods, "order_lines": lines[lines["product_id"].isin(goods["product_id"])]}


def _censored_cells(censored: pd.DataFrame | None, products: pd.Index, warehouses: pd.Index,
                    weeks: pd.DatetimeIndex) -> np.ndarray:
    mask = np.zeros((len(products), len(warehouses), len(weeks)), dtype=bool)
    if censored is None:
        return mask
    if not isinstance(censored, pd.DataFrame):
        raise ValidationError("censored must be a table with columns product_id, warehouse_id, week.",
                              code="invalid_censored", field="censored")
    unknown = sorted(set(censored.columns) - set(CENSORED_COLUMNS))
    missing = [column for column in CENSORED_COLUMNS if column not in censored.columns]
    if unknown or missing:
        raise ValidationError(f"censored has unknown columns {unknown} or lacks {missing}; its columns are "
                              f"{list(CENSORED_COLUMNS)}.", code="invalid_censored", field="censored",
                              details={"unknown": unknown, "missing": missing})
    try:
        week = week_start(pd.to_datetime(censored["week"]))
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"censored weeks must be dates: {exc}", code="invalid_censored",
                              field="censored.week") from exc
    p = products.get_indexer(censored["product_id"])
    w = warehouses.get_indexer(censored["warehouse_id"])
    t = weeks.get_indexer(week)
    known = (p >= 0) & (w >= 0) & (t >= 0)  # other products, warehouses or weeks are outside the history
    mask[p[known], w[known], t[known]] = True
    return mask


def weekly_demand(
    tables: Mapping[str, pd.DataFrame] | Any,
    *,
    as_of: date | pd.Timestamp | None = None,
    censored: pd.DataFrame | None = None,
    segments: Sequence[str] | None = None,
) -> DemandHistory:
    """Weekly demand per product x segment x warehouse from the company tables.

    Parameters
    ----------
    tables : mapping of str to DataFrame, or CompanyTables
        ``orders``, ``order_lines``, ``customers``, ``products`` and
        ``warehouses`` with at least :data:`REQUIRED_COLUMNS`.
    as_of : date, optional
        Last day known; the history ends with the last complete week on or
        before it. Default: the latest order date.
    censored : DataFrame, optional
        Stock-outs: columns exactly :data:`CENSORED_COLUMNS` (``week`` any
        day of the week). Rows outside the history are ignored.
    segments : sequence of str, optional
        The customer segments, in order; default the segments of the
        ``customers`` table, sorted.

    Returns
    -------
    DemandHistory

    Raises
    ------
    ValidationError
        ``missing_table``, ``missing_columns``, ``invalid_censored``, or
        ``unknown_segment`` when a customer's segment is not in ``segments``.
    InsufficientDataError
        No product, or no order that was not cancelled in a complete week.
    """
    if hasattr(tables, "public_tables"):
        tables = tables.public_tables()
    orders, lines, customers, products, warehouses = (
        _table(tables, name) for name in ("orders", "order_lines", "customers", "products", "warehouses"))
    if products.empty:
        raise InsufficientDataError("There are no products to forecast.", field="products")
    orders = orders.loc[orders["state"].astype(str) != "cancelled",
                        ["order_id", "customer_id", "warehouse_id", "date_order"]]
    day = pd.to_datetime(orders["date_order"]).dt.normalize()
    first_week = week_start(day.min()) if len(day) else pd.NaT
    if len(day) and first_week < day.min():
        first_week += pd.Timedelta(days=7)  # the first week is partial: it starts after the first order
    last_day = pd.Timestamp(as_of).normalize() if as_of is not None else day.max()
    end_week = week_start(last_day) + pd.Timedelta(days=7) if len(day) else pd.NaT
    if len(day) and last_day < end_week - pd.Timedelta(days=1):
        end_week -= pd.Timedelta(days=7)  # the last week is not over yet
    if not len(day) or end_week <= first_week:
        raise InsufficientDataError("No order that was not cancelled in a complete week: nothing to learn from.",
                                    field="orders", details={"orders": len(day)})
    weeks = pd.date_range(first_week, end_week - pd.Timedelta(days=7), freq="7D")
    segment_of = customers.set_index("customer_id")["segment"].astype(str)
    segment_index = pd.Index(sorted(segment_of.unique()) if segments is None else list(segments))
    unknown = sorted(set(segment_of) - set(segment_index))
    if unknown:
        raise ValidationError(f"Customers have segments {unknown} that are not among {list(segment_index)}.",
                              code="unknown_segment", field="segments", details={"unknown": unknown})
    product_index = pd.Index(products["product_id"].to_numpy())
    warehouse_index = pd.Index(warehouses["warehouse_id"].to_numpy())
    lines = lines[["order_id", "product_id", "qty", "price_unit", "discount"]].merge(
        orders.assign(week=week_start(day)), on="order_id")
    lines = lines[(lines["week"] >= weeks[0]) & (lines["week"] <= weeks[-1])]
    p = product_index.get_indexer(lines["product_id"])
    s = segment_index.get_indexer(lines["customer_id"].map(segment_of))
    w = warehouse_index.get_indexer(lines["warehouse_id"])
    t = weeks.get_indexer(lines["week"])
    known = (p >= 0) & (s >= 0) & (w >= 0)
    if not known.all():
        raise ValidationError("Order lines refer to products, customers or warehouses the tables do not have.",
                              code="unknown_reference", field="order_lines",
                              details={"lines": int((~known).sum())})
    shape = (len(product_index), len(segment_index), len(warehouse_index), len(weeks))
    qty = np.zeros(shape)
    revenue = np.zeros(shape)
    quantity = lines["qty"].to_numpy(float)
    np.add.at(qty, (p, s, w, t), quantity)
    np.add.at(revenue, (p, s, w, t),
              quantity * lines["price_unit"].to_numpy(float) * (1 - lines["discount"].to_numpy(float) / 100))
    return DemandHistory(
        products=pd.DataFrame({"product_id": product_index.to_numpy(),
                               "category": products["category"].astype(str).to_numpy()}),
        segments=tuple(str(name) for name in segment_index),
        warehouses=tuple(int(wid) for wid in warehouse_index),
        weeks=weeks,
        qty=qty,
        revenue=revenue,
        censored=_censored_cells(censored, product_index, warehouse_index, weeks),
        launch=_launch(qty),
    )
