"""Order promise throughput.

Core figures (pure Python, measured here):

* ``promise_core_lines_per_s``: lines promised per second by
  ``PromiseEngine.check_batch`` on 100,000 lines: 500 quotations of 200 lines
  over 300 products and 2 warehouses, with free stock, dated receipts and
  promised deliveries, replenishment lead times, customer lead times, and
  shipping capacity in lines and units per working day partly booked already.
  Each quotation is an independent what-if (its lines compete with each
  other, not with the other quotations).
* ``promise_core_shared_lines_per_s``: the same 100,000 lines all competing
  for one warehouse's stock and capacity (a re-promise run of open orders).
* ``promise_core_order_200_ms`` and ``promise_core_order_200_dicts_ms``: one
  200-line order, arrays only, and with every reason message and
  XML-RPC-friendly dict built.

Best of three runs: the machine is shared and noisy.

The data are synthetic, drawn with a fixed seed to the shapes of the demo
company's ``products``, ``stock``, ``incoming`` and ``warehouses`` tables.

Odoo figures (inside a throw-away Odoo 18 database, see ``_measure_in_odoo``):
``promise_queries_20``, ``promise_queries_200`` (SQL queries of the addon's full check
of a 20- and a 200-line quotation: equal, they do not grow with the lines) and
``promise_vs_native_ratio`` (that check's time over Odoo's own ``_compute_qty_at_date``
on the same 200 lines). They say "skipped" when no Odoo 18 is found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import numpy as np

from benchmarks._common import best_seconds, measurement_env, odoo_figures, print_measured
from crm_bridge.promise.calendar import WorkingCalendar
from crm_bridge.promise.engine import Capacity, ProductSupply, PromiseEngine

TODAY = dt.date(2026, 3, 2)
N_PRODUCTS = 300
N_ORDERS = 500
LINES_PER_ORDER = 200


def _supplies(rng: np.random.Generator) -> list[ProductSupply]:
    kinds = rng.choice(["storable", "consumable", "service"], N_PRODUCTS, p=[0.85, 0.10, 0.05])
    supplies = []
    for product_id, kind in enumerate(kinds, start=1):
        n_moves = int(rng.integers(2, 12))
        days = rng.integers(0, 120, n_moves)
        qty = rng.integers(5, 120, n_moves) * rng.choice([-1, 1], n_moves, p=[0.4, 0.6])
        supplies.append(
            ProductSupply(
                product_id,
                float(rng.integers(0, 300)),
                [(TODAY + dt.timedelta(days=int(d)), float(q)) for d, q in zip(days, qty)],
                int(rng.integers(5, 45)) if rng.random() < 0.9 else None,
                int(rng.integers(0, 6)),
                str(kind),
            )
        )
    return supplies


def _capacity(rng: np.random.Generator, lines_per_day: int, units_per_day: float) -> Capacity:
    holidays = [TODAY + dt.timedelta(days=d) for d in (31, 58, 120)]
    booked = {
        # the next weeks are already well booked
        TODAY + dt.timedelta(days=d): (int(lines_per_day * rng.uniform(0.5, 1.0)),
                                       units_per_day * rng.uniform(0.3, 0.8))
        for d in range(30)
    }
    return Capacity(WorkingCalendar(holidays=holidays), lines_per_day, units_per_day, booked)


def _lines(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    popularity = rng.lognormal(0.0, 1.0, N_PRODUCTS)  # some products sell much more than others
    return {
        "product_ids": rng.choice(np.arange(1, N_PRODUCTS + 1), n, p=popularity / popularity.sum()),
        "qty": rng.integers(1, 12, n).astype(float),
        "date_asked": np.datetime64(TODAY) + rng.integers(0, 45, n),
        "allow_partial": rng.random(n) < 0.3,
    }


def run() -> Iterator[tuple[str, object]]:
    rng = np.random.default_rng(2026)
    supplies = _supplies(rng)
    warehouses = [
        PromiseEngine(supplies, _capacity(rng, 120, 3_000.0), TODAY),
        PromiseEngine(supplies, _capacity(rng, 80, 2_000.0), TODAY),
    ]
    n = N_ORDERS * LINES_PER_ORDER
    lines = _lines(rng, n)
    order_ids = np.repeat(np.arange(N_ORDERS), LINES_PER_ORDER)
    warehouse_of_line = order_ids % len(warehouses)  # each order ships from one warehouse
    per_warehouse = [
        ({key: values[warehouse_of_line == w] for key, values in lines.items()}, order_ids[warehouse_of_line == w])
        for w in range(len(warehouses))
    ]

    def quotations() -> None:
        for engine, (wh_lines, keys) in zip(warehouses, per_warehouse):
            engine.check_batch(**wh_lines, order_keys=keys)

    quotations()  # builds and caches the day grids
    yield "promise_core_lines_per_s", n / best_seconds(quotations)
    yield "promise_core_shared_lines_per_s", n / best_seconds(lambda: warehouses[0].check_batch(**lines))

    order = {key: values[:LINES_PER_ORDER] for key, values in lines.items()}
    yield "promise_core_order_200_ms", 1000 * best_seconds(lambda: warehouses[0].check_batch(**order))
    yield "promise_core_order_200_dicts_ms", 1000 * best_seconds(
        lambda: warehouses[0].check_batch(**order).order().to_dict()
    )
    yield from _odoo_figures()


# ---------------------------------------------------------------- Odoo figures

ODOO_FIGURES = ("promise_queries_20", "promise_queries_200", "promise_vs_native_ratio")


def _odoo_figures() -> Iterator[tuple[str, object]]:
    """Measured inside a throw-away Odoo 18 database (this file run as a script: ``_measure_in_odoo``)."""
    return odoo_figures(__file__, ["fusion_sale_promise"], ODOO_FIGURES)


def _measure_in_odoo(odoo_args: list[str]) -> dict[str, float]:
    """Queries and time of the addon's promise check on 20- and 200-line quotations.

    * ``promise_queries_N``: SQL queries of ``sale.order.fusion_check_order`` (stock,
      moves, capacity, calendar, lead times, demand, pricing: everything) on an
      N-line quotation, with a cold ORM cache.
    * ``promise_vs_native_ratio``: on the 200-line quotation, that full check's time
      over Odoo's own ``_compute_qty_at_date`` (the sale_stock availability
      widget) with the cache invalidated before each; best of three each.
    """
    from odoo import Command, fields

    rng = np.random.default_rng(2026)
    with measurement_env(odoo_args, tracking_disable=True) as env:
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        warehouse.fusion_lines_per_day = 400
        vendor = env["res.partner"].create({"name": "Bench vendor"})
        products = env["product.product"].create([
            {"name": f"Bench product {i}", "type": "consu", "is_storable": True, "list_price": 100.0,
             "standard_price": float(rng.integers(20, 80)), "sale_delay": int(rng.integers(0, 5))}
            for i in range(LINES_PER_ORDER)
        ])
        env["product.supplierinfo"].create([
            {"product_tmpl_id": product.product_tmpl_id.id, "partner_id": vendor.id, "delay": int(rng.integers(5, 30))}
            for product in products[::2]
        ])
        for product in products:
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, float(rng.integers(1, 40)))
        customer = env["res.partner"].create({"name": "Bench customer"})
        commitment = fields.Datetime.now() + dt.timedelta(days=10)

        def quotation(n_lines: int):
            return env["sale.order"].create({
                "partner_id": customer.id, "commitment_date": commitment,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": float(rng.integers(1, 12)),
                                               "discount": float(rng.integers(0, 20))})
                               for product in products[:n_lines]],
            })

        orders = {n: quotation(n) for n in (20, LINES_PER_ORDER)}
        Order = env["sale.order"]
        env.invalidate_all()
        Order.fusion_check_order(orders[20].id)  # warm the registry caches (groups, rules, defaults)
        figures: dict[str, float] = {}
        for n, order in orders.items():
            env.invalidate_all()
            before = env.cr.sql_log_count
            Order.fusion_check_order(order.id)
            figures[f"promise_queries_{n}"] = env.cr.sql_log_count - before

        lines = orders[LINES_PER_ORDER].order_line

        def timed(work: Callable[[], object]) -> Callable[[], object]:
            def run_cold() -> object:
                env.invalidate_all()
                return work()
            return run_cold

        promise = best_seconds(timed(lambda: Order.fusion_check_order(lines.order_id.id)))
        native = best_seconds(timed(lambda: lines._compute_qty_at_date()))
        figures["promise_vs_native_ratio"] = promise / native
    return figures


if __name__ == "__main__":
    print_measured(_measure_in_odoo)
