"""The demo company generator: determinism, schema, integrity, hidden truths, CSV, response model."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from crm_bridge.contract.errors import ValidationError
from crm_bridge.tables.schema import HIDDEN_TABLES, RECORD_TABLES, TABLES
from demo_company import DemoCompany, generate, make_ticket_corpus, simulate_outcomes
from demo_company import generator as demo_generator

_DTYPE_CHECK = {
    "int": pd.api.types.is_integer_dtype,
    "float": pd.api.types.is_float_dtype,
    "bool": pd.api.types.is_bool_dtype,
    "date": lambda s: s.dtype == "datetime64[ns]",
    "category": lambda s: isinstance(s.dtype, pd.CategoricalDtype),
    "str": pd.api.types.is_string_dtype,
}


@pytest.fixture(scope="module")
def small() -> DemoCompany:
    return generate(size="small")


@pytest.fixture(scope="module")
def tiny() -> DemoCompany:
    return generate(size="tiny")


def _all_tables(company: DemoCompany) -> dict[str, pd.DataFrame]:
    return {**company.public_tables(), **company.record_tables(), **company.hidden_tables()}


def test_same_seed_gives_identical_tables(tiny):
    again = generate(size="tiny")
    for name, frame in _all_tables(tiny).items():
        pd.testing.assert_frame_equal(frame, getattr(again, name), obj=name)


def test_other_seed_gives_other_tables(tiny):
    other = generate(seed=8, size="tiny")
    assert not tiny.orders.equals(other.orders)
    assert not tiny.tickets["body"].equals(other.tickets["body"])


def test_unknown_size_and_bad_seed_are_rejected():
    with pytest.raises(ValidationError) as error:
        generate(size="huge")
    assert error.value.field == "size"
    with pytest.raises(ValidationError):
        generate(seed=-1, size="tiny")


def test_every_schema_column_has_its_type(small):
    for name, spec in {**TABLES, **RECORD_TABLES, **HIDDEN_TABLES}.items():
        frame = getattr(small, name)
        assert list(frame.columns) == [column.name for column in spec], name
        for column in spec:
            assert _DTYPE_CHECK[column.dtype](frame[column.name]), f"{name}.{column.name}: {frame[column.name].dtype}"
    assert set(small.public_tables()) == set(TABLES)


def test_keys_are_unique_and_references_resolve(small):
    for name, key in [("customers", "customer_id"), ("products", "product_id"), ("orders", "order_id"),
                      ("order_lines", "line_id"), ("invoices", "invoice_id"), ("tickets", "ticket_id"),
                      ("leads", "lead_id"), ("interactions", "interaction_id"), ("incoming", "move_id")]:
        assert getattr(small, name)[key].is_unique, name
    references = [
        ("orders", "customer_id", "customers"), ("orders", "warehouse_id", "warehouses"),
        ("order_lines", "order_id", "orders"), ("order_lines", "product_id", "products"),
        ("invoices", "order_id", "orders"), ("invoices", "customer_id", "customers"),
        ("stock", "product_id", "products"), ("incoming", "warehouse_id", "warehouses"),
        ("leads", "customer_id", "customers"), ("leads", "product_id", "products"),
        ("interactions", "customer_id", "customers"), ("tickets", "customer_id", "customers"),
        ("tickets", "order_id", "orders"), ("tickets", "product_id", "products"),
        ("truth", "customer_id", "customers"), ("product_truth", "product_id", "products"),
        ("promise_checks", "order_id", "orders"), ("ticket_effort", "ticket_id", "tickets"),
        ("lost_sales_truth", "order_id", "orders"), ("ticket_truth", "ticket_id", "tickets"),
    ]
    for table, column, target in references:
        values = getattr(small, table)[column].dropna()
        key = {**TABLES, **HIDDEN_TABLES}[target][0].name
        assert values.isin(getattr(small, target)[key]).all(), f"{table}.{column}"
    invoiced = small.invoices.merge(small.orders, on="order_id", suffixes=("", "_order"))
    assert (invoiced["customer_id"] == invoiced["customer_id_order"]).all()
    assert small.leads["customer_id"].isna().any(), "some leads are prospects"


def test_dates_are_in_the_window_and_consistent(small):
    end = pd.Timestamp(small.reference_date)
    orders = small.orders
    assert orders["date_order"].max() <= end
    assert orders["date_order"].min() >= end - pd.DateOffset(months=12)
    assert (orders["commitment_date"] >= orders["date_order"]).all()
    delivered = orders["state"] == "delivered"
    assert orders.loc[delivered, "delivery_date"].le(end).all()
    assert orders.loc[~delivered, "delivery_date"].isna().all()
    assert (orders.loc[delivered, "delivery_date"] > orders.loc[delivered, "commitment_date"]).any()
    assert (orders.loc[orders["state"] == "confirmed", "commitment_date"] > end).any()
    assert set(orders["state"]) == {"quotation", "confirmed", "delivered", "cancelled"}
    assert small.invoices["date_paid"].dropna().le(end).all()
    assert (small.incoming["date_expected"] > end).all()
    tickets = small.tickets
    assert tickets["created_at"].le(end).all()
    assert (tickets["closed_at"].dropna() >= tickets.loc[tickets["closed_at"].notna(), "created_at"]).all()
    churned = small.truth.dropna(subset=["churn_date"])
    after = small.orders.merge(churned, on="customer_id")
    assert (after["date_order"] < after["churn_date"]).all(), "nobody buys after churning"


def test_business_shape(small):
    products = small.products
    margin = 1 - products["cost"] / products["list_price"]
    assert margin.between(0.14, 0.61).all()
    assert products["vendor_lead_days"][products["type"] != "service"].between(3, 45).all()
    assert {"service", "consumable", "storable"} <= set(products["type"])
    assert (products["uom"] == "Units").mean() > 0.6
    customers = small.customers
    assert set(customers["country_code"]) == {"ES", "MX", "AR", "CO", "GB", "US", "IE"}
    assert (customers["lang"] == "es").equals(customers["country_code"].isin(["ES", "MX", "AR", "CO"]))
    orders_per_customer = small.orders.groupby("customer_id").size()
    by_segment = orders_per_customer.groupby(customers.set_index("customer_id")["segment"]).mean()
    assert by_segment["B2B"] > 2 * by_segment["B2C"]
    assert 0.15 <= small.truth["churn_date"].notna().mean() <= 0.4
    assert (small.truth["churn_date"] > pd.Timestamp(small.reference_date)).any()


def test_default_size_is_big_enough():
    # How long generating it takes is a benchmark figure (demo_generate_s in benchmarks/churn.py).
    company = generate()
    counts = company.row_counts()
    assert counts["customers"] == 2000 and counts["products"] == 300
    assert 50_000 <= counts["order_lines"] <= 80_000
    assert 4_500 <= counts["tickets"] <= 5_500
    assert company.orders["date_order"].min() >= pd.Timestamp(company.reference_date) - pd.DateOffset(months=24)
    stock = company.stock.merge(company.product_truth, on="product_id").groupby("stock_status")["qty_on_hand"]
    assert stock.sum()["overstocked"] > stock.sum()["scarce"]


def _pre_churn_cut(company: DemoCompany) -> pd.Series:
    """Per customer: churn date for those who churned before the reference date, else the reference date."""
    end = pd.Timestamp(company.reference_date)
    return company.truth.set_index("customer_id")["churn_date"].where(lambda d: d <= end, end)


def test_churners_slow_down_pay_late_and_complain_before_churning():
    company = generate(size="default")
    truth = company.truth.set_index("customer_id")
    end = pd.Timestamp(company.reference_date)
    churner = truth["churn_date"] <= end
    cut = _pre_churn_cut(company)
    # Order rate in the last 90 days before the cut, relative to the rate before.
    orders = company.orders.join(cut.rename("cut"), on="customer_id")
    orders = orders[orders["date_order"] < orders["cut"]]
    recent = orders["date_order"] >= orders["cut"] - pd.Timedelta(days=90)
    counts = orders.assign(recent=recent).groupby("customer_id")["recent"].agg(["sum", "size"])
    start = company.orders["date_order"].min()
    history_days = (cut - company.customers.set_index("customer_id")["created_at"].clip(lower=start)).dt.days
    earlier_rate = (counts["size"] - counts["sum"]) / ((history_days.reindex(counts.index) - 90).clip(lower=30) / 90)
    ratio = (counts["sum"] / earlier_rate)[(counts["size"] - counts["sum"]) >= 3]
    by_group = ratio.groupby(churner.reindex(ratio.index)).median()
    assert by_group[True] < 0.8 * by_group[False], "churners order less often before churning"
    # Late payments on invoices of the last 120 days before the cut.
    invoices = company.invoices.join(cut.rename("cut"), on="customer_id")
    window = invoices[(invoices["date_invoice"] < invoices["cut"])
                      & (invoices["date_invoice"] >= invoices["cut"] - pd.Timedelta(days=120))]
    late = window["date_paid"].fillna(end) > window["date_due"]
    late_rate = late.groupby(churner.reindex(window["customer_id"]).to_numpy()).mean()
    assert late_rate[True] > 1.3 * late_rate[False]
    # Negative tickets per customer-month in the 120 days before the cut.
    tickets = company.tickets.join(cut.rename("cut"), on="customer_id")
    window = tickets[(tickets["created_at"] < tickets["cut"])
                     & (tickets["created_at"] >= tickets["cut"] - pd.Timedelta(days=120))]
    negative = (window["sentiment"] == "negative").groupby(window["customer_id"]).sum()
    negative = negative.reindex(truth.index, fill_value=0)
    per_customer = negative.groupby(churner).mean()
    assert per_customer[True] > 1.5 * per_customer[False]
    share = (window["sentiment"] == "negative").groupby(churner.reindex(window["customer_id"]).to_numpy()).mean()
    assert share[True] > share[False]
    # Realistic, not perfect: some non-churners complain, some churners are silent.
    assert (negative[~churner] > 0).any() and (negative[churner] == 0).any()


def test_seasonal_products_peak_in_their_month(small):
    lines = (small.order_lines.merge(small.orders[["order_id", "customer_id", "date_order"]], on="order_id")
             .merge(small.customers[["customer_id", "segment"]], on="customer_id")
             .merge(small.product_truth, on="product_id"))
    seasonal = lines[(lines["peak_month"] > 0)
                     & (lines["segment"].astype(str) == lines["seasonal_segment"].astype(str))]
    # Judge only peaks with enough sales to show a shape (a slow seller's 3 lines do not).
    sold_enough = seasonal.groupby("peak_month").filter(lambda group: len(group) >= 30)
    assert sold_enough["peak_month"].nunique() >= 2
    for peak, group in sold_enough.groupby("peak_month"):
        monthly = group.groupby(group["date_order"].dt.month)["qty"].sum().reindex(range(1, 13), fill_value=0)
        distance = min(abs(monthly.idxmax() - peak), 12 - abs(monthly.idxmax() - peak))
        assert distance <= 1, f"peak {peak}: demand peaks in month {monthly.idxmax()}"


def test_csv_round_trip(tiny, tmp_path):
    tiny.write_csv(tmp_path)
    assert (tmp_path / "hidden" / "truth.csv").is_file()
    assert not (tmp_path / "truth.csv").exists()
    assert (tmp_path / "promise_checks.csv").is_file() and (tmp_path / "hidden" / "ticket_truth.csv").is_file()
    loaded = DemoCompany.load_csv(tmp_path)
    assert (loaded.seed, loaded.size, loaded.reference_date) == (tiny.seed, tiny.size, tiny.reference_date)
    for name, frame in _all_tables(tiny).items():
        pd.testing.assert_frame_equal(getattr(loaded, name), frame, obj=name)


def test_disconnection_costs_are_consistent_with_the_records_they_left(small):
    lost = small.lost_sales_truth.merge(small.orders, on="order_id").merge(small.promise_checks, on="order_id")
    assert len(lost) and (lost["state"] == "cancelled").all()
    # A caused loss was checked late, or impossible when it was a stock-out.
    expected = np.where(lost["cause"] == "stock_out", "impossible", "late")
    assert (lost["promise_status"].astype(str) == expected).all()
    lines = small.order_lines[small.order_lines["order_id"].isin(lost["order_id"])]
    net = (lines["qty"] * lines["price_unit"] * (1 - lines["discount"] / 100)).groupby(lines["order_id"]).sum()
    assert np.allclose(lost.set_index("order_id")["revenue_lost"].sort_index(), net.sort_index(), atol=0.01)
    effort = small.ticket_effort.merge(small.ticket_truth, on="ticket_id")
    logged = effort.dropna(subset=["hours_logged"])
    assert 0.6 < len(logged) / len(effort) < 0.8
    assert np.corrcoef(logged["hours_logged"], logged["handling_hours"])[0, 1] > 0.9
    conflict = small.tickets.set_index("ticket_id")["category"].astype(str).isin(["delivery", "billing"])
    assert (small.ticket_truth.set_index("ticket_id")["conflict"] == conflict).all()


def test_the_disconnection_streams_leave_every_other_table_unchanged(tiny, monkeypatch):
    """Other tests rely on the company's figures: the new truth draws from random streams of its own."""
    promise_costs, ticket_costs = demo_generator._promise_costs, demo_generator._ticket_costs
    monkeypatch.setattr(demo_generator, "_promise_costs",
                        lambda rng, *args: promise_costs(np.random.default_rng(99), *args))
    monkeypatch.setattr(demo_generator, "_ticket_costs", lambda rng, *args: ticket_costs(np.random.default_rng(98),
                                                                                           *args))
    other = generate(size="tiny")
    for name in (*TABLES, "truth", "product_truth"):
        pd.testing.assert_frame_equal(getattr(other, name), getattr(tiny, name), obj=name)
    assert not other.ticket_truth.equals(tiny.ticket_truth)


