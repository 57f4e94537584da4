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

The Odoo figures are not measured here yet: see the end of ``run``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator

import numpy as np

from crm_bridge.calendar import WorkingCalendar
from crm_bridge.promise import Capacity, ProductSupply, PromiseEngine

TODAY = dt.date(2026, 3, 2)
N_PRODUCTS = 300
N_ORDERS = 500
LINES_PER_ORDER = 200
REPEATS = 3


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
        TODAY + dt.timedelta(days=d): (int(lines_per_day * rng.uniform(0.5, 1.0)), units_per_day * rng.uniform(0.3, 0.8))
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


def _best_seconds(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def run() -> Iterator[tuple[str, float]]:
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
    yield "promise_core_lines_per_s", n / _best_seconds(quotations)
    yield "promise_core_shared_lines_per_s", n / _best_seconds(lambda: warehouses[0].check_batch(**lines))

    order = {key: values[:LINES_PER_ORDER] for key, values in lines.items()}
    yield "promise_core_order_200_ms", 1000 * _best_seconds(lambda: warehouses[0].check_batch(**order))
    yield "promise_core_order_200_dicts_ms", 1000 * _best_seconds(
        lambda: warehouses[0].check_batch(**order).order().to_dict()
    )
    # ---- Odoo figures: room kept for code running inside Odoo (the addon's tier), to be added:
    # promise_queries_20, promise_queries_200: SQL queries to promise a 20-line and a 200-line
    #   sale order through the addon;
    # promise_vs_native_ratio: addon promise time over Odoo's native availability check on the
    #   same order.
