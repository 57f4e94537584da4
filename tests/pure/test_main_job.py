"""The main job end to end on a small company, and its inputs from plain tables."""

import datetime as dt

import pandas as pd
import pytest

from crm_bridge.pricing.cover import NO_DEMAND_COVER_DAYS, cover_from_tables
from crm_bridge.promise.inputs import engines_from_tables
from crm_bridge.promise.quotations import check_quotations
from demo_company import generate
from demo_company.main_job import JobContext, promises_and_pricing, run_main_job


@pytest.fixture(scope="module")
def small():
    return generate(seed=5, size="small")


def test_report_has_every_section_and_says_what_could_not_run(tmp_path):
    lines = []
    path = run_main_job(tmp_path, size="tiny", seed=3, echo=lines.append)
    page = path.read_text()
    assert path.name == "fusion-report.html" and "<svg" in page
    assert "The company at a glance" in page and "Order-to-Cash" in page
    # six months of a 30-customer company cannot train a churn model: the report says so, it does not guess
    assert "Not run:" in page and "insufficient_data" in "\n".join(lines)
    assert lines[0].startswith("[1/") and lines[-1].startswith("Report: ")


def test_engines_see_stock_receipts_and_promised_deliveries(small):
    today = pd.Timestamp(small.reference_date) + pd.Timedelta(days=1)
    engines = engines_from_tables(small.public_tables(), today.date())
    assert set(engines) == set(small.warehouses["warehouse_id"])
    storable = small.products.loc[small.products["type"] == "storable", "product_id"]
    product = int(storable.iloc[0])
    on_hand = small.stock.query("product_id == @product and warehouse_id == 1")["qty_on_hand"].sum()
    tomorrow = (today + pd.Timedelta(days=1)).date()
    batch = engines[1].check_batch([product], [on_hand + 10_000], [tomorrow], allow_partial=[True])
    assert batch.status_names()[0] != "on_time", "ten thousand more than on hand cannot ship tomorrow"
    assert batch.atp_qty[0] < on_hand + 10_000


def test_cover_days(small):
    today = dt.date(2026, 11, 1)
    cover = cover_from_tables(small.public_tables(), today)["cover_days"].dropna()
    assert (cover >= 0).all() and (cover <= NO_DEMAND_COVER_DAYS).all()
    assert cover.index.isin(small.products["product_id"]).all()


def test_promise_step_checks_every_open_quotation_line_as_the_sale_order_does(small, tmp_path):
    ctx = JobContext(company=small, source="test", out_dir=tmp_path)
    section = promises_and_pricing(ctx)
    lines, orders = ctx.results["quotation_lines"], ctx.results["quotations"]
    quotations = small.orders[small.orders["state"] == "quotation"]
    expected = small.order_lines[small.order_lines["order_id"].isin(quotations["order_id"])]
    assert sorted(lines["line_id"]) == sorted(expected["line_id"]), "expired quotations are checked too"
    assert set(orders["order_id"]) == set(quotations["order_id"])
    # the order's status is its worst line's, from the engine
    worst = lines.groupby("order_id")["status"].agg(lambda s: max(s, key=["on_time", "partial", "late",
                                                                          "impossible"].index))
    assert orders.set_index("order_id")["status"].to_dict() == worst.to_dict()
    # lines without a commitment ask for the earliest their lead time allows: on time unless stock or capacity say no
    today = pd.Timestamp(small.reference_date)
    assert (lines["date_asked"] >= today).all()
    assert lines["max_discount"].between(0, 30).all() and lines["verdict"].isin(
        ["within_bounds", "exceeds_max_discount", "below_floor"]).all()
    assert (lines["discount_ok"] == (lines["verdict"] == "within_bounds")).all()
    over = (lines["verdict"] == "exceeds_max_discount").sum()
    assert section.figures["lines over the allowed discount"] == f"{over:,}"


def test_check_quotations_below_floor_and_unsold_stock(small):
    tables = dict(small.public_tables())
    quotation = small.orders[small.orders["state"] == "quotation"].iloc[0]
    line = small.order_lines[small.order_lines["order_id"] == quotation["order_id"]].iloc[0]
    cost = small.products.set_index("product_id").at[line["product_id"], "cost"]
    lines = tables["order_lines"].copy()
    lines.loc[lines["line_id"] == line["line_id"], ["price_unit", "discount"]] = [cost, 0.0]
    tables["order_lines"] = lines
    checked, _orders = check_quotations(tables, small.reference_date)
    row = checked.set_index("line_id").loc[line["line_id"]]
    assert row["verdict"] == "below_floor" and not row["discount_ok"] and row["max_discount"] == 0


def test_forecast_step_feeds_the_guardrails_days_of_cover(small, tmp_path):
    from ai_insights.forecast.demand import daily_demand
    from demo_company.main_job import STOCKOUT_ALERT_DAYS, demand_forecast

    ctx = JobContext(company=small, source="test", out_dir=tmp_path)
    section = demand_forecast(ctx)
    forecast = ctx.results["forecast"]
    assert float(section.figures["value added against seasonal naive"].rstrip("%")) == pytest.approx(
        forecast.metrics["fva_pct"], abs=0.06)
    assert int(section.figures[f"products and warehouses running out within {STOCKOUT_ALERT_DAYS} days"]) >= 0
    promises_and_pricing(ctx)
    today = pd.Timestamp(small.reference_date).date()
    expected, _ = check_quotations(small.public_tables(), today, forecast_daily=daily_demand(forecast, 90))
    assert ctx.results["quotation_lines"]["max_discount"].equals(expected["max_discount"]), "the same rule, one call"