def test_load_csv_without_manifest_is_a_validation_error(tmp_path):
    with pytest.raises(ValidationError) as error:
        DemoCompany.load_csv(tmp_path)
    assert error.value.code == "missing_manifest"


def test_ticket_corpus_is_bilingual_noisy_and_labelled():
    corpus = make_ticket_corpus(n=600, seed=3)
    assert len(corpus) == 600
    assert {"lang", "subject", "body", "category", "urgency", "sentiment"} <= set(corpus.columns)
    assert set(corpus["lang"]) <= {"es", "en", "other"} and {"es", "en"} <= set(corpus["lang"])
    assert set(corpus["category"]) == {"billing", "delivery", "product_defect", "returns", "account_access", "other"}
    mislabelled = (corpus["category"] != corpus["true_category"]).mean()
    assert 0.02 < mislabelled < 0.1
    assert corpus["body"].str.contains(r"S\d{5}").any()
    assert corpus["body"].str.len().min() < 60 < corpus["body"].str.len().max()
    assert make_ticket_corpus(n=50, seed=3).equals(make_ticket_corpus(n=50, seed=3))


def test_closed_ticket_feedback_follows_sentiment(small):
    rated = small.tickets.dropna(subset=["feedback_score"])
    assert rated["closed_at"].notna().all()
    means = rated.groupby("sentiment", observed=True)["feedback_score"].mean()
    assert means["negative"] < means["neutral"] < means["positive"]


