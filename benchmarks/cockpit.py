"""The cockpit's measures against the demo company's hidden truth, and its speed.

Accuracy (default company, 24 months, seeds 7, 11 and 23; the worst seed is reported, the spread beside it):

* ``cockpit_<measure>_relative_error`` for each measure the generator knows the truth of:
  ``lost_to_late_promise`` and ``lost_to_stock_out`` (against ``lost_sales_truth`` by cause),
  ``lost_to_bad_promise`` (their sum against the whole truth), ``conflict_ticket_hours`` (against
  ``ticket_truth``'s real hours of conflict tickets) and ``discount_on_scarce`` (against the discounts, in the
  demand window, on the products the generator drew scarce).
* ``cockpit_max_relative_error``: the worst of them over the seeds (goal < 0.15).
* Baselines, the simplest figure a company could take instead: ``..._gross_baseline_relative_error`` (all the
  revenue cancelled after a bad verdict, as if every such cancellation were caused) and
  ``..._logged_only_baseline_relative_error`` (the hours logged, unlogged tickets counted as zero).
* ``cockpit_monthly_lost_median_relative_error``: per month, the lost revenue is a handful of orders; the median
  over months and seeds of its relative error says how far to trust a single month.

Speed: ``cockpit_core_24m_s``, records and the month x segment x salesperson figures of the default company
(goal < 5 s), best of three; ``cockpit_core_vs_one_pass_ratio``, that time over one grouped sum of the order
lines by month in the same process.

Odoo figures (inside a throw-away Odoo 18 database with ``fusion_cockpit``, see ``_measure_in_odoo``), on 1,000
and then 5,000 confirmed orders of 200 customers and 5 salespeople over 24 months: ``cockpit_odoo_refresh_s`` and
``cockpit_odoo_refresh_queries`` (reading the company and replacing its rows, 5,000 orders),
``cockpit_odoo_load_s`` (the dashboard's pivot: measure x month grouped read, as a sales manager; goal < 2 s)
and ``cockpit_odoo_queries`` with ``cockpit_odoo_queries_1k`` (its SQL queries at both sizes: equal, they do
not grow with the orders). They say "skipped" when no Odoo 18 is found.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import numpy as np
import pandas as pd

from benchmarks._common import best_seconds, measurement_env, odoo_figures, print_measured
from crm_bridge.cockpit.measures import cockpit_figures, cockpit_records
from crm_bridge.pricing.cover import DEMAND_WINDOW_DAYS, SOLD_ORDER_STATES, demand_window
from demo_company.generator import generate  # data/ is on the path (Makefile's PYTHONPATH)

SEEDS = (7, 11, 23)
GOAL_MAX_RELATIVE_ERROR = 0.15


def _truths(company) -> dict[str, float]:
    lost = company.lost_sales_truth
    tickets = company.ticket_truth
    by_cause = lost.groupby(lost["cause"].astype(str))["revenue_lost"].sum()
    lines = company.order_lines.merge(company.orders[["order_id", "date_order", "state"]], on="order_id")
    first, end = (pd.Timestamp(day) for day in demand_window(company.reference_date, DEMAND_WINDOW_DAYS))
    scarce = company.product_truth.loc[company.product_truth["stock_status"] == "scarce", "product_id"]
    mine = lines[lines["state"].isin(SOLD_ORDER_STATES) & (lines["date_order"] >= first)
                 & (lines["date_order"] < end) & lines["product_id"].isin(scarce)]
    return {
        "lost_to_late_promise": float(by_cause.get("late_promise", 0.0)),
        "lost_to_stock_out": float(by_cause.get("stock_out", 0.0)),
        "lost_to_bad_promise": float(lost["revenue_lost"].sum()),
        "conflict_ticket_hours": float(tickets.loc[tickets["conflict"], "handling_hours"].sum()),
        "discount_on_scarce": float((mine["qty"] * mine["price_unit"] * mine["discount"] / 100).sum()),
    }


def _relative(estimate: float, truth: float) -> float:
    return abs(estimate - truth) / abs(truth) if truth else float("nan")


def _one_seed(seed: int) -> tuple[dict[str, float], list[float]]:
    company = generate(seed, "default")
    records = cockpit_records({**company.public_tables(), **company.record_tables()}, company.reference_date)
    whole = cockpit_figures(records.records, by=()).set_index("measure")["figure"]
    whole["lost_to_bad_promise"] = whole["lost_to_late_promise"] + whole["lost_to_stock_out"]
    truth = _truths(company)
    errors = {key: _relative(float(whole[key]), value) for key, value in truth.items()}
    errors["lost_gross_baseline"] = _relative(float(whole["lost_after_bad_promise"]), truth["lost_to_bad_promise"])
    frame = records.records
    hours = frame[frame["measure"] == "conflict_ticket_hours"]
    logged = company.ticket_effort.set_index("ticket_id")["hours_logged"]
    errors["hours_logged_only_baseline"] = _relative(float(logged.reindex(hours["record_id"]).fillna(0.0).sum()),
                                                     truth["conflict_ticket_hours"])
    monthly = cockpit_figures(frame[frame["measure"].isin(["lost_to_late_promise", "lost_to_stock_out"])],
                              by=("month",)).groupby("month")["figure"].sum()
    lost = company.lost_sales_truth.merge(company.orders[["order_id", "date_order"]], on="order_id")
    true_monthly = lost.groupby(lost["date_order"].dt.to_period("M").dt.to_timestamp())["revenue_lost"].sum()
    both = pd.concat([monthly.rename("estimate"), true_monthly.rename("truth")], axis=1).fillna(0.0)
    both = both[both["truth"] > 0]
    return errors, list((both["estimate"] - both["truth"]).abs() / both["truth"])


def run() -> Iterator[tuple[str, object]]:
    per_seed, monthly = [], []
    for seed in SEEDS:
        errors, months = _one_seed(seed)
        per_seed.append(errors)
        monthly.extend(months)
    table = pd.DataFrame(per_seed, index=list(SEEDS))
    checked = ["lost_to_late_promise", "lost_to_stock_out", "lost_to_bad_promise", "conflict_ticket_hours",
               "discount_on_scarce"]
    for key in checked:
        yield f"cockpit_{key}_relative_error", float(table[key].max())
        yield f"cockpit_{key}_relative_error_spread", " ".join(f"{value:.3f}" for value in table[key])
    worst = float(table[checked].max().max())
    yield "cockpit_max_relative_error", worst
    yield "cockpit_max_relative_error_goal", (f"< {GOAL_MAX_RELATIVE_ERROR}: "
                                              f"{'met' if worst < GOAL_MAX_RELATIVE_ERROR else 'MISSED'}")
    yield "cockpit_lost_gross_baseline_relative_error", float(table["lost_gross_baseline"].max())
    yield "cockpit_hours_logged_only_baseline_relative_error", float(table["hours_logged_only_baseline"].max())
    yield "cockpit_monthly_lost_median_relative_error", float(np.median(monthly))

    company = generate(SEEDS[0], "default")
    tables = {**company.public_tables(), **company.record_tables()}

    def core() -> pd.DataFrame:
        records = cockpit_records(tables, company.reference_date)
        return cockpit_figures(records.records, by=("month", "segment", "salesperson"))

    def one_pass() -> pd.Series:
        lines = tables["order_lines"].merge(tables["orders"][["order_id", "date_order"]], on="order_id")
        return (lines["qty"] * lines["price_unit"]).groupby(lines["date_order"].dt.to_period("M")).sum()

    seconds = best_seconds(core)
    yield "cockpit_core_24m_s", seconds
    yield "cockpit_core_vs_one_pass_ratio", seconds / best_seconds(one_pass)
    yield from odoo_figures(__file__, ["fusion_cockpit"], ODOO_FIGURES)


# ---------------------------------------------------------------- Odoo figures

ODOO_FIGURES = ("cockpit_odoo_refresh_s", "cockpit_odoo_refresh_queries", "cockpit_odoo_load_s",
                "cockpit_odoo_queries", "cockpit_odoo_queries_1k")
ODOO_ORDERS = (1_000, 5_000)


def _dashboard_load(env, manager) -> tuple[float, int]:
    """Seconds and SQL queries of the dashboard's pivot (measure x month) as ``manager``, caches cleared."""
    env.invalidate_all()
    before, started = env.cr.sql_log_count, time.perf_counter()
    env["fusion.cockpit.measure"].with_user(manager).read_group(
        [], ["value:sum"], ["measure", "month:month"], lazy=False)
    return time.perf_counter() - started, env.cr.sql_log_count - before


