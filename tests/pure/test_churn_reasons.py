"""Churn reasons as a code and figures: one English phrase per code, said in the reader's language and formats."""

from __future__ import annotations

import pandas as pd
import pytest
from _customer_fixtures import synthetic_company

from ai_insights.churn.datasets import calibration_holdout
from ai_insights.churn.features import FEATURES, churn_reasons
from ai_insights.churn.model import ChurnModel
from crm_bridge.contract.reasons import PARAM_KINDS, PHRASES, phrase_fields, phrase_key, render
from demo_company.report import Words

# A customer with every feature known, each one away from ``TYPICAL`` (both directions are tried below).
CUSTOMER = {
    "recency_days": 200.4, "frequency": 3.0, "tenure_days": 700.0, "orders_recent": 0.0, "usual_interval_days": 40.0,
    "last_interval_days": 95.0, "interval_trend": 2.3, "overdue_ratio": 4.9, "avg_order_value": 1234.567,
    "revenue_365d": 2500.0, "margin_rate": 0.31, "discount_rate": 12.5, "return_rate": 0.08, "cancel_rate": 0.25,
    "late_delivery_rate": 0.4, "avg_payment_delay_days": 8.3, "overdue_amount": 640.0, "tickets_recent": 2.0,
    "negative_tickets_recent": 1.0, "open_tickets": 1.0, "avg_feedback_score": 2.54, "interactions_recent": 4.0,
    "avg_response_hours": 30.2,
}


def reason(name: str, typical: float) -> dict:
    """The reason feature ``name`` gives for ``CUSTOMER`` against a typical customer's value ``typical``."""
    return churn_reasons(pd.DataFrame([CUSTOMER]), [name], [typical])[0]


def test_every_feature_says_both_directions_with_a_phrase_its_figures_fill():
    assert set(CUSTOMER) == set(FEATURES)
    names = [name for name in FEATURES for _direction in (1, 2)]
    typical = [CUSTOMER[name] / 2 - 1 if direction == 1 else CUSTOMER[name] * 2 + 1
               for name in FEATURES for direction in (1, 2)]
    customers = pd.DataFrame([CUSTOMER] * len(names))
    for name, usual, said in zip(names, typical, churn_reasons(customers, names, typical), strict=True):
        assert said["code"] == f"churn_{name}_{'high' if CUSTOMER[name] > usual else 'low'}"
        key = phrase_key(said["code"], said["params"])
        assert key.partition(":")[0] == said["code"], said["code"]
        assert set(said["params"]) == set(phrase_fields(said["code"])) >= set(phrase_fields(key))
        assert said["message"] == render(said) and "{" not in said["message"] and "nan" not in said["message"]
    churn_codes = {key.partition(":")[0] for key in PHRASES if key.startswith("churn_")}
    assert churn_codes == {spec.reason_code(high) for spec in FEATURES.values() for high in (True, False)}


def test_figures_carry_their_kind():
    """Days with their unit, money as money, a rate or a discount as a percentage, counts whole."""
    late = reason("avg_payment_delay_days", 0.2)
    assert late["params"] == {"avg_payment_delay_days": 8.3, "typical_avg_payment_delay_days": 0.2}
    assert late["message"] == "Pays 8 days late on average (typical: 0 days)"
    discount = reason("discount_rate", 5.0)
    assert discount["params"] == {"discount_rate": 0.125, "typical_discount_rate": 0.05}
    assert discount["message"] == "Buys with 12.5% discount on average (typical: 5%)"
    large = reason("avg_order_value", 800.0)
    assert PARAM_KINDS["avg_order_value"] == PARAM_KINDS["typical_avg_order_value"] == "money"
    assert large["params"]["avg_order_value"] == 1234.57
    assert reason("recency_days", 40.6)["message"] == "No order for 200 days (typical customer: 41 days)"
    assert reason("tenure_days", 1.2)["message"] == "Customer for 700 days (typical: 1 day)"
    unknown = churn_reasons(pd.DataFrame([{**CUSTOMER, "usual_interval_days": float("nan")}]), ["overdue_ratio"],
                            [1.0])[0]
    assert unknown["params"]["usual_interval_days"] is False, "an unknown figure travels as XML-RPC carries it"


def test_spanish_reader_reads_spanish_words_and_formats():
    words = Words("es")
    late = reason("avg_payment_delay_days", 1.0)
    assert words.reason(late) == "Paga con 8 días de retraso de media (lo típico: 1 día)"
    large = reason("avg_order_value", 800.0)
    assert words.reason(large) == "Pedidos grandes: 1.234,57 de media (lo típico: 800,00)"
    discount = reason("discount_rate", 5.0)
    assert words.reason(discount) == "Compra con un 12,5\u00a0% de descuento de media (lo típico: 5,0\u00a0%)"
    assert Words("en").reason(late) == late["message"]


@pytest.fixture(scope="module")
def scored():
    tables = synthetic_company(300, seed=3)
    X, bought = calibration_holdout(tables, "2023-10-01", 180)
    model = ChurnModel(horizon_days=180).fit(X, bought == 0)
    return model.score(X)


def test_scores_carry_the_structured_reasons_of_their_sentences(scored):
    assert scored["reasons"].map(len).max() == 3
    for _customer, row in scored.iterrows():
        sentences = [row[f"reason_{rank}"] for rank in (1, 2, 3) if row[f"reason_{rank}"]]
        assert [reason["message"] for reason in row["reasons"]] == sentences
        assert all(render(reason) == reason["message"] for reason in row["reasons"])


def test_a_count_of_zero_is_said_as_none():
    """"No order recently", not "Only 0 orders recently": the variant is chosen where the phrase is (phrase_key)."""
    quiet = reason("orders_recent", 1.0)
    assert quiet["code"] == "churn_orders_recent_low" and quiet["params"]["orders_recent"] == 0
    assert quiet["message"] == "No order recently (typical customer: 1)"
    assert Words("es").reason(quiet) == "Ningún pedido últimamente (cliente típico: 1)"
    one = churn_reasons(pd.DataFrame([{**CUSTOMER, "orders_recent": 1.0}]), ["orders_recent"], [2.0])[0]
    assert one["message"] == "Only 1 orders recently (typical customer: 2)"
    calm = churn_reasons(pd.DataFrame([{**CUSTOMER, "open_tickets": 0.0, "interactions_recent": 0.0}] * 2),
                         ["open_tickets", "interactions_recent"], [1.0, 3.0])
    assert [Words("es").reason(said) for said in calm] == [
        "Ningún ticket abierto (lo típico: 1)", "Ningún contacto con nosotros últimamente (lo típico: 3)"]
