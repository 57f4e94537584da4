"""Customer features: hand-computed values, no leakage past the cut-off, missing tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ai_insights.churn.features import FEATURES, INPUT_COLUMNS, build_features, check_declared
from crm_bridge.contract.errors import ValidationError
from crm_bridge.tables.schema import TABLES

CUTOFF = pd.Timestamp("2024-04-01")
D = pd.Timestamp


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Customer 1 buys on Jan 1, Jan 21, Feb 10 and Mar 21 (gaps 20, 20, 40); customer 2 once."""
    orders = pd.DataFrame(
        [
            (1, 1, D("2024-01-01"), "delivered", D("2024-01-05"), D("2024-01-04")),
            (2, 1, D("2024-01-21"), "delivered", D("2024-01-25"), D("2024-01-28")),
            (3, 1, D("2024-02-10"), "confirmed", D("2024-02-14"), pd.NaT),
            (4, 1, D("2024-03-21"), "delivered", D("2024-03-25"), D("2024-03-24")),
            (5, 1, D("2024-03-22"), "cancelled", pd.NaT, pd.NaT),
            (6, 1, D("2024-03-23"), "quotation", pd.NaT, pd.NaT),
            (7, 2, D("2023-03-01"), "delivered", D("2023-03-05"), D("2023-03-05")),
        ],
        columns=["order_id", "customer_id", "date_order", "state", "commitment_date", "delivery_date"],
    )
    lines = pd.DataFrame(
        [
            (1, 1, 10, 2.0, 50.0, 0.0, 30.0, 0.0),  # net 100, cost 60
            (2, 2, 10, 1.0, 100.0, 10.0, 30.0, 1.0),  # net 90, cost 30, one returned
            (3, 3, 10, 2.0, 50.0, 0.0, 30.0, 0.0),  # net 100, cost 60
            (4, 4, 10, 1.0, 110.0, 0.0, 50.0, 0.0),  # net 110, cost 50
            (5, 5, 10, 9.0, 100.0, 0.0, 50.0, 0.0),  # cancelled: ignored
            (6, 7, 10, 1.0, 40.0, 0.0, 20.0, 0.0),
        ],
        columns=["line_id", "order_id", "product_id", "qty", "price_unit", "discount", "cost", "qty_returned"],
    )
    invoices = pd.DataFrame(
        [
            (1, 1, 1, D("2024-01-01"), D("2024-01-31"), 100.0, D("2024-02-10")),  # 10 days late
            (2, 2, 1, D("2024-01-21"), D("2024-02-20"), 90.0, D("2024-02-15")),  # early: 0
            (3, 3, 1, D("2024-02-10"), D("2024-03-11"), 100.0, pd.NaT),  # unpaid: 21 days late at cut-off
            (4, 4, 1, D("2024-03-21"), D("2024-04-20"), 110.0, pd.NaT),  # not due yet: ignored
        ],
        columns=["invoice_id", "order_id", "customer_id", "date_invoice", "date_due", "amount", "date_paid"],
    )
    tickets = pd.DataFrame(
        [
            (1, 1, D("2023-11-01"), D("2023-11-03"), "negative", 2.0),  # outside the 90 days
            (2, 1, D("2024-02-01"), D("2024-02-02"), "negative", 4.0),
            (3, 1, D("2024-03-01"), pd.NaT, "neutral", np.nan),  # still open
        ],
        columns=["ticket_id", "customer_id", "created_at", "closed_at", "sentiment", "feedback_score"],
    )
    interactions = pd.DataFrame(
        [
            (1, 1, D("2024-03-01"), "call", "inbound", 5.0),
            (2, 1, D("2024-03-02"), "email", "outbound", np.nan),
            (3, 1, D("2023-06-01"), "email", "inbound", 15.0),
        ],
        columns=["interaction_id", "customer_id", "date", "kind", "direction", "response_hours"],
    )
    return {"orders": orders, "order_lines": lines, "invoices": invoices, "tickets": tickets,
            "interactions": interactions}