def _measure_in_odoo(odoo_args: list[str]) -> dict[str, object]:
    """Refresh time and queries, and the dashboard's load time and queries, at 1,000 and 5,000 orders."""
    from odoo import Command, fields
    from odoo.tests import new_test_user

    rng = np.random.default_rng(2026)
    figures: dict[str, object] = {}
    with measurement_env(odoo_args, tracking_disable=True, mail_create_nolog=True, mail_notrack=True) as env:
        company = env.company
        manager = new_test_user(env, "bench_cockpit_manager", groups="sales_team.group_sale_manager")
        sellers = [new_test_user(env, f"bench_seller_{i}", groups="sales_team.group_sale_salesman")
                   for i in range(5)]
        partners = env["res.partner"].create([{"name": f"Bench customer {i}", "is_company": bool(i % 3),
                                               "user_id": sellers[i % 5].id} for i in range(200)])
        products = env["product.product"].create([{"name": f"Bench goods {i}", "list_price": 100.0,
                                                   "standard_price": 60.0, "taxes_id": [Command.clear()]}
                                                  for i in range(20)])
        today = pd.Timestamp(fields.Date.today())
        created = 0
        for target in ODOO_ORDERS:
            n = target - created
            days = rng.integers(0, 730, n)
            env["sale.order"].create([{
                "partner_id": partners[int(rng.integers(0, 200))].id,
                "date_order": (today - pd.Timedelta(days=int(day))).to_pydatetime(),
                "commitment_date": (today - pd.Timedelta(days=int(day) - 5)).to_pydatetime(),
                "order_line": [Command.create({"product_id": products[int(rng.integers(0, 20))].id,
                                               "product_uom_qty": float(rng.integers(1, 6)), "price_unit": 100.0,
                                               "discount": float(rng.choice([0.0, 5.0, 15.0]))})],
            } for day in days]).write({"state": "sale"})
            env.invalidate_all()
            created = target
            env["fusion.cockpit.measure"]._refresh(company)
            env.flush_all()
            _dashboard_load(env, manager)  # warm
            seconds, queries = _dashboard_load(env, manager)
            if target == ODOO_ORDERS[0]:
                figures["cockpit_odoo_queries_1k"] = queries
                continue
            env.invalidate_all()
            before, started = env.cr.sql_log_count, time.perf_counter()
            env["fusion.cockpit.measure"]._refresh(company)
            env.flush_all()
            figures.update(cockpit_odoo_refresh_s=time.perf_counter() - started,
                           cockpit_odoo_refresh_queries=env.cr.sql_log_count - before,
                           cockpit_odoo_load_s=seconds, cockpit_odoo_queries=queries)
            print(f"{target} orders measured", file=sys.stderr, flush=True)
    return figures


if __name__ == "__main__":
    print_measured(_measure_in_odoo)