def test_retention_offer_helps_high_risk_customers_only():
    company = generate(size="default")
    start = company.reference_date
    truth = company.truth[company.truth["churn_date"].isna() | (company.truth["churn_date"] >= pd.Timestamp(start))]
    ids = truth["customer_id"].to_numpy()
    control = simulate_outcomes(company, ids, np.zeros(len(ids), bool), 10.0, start, seed=1)
    offer = simulate_outcomes(company, ids, np.ones(len(ids), bool), 10.0, start, seed=1)
    risk = truth["churn_propensity"].to_numpy()
    high, low = risk >= np.quantile(risk, 0.8), risk < np.quantile(risk, 0.5)
    high_effect = offer["churned"][high].mean() - control["churned"][high].mean()
    low_effect = offer["churned"][low].mean() - control["churned"][low].mean()
    assert -0.18 <= high_effect <= -0.04
    assert low_effect >= -0.01
    assert offer["margin"][low].sum() < control["margin"][low].sum(), "discounts to loyal customers cost margin"
    again = simulate_outcomes(company, ids, np.ones(len(ids), bool), 10.0, start, seed=1)
    pd.testing.assert_frame_equal(offer, again)


def test_response_model_rejects_bad_input(tiny):
    ids = tiny.customers["customer_id"].to_numpy()[:3]
    with pytest.raises(ValidationError):
        simulate_outcomes(tiny, ids, np.ones(2, bool), 10.0, tiny.reference_date)
    with pytest.raises(ValidationError):
        simulate_outcomes(tiny, ids, np.ones(3, bool), 150.0, tiny.reference_date)
    with pytest.raises(ValidationError):
        simulate_outcomes(tiny, [99999], np.ones(1, bool), 10.0, date(2026, 10, 31))