def test_each_feature_on_hand_computed_data():
    features = build_features(tiny_tables(), CUTOFF)
    one = features.loc[1]
    expected = {
        "recency_days": 11, "frequency": 4, "tenure_days": 91, "orders_recent": 3,  # Jan 1 is 91 days back
        "usual_interval_days": 20, "last_interval_days": 40, "interval_trend": 41 / 21, "overdue_ratio": 12 / 21,
        "avg_order_value": 400 / 4, "revenue_365d": 400, "margin_rate": (400 - 200) / 400,
        "discount_rate": 100 * (1 - 400 / 410), "return_rate": 1 / 6, "cancel_rate": 1 / 5,
        "late_delivery_rate": 1 / 3, "avg_payment_delay_days": (10 + 0 + 21) / 3, "overdue_amount": 100,
        "tickets_recent": 2, "negative_tickets_recent": 1, "open_tickets": 1, "avg_feedback_score": 3,
        "interactions_recent": 2, "avg_response_hours": 10,
    }
    assert set(expected) == set(FEATURES)
    for name, value in expected.items():
        assert one[name] == pytest.approx(value), name
    two = features.loc[2]
    assert two["frequency"] == 1 and two["revenue_365d"] == 0 and np.isnan(two["usual_interval_days"])
    assert two["tickets_recent"] == 0 and np.isnan(two["avg_feedback_score"])
    assert list(features.columns) == list(FEATURES)


def test_future_rows_do_not_change_features():
    tables = tiny_tables()
    before = build_features(tables, CUTOFF)
    later = D("2024-04-01")  # the cut-off day itself is already the future
    future = {
        "orders": pd.DataFrame([(8, 1, later, "delivered", later, later), (9, 3, later, "delivered", later, later)],
                               columns=tables["orders"].columns),
        "order_lines": pd.DataFrame([(7, 8, 10, 5.0, 500.0, 50.0, 1.0, 5.0)], columns=tables["order_lines"].columns),
        "invoices": pd.DataFrame([(5, 8, 1, later, later, 9.0, pd.NaT)], columns=tables["invoices"].columns),
        "tickets": pd.DataFrame([(4, 1, later, later, "negative", 1.0)], columns=tables["tickets"].columns),
        "interactions": pd.DataFrame([(4, 1, later, "call", "inbound", 99.0)],
                                     columns=tables["interactions"].columns),
    }
    grown = {name: pd.concat([tables[name], future[name]], ignore_index=True) for name in tables}
    # Events after the cut-off on past rows: the unpaid invoice gets paid, the open ticket closes.
    grown["invoices"].loc[grown["invoices"]["invoice_id"] == 3, "date_paid"] = D("2024-05-01")
    grown["tickets"].loc[grown["tickets"]["ticket_id"] == 3, ["closed_at", "feedback_score"]] = [D("2024-04-02"), 1.0]
    pd.testing.assert_frame_equal(build_features(grown, CUTOFF), before)


def test_missing_tables_give_nan_features():
    tables = tiny_tables()
    only_erp = build_features({"orders": tables["orders"], "order_lines": tables["order_lines"]}, CUTOFF)
    for name, spec in FEATURES.items():
        if spec.source in ("invoices", "tickets", "interactions"):
            assert only_erp[name].isna().all(), name
        else:
            assert only_erp[name].equals(build_features(tables, CUTOFF)[name]), name


def test_the_declared_input_columns_are_all_the_builder_reads():
    tables = tiny_tables()
    trimmed = {name: tables[name][list(columns)] for name, columns in INPUT_COLUMNS.items()}
    pd.testing.assert_frame_equal(build_features(trimmed, CUTOFF), build_features(tables, CUTOFF))
    for name, columns in INPUT_COLUMNS.items():
        assert set(columns) <= {column.name for column in TABLES[name]}, name
        for dropped in columns:  # and each of them is read
            with pytest.raises(KeyError):
                build_features(dict(trimmed, **{name: trimmed[name].drop(columns=dropped)}), CUTOFF)


def test_orders_and_lines_are_required():
    with pytest.raises(ValidationError) as error:
        build_features({"orders": tiny_tables()["orders"]}, CUTOFF)
    assert error.value.field == "order_lines"


def test_listed_customers_without_purchases_get_zero_counts():
    features = build_features(tiny_tables(), CUTOFF, customer_ids=[1, 2, 99])
    assert features.loc[99, "frequency"] == 0 and np.isnan(features.loc[99, "recency_days"])


def test_every_feature_is_declared_with_purpose_source_and_words():
    for name, spec in FEATURES.items():
        assert spec.name == name and spec.purpose and spec.source in TABLES
        assert "{" in spec.when_high and "{" in spec.when_low


def test_undeclared_columns_are_refused():
    with pytest.raises(ValidationError) as error:
        check_declared(["recency_days", "email"])
    assert error.value.code == "undeclared_feature" and error.value.field == "email"
