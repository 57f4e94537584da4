"""Promise inputs from the plain company tables (``crm_bridge.tables.schema``).

The Odoo addon gathers the same inputs with batched ORM reads; this module
does it for tables (the demo company, CSV exports, a live Odoo read over RPC)
so the main job checks open quotations exactly as the sale order does
(:mod:`crm_bridge.promise.quotations`). Days of cover, the stock input of
pricing, are :func:`crm_bridge.pricing.cover.cover_from_tables`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from crm_bridge.promise.calendar import WorkingCalendar
from crm_bridge.promise.engine import Capacity, ProductSupply, PromiseEngine

__all__ = ["engines_from_tables", "OPEN_DELIVERY_STATES"]

# Orders whose goods have not left yet: they hold stock and shipping capacity.
OPEN_DELIVERY_STATES = ("confirmed",)


def _open_deliveries(tables: Mapping[str, pd.DataFrame], today: pd.Timestamp) -> pd.DataFrame:
    orders = tables["orders"]
    open_orders = orders[orders["state"].isin(OPEN_DELIVERY_STATES) & orders["delivery_date"].isna()]
    lines = tables["order_lines"].merge(open_orders[["order_id", "warehouse_id", "commitment_date"]], on="order_id")
    # A promise already late still ships, at the earliest today.
    lines["ship_date"] = lines["commitment_date"].fillna(today).clip(lower=today).dt.normalize()
    return lines


def engines_from_tables(tables: Mapping[str, pd.DataFrame], today: dt.date,
                        calendar: WorkingCalendar | None = None, horizon_days: int = 365) -> dict[int, PromiseEngine]:
    """One :class:`PromiseEngine` per warehouse, from stock, receipts, open deliveries and capacity.

    A warehouse whose ``ship_lines_per_day`` is empty or 0 has no shipping
    limit (as a warehouse without ``fusion_lines_per_day`` in Odoo).
    """
    today_ts = pd.Timestamp(today)
    calendar = calendar or WorkingCalendar()
    products = tables["products"].set_index("product_id")
    deliveries = _open_deliveries(tables, today_ts)
    incoming = tables["incoming"].assign(date_expected=lambda f: f["date_expected"].clip(lower=today_ts))
    engines = {}
    for warehouse in tables["warehouses"].itertuples():
        stock = tables["stock"].loc[tables["stock"]["warehouse_id"] == warehouse.warehouse_id]
        free = stock.groupby("product_id")["qty_on_hand"].sum()
        moves: dict[int, list[tuple[dt.date, float]]] = {}
        for frame, date_column, sign in ((incoming, "date_expected", 1.0), (deliveries, "ship_date", -1.0)):
            mine = frame[frame["warehouse_id"] == warehouse.warehouse_id]
            daily = mine.groupby(["product_id", date_column])["qty"].sum()
            for (product_id, day), qty in daily.items():
                moves.setdefault(product_id, []).append((day.date(), sign * float(qty)))
        supplies = [
            ProductSupply(
                product_id=int(product_id),
                free_qty=float(free.get(product_id, 0.0)),
                moves=sorted(moves.get(product_id, [])),
                replenish_lead_days=int(row.vendor_lead_days) if row.vendor_lead_days > 0 else None,
                customer_lead_days=int(row.customer_lead_days),
                kind=row.type,
                uom=row.uom,
            )
            for product_id, row in products.iterrows()
        ]
        mine = deliveries[deliveries["warehouse_id"] == warehouse.warehouse_id]
        booked_frame = mine.groupby("ship_date").agg(lines=("qty", "size"), units=("qty", "sum"))
        booked = {day.date(): (int(row.lines), float(row.units)) for day, row in booked_frame.iterrows()}
        limit = warehouse.ship_lines_per_day
        lines_per_day = None if pd.isna(limit) or not limit else int(limit)
        capacity = Capacity(calendar, lines_per_day=lines_per_day, booked=booked)
        engines[int(warehouse.warehouse_id)] = PromiseEngine(supplies, capacity, today, horizon_days)
    return engines
