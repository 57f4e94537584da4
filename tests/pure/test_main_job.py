"""The main job end to end on a small company, and its inputs from plain tables."""

import datetime as dt

import pandas as pd
import pytest

from crm_bridge.promise.inputs import NO_DEMAND_COVER_DAYS, cover_days_from_tables, engines_from_tables
from demo_company import generate
from demo_company.main_job import run_main_job


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
    cover = cover_days_from_tables(small.public_tables(), today)
    assert (cover >= 0).all() and (cover <= NO_DEMAND_COVER_DAYS).all()
    assert cover.index.isin(small.products["product_id"]).all()
