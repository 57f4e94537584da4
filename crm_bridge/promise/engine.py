"""Order promise: when can each line ship and arrive, and why.

For every order line this computes the quantity available to promise at the
asked date, the earliest date the whole quantity can be delivered, the split
when partial delivery is allowed, a status (``on_time``, ``partial``,
``late``, ``impossible``) and the reasons: which constraint bound.

The model, in the product's base unit of measure (see :mod:`crm_bridge.promise.uom`):

* **Stock** (storable products only). The projected position of a product is
  its free stock now plus its dated moves (receipts +, already promised
  deliveries -; moves dated in the past count today). What can be promised by
  day ``t`` is the lowest projected position from ``t`` on, because a later
  delivery already promised must stay covered. From ``today +
  replenish_lead_days`` (calendar days) on, any quantity can be bought or made;
  without a lead time the product cannot be replenished.
* **Shipping capacity** (storable and consumable products). A warehouse ships
  on working days, a number of lines and/or units per day; shipments already
  booked consume it. Each shipment goes out on the latest day with room that is
  not after the day it must leave to arrive in time and not before its stock is
  ready; when no such day exists, on the earliest day with room after that.
* **Allocation** (optional, per line): stock kept back for the forecast
  demand of customer segments that come before the line's, until the
  product can be replenished (:mod:`crm_bridge.promise.allocation`). A line
  may not take it: what is available to it is the projected position less
  that quantity, on every day before replenishment. When the line would have
  been ready earlier without it, the reason ``allocation`` says so.
* **Customer lead time**: calendar days between shipping and delivery.
* **Competition**: lines that compete (all lines of a batch, or those sharing
  an order key) are served one after the other, the line needed first first
  (ties: line order); they share stock and capacity. Groups with different
  order keys are independent what-ifs against the same state.
* **Horizon**: a line that cannot ship within ``horizon_days`` after the day it
  should leave is ``impossible``.

Services skip both checks; consumables skip the stock check but still ship.

The batch entry point :meth:`PromiseEngine.check_batch` is vectorised with
numpy (one day grid per product, ``searchsorted`` for readiness) and only the
capacity allocation walks shipments in Python, with union-find "next day with
room" pointers; its result holds arrays and builds reasons with messages only
for the lines asked for. :meth:`PromiseEngine.check_order` and
:func:`check_order` wrap it for one order.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crm_bridge.contract.errors import ValidationError
from crm_bridge.contract.reasons import Reason, xmlrpc_value
from crm_bridge.promise.calendar import WorkingCalendar, to_day

__all__ = [
    "KINDS",
    "STATUSES",
    "REASON_CODES",
    "ProductSupply",
    "Capacity",
    "PromiseRequest",
    "Shipment",
    "LinePromise",
    "OrderPromise",
    "BatchPromise",
    "PromiseEngine",
    "check_order",
]

KINDS = ("storable", "consumable", "service")
# Ordered from best to worst: an order takes the worst status of its lines.
STATUSES = ("on_time", "partial", "late", "impossible")
REASON_CODES = (
    "in_stock",
    "stock_short",
    "replenishment",
    "no_replenishment",
    "lead_time",
    "capacity_full",
    "units_exceed_daily",
    "beyond_horizon",
    "split",
    "service_no_stock_check",
    "consumable_no_stock_check",
    "allocation",
)
_BIT = {code: np.int32(1 << i) for i, code in enumerate(REASON_CODES)}
_STORABLE, _CONSUMABLE, _SERVICE = range(3)
_ON_TIME, _PARTIAL, _LATE, _IMPOSSIBLE = range(4)
# Quantities are compared with this slack: Odoo stores them with <= 6 decimals.
QTY_TOL = 1e-6
_GRID_STEP = 64  # day grids are cached by length rounded up to this


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class ProductSupply:
    """What one product can supply from one warehouse.

    Parameters
    ----------
    product_id : int
    free_qty : float
        Free (unreserved) stock now, in the base unit; may be negative.
    moves : sequence of (date, float)
        Dated future moves: receipts positive, deliveries already promised
        negative.
    replenish_lead_days : int or None
        Vendor or manufacturing lead time in calendar days; ``None`` when the
        product cannot be replenished.
    customer_lead_days : int
        Calendar days from shipping to delivery.
    kind : {"storable", "consumable", "service"}
    uom : str
        Name of the base unit, for messages.
    """

    product_id: int
    free_qty: float
    moves: Sequence[tuple[dt.date, float]] = ()
    replenish_lead_days: int | None = None
    customer_lead_days: int = 0
    kind: str = "storable"
    uom: str = "Units"


@dataclass(frozen=True)
class Capacity:
    """Shipping capacity of one warehouse.

    Parameters
    ----------
    calendar : WorkingCalendar
    lines_per_day : int or None
        Order lines (shipments) per working day; ``None``: unlimited.
    units_per_day : float or None
        Units per working day; ``None``: unlimited.
    booked : mapping of date to (lines, units)
        Shipments already promised, per day.
    """

    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    lines_per_day: int | None = None
    units_per_day: float | None = None
    booked: Mapping[dt.date, tuple[int, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class PromiseRequest:
    """One order line to promise: ``qty`` base units wanted on ``date_asked``."""

    product_id: int
    qty: float
    date_asked: dt.date
    allow_partial: bool = False


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Shipment:
    """One part of a line: ``qty`` leaves on ``ship_date`` and arrives on ``delivery_date``."""

    ship_date: dt.date | None
    delivery_date: dt.date | None
    qty: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "ship_date": xmlrpc_value(self.ship_date),
            "delivery_date": xmlrpc_value(self.delivery_date),
            "qty": self.qty,
        }


@dataclass(frozen=True)
class LinePromise:
    """The promise for one line.

    ``atp_qty`` is what is available to promise to this line on the day it
    should ship (after the lines served before it), at most ``qty``.
    ``ship_date`` and ``promised_date`` are when the last part leaves and
    arrives, ``None`` when not everything can ship. ``split`` lists the parts
    that can ship (empty for services).
    """

    line: int
    product_id: int
    qty: float
    date_asked: dt.date
    status: str
    atp_qty: float
    ship_date: dt.date | None
    promised_date: dt.date | None
    split: tuple[Shipment, ...]
    reasons: tuple[Reason, ...]

    def cause(self) -> Reason:
        """What decided the status: the first reason other than stock on hand or a split."""
        return next((r for r in self.reasons if r.code not in ("in_stock", "split")), self.reasons[0])

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "product_id": self.product_id,
            "qty": self.qty,
            "date_asked": xmlrpc_value(self.date_asked),
            "status": self.status,
            "atp_qty": self.atp_qty,
            "ship_date": xmlrpc_value(self.ship_date),
            "promised_date": xmlrpc_value(self.promised_date),
            "split": [part.to_dict() for part in self.split],
            "reasons": [reason.to_dict() for reason in self.reasons],
        }


@dataclass(frozen=True)
class OrderPromise:
    """The promise for a whole order: its worst line status, and the day the last line arrives."""

    status: str
    promised_date: dt.date | None
    lines: tuple[LinePromise, ...]
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "promised_date": xmlrpc_value(self.promised_date),
            "reasons": [reason.to_dict() for reason in self.reasons],
            "lines": [line.to_dict() for line in self.lines],
        }


# ---------------------------------------------------------------- validation


def _bad(message: str, code: str, field_name: str, value: Any = None) -> ValidationError:
    details = {} if value is None else {"value": str(value)}
    return ValidationError(message, code=code, field=field_name, details=details)


def _finite_number(
    value: Any, field_name: str, minimum: float | None = None, code: str = "invalid_quantity"
) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise _bad(f"{field_name} must be a number", code, field_name, value)
    number = float(value)
    if not math.isfinite(number):
        raise _bad(f"{field_name} must be finite", code, field_name, value)
    if minimum is not None and number < minimum:
        raise _bad(f"{field_name} must be >= {minimum}", code, field_name, value)
    return number


def _lead_days(value: Any, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise _bad(f"{field_name} must be a whole number of days >= 0", "invalid_lead_time", field_name, value)
    return int(value)


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _line_quantities(qty: Any, n: int) -> np.ndarray:
    try:
        values = np.asarray(qty, dtype=float)
    except (TypeError, ValueError):
        values = None
    if values is None or values.shape != (n,):
        for i, item in enumerate(list(qty)):
            _finite_number(item, f"lines[{i}].qty")
        raise _bad(f"expected {n} quantities", "length_mismatch", "qty")
    bad = ~(values > 0) | ~np.isfinite(values)  # NaN fails "> 0"
    if bad.any():
        i = _first_bad(bad)
        raise _bad("quantity must be a finite number > 0", "invalid_quantity", f"lines[{i}].qty", qty[i])
    return values


def _asked_offsets(date_asked: Any, n: int, today: np.datetime64) -> np.ndarray:
    try:
        days = np.asarray(date_asked, dtype="datetime64[D]")
    except (TypeError, ValueError):
        days = None
    if days is None or days.shape != (n,):
        for i, item in enumerate(list(date_asked)):
            to_day(item, f"lines[{i}].date_asked")
        raise _bad(f"expected {n} dates", "length_mismatch", "date_asked")
    if np.isnat(days).any():
        raise _bad("a date is required", "invalid_date", f"lines[{_first_bad(np.isnat(days))}].date_asked")
    offsets = (days - today).astype(np.int64)
    if (offsets < 0).any():
        i = _first_bad(offsets < 0)
        raise _bad(f"asked date {days[i]} is before today {today}", "date_in_past", f"lines[{i}].date_asked", days[i])
    return offsets


# ---------------------------------------------------------------- engine


@dataclass(frozen=True)
class _Grid:
    """Everything that depends only on the supplies and the grid length."""

    length: int
    atp: np.ndarray  # (products, days): what can be promised by each day; inf once replenishable
    next_work: np.ndarray  # first working day >= t, ``length`` when none
    prev_work: np.ndarray  # last working day <= t, -1 when none
    lines_left: list[float]
    units_left: list[float]
    next_free: list[int]  # union-find: next day with room is the root
    prev_free: list[int]  # same backwards, shifted by one (index d + 1 is day d)


class PromiseEngine:
    """Promises against one warehouse's supplies and capacity on ``today``.

    Parameters
    ----------
    supplies : sequence of ProductSupply
        One per product the lines may ask for.
    capacity : Capacity
    today : date
    horizon_days : int
        How far after the day a line should ship it may still ship.
    """

    def __init__(
        self,
        supplies: Sequence[ProductSupply],
        capacity: Capacity,
        today: dt.date,
        horizon_days: int = 365,
    ) -> None:
        self.today = to_day(today, "today")
        self.today_date: dt.date = self.today.astype(dt.date)
        if isinstance(horizon_days, bool) or not isinstance(horizon_days, int) or horizon_days < 1:
            raise _bad("horizon_days must be an integer >= 1", "invalid_horizon", "horizon_days", horizon_days)
        self.horizon_days = horizon_days
        self.capacity = _checked_capacity(capacity)
        self.supplies = tuple(supplies)
        self._load_supplies()
        self._grids: dict[int, _Grid] = {}

    # ---- supplies

    def _load_supplies(self) -> None:
        ids, kinds, free, cust_lead, repl_day = [], [], [], [], []
        move_rows, move_days, move_qty = [], [], []
        self._receipts: list[tuple[list[int], list[float]]] = []  # for "next receipt" messages
        for i, supply in enumerate(self.supplies):
            where = f"supplies[{i}]"
            if isinstance(supply.product_id, bool) or not isinstance(supply.product_id, (int, np.integer)):
                raise _bad("product_id must be an integer", "invalid_product", f"{where}.product_id", supply.product_id)
            if supply.kind not in KINDS:
                raise _bad(f"kind must be one of {KINDS}", "invalid_kind", f"{where}.kind", supply.kind)
            ids.append(int(supply.product_id))
            kinds.append(KINDS.index(supply.kind))
            free.append(_finite_number(supply.free_qty, f"{where}.free_qty"))
            cust_lead.append(_lead_days(supply.customer_lead_days, f"{where}.customer_lead_days"))
            lead = supply.replenish_lead_days
            repl_day.append(-1 if lead is None else _lead_days(lead, f"{where}.replenish_lead_days"))
            receipts: dict[int, float] = {}
            for j, (day, qty) in enumerate(supply.moves):
                offset = max(int((to_day(day, f"{where}.moves[{j}].date") - self.today).astype(int)), 0)
                qty = _finite_number(qty, f"{where}.moves[{j}].qty")
                move_rows.append(i)
                move_days.append(offset)
                move_qty.append(qty)
                if qty > 0:
                    receipts[offset] = receipts.get(offset, 0.0) + qty
            self._receipts.append((sorted(receipts), [receipts[d] for d in sorted(receipts)]))
        self._ids = np.array(ids, dtype=np.int64)
        if len(set(ids)) != len(ids):
            dup = next(i for i, pid in enumerate(ids) if ids.index(pid) != i)
            raise _bad("each product may have one supply only", "duplicate_product", f"supplies[{dup}].product_id",
                       ids[dup])
        self._id_order = np.argsort(self._ids, kind="stable")
        self._sorted_ids = self._ids[self._id_order]
        self._kind = np.array(kinds, dtype=np.int8)
        self._free = np.array(free, dtype=float)
        self._customer_lead = np.array(cust_lead, dtype=np.int64)
        self._replenish_day = np.array(repl_day, dtype=np.int64)
        self._moves = (np.array(move_rows, dtype=np.int64), np.array(move_days, dtype=np.int64), np.array(move_qty))

    def _product_rows(self, product_ids: Any, n: int) -> np.ndarray:
        ids = np.asarray(product_ids)
        if ids.dtype.kind not in "iu":  # floats would truncate silently: reject them
            for i, pid in enumerate(list(product_ids)):
                if isinstance(pid, bool) or not isinstance(pid, (int, np.integer)):
                    raise _bad("product_id must be an integer", "invalid_product", f"lines[{i}].product_id", pid)
            ids = np.array(list(product_ids), dtype=np.int64)
        if ids.shape != (n,):
            raise _bad(f"expected {n} product ids", "length_mismatch", "product_id")
        pos = np.minimum(np.searchsorted(self._sorted_ids, ids), max(len(self._ids) - 1, 0))
        known = (self._sorted_ids[pos] == ids) if len(self._ids) else np.zeros(n, bool)
        if not known.all():
            i = _first_bad(~known)
            raise _bad(f"product {ids[i]} is not in the supplies given", "unknown_product", f"lines[{i}].product_id",
                       ids[i])
        return self._id_order[pos]

    # ---- day grid

    def _grid(self, needed_length: int) -> _Grid:
        length = -(-needed_length // _GRID_STEP) * _GRID_STEP
        if length not in self._grids:
            self._grids[length] = self._build_grid(length)
        return self._grids[length]

    def _build_grid(self, length: int) -> _Grid:
        n_products = len(self.supplies)
        rows, days, qty = self._moves
        # Moves after the grid all count on its last day: the end position stays right.
        flat = rows * length + np.minimum(days, length - 1)
        delta = np.bincount(flat, weights=qty, minlength=n_products * length).reshape(n_products, length)
        position = self._free[:, None] + np.cumsum(delta, axis=1)
        replenish_day = self._replenish_day[:, None]
        replenishable = (replenish_day >= 0) & (np.arange(length)[None, :] >= replenish_day)
        position[replenishable | (self._kind != _STORABLE)[:, None]] = np.inf
        atp = np.minimum.accumulate(position[:, ::-1], axis=1)[:, ::-1]

        cap = self.capacity
        day_index = np.arange(length)
        working = cap.calendar.working_mask(self.today, length)
        next_work = np.minimum.accumulate(np.where(working, day_index, length)[::-1])[::-1]
        prev_work = np.maximum.accumulate(np.where(working, day_index, -1))
        lines_left = np.where(working, np.inf if cap.lines_per_day is None else float(cap.lines_per_day), 0.0)
        units_left = np.where(working, np.inf if cap.units_per_day is None else float(cap.units_per_day), 0.0)
        for day, (lines, units) in cap.booked.items():
            offset = int((to_day(day, "booked") - self.today).astype(int))
            if 0 <= offset < length:
                lines_left[offset] -= lines
                units_left[offset] -= units
        has_room = (lines_left >= 1) & (units_left > QTY_TOL)
        next_free = np.where(has_room, day_index, day_index + 1).tolist() + [length]
        prev_free = [0] + np.where(has_room, day_index + 1, day_index).tolist()
        return _Grid(length, atp, next_work, prev_work, lines_left.tolist(), units_left.tolist(), next_free, prev_free)

    # ---- checks

    def check_batch(
        self,
        product_ids: Sequence[int] | np.ndarray,
        qty: Sequence[float] | np.ndarray,
        date_asked: Sequence[dt.date] | np.ndarray,
        allow_partial: bool | Sequence[bool] | np.ndarray = False,
        order_keys: Sequence | np.ndarray | None = None,
        allocated_qty: Sequence[float] | np.ndarray | None = None,
    ) -> BatchPromise:
        """Promise many lines at once.

        Parameters
        ----------
        product_ids, qty, date_asked : array-like of length n
            Per line; quantities in the product's base unit, dates as
            ``date``, ISO strings or ``datetime64`` (see :meth:`asked_dates`).
        allow_partial : bool or array-like of bool
        order_keys : array-like, optional
            Lines with the same key compete for stock and capacity; lines with
            different keys are independent what-ifs. ``None``: all lines compete.
        allocated_qty : array-like of float, optional
            Per line, base units it may not take before the product can be
            replenished: stock kept for customer segments served first
            (:func:`crm_bridge.promise.allocation.allocated_qty`).

        Returns
        -------
        BatchPromise

        Raises
        ------
        ValidationError
            ``unknown_product``, ``invalid_product``, ``invalid_quantity``,
            ``invalid_date``, ``date_in_past``, ``invalid_allocation`` or
            ``length_mismatch``, with the field, e.g. ``lines[3].qty``.
        """
        n = len(qty)
        reserved = np.zeros(n) if allocated_qty is None else np.asarray(allocated_qty, dtype=float)
        if reserved.shape != (n,):
            raise _bad(f"expected {n} allocated quantities", "length_mismatch", "allocated_qty")
        if not (np.isfinite(reserved) & (reserved >= 0)).all():
            i = _first_bad(~(np.isfinite(reserved) & (reserved >= 0)))
            raise _bad("allocated quantity must be a finite number >= 0", "invalid_allocation",
                       f"lines[{i}].allocated_qty", reserved[i])
        rows = self._product_rows(product_ids, n)
        qty = _line_quantities(qty, n)
        asked = _asked_offsets(date_asked, n, self.today)
        partial = np.asarray(allow_partial, dtype=bool)
        if partial.ndim and partial.shape != (n,):
            raise _bad(f"expected {n} allow_partial flags", "length_mismatch", "allow_partial")
        partial = np.broadcast_to(partial, (n,))
        groups = (np.zeros(n, np.int64) if order_keys is None
                  else np.unique(np.asarray(order_keys), return_inverse=True)[1])
        if groups.shape != (n,):
            raise _bad(f"expected {n} order keys", "length_mismatch", "order_keys")

        lead = self._customer_lead[rows]
        kind = self._kind[rows]
        latest_ship = asked - lead  # calendar day the line must leave to arrive in time
        grid = self._grid(max(int(latest_ship.max(initial=0)), 0) + self.horizon_days + 1)
        target = np.where(latest_ship >= 0, grid.prev_work[np.clip(latest_ship, 0, grid.length - 1)], -1)
        line_order = np.lexsort((np.arange(n), target, groups))
        stock = _allocate_stock(grid, rows, qty, target, groups, kind == _STORABLE, partial, reserved)
        shipments = _shipments(stock, qty, kind)
        ship_day, capacity_bound, too_big = self._allocate_capacity(grid, shipments, line_order, groups, target)
        return BatchPromise._assemble(
            self, grid, rows, qty, asked, target, kind, stock, shipments, ship_day, capacity_bound, too_big
        )

    def asked_dates(
        self,
        product_ids: Sequence[int] | np.ndarray,
        commitment: Sequence[dt.date | None] | np.ndarray,
    ) -> np.ndarray:
        """The day each line asks to be delivered on, from its order's commitment day.

        A commitment day is asked for, today at the earliest (a commitment
        already past is asked for today: it is an exception of its own). A
        line without one asks for the earliest delivery its product's lead
        time allows: the first shipping day plus the customer lead time.
        ``commitment`` holds dates, ``None`` or NaT.

        Returns
        -------
        ndarray of datetime64[D]
        """
        n = len(commitment)
        rows = self._product_rows(product_ids, n)
        days = np.asarray([np.datetime64("NaT") if day is None else day for day in commitment], dtype="datetime64[D]")
        first_ship = to_day(self.capacity.calendar.next_working_day(self.today_date), "today")
        earliest = first_ship + self._customer_lead[rows]
        return np.where(np.isnat(days), earliest, np.maximum(days, self.today))

    def check_order(self, lines: Sequence[PromiseRequest]) -> OrderPromise:
        """Promise one order: its lines compete for stock and capacity."""
        if not lines:
            raise _bad("an order needs at least one line", "empty_order", "lines")
        batch = self.check_batch(
            [line.product_id for line in lines],
            [line.qty for line in lines],
            [line.date_asked for line in lines],
            [bool(line.allow_partial) for line in lines],
        )
        return batch.order()

    def _allocate_capacity(self, grid, shipments, line_order, groups, target):
        """Ship day of each shipment, whether capacity moved it, whether it can never fit a day."""
        s_line, s_qty, s_ready = shipments["line"], shipments["qty"], shipments["ready"]
        n_ship = len(s_line)
        length = grid.length
        s_target = target[s_line]
        lo = grid.next_work[np.minimum(s_ready, length - 1)]
        lo = np.where(s_ready >= length, length, lo)
        # Without capacity limits: the target day when the stock is ready by then, else the first day after.
        free_day = np.where(lo <= s_target, s_target, lo)
        units_cap = self.capacity.units_per_day
        too_big = np.zeros(n_ship, bool) if units_cap is None else s_qty > units_cap + QTY_TOL
        if self.capacity.lines_per_day is None and units_cap is None:
            return free_day, np.zeros(n_ship, bool), too_big

        ship_day = np.full(n_ship, length, np.int64)
        # Shipments in the order their lines are served; the parts of a line in part order.
        rank = np.empty(len(line_order), np.int64)
        rank[line_order] = np.arange(len(line_order))
        walk = np.lexsort((shipments["part"], rank[s_line]))
        walk = walk[(lo[walk] < length) & ~too_big[walk]]
        ship_day[walk] = _walk_capacity(
            grid, walk, groups[s_line].tolist(), lo.tolist(), s_target.tolist(), s_qty.tolist()
        )
        return ship_day, ship_day != free_day, too_big


def _walk_capacity(grid: _Grid, walk: np.ndarray, group: list, lo: list, target: list, qty: list) -> list[int]:
    """Sequential capacity allocation, the one part that cannot be vectorised."""
    length = grid.length
    days = []
    current_group = None
    for s in walk.tolist():
        if group[s] != current_group:  # a new what-if starts from the booked state
            current_group = group[s]
            lines_left, units_left = grid.lines_left[:], grid.units_left[:]
            next_free, prev_free = grid.next_free[:], grid.prev_free[:]
        need, first, last = qty[s] - QTY_TOL, lo[s], target[s]
        day = -1
        if first <= last:  # latest day with room in [first, last]
            day = _root(prev_free, last + 1) - 1
            while day >= first and units_left[day] < need:
                day = _root(prev_free, day) - 1
            if day < first:
                day = -1
        if day < 0:  # earliest day with room after the target
            day = _root(next_free, max(first, last + 1))
            while day < length and units_left[day] < need:
                day = _root(next_free, day + 1)
        if day < length:
            lines_left[day] -= 1
            units_left[day] -= qty[s]
            if lines_left[day] < 1 or units_left[day] <= QTY_TOL:
                next_free[day] = day + 1
                prev_free[day + 1] = day
        days.append(day)
    return days


def _root(parent: list[int], i: int) -> int:
    """Union-find root with path compression: the nearest day with room."""
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:
        parent[i], i = root, parent[i]
    return root


def _allocate_stock(grid, rows, qty, target, groups, storable, partial, reserved) -> dict[str, np.ndarray]:
    """Readiness of each storable line, serving competing lines needed first first, never taking ``reserved``."""
    n = len(qty)
    wanted = np.where(storable, qty, 0.0)
    order = np.lexsort((np.arange(n), target, rows, groups))
    sorted_qty = wanted[order]
    before = np.cumsum(sorted_qty) - sorted_qty
    new_segment = np.ones(n, bool)
    new_segment[1:] = (groups[order][1:] != groups[order][:-1]) | (rows[order][1:] != rows[order][:-1])
    segment_start = np.maximum.accumulate(np.where(new_segment, np.arange(n), 0))
    served_before = np.empty(n)
    served_before[order] = before - before[segment_start]

    atp_at_target = grid.atp[rows, np.maximum(target, 0)] - served_before - reserved
    atp_qty = np.clip(np.where(storable, atp_at_target, qty), 0.0, qty)
    split = storable & partial & (target >= 0) & (atp_qty > QTY_TOL) & (atp_qty < qty - QTY_TOL)
    # First day the whole quantity (or the part shipped first) is covered.
    ready_full = np.zeros(n, np.int64)
    ready_part = np.zeros(n, np.int64)
    ready_unreserved = np.zeros(n, np.int64)
    by_row = np.flatnonzero(storable)
    by_row = by_row[np.argsort(rows[by_row], kind="stable")]
    bounds = np.flatnonzero(np.diff(rows[by_row])) + 1
    for chunk in np.split(by_row, bounds):
        if len(chunk):
            curve = grid.atp[rows[chunk[0]]]
            needed = served_before[chunk] + reserved[chunk]
            ready_full[chunk] = np.searchsorted(curve, needed + qty[chunk] - QTY_TOL)
            ready_part[chunk] = np.searchsorted(curve, needed + atp_qty[chunk] - QTY_TOL)
            ready_unreserved[chunk] = np.searchsorted(curve, served_before[chunk] + qty[chunk] - QTY_TOL)
    allocation_bound = storable & (reserved > QTY_TOL) & (ready_full > np.maximum(ready_unreserved, target))
    return {"atp_qty": atp_qty, "split": split, "ready_full": ready_full, "ready_part": ready_part,
            "allocation_bound": allocation_bound, "reserved": reserved}


def _shipments(stock, qty, kind) -> dict[str, np.ndarray]:
    """Flat table of shipments: one per shipping line, two for a split line."""
    ships = kind != _SERVICE
    split = stock["split"]
    first_line = np.flatnonzero(ships)
    second_line = np.flatnonzero(split)
    first_qty = np.where(split, stock["atp_qty"], qty)[first_line]
    first_ready = np.where(split, stock["ready_part"], stock["ready_full"])[first_line]
    return {
        "line": np.concatenate([first_line, second_line]),
        "part": np.concatenate([np.zeros(len(first_line), np.int8), np.ones(len(second_line), np.int8)]),
        "qty": np.concatenate([first_qty, (qty - stock["atp_qty"])[second_line]]),
        "ready": np.concatenate([first_ready, stock["ready_full"][second_line]]),
    }


class BatchPromise:
    """Promises of a batch of lines, as arrays; build per-line results on demand.

    Attributes
    ----------
    status : ndarray of int8
        Index into :data:`STATUSES`.
    atp_qty : ndarray of float
    ship_date, promised_date : ndarray of datetime64[D]
        When the last part leaves / arrives; NaT when not everything can ship.
    first_ship_date, first_qty, second_ship_date, second_qty : ndarrays
        The split (second_qty is 0 and second_ship_date NaT when unsplit).
    reason_flags : ndarray of int32
        Bit ``i`` set when reason ``REASON_CODES[i]`` applies.
    """

    @classmethod
    def _assemble(cls, engine, grid, rows, qty, asked, target, kind, stock, shipments, ship_day, capacity_bound,
                  too_big):
        self = cls()
        n, length = len(qty), grid.length
        self._engine, self._rows, self._asked, self._target = engine, rows, asked, target
        self.product_ids = engine._ids[rows]
        self.qty = qty
        self.atp_qty = stock["atp_qty"]
        lead = engine._customer_lead[rows]
        s_line, s_part = shipments["line"], shipments["part"]
        day = np.full((2, n), -1, np.int64)  # -1: no such part
        part_qty = np.zeros((2, n))
        day[s_part, s_line] = ship_day
        part_qty[s_part, s_line] = shipments["qty"]
        shipped = (day >= 0) & (day < length)
        on_time = shipped & (day <= (asked - lead)[None, :])
        qty_shipped = (part_qty * shipped).sum(axis=0)
        qty_on_time = (part_qty * on_time).sum(axis=0)
        all_shipped = qty_shipped >= qty - QTY_TOL
        status = np.select(
            [kind == _SERVICE, qty_on_time >= qty - QTY_TOL, qty_on_time > QTY_TOL, all_shipped],
            [_ON_TIME, _ON_TIME, _PARTIAL, _LATE],
            default=_IMPOSSIBLE,
        )
        self.status = status.astype(np.int8)

        today, nat = engine.today, np.datetime64("NaT")
        last_day = np.where(shipped, day, -1).max(axis=0)
        self._day, self._part_qty, self._shipped = day, part_qty, shipped
        self.ship_date = np.where(all_shipped & (kind != _SERVICE), today + last_day, nat)
        self.promised_date = np.where(kind == _SERVICE, today + asked, self.ship_date + lead)
        self.first_ship_date = np.where(shipped[0], today + day[0], nat)
        self.second_ship_date = np.where(shipped[1], today + day[1], nat)
        self.first_qty, self.second_qty = part_qty[0], part_qty[1]

        storable = kind == _STORABLE
        repl = engine._replenish_day[rows]
        stuck = storable & (stock["ready_full"] >= length)
        flags = np.zeros(n, np.int32)
        flags |= np.where(kind == _SERVICE, _BIT["service_no_stock_check"], 0)
        flags |= np.where(kind == _CONSUMABLE, _BIT["consumable_no_stock_check"], 0)
        short = storable & (self.atp_qty < qty - QTY_TOL)
        replenished = storable & ~stuck & (repl >= 0) & (stock["ready_full"] >= repl)
        flags |= np.where(storable & ~short & ~replenished, _BIT["in_stock"], 0)
        flags |= np.where(short, _BIT["stock_short"], 0)
        flags |= np.where(replenished, _BIT["replenishment"], 0)
        flags |= np.where(stuck & (repl < 0), _BIT["no_replenishment"], 0)
        flags |= np.where(stuck & (repl >= 0), _BIT["beyond_horizon"], 0)
        flags |= np.where((kind != _SERVICE) & (target < 0), _BIT["lead_time"], 0)
        flags |= np.where(stock["split"], _BIT["split"], 0)
        flags |= np.where(stock["allocation_bound"], _BIT["allocation"], 0)
        self._reserved = stock["reserved"]
        def any_shipment(mask: np.ndarray) -> np.ndarray:
            per_line = np.zeros(n, bool)
            np.logical_or.at(per_line, s_line, mask)
            return per_line

        could_ship = (shipments["ready"] < length) & ~too_big
        flags |= np.where(any_shipment(capacity_bound & could_ship), _BIT["capacity_full"], 0)
        flags |= np.where(any_shipment((ship_day >= length) & could_ship), _BIT["beyond_horizon"], 0)
        flags |= np.where(any_shipment(too_big), _BIT["units_exceed_daily"], 0)
        self.reason_flags = flags
        self._first_ship = grid.next_work[0]
        return self

    def __len__(self) -> int:
        return len(self.qty)

    def status_names(self) -> np.ndarray:
        """Status of each line as a string array."""
        return np.asarray(STATUSES)[self.status]

    def line(self, i: int) -> LinePromise:
        """Full result of line ``i``, with messages."""
        engine = self._engine
        row = int(self._rows[i])
        supply = engine.supplies[row]
        today = engine.today_date
        split = tuple(
            Shipment(
                _date(today, self._day[part, i]),
                _date(today, self._day[part, i] + supply.customer_lead_days),
                float(self._part_qty[part, i]),
            )
            for part in (0, 1)
            if self._shipped[part, i]
        )
        return LinePromise(
            line=i,
            product_id=supply.product_id,
            qty=float(self.qty[i]),
            date_asked=_date(today, self._asked[i]),
            status=STATUSES[self.status[i]],
            atp_qty=float(self.atp_qty[i]),
            ship_date=_date_or_none(self.ship_date[i]),
            promised_date=_date_or_none(self.promised_date[i]),
            split=split,
            reasons=tuple(self._reasons(i, supply, split)),
        )

    def lines(self) -> list[LinePromise]:
        return [self.line(i) for i in range(len(self))]

    def to_dicts(self) -> list[dict[str, Any]]:
        """Every line as an XML-RPC-friendly dict."""
        return [line.to_dict() for line in self.lines()]

    def order(self, rows: Sequence[int] | np.ndarray | None = None) -> OrderPromise:
        """Lines ``rows`` of the batch (all by default) read as one order.

        The order takes its worst line status and the day its last line
        arrives (``None`` when a line cannot be delivered); its reasons name
        each line that is not on time with its cause, and the line that
        completes the order. Lines are numbered from 1 in the order of
        ``rows``; ``LinePromise.line`` keeps the line's index in the batch.
        """
        rows = range(len(self)) if rows is None else [int(i) for i in rows]
        lines = tuple(self.line(i) for i in rows)
        if not lines:
            raise _bad("an order needs at least one line", "empty_order", "lines")
        worst = max(STATUSES.index(line.status) for line in lines)
        dates = [line.promised_date for line in lines]
        promised = None if None in dates else max(dates)
        reasons = []
        for number, line in enumerate(lines):
            if line.status != "on_time":
                cause = line.cause()
                reasons.append(
                    Reason(
                        f"line_{line.status}",
                        f"Line {number + 1} ({line.status.replace('_', ' ')}): {cause.message}",
                        {"line": number, "product_id": line.product_id, "cause": cause.code},
                    )
                )
        if promised is not None and len(lines) > 1:
            number = max(range(len(lines)), key=lambda k: lines[k].promised_date)
            reasons.append(
                Reason(
                    "binding_line",
                    f"The order is complete on {promised.isoformat()}, when line {number + 1} arrives",
                    {"line": number, "promised_date": promised},
                )
            )
        return OrderPromise(STATUSES[worst], promised, lines, tuple(reasons))

    def _reasons(self, i: int, supply: ProductSupply, split: tuple[Shipment, ...]) -> list[Reason]:
        flags = int(self.reason_flags[i])
        engine = self._engine
        today = engine.today_date
        uom = supply.uom
        qty = float(self.qty[i])
        target = int(self._target[i])
        stock_day = _date(today, max(target, 0))
        reasons = []

        def add(code: str, message: str, **params: Any) -> None:
            if flags & int(_BIT[code]):
                reasons.append(Reason(code, message, params))

        add("service_no_stock_check", "service: no stock check")
        add("consumable_no_stock_check", "consumable: no stock check")
        first_ship = _date(today, int(self._first_ship))
        earliest = first_ship + dt.timedelta(days=supply.customer_lead_days)
        add(
            "lead_time",
            f"Earliest delivery is {earliest.isoformat()}: first shipping day {first_ship.isoformat()} "
            f"plus {supply.customer_lead_days} days customer lead time",
            earliest_date=earliest,
            customer_lead_days=supply.customer_lead_days,
        )
        add("in_stock", f"{_qty(qty)} {uom} free on {stock_day.isoformat()}", qty=qty, date=stock_day)
        if flags & int(_BIT["allocation"]):
            kept = float(self._reserved[i])
            until = (_date(today, supply.replenish_lead_days) if supply.replenish_lead_days is not None else None)
            add("allocation", f"{_qty(kept)} {uom} are kept for the forecast demand of customer segments served "
                f"first" + (f" until {until.isoformat()}, when more can be replenished" if until else ""),
                allocated_qty=kept, date=until)
        if flags & int(_BIT["stock_short"]):
            atp = float(self.atp_qty[i])
            days, amounts = engine._receipts[int(self._rows[i])]
            k = bisect.bisect_right(days, max(target, 0))
            params = {"atp_qty": atp, "qty": qty, "date": stock_day}
            message = f"Only {_qty(atp)} of {_qty(qty)} {uom} free on {stock_day.isoformat()}"
            if k < len(days):
                receipt_day = _date(today, days[k])
                params.update(next_receipt_qty=amounts[k], next_receipt_date=receipt_day)
                message += f"; next receipt of {_qty(amounts[k])} on {receipt_day.isoformat()}"
            else:
                message += "; no receipt expected"
            add("stock_short", message, **params)
        if supply.replenish_lead_days is not None:
            from_day = _date(today, supply.replenish_lead_days)
            add(
                "replenishment",
                f"The full quantity needs replenishment: {supply.replenish_lead_days} days lead time, "
                f"available from {from_day.isoformat()}",
                replenish_lead_days=supply.replenish_lead_days,
                date=from_day,
            )
        short_qty = qty - sum(part.qty for part in split)
        add(
            "no_replenishment",
            f"{_qty(short_qty)} {uom} cannot be covered: the product cannot be replenished",
            missing_qty=short_qty,
        )
        add(
            "units_exceed_daily",
            f"{_qty(qty)} {uom} exceed the warehouse's {_qty(engine.capacity.units_per_day or 0)} units per day",
            qty=qty,
            units_per_day=engine.capacity.units_per_day or 0,
        )
        if flags & int(_BIT["capacity_full"]):
            ship = split[-1].ship_date if split else None
            wanted = _date(today, target) if target >= 0 else None
            message = "Shipping capacity is full"
            message += f" on {wanted.isoformat()}" if wanted else " on the first shipping days"
            message += f": ships {ship.isoformat()}" if ship else ""
            add("capacity_full", message, date=wanted, ship_date=ship)
        add(
            "beyond_horizon",
            f"Cannot ship the whole quantity within the {engine.horizon_days}-day horizon",
            horizon_days=engine.horizon_days,
        )
        if len(split) == 2:
            add(
                "split",
                f"Partial delivery: {_qty(split[0].qty)} {uom} on {split[0].delivery_date.isoformat()}, "
                f"{_qty(split[1].qty)} {uom} on {split[1].delivery_date.isoformat()}",
                first_qty=split[0].qty,
                first_date=split[0].delivery_date,
                second_qty=split[1].qty,
                second_date=split[1].delivery_date,
            )
        elif split:
            add(
                "split",
                f"Partial delivery: {_qty(split[0].qty)} {uom} on {split[0].delivery_date.isoformat()}; "
                "the rest cannot ship",
                first_qty=split[0].qty,
                first_date=split[0].delivery_date,
            )
        return reasons


def _date(today: dt.date, offset: int) -> dt.date:
    return today + dt.timedelta(days=int(offset))


def _date_or_none(day: np.datetime64) -> dt.date | None:
    return None if np.isnat(day) else day.astype(dt.date)


def _qty(value: float) -> str:
    """A quantity for a message: no trailing zeros."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _checked_capacity(capacity: Capacity) -> Capacity:
    if not isinstance(capacity.calendar, WorkingCalendar):
        raise _bad("calendar must be a WorkingCalendar", "invalid_calendar", "capacity.calendar")
    lines = capacity.lines_per_day
    if lines is not None and (isinstance(lines, bool) or not isinstance(lines, (int, np.integer)) or lines < 0):
        raise _bad("lines_per_day must be a whole number >= 0", "invalid_capacity", "capacity.lines_per_day", lines)
    if capacity.units_per_day is not None:
        _finite_number(capacity.units_per_day, "capacity.units_per_day", minimum=0, code="invalid_capacity")
    for day, booked in capacity.booked.items():
        where = f"capacity.booked[{day}]"
        if not (isinstance(booked, (tuple, list)) and len(booked) == 2):
            raise _bad("booked capacity is a (lines, units) pair", "invalid_capacity", where, booked)
        for amount in booked:
            _finite_number(amount, where, minimum=0, code="invalid_capacity")
    return capacity


def check_order(
    lines: Sequence[PromiseRequest],
    supplies: Sequence[ProductSupply],
    capacity: Capacity,
    today: dt.date,
    horizon_days: int = 365,
) -> OrderPromise:
    """Promise one order (convenience: builds a :class:`PromiseEngine` and calls ``check_order``)."""
    return PromiseEngine(supplies, capacity, today, horizon_days).check_order(lines)
