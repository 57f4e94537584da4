"""Which warehouse should ship an order: the one that delivers it soonest, then cheapest.

For a company with several warehouses, every candidate warehouse promises
every order with the promise core (:class:`crm_bridge.promise.engine.PromiseEngine`,
one ``check_batch`` per warehouse for all the orders at once; orders are
independent what-ifs, the lines of one order compete), so stock, receipts,
replenishment, the shipping calendar and capacity, and allocation count
exactly as on the quotation. The warehouses are then ranked per order by

1. the day the whole order can be delivered (a warehouse that cannot deliver
   it all comes last);
2. the order's cost from that warehouse: its shipping cost when known, plus
   ``split_cost`` for every shipment after the first (parts leaving on
   different days are separate shipments);
3. the number of shipments;
4. the order's current warehouse before another (a tie never moves an order);
5. the warehouse id.

A warehouse other than the current one is proposed only when it ranks first
and is strictly better on the first three keys; the reason says what it wins.
Nothing is changed: applying the proposal is the caller's (a person's) act.
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
from crm_bridge.promise.engine import STATUSES, PromiseEngine

__all__ = ["WAREHOUSE_REASON_CODES", "WarehouseOption", "WarehouseChoice", "choose_warehouses"]

WAREHOUSE_REASON_CODES = (
    "warehouse_can_deliver",
    "warehouse_sooner",
    "warehouse_cheaper",
    "warehouse_fewer_shipments",
    "warehouse_current_best",
    "warehouse_none_delivers",
)


@dataclass(frozen=True)
class WarehouseOption:
    """One warehouse's promise for one order.

    ``promised_date`` is when the last line arrives (None when a line cannot
    be delivered); ``shipments`` the number of distinct shipping days of its
    parts; ``cost`` the shipping cost plus the cost of the extra shipments.
    """

    warehouse_id: int
    status: str
    promised_date: dt.date | None
    shipments: int
    cost: float


@dataclass(frozen=True)
class WarehouseChoice:
    """The ranked warehouses of one order, and the proposal.

    ``proposed_id`` is the warehouse to propose, None when the current one
    is as good (or no warehouse can deliver the order); ``reason`` says why.
    """

    order_key: Any
    current_id: int | None
    options: tuple[WarehouseOption, ...]
    proposed_id: int | None
    reason: Reason

    @property
    def best(self) -> WarehouseOption:
        return self.options[0]

    def option(self, warehouse_id: int) -> WarehouseOption | None:
        return next((option for option in self.options if option.warehouse_id == warehouse_id), None)


def choose_warehouses(
    engines: Mapping[int, PromiseEngine],
    product_ids: Sequence[int] | np.ndarray,
    qty: Sequence[float] | np.ndarray,
    order_keys: Sequence | np.ndarray,
    commitment: Sequence[dt.date | None] | np.ndarray | None = None,
    current: Mapping[Any, int | None] | None = None,
    allow_partial: bool | Sequence[bool] | np.ndarray = False,
    allocated_qty: Mapping[int, Sequence[float] | np.ndarray] | None = None,
    shipping_cost: Mapping[int, float] | None = None,
    split_cost: float = 0.0,
) -> dict[Any, WarehouseChoice]:
    """Rank the warehouses for each order and propose the best when it beats the current one.

    Parameters
    ----------
    engines : mapping of warehouse id to PromiseEngine
        The candidate warehouses, each loaded with its state on the same
        ``today`` and a supply for every product of the lines.
    product_ids, qty : array-like of length n
        Per line; quantities in the product's base unit.
    order_keys : array-like of length n
        The order of each line: lines of one order compete for stock and
        capacity; orders are independent of each other.
    commitment : array-like of date or None, optional
        Per line, its order's commitment day; None (or no array): the
        earliest the product's lead time allows in that warehouse
        (:meth:`PromiseEngine.asked_dates`).
    current : mapping of order key to warehouse id, optional
        The warehouse each order has now (None or absent: none yet).
    allow_partial : bool or array-like of bool
    allocated_qty : mapping of warehouse id to array-like, optional
        Per warehouse, per line, the stock kept for segments served first
        (:func:`crm_bridge.promise.allocation.allocated_qty`).
    shipping_cost : mapping of warehouse id to float, optional
        Cost of shipping an order from each warehouse, when known (else 0).
    split_cost : float
        Cost of every shipment of an order after the first, >= 0.

    Returns
    -------
    dict
        ``{order key: WarehouseChoice}``, options best first.

    Raises
    ------
    ValidationError
        ``no_warehouse`` without engines, ``invalid_cost`` for a negative or
        non-finite cost, and the promise core's errors on the lines.
    """
    if not engines:
        raise ValidationError("at least one warehouse is needed", code="no_warehouse", field="engines")
    costs = {int(wid): float(cost) for wid, cost in (shipping_cost or {}).items()}
    for field_name, value in [("split_cost", split_cost), *((f"shipping_cost[{w}]", c) for w, c in costs.items())]:
        if isinstance(value, bool) or not np.isfinite(float(value)) or float(value) < 0:
            raise ValidationError("a cost must be a finite number >= 0", code="invalid_cost", field=field_name,
                                  details={"value": str(value)})
    product_ids = np.asarray(product_ids, dtype=np.int64)
    keys = np.asarray(order_keys)
    n = len(product_ids)
    if keys.shape != (n,):
        raise ValidationError(f"expected {n} order keys", code="length_mismatch", field="order_keys")
    commitment = [None] * n if commitment is None else list(commitment)
    current = current or {}
    frames = []
    for warehouse_id, engine in engines.items():
        asked = engine.asked_dates(product_ids, commitment)
        reserved = None if allocated_qty is None else allocated_qty.get(warehouse_id)
        batch = engine.check_batch(product_ids, qty, asked, allow_partial, keys, allocated_qty=reserved)
        frames.append(pd.DataFrame({
            "order": keys, "warehouse_id": int(warehouse_id), "status": batch.status,
            "promised": batch.promised_date, "first": batch.first_ship_date, "second": batch.second_ship_date,
        }))
    options = _options(pd.concat(frames, ignore_index=True), costs, float(split_cost))
    return {key: _choice(key, current.get(key), ranked) for key, ranked in options.items()}


def _options(lines: pd.DataFrame, costs: dict[int, float], split_cost: float) -> dict[Any, list[WarehouseOption]]:
    """Per order, the options of every warehouse, best first (without the current-warehouse tie-break)."""
    parts = pd.concat([lines[["order", "warehouse_id", "first"]].rename(columns={"first": "day"}),
                       lines[["order", "warehouse_id", "second"]].rename(columns={"second": "day"})])
    shipments = parts.dropna().groupby(["order", "warehouse_id"])["day"].nunique()
    per_order = lines.assign(missing=lines["promised"].isna()).groupby(["order", "warehouse_id"]).agg(
        status=("status", "max"), missing=("missing", "any"), promised=("promised", "max"))
    per_order["shipments"] = shipments.reindex(per_order.index, fill_value=0)
    per_order["cost"] = (per_order.index.get_level_values("warehouse_id").map(lambda wid: costs.get(wid, 0.0))
                         + split_cost * (per_order["shipments"] - 1).clip(lower=0))
    per_order = per_order.reset_index().sort_values(
        ["order", "missing", "promised", "cost", "shipments", "warehouse_id"], kind="stable")
    statuses = np.asarray(STATUSES)
    result: dict[Any, list[WarehouseOption]] = {}
    for row in per_order.itertuples(index=False):
        promised = None if row.missing else pd.Timestamp(row.promised).date()
        result.setdefault(_plain(row.order), []).append(WarehouseOption(
            int(row.warehouse_id), str(statuses[row.status]), promised, int(row.shipments), float(row.cost)))
    return result


def _plain(key: Any) -> Any:
    return key.item() if hasattr(key, "item") else key


def _rank(option: WarehouseOption) -> tuple:
    return (option.promised_date or dt.date.max, option.cost, option.shipments)


def _choice(key: Any, current_id: int | None, ranked: list[WarehouseOption]) -> WarehouseChoice:
    by_id = {option.warehouse_id: option for option in ranked}
    mine = by_id.get(current_id) if current_id is not None else None
    if mine is not None and _rank(mine) == _rank(ranked[0]):  # a tie never moves the order
        ranked = [mine] + [option for option in ranked if option is not mine]
    best = ranked[0]
    if best.promised_date is None:
        reason = Reason("warehouse_none_delivers", "No warehouse can deliver the whole order", {})
        return WarehouseChoice(key, current_id, tuple(ranked), None, reason)
    if best is mine:
        reason = Reason("warehouse_current_best", "The order's warehouse delivers it soonest and cheapest",
                        {"promised_date": best.promised_date})
        return WarehouseChoice(key, current_id, tuple(ranked), None, reason)
    return WarehouseChoice(key, current_id, tuple(ranked), best.warehouse_id, _why_better(best, mine))


def _why_better(best: WarehouseOption, mine: WarehouseOption | None) -> Reason:
    """What ``best`` wins over the current warehouse's option (or, without one, when it delivers)."""
    if mine is None or mine.promised_date is None:
        return Reason("warehouse_can_deliver", f"Delivers the whole order by {best.promised_date.isoformat()}",
                      {"promised_date": best.promised_date})
    if best.promised_date < mine.promised_date:
        return Reason("warehouse_sooner", f"Delivers on {best.promised_date.isoformat()} instead of "
                      f"{mine.promised_date.isoformat()}", {"promised_date": best.promised_date,
                                                           "date": mine.promised_date})
    if best.cost < mine.cost:
        return Reason("warehouse_cheaper", f"Same delivery date, cost {best.cost:g} instead of {mine.cost:g} "
                      f"({best.shipments} shipments instead of {mine.shipments})",
                      {"promised_date": best.promised_date, "shipments": best.shipments,
                       "current_shipments": mine.shipments})
    return Reason("warehouse_fewer_shipments", f"Same delivery date in {best.shipments} shipments instead of "
                  f"{mine.shipments}", {"promised_date": best.promised_date, "shipments": best.shipments,
                                        "current_shipments": mine.shipments})
