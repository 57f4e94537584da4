"""Warehouse choice (issue 15): ranking every warehouse for every quotation, in the core and in Odoo.

Core (pure Python, measured here): ``warehouse_1000_orders_3_wh_s``, the
time of :func:`crm_bridge.promise.warehouse.choose_warehouses` for 1,000
quotations of 1 to 8 lines (about 4,500 lines) over 300 products and 3
warehouses, with free stock, dated receipts and deliveries, replenishment
lead times and shipping capacity partly booked; ``warehouse_vs_one_promise_ratio``,
that time over promising the same quotations in one warehouse
(``PromiseEngine.check_batch``, what the quotation does anyway), in the same
process: the ranking costs about one promise per warehouse. Best of three
runs; synthetic data drawn with a fixed seed to the shapes of the demo
company's tables.

Odoo (inside a throw-away Odoo 18 database with ``fusion_routing_sale_promise``;
"skipped" without an Odoo 18): ``warehouse_proposal_queries_10`` and
``warehouse_proposal_queries_100``, the SQL queries of computing the proposal
(``sale.order.fusion_proposed_warehouse_id``) on 10 and on 100 quotations of
a company with 3 warehouses (equal: they do not grow with the quotations),
and ``warehouse_proposal_100_s``, its time on the 100.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np

from benchmarks._common import best_seconds, measurement_env, odoo_figures, print_measured
from crm_bridge.promise.calendar import WorkingCalendar
from crm_bridge.promise.engine import Capacity, ProductSupply, PromiseEngine
from crm_bridge.promise.warehouse import choose_warehouses

TODAY = dt.date(2026, 3, 2)
N_PRODUCTS = 300
N_ORDERS = 1000
N_WAREHOUSES = 3


def _engine(rng: np.random.Generator) -> PromiseEngine:
    supplies = []
    for product_id in range(1, N_PRODUCTS + 1):
        n_moves = int(rng.integers(0, 6))
        days, qty = rng.integers(0, 90, n_moves), rng.integers(5, 80, n_moves) * rng.choice([-1, 1], n_moves)
        supplies.append(ProductSupply(
            product_id, float(rng.integers(0, 60)),
            [(TODAY + dt.timedelta(days=int(d)), float(q)) for d, q in zip(days, qty)],
            int(rng.integers(5, 30)) if rng.random() < 0.9 else None, int(rng.integers(0, 4))))
    booked = {TODAY + dt.timedelta(days=d): (int(rng.integers(0, 150)), 0.0) for d in range(20)}
    return PromiseEngine(supplies, Capacity(WorkingCalendar(), lines_per_day=150, booked=booked), TODAY)


def _core_figures() -> Iterator[tuple[str, object]]:
    rng = np.random.default_rng(15)
    engines = {warehouse_id: _engine(rng) for warehouse_id in range(1, N_WAREHOUSES + 1)}
    lines_per_order = rng.integers(1, 9, N_ORDERS)
    keys = np.repeat(np.arange(N_ORDERS), lines_per_order)
    products = rng.integers(1, N_PRODUCTS + 1, len(keys))
    qty = rng.integers(1, 20, len(keys)).astype(float)
    commitment = [TODAY + dt.timedelta(days=int(d)) if d >= 0 else None for d in rng.integers(-10, 30, len(keys))]
    current = {key: int(rng.integers(1, N_WAREHOUSES + 1)) for key in range(N_ORDERS)}
    result = {}

    def choose() -> None:
        result["choices"] = choose_warehouses(engines, products, qty, keys, commitment, current, split_cost=8.0)

    def promise_one() -> None:
        engine = engines[1]
        engine.check_batch(products, qty, engine.asked_dates(products, commitment), order_keys=keys)

    seconds = best_seconds(choose)
    yield "warehouse_1000_orders_3_wh_s", seconds
    yield "warehouse_vs_one_promise_ratio", seconds / best_seconds(promise_one)
    proposals = sum(choice.proposed_id is not None for choice in result["choices"].values())
    yield "warehouse_orders_lines", f"{N_ORDERS} orders, {len(keys)} lines, {proposals} proposals to move"


ODOO_FIGURES = ("warehouse_proposal_queries_10", "warehouse_proposal_queries_100", "warehouse_proposal_100_s")


def _measure_in_odoo(odoo_args: list[str]) -> dict[str, object]:
    """Queries and time of the proposal on 10 and 100 quotations of 1 to 5 lines, 3 warehouses, 60 products."""
    import time

    from odoo import Command

    rng = np.random.default_rng(15)
    with measurement_env(odoo_args, tracking_disable=True, mail_create_nolog=True, mail_notrack=True) as env:
        company = env.company
        warehouses = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1) | env[
            "stock.warehouse"].create([{"name": f"Bench warehouse {i}", "code": f"BW{i}"} for i in (2, 3)])
        products = env["product.product"].create([{"name": f"Bench good {i}", "is_storable": True,
                                                   "list_price": 20.0, "standard_price": 10.0} for i in range(60)])
        for warehouse in warehouses:
            for product, qty in zip(products, rng.integers(0, 30, len(products))):
                if qty:
                    env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, float(qty))
        customer = env["res.partner"].create({"name": "Bench customer"})
        orders = env["sale.order"].create([{
            "partner_id": customer.id, "warehouse_id": warehouses[0].id,
            "order_line": [Command.create({"product_id": int(pid), "product_uom_qty": float(rng.integers(1, 10))})
                           for pid in rng.choice(products.ids, int(rng.integers(1, 6)), replace=False)],
        } for _ in range(100)])
        env.flush_all()
        figures = {}
        for size in (10, 100, 10, 100):  # the first two warm the registry caches
            batch = orders[:size]
            env.invalidate_all()
            before, started = env.cr.sql_log_count, time.perf_counter()
            batch.mapped("fusion_proposed_warehouse_id")
            figures[f"warehouse_proposal_queries_{size}"] = env.cr.sql_log_count - before
            if size == 100:
                figures["warehouse_proposal_100_s"] = time.perf_counter() - started
    return figures


def run() -> Iterator[tuple[str, object]]:
    yield from _core_figures()
    yield from odoo_figures(__file__, ["fusion_routing_sale_promise"], ODOO_FIGURES)


if __name__ == "__main__":
    print_measured(_measure_in_odoo)
