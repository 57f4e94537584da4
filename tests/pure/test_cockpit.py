"""The cockpit's measures on a hand-made company whose every figure is worked out by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from crm_bridge.cockpit.change import before_after, treated_vs_control
from crm_bridge.cockpit.measures import MEASURES, PAIRS, cockpit_figures, cockpit_records, late_delivery_churn
from crm_bridge.contract.errors import ValidationError
from crm_bridge.pricing.guardrail import PricingPolicy

TODAY = dt.date(2026, 3, 31)
NaT = pd.NaT


def _day(text):
    return pd.Timestamp(text) if text else NaT


def _tables() -> dict[str, pd.DataFrame]:
    customers = pd.DataFrame({"customer_id": [1, 2], "segment": ["B2B", "B2C"],
                              "salesperson": ["Laura Gómez", "Webshop team"]})
    # Product 1 has no stock left and sold in the last 90 days: zero days of cover, scarce.
    products = pd.DataFrame({"product_id": [1, 2], "category": ["Tools", "Cleaning"], "type": ["storable"] * 2,
                             "cost": [50.0, 10.0]})
    stock = pd.DataFrame({"product_id": [1, 2], "warehouse_id": [1, 1], "qty_on_hand": [0.0, 1000.0]})
    rows = [  # order, customer, date, state, promised, delivered
        (1, 1, "2026-01-10", "delivered", "2026-01-15", "2026-01-14"),
        (2, 1, "2026-02-05", "cancelled", "2026-02-10", None),
        (3, 2, "2026-02-10", "delivered", "2026-02-12", "2026-02-15"),
        (4, 2, "2026-03-01", "cancelled", "2026-03-04", None),
        (5, 1, "2026-03-05", "confirmed", "2026-03-10", None),
        (6, 1, "2026-03-20", "quotation", "2026-04-05", None),
        (7, 2, "2026-03-25", "delivered", "2026-03-28", "2026-03-27"),
    ]
    orders = pd.DataFrame({
        "order_id": [r[0] for r in rows], "customer_id": [r[1] for r in rows],
        "date_order": [_day(r[2]) for r in rows], "state": [r[3] for r in rows],
        "commitment_date": [_day(r[4]) for r in rows], "delivery_date": [_day(r[5]) for r in rows],
    })
    lines = pd.DataFrame({  # line i belongs to order i
        "line_id": range(1, 8), "order_id": range(1, 8), "product_id": [1, 2, 1, 2, 2, 1, 2],
        "qty": [2.0, 10.0, 1.0, 5.0, 10.0, 1.0, 10.0], "price_unit": [100.0, 20.0, 100.0, 20.0, 20.0, 100.0, 20.0],
        "discount": [0.0, 0.0, 40.0, 0.0, 5.0, 0.0, 0.0], "cost": [50.0, 10.0, 50.0, 10.0, 10.0, 50.0, 10.0],
    })
    invoices = pd.DataFrame({"invoice_id": [1, 2], "order_id": pd.array([1, None], dtype="Int64"),
                             "customer_id": [1, 2], "date_invoice": [_day("2026-01-14"), _day("2026-02-20")],
                             "amount": [200.0, -30.0]})
    tickets = pd.DataFrame({"ticket_id": [1, 2, 3, 4], "customer_id": pd.array([1, 2, 2, 1], dtype="Int64"),
                            "created_at": [_day(d) for d in ("2026-02-06", "2026-02-16", "2026-03-01", "2026-03-02")],
                            "category": ["delivery", "billing", "billing", "other"]})
    checks = pd.DataFrame({"order_id": range(1, 8), "promise_status": [
        "feasible", "late", "feasible", "feasible", "feasible", "impossible", "impossible"]})
    effort = pd.DataFrame({"ticket_id": [1, 2, 3, 4], "hours_logged": [2.0, np.nan, 1.0, 5.0]})
    elapsed = pd.DataFrame({"ticket_id": [1, 3, 4], "hours_open": [30.0, 4.5, 99.0]})  # ticket 2 is still open
    return {"customers": customers, "products": products, "stock": stock, "orders": orders, "order_lines": lines,
            "invoices": invoices, "tickets": tickets, "promise_checks": checks, "ticket_effort": effort,
            "ticket_elapsed": elapsed}


@pytest.fixture(scope="module")
def records():
    return cockpit_records(_tables(), TODAY)


def _whole(records) -> dict[str, float]:
    figures = cockpit_figures(records.records, by=())
    return dict(zip(figures["measure"], figures["figure"]))


# Decided orders with a feasible promise: 1 (200), 3 (60), 4 (100, cancelled), 5 (190): 100 of 550 cancelled.
BASE_RATE = 100 / 550
EXPECTED = {
    "lost_after_bad_promise": 200.0,  # order 2, cancelled after a late verdict
    "lost_to_late_promise": 200.0 * (1 - BASE_RATE),
    "lost_to_stock_out": 200.0 * (0 - BASE_RATE),  # order 7 was kept: negative (the quotation 6 is undecided)
    "margin_above_guardrail": 30.0,  # line 3: 40 % asked, 10 % allowed (base room): net 60 instead of 90
    "discount_on_scarce": 40.0,  # line 3, product 1 has zero cover today
    "conflict_tickets": 3.0,
    "conflict_ticket_hours": 2.0 + 1.0 + 1.0,  # ticket 2 has none logged: the billing mean, 1.0
    "conflict_ticket_open_hours": 30.0 + 4.5,  # closed conflict tickets 1 and 3 (2 is open, 4 is no conflict)
    "credit_notes": 30.0,
    "billing_disputes": 2.0,
    "promise_accuracy": 2 / 4,  # due: 1 on time, 3 late, 5 not delivered, 7 on time
    "promised_lead_days": (5 + 2 + 5 + 3) / 4,
    "sales_volume": 650.0,  # 200 + 60 + 190 + 200
    "inventory_value": 10_000.0,
    "discount_rate": 50.0 / 700.0,
    "margin_rate": (650.0 - 350.0) / 650.0,
    "new_customers": 2.0,
    "returning_share": 0.5,  # orders 5 and 7
    "transactions": 4.0,
    "average_ticket": 162.5,
}


def test_every_measure_has_its_worked_out_figure(records):
    assert set(EXPECTED) == set(MEASURES)
    figures = _whole(records)
    for key, expected in EXPECTED.items():
        assert figures[key] == pytest.approx(expected), key
    assert records.unavailable == {}


def test_records_drill_down_to_the_documents_behind_a_figure(records):
    frame = records.records
    lost = frame[frame["measure"] == "lost_after_bad_promise"]
    assert list(zip(lost["model"], lost["record_id"])) == [("sale.order", 2)]
    over = frame[frame["measure"] == "margin_above_guardrail"]
    assert list(zip(over["model"], over["record_id"])) == [("sale.order.line", 3)]
    assert set(frame.loc[frame["measure"] == "conflict_tickets", "record_id"]) == {1, 2, 3}


def test_figures_per_salesperson_and_month_add_up_to_the_whole(records):
    by_person = cockpit_figures(records.records, by=("salesperson",)).set_index(["salesperson", "measure"])
    assert by_person.loc[("Laura Gómez", "lost_after_bad_promise"), "figure"] == 200.0
    assert by_person.loc[("Webshop team", "margin_above_guardrail"), "figure"] == 30.0
    assert by_person.loc[("Laura Gómez", "promise_accuracy"), "figure"] == pytest.approx(0.5)  # orders 1 and 5
    # The inventory belongs to no salesperson.
    assert by_person.loc[("", "inventory_value"), "figure"] == 10_000.0
    monthly = cockpit_figures(records.records, by=("month", "segment"))
    volume = monthly[monthly["measure"] == "sales_volume"]
    assert volume["figure"].sum() == pytest.approx(650.0)
    assert volume.set_index(["month", "segment"]).loc[(pd.Timestamp("2026-03-01"), "B2B"), "figure"] == 190.0


def test_the_guardrail_and_scarcity_are_the_company_s_own():
    # Line 5 (product 2, "Cleaning": 5 % off 20, cost 10) is within the default guardrail; a 50 % floor on
    # Cleaning puts its floor price at the list price, so none of its 10 of discount was allowed.
    default = _whole(cockpit_records(_tables(), TODAY))
    strict = _whole(cockpit_records(_tables(), TODAY, policy=PricingPolicy(category_floors={"Cleaning": 0.5})))
    assert default["margin_above_guardrail"] == pytest.approx(30.0)
    assert strict["margin_above_guardrail"] == pytest.approx(40.0)
    # Product 2 sold 20 in the 90 days (1,000 in stock: overstock by its sales); the forecast expects 100 a day,
    # 10 days of cover: scarce, so line 5's discount counts, as the sale order would judge the product today.
    forecast = _whole(cockpit_records(_tables(), TODAY, forecast_daily=pd.Series({2: 100.0})))
    assert default["discount_on_scarce"] == pytest.approx(40.0)
    assert forecast["discount_on_scarce"] == pytest.approx(50.0)
    # A forecast for another product leaves the trailing sales to decide.
    assert _whole(cockpit_records(_tables(), TODAY, forecast_daily=pd.Series({9: 100.0})))[
        "discount_on_scarce"] == pytest.approx(40.0)


def test_without_the_record_tables_their_measures_are_unavailable_and_the_rest_unchanged():
    tables = _tables()
    del tables["promise_checks"], tables["ticket_effort"], tables["ticket_elapsed"]
    partial = cockpit_records(tables, TODAY)
    assert set(partial.unavailable) == {"lost_after_bad_promise", "lost_to_late_promise", "lost_to_stock_out",
                                        "conflict_ticket_hours", "conflict_ticket_open_hours"}
    figures = _whole(partial)
    assert set(figures) == set(MEASURES) - set(partial.unavailable)
    assert figures["margin_above_guardrail"] == 30.0


def test_a_missing_table_or_column_is_a_structured_error():
    tables = _tables()
    del tables["orders"]
    with pytest.raises(ValidationError) as error:
        cockpit_records(tables, TODAY)
    assert (error.value.code, error.value.field) == ("missing_table", "orders")
    tables = _tables()
    tables["promise_checks"] = tables["promise_checks"].drop(columns="promise_status")
    with pytest.raises(ValidationError) as error:
        cockpit_records(tables, TODAY)
    assert error.value.code == "missing_columns"
    with pytest.raises(ValidationError) as error:
        cockpit_figures(pd.DataFrame(columns=["measure", "value", "base", "record_id"]), by=("region",))
    assert error.value.code == "invalid_dimension"


def test_pairs_set_a_sales_figure_beside_an_operations_figure():
    for sales, operations in PAIRS:
        assert (MEASURES[sales].side, MEASURES[operations].side) == ("sales", "operations")


def _monthly(values: list[float]) -> pd.DataFrame:
    months = pd.date_range("2026-01-01", periods=len(values), freq="MS")
    return pd.DataFrame({"measure": "transactions", "month": months, "segment": "B2B", "salesperson": "x",
                         "model": "sale.order", "record_id": range(len(values)), "value": values, "base": 1.0})


def test_before_after_is_an_association_with_welch_interval():
    table = before_after(_monthly([9.0, 10.0, 11.0, 19.0, 20.0, 21.0]), dt.date(2026, 4, 15))
    row = table.iloc[0]
    assert (row["measure"], row["months_before"], row["months_after"]) == ("transactions", 3, 3)
    assert (row["before"], row["after"], row["difference"]) == (10.0, 20.0, 10.0)
    # Welch with equal variances 1 and 3 + 3 months: 4 degrees of freedom, t = 2.776, se = sqrt(2/3).
    assert row["ci_low"] == pytest.approx(10.0 - 2.7764 * np.sqrt(2 / 3), abs=1e-3)
    assert row["evidence"] == "associated"
    flat = before_after(_monthly([10.0, 12.0, 11.0, 10.0, 12.0, 11.0]), dt.date(2026, 4, 1)).iloc[0]
    assert flat["ci_low"] < 0 < flat["ci_high"]


def test_before_after_needs_months_on_both_sides():
    with pytest.raises(ValidationError) as error:
        before_after(_monthly([1.0, 2.0, 3.0]), dt.date(2026, 3, 1))
    assert error.value.code == "invalid_switch_on"


def test_treated_against_control_reuses_the_actions_impact():
    outcomes = pd.DataFrame({"group": ["treated"] * 10 + ["control"] * 10,
                             "churned": [True] * 2 + [False] * 8 + [True] * 5 + [False] * 5})
    row = treated_vs_control({"retention offer": outcomes}).iloc[0]
    assert (row["rule"], row["outcome"], row["evidence"]) == ("retention offer", "churned", "measured")
    assert row["uplift"] == pytest.approx(0.3)
    assert row["ci_low"] < 0.3 < row["ci_high"]


def test_each_outcome_of_a_rule_carries_its_own_verdict():
    """A rule that does not measurably move churn can still clearly bring orders back: each row says which."""
    treated, control = ["treated"] * 200, ["control"] * 200
    outcomes = pd.DataFrame({"group": treated + control,
                             "churned": [True] * 50 + [False] * 150 + [True] * 55 + [False] * 145,
                             "reordered": [True] * 150 + [False] * 50 + [True] * 100 + [False] * 100})
    rows = treated_vs_control({"discount email": outcomes}).set_index("outcome")
    assert rows.loc["churned", "verdict"] == "no measurable effect"
    assert rows.loc["reordered", "verdict"] == "helps"


def test_late_delivery_churn_compares_lapse_rates_of_customers_with_and_without_a_late_delivery():
    customers = pd.DataFrame({"customer_id": [1, 2, 3, 4], "segment": ["B2B"] * 4, "salesperson": ["x"] * 4})
    rows = [  # customer, ordered, promised, delivered: 1 and 2 got a late delivery; 1 and 3 lapsed
        (1, "2026-01-05", "2026-01-10", "2026-01-20"), (1, "2026-02-01", "2026-02-05", "2026-02-05"),
        (2, "2026-01-05", "2026-01-10", "2026-01-15"), (2, "2026-12-01", "2026-12-05", "2026-12-05"),
        (3, "2026-01-05", "2026-01-10", "2026-01-09"),
        (4, "2026-01-05", "2026-01-10", "2026-01-10"), (4, "2026-11-01", "2026-11-05", "2026-11-05"),
    ]
    orders = pd.DataFrame({"order_id": range(1, len(rows) + 1), "customer_id": [r[0] for r in rows],
                           "date_order": [_day(r[1]) for r in rows], "state": "delivered",
                           "commitment_date": [_day(r[2]) for r in rows], "delivery_date": [_day(r[3]) for r in rows]})
    table = late_delivery_churn({"customers": customers, "orders": orders}, dt.date(2026, 12, 31)).set_index("segment")
    assert table.loc["all", ["customers_late", "lapsed_late", "customers_on_time", "lapsed_on_time"]].tolist() == [
        2, 1, 2, 1]
    assert table.loc["all", "difference"] == 0.0
    assert table.loc["all", "ci_low"] < 0 < table.loc["all", "ci_high"]


def test_figures_can_list_the_records_behind_each_cell(records):
    cells = cockpit_figures(records.records, by=("salesperson",), record_ids=True).set_index(
        ["salesperson", "measure"])
    cell = cells.loc[("Laura Gómez", "promise_accuracy")]
    assert (cell["model"], cell["record_ids"], cell["value"], cell["base"]) == ("sale.order", [1, 5], 1.0, 2.0)


def test_rows_that_stand_for_several_records_add_up_like_the_records():
    """The bridge adds up stored rows (value, base, records per row) to the figures the records give."""
    records = pd.DataFrame({"month": ["2026-09"] * 3, "segment": ["B2B", "B2B", "B2C"],
                            "measure": ["promise_accuracy"] * 3, "value": [1.0, 0.0, 1.0], "base": 1.0,
                            "record_id": [1, 2, 3]})
    by_segment = cockpit_figures(records, by=("month", "segment")).drop(columns="segment")
    stored = by_segment.rename(columns={"figure": "stored_figure"})
    again = cockpit_figures(stored[["month", "measure", "value", "base", "records"]], by=("month",))
    whole = cockpit_figures(records, by=("month",))
    assert again["figure"].tolist() == whole["figure"].tolist() == [2.0 / 3.0]
    assert again["records"].tolist() == [3]
