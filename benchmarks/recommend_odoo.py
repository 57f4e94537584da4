"""The quotation's suggested lines inside Odoo: the learnt co-purchases are kept, a second suggestion does not relearn.

Inside a throw-away Odoo 18 database with ``fusion_recommend`` (see ``_measure_in_odoo``), on 3,000 confirmed
orders of 200 customers over 24 months and 60 products, a 20-line quotation:

* ``recommend_odoo_first_ms`` and ``recommend_odoo_first_queries``: the first click on *Suggest lines* of the
  day, which learns the company's co-purchases (``sale.order._get_fusion_recommender``);
* ``recommend_odoo_second_ms`` and ``recommend_odoo_second_queries``: the next click, the same quotation, the
  learnt model taken from the cache (two grouped reads check the orders and products did not change);
* ``recommend_odoo_second_vs_first_ratio``: the second click's time over the first's (the baseline, same process);
* ``recommend_odoo_learn_ms``: learning alone, for scale.

Times are the best of three (the cache cleared before each first click). They say "skipped" when no Odoo 18 is
found.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np

from benchmarks._common import measurement_env, odoo_figures, print_measured

ODOO_FIGURES = ("recommend_odoo_first_ms", "recommend_odoo_first_queries", "recommend_odoo_second_ms",
                "recommend_odoo_second_queries", "recommend_odoo_second_vs_first_ratio", "recommend_odoo_learn_ms")
ORDERS, CUSTOMERS, PRODUCTS, QUOTATION_LINES = 3_000, 200, 60, 20


def run() -> Iterator[tuple[str, object]]:
    yield from odoo_figures(__file__, ["fusion_recommend"], ODOO_FIGURES)


def _click(env, order) -> tuple[float, int]:
    """Seconds and SQL queries of one click on *Suggest lines*, the ORM cache emptied."""
    env.invalidate_all()
    before, started = env.cr.sql_log_count, time.perf_counter()
    order.action_fusion_suggest_lines()
    env.flush_all()
    return time.perf_counter() - started, env.cr.sql_log_count - before


def _measure_in_odoo(odoo_args: list[str]) -> dict[str, object]:
    from odoo import Command, fields

    rng = np.random.default_rng(14)
    with measurement_env(odoo_args, tracking_disable=True, mail_create_nolog=True, mail_notrack=True) as env:
        partners = env["res.partner"].create([{"name": f"Bench buyer {i}", "is_company": bool(i % 2)}
                                              for i in range(CUSTOMERS)])
        products = env["product.product"].create([{"name": f"Bench goods {i}", "type": "consu", "list_price": 100.0,
                                                   "standard_price": 50.0, "taxes_id": [Command.clear()]}
                                                  for i in range(PRODUCTS)])
        baskets = [rng.choice(PRODUCTS, int(rng.integers(1, 5)), replace=False) for _ in range(ORDERS)]
        orders = env["sale.order"].create([{
            "partner_id": partners[int(rng.integers(0, CUSTOMERS))].id,
            "order_line": [Command.create({"product_id": products[int(p)].id, "product_uom_qty": 1.0})
                           for p in basket],
        } for basket in baskets])
        orders.write({"state": "sale"})
        env.flush_all()
        # Spread over two years (the co-purchases decay with age).
        env.cr.execute("UPDATE sale_order SET date_order = now() - make_interval(days => (id % 730) + 1)")
        env.invalidate_all()
        quotation = env["sale.order"].create({"partner_id": partners[0].id, "order_line": [
            Command.create({"product_id": products[i].id, "product_uom_qty": 1.0}) for i in range(QUOTATION_LINES)]})
        env.flush_all()
        firsts, seconds = [], []
        for _ in range(3):
            env.registry.clear_cache()
            firsts.append(_click(env, quotation))
            seconds.append(_click(env, quotation))
        first = min(firsts)
        second = min(seconds)
        env.registry.clear_cache()
        started = time.perf_counter()
        env["sale.order"]._learn_fusion_recommender(env.company, fields.Date.today())
        learn = time.perf_counter() - started
    return {"recommend_odoo_first_ms": 1000 * first[0], "recommend_odoo_first_queries": first[1],
            "recommend_odoo_second_ms": 1000 * second[0], "recommend_odoo_second_queries": second[1],
            "recommend_odoo_second_vs_first_ratio": second[0] / first[0], "recommend_odoo_learn_ms": 1000 * learn}


if __name__ == "__main__":
    print_measured(_measure_in_odoo)
