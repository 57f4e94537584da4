"""Recommendations: meta-learners on data with known uplift, the next best action, complements and their filters."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from ai_insights.recommend import (
    ActionEconomics,
    TLearner,
    UpliftEstimate,
    XLearner,
    check_experiment,
    describe,
    next_best_actions,
    qini,
)
from ai_insights.recommend.complements import CoPurchase, honour_filter, recently_refused_products
from crm_bridge.contract.errors import ValidationError
from crm_bridge.pricing.guardrail import PricingPolicy
from crm_bridge.promise.engine import Capacity, ProductSupply, PromiseEngine

TODAY = date(2026, 10, 31)


def _experiment(n: int, seed: int = 0):
    """Uplift 0.25 where x0 > 0, none elsewhere; the baseline depends on x1 (risk is not uplift)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    treated = rng.random(n) < 0.5
    tau = np.where(X[:, 0] > 0, 0.25, 0.0)
    base = 0.2 + 0.5 / (1 + np.exp(-2 * X[:, 1]))
    y = rng.random(n) < np.clip(base + treated * tau, 0, 1)
    return X, treated, y, tau


@pytest.mark.parametrize("learner", [TLearner(n_bootstrap=3), XLearner(n_bootstrap=3)])
def test_meta_learners_recover_known_uplift(learner):
    X, treated, y, _ = _experiment(3000)
    X_test, treated_test, y_test, tau_test = _experiment(3000, seed=1)
    model = clone(learner).fit(X, treated, y)
    estimate, low, high = model.predict_interval(X_test)
    assert np.corrcoef(estimate, tau_test)[0, 1] > 0.5
    assert estimate[tau_test > 0].mean() - estimate[tau_test == 0].mean() > 0.15
    assert (low <= estimate).all() and (estimate <= high).all() and (high - low).mean() > 0
    # Ranking by the estimate beats random targeting on an experiment the model never saw.
    assert qini(estimate, treated_test, y_test) > 0.01
    assert qini(np.random.default_rng(3).random(len(y_test)), treated_test, y_test) < qini(
        estimate, treated_test, y_test)


def test_meta_learner_takes_any_classifier_and_clones():
    X, treated, y, tau = _experiment(2000)
    model = TLearner(classifier=LogisticRegression(), n_bootstrap=2).fit(X, treated, y)
    assert model.get_params()["n_bootstrap"] == 2
    assert clone(model).get_params()["classifier"].__class__ is LogisticRegression
    assert model.predict(X).shape == (2000,)


def test_too_little_experimental_data_says_so():
    X, treated, y, _ = _experiment(150)
    assert "treated customers" in check_experiment(treated, y)
    assert check_experiment(*_experiment(3000)[1:3]) == ""
    with pytest.raises(ValidationError) as err:
        TLearner().fit(X, np.ones(150, bool), y)
    assert err.value.code == "insufficient_data"
    with pytest.raises(ValidationError) as err:
        TLearner().fit(X, treated[:10], y)
    assert err.value.code == "length_mismatch"


def _customers(**columns) -> pd.DataFrame:
    base = {"customer_id": [1, 2, 3, 4], "value": [5000.0, 5000.0, 100.0, 2000.0],
            "churn_risk": [0.7, 0.3, 0.9, 0.2], "revenue": [1000.0, 1000.0, 50.0, 400.0],
            "email": ["a@x.com", "b@x.com", "c@x.com", ""], "consent_email": [True, False, True, True],
            "overdue_amount": [0.0, 0.0, 0.0, 0.0], "late_promise": [False, False, False, False],
            "cross_sell_margin": [100.0, 100.0, 100.0, 100.0]}
    base.update(columns)
    return pd.DataFrame(base)


def test_next_best_action_by_expected_incremental_value():
    customers = _customers()
    estimate = np.array([0.02, 0.10, 0.15, -0.05])
    result = next_best_actions(customers, UpliftEstimate(estimate, estimate - 0.02, estimate + 0.02), TODAY,
                               ActionEconomics(exploration_share=0.0))
    by_id = result.set_index("customer_id")
    # 0.10 x 5,000 - (15 + 10 % of 1,000) = 385 beats everything: a medium-risk customer who responds.
    assert by_id.loc[2, "action"] == "retention_offer"
    assert by_id.loc[2, "expected_value"] == pytest.approx(385.0)
    assert by_id.loc[2, "basis"] == "uplift_model"
    # A high-risk customer worth little: the offer does not pay; cross-sell (email consent) does.
    assert by_id.loc[3, "action"] == "cross_sell"
    # 0.02 x 5,000 - 115 < 0: the riskiest-but-unresponsive customer is not offered anything costly.
    assert by_id.loc[1, "action"] == "cross_sell"
    # No address: no email action; a sleeping dog: nothing.
    assert by_id.loc[4, "action"] == "nothing"
    assert "cross_sell" in by_id.loc[4, "not_allowed"]
    words = describe(by_id.loc[2].rename({"index": "customer_id"}), customers.set_index("customer_id").loc[2],
                     UpliftEstimate(estimate, estimate - 0.02, estimate + 0.02))
    assert words.code == "uplift_offer" and "+10.0%" in words.message and "385" in words.message


def test_consent_and_service_messages():
    customers = _customers(overdue_amount=[0.0, 800.0, 0.0, 800.0], days_overdue=[0, 60, 0, 60],
                           cross_sell_margin=[0.0, 0.0, 0.0, 0.0])
    no_effect = np.zeros(4)
    result = next_best_actions(customers, UpliftEstimate(no_effect, no_effect, no_effect), TODAY,
                               ActionEconomics(exploration_share=0.0)).set_index("customer_id")
    # A payment reminder is a service message: sent without marketing consent, never without an address.
    assert result.loc[2, "action"] == "payment_reminder"
    assert result.loc[4, "action"] == "nothing"
    assert result.loc[2, "not_allowed"] == "cross_sell"


def test_rule_based_fallback_is_labelled():
    customers = _customers()
    result = next_best_actions(customers, UpliftEstimate(insufficient="only 12 treated customers"), TODAY,
                               ActionEconomics(exploration_share=0.0)).set_index("customer_id")
    assert result.loc[1, "action"] == "retention_offer" and result.loc[1, "basis"] == "rule"
    assert result.loc[1, "reason_code"] == "rule_offer"
    assert np.isnan(result.loc[1, "uplift"])
    words = describe(result.loc[1], customers.set_index("customer_id").loc[1],
                     UpliftEstimate(insufficient="only 12 treated customers"))
    assert "rule-based: only 12 treated customers" in words.message


def test_exploration_share_is_random_fixed_and_labelled():
    rng = np.random.default_rng(0)
    n = 20_000
    customers = pd.DataFrame({"customer_id": np.arange(1, n + 1), "value": rng.gamma(2, 500, n),
                              "churn_risk": rng.random(n), "email": "x@y.z", "consent_email": True})
    estimate = rng.normal(0.05, 0.05, n)
    uplift = UpliftEstimate(estimate, estimate - 0.05, estimate + 0.05)
    first = next_best_actions(customers, uplift, TODAY, ActionEconomics(exploration_share=0.1))
    again = next_best_actions(customers, uplift, TODAY, ActionEconomics(exploration_share=0.1))
    explored = first["basis"] == "exploration"
    assert 0.08 < explored.mean() < 0.12
    pd.testing.assert_frame_equal(first, again)
    # Exploration spreads over the allowed actions, unrelated to the estimate.
    assert first.loc[explored, "action"].nunique() >= 2


def test_next_best_action_rejects_bad_input():
    with pytest.raises(ValidationError) as err:
        next_best_actions(pd.DataFrame({"customer_id": [1]}), UpliftEstimate(), TODAY)
    assert err.value.code == "missing_column"
    with pytest.raises(ValidationError) as err:
        next_best_actions(_customers(churn_risk=[1.5, 0, 0, 0]), UpliftEstimate(), TODAY)
    assert err.value.code == "invalid_value"
    with pytest.raises(ValidationError) as err:
        next_best_actions(_customers(), UpliftEstimate(np.zeros(3), np.zeros(3), np.zeros(3)), TODAY)
    assert err.value.code == "length_mismatch"


# ---------------------------------------------------------------- complements

PRODUCTS = pd.DataFrame({
    "product_id": [1, 2, 3, 4, 5, 6],
    "category": ["tools", "safety", "tools", "garden", "garden", "heating"],
    "type": ["storable"] * 6,
    "cost": [10.0, 5.0, 10.0, 10.0, 10.0, 95.0],
    "list_price": [20.0, 10.0, 20.0, 20.0, 20.0, 100.0],
})


def _baskets() -> pd.DataFrame:
    """Product 1 always comes with 2; customer 10 buys 3 every 30 days; 4 and 5 are popular alone."""
    rows, order = [], 0
    start = pd.Timestamp("2026-01-01")
    for i in range(40):
        order += 1
        day = start + pd.Timedelta(days=3 * i)
        rows += [(20 + i % 5, order, day, 1), (20 + i % 5, order, day, 2)]
        order += 1
        rows += [(30 + i % 7, order, day, 4 + i % 2)]
        order += 1
        rows += [(30 + i % 7, order, day, 5), (30 + i % 7, order, day, 4)]
    for k in range(8):
        order += 1
        rows.append((10, order, start + pd.Timedelta(days=30 * k), 3))
    return pd.DataFrame(rows, columns=["customer_id", "order_id", "date", "product_id"])



def test_a_company_with_one_single_product_order_still_gets_suggestions():
    """Nothing was ever bought together: no affinity, yet the model fits and falls back to popularity."""
    one = pd.DataFrame({"customer_id": [1], "order_id": [10], "date": [pd.Timestamp("2026-08-01")],
                        "product_id": [int(PRODUCTS["product_id"].iloc[0])]})
    model = CoPurchase().fit(one, PRODUCTS, today=date(2026, 9, 1))
    assert model.affinity_.nnz == 0
    assert model.popularity_.sum() > 0


def test_complements_use_lift_not_popularity():
    model = CoPurchase().fit(_baskets(), PRODUCTS, today=date(2026, 9, 1))
    suggested = model.suggest([1], k=3)
    assert suggested["product_id"].iloc[0] == 2
    assert suggested["source"].iloc[0] == "complement"
    assert suggested["anchor_product_id"].iloc[0] == 1 and suggested["lift"].iloc[0] > 1
    assert 1 not in suggested["product_id"].tolist()  # never what is already on the quotation


def test_repurchase_cycle_ranks_what_is_due():
    model = CoPurchase().fit(_baskets(), PRODUCTS, today=date(2026, 9, 1))
    last = pd.Timestamp("2026-01-01") + pd.Timedelta(days=210)
    due = model.recommend(10, last + pd.Timedelta(days=30), k=3)
    assert due["product_id"].iloc[0] == 3 and due["source"].iloc[0] == "repurchase"
    assert due["cycle_days"].iloc[0] == pytest.approx(30)
    early = model.recommend(10, last + pd.Timedelta(days=4), k=3)
    assert early.set_index("product_id").loc[3, "score"] < due.set_index("product_id").loc[3, "score"] / 2


def test_fallbacks_for_new_customers_and_products():
    customers = pd.DataFrame({"customer_id": [20, 21, 22, 23, 24, 30, 31, 32, 33, 34, 35, 36, 10],
                              "segment": ["B2B"] * 5 + ["B2C"] * 7 + ["B2B"]})
    model = CoPurchase().fit(_baskets(), PRODUCTS, customers, today=date(2026, 9, 1))
    new_customer = model.recommend(999, date(2026, 9, 1), k=2)
    assert set(new_customer["source"]) == {"segment"} and len(new_customer) == 2
    # Product 3 (tools) has no co-purchase: its category's affinity (tools -> safety) suggests product 2.
    by_category = model.suggest([3], k=3)
    assert by_category["product_id"].iloc[0] == 2 and by_category["source"].iloc[0] == "category"


def _engine() -> PromiseEngine:
    supplies = [
        ProductSupply(1, free_qty=50, replenish_lead_days=5),
        ProductSupply(2, free_qty=50, replenish_lead_days=5),
        ProductSupply(3, free_qty=0, replenish_lead_days=None),  # cannot be delivered
        ProductSupply(4, free_qty=50, replenish_lead_days=5),
        ProductSupply(5, free_qty=0, replenish_lead_days=3),  # can be bought in, not in stock
        ProductSupply(6, free_qty=50, replenish_lead_days=5),
    ]
    return PromiseEngine(supplies, Capacity(), TODAY)


def test_filter_keeps_only_what_the_erp_can_honour():
    products = PRODUCTS.assign(free_qty=[50, 50, 0, 50, 0, 50])
    suggestions = pd.DataFrame({"product_id": [2, 3, 4, 5, 6, 99]})
    result = honour_filter(suggestions, products, _engine(), PricingPolicy(margin_floor=0.15),
                           TODAY + timedelta(days=14), refused={4}).set_index("product_id")
    assert result.loc[2, "filter_reason"] == "available" and result.loc[2, "available"]
    assert result.loc[3, "filter_reason"] == "not_deliverable"
    assert result.loc[4, "filter_reason"] == "recently_refused"
    assert result.loc[5, "filter_reason"] == "out_of_stock"
    # Cost 95 at list 100: below the 15 % margin floor even without discount.
    assert result.loc[6, "filter_reason"] == "below_floor"
    assert result.loc[99, "filter_reason"] == "unknown_product"
    assert result["available"].sum() == 1


def test_offered_discount_is_capped_by_the_guardrail():
    products = PRODUCTS.assign(free_qty=50)
    result = honour_filter(pd.DataFrame({"product_id": [2]}), products, _engine(), PricingPolicy(),
                           TODAY + timedelta(days=14), discount=0.9)
    floor_price = 5.0 / (1 - 0.15)
    assert result.loc[0, "available"] and result.loc[0, "price"] >= floor_price - 1e-6


def test_recently_returned_or_complained_products():
    lines = pd.DataFrame({"customer_id": [1, 1, 1, 2], "date": pd.to_datetime(["2026-10-01", "2026-03-01",
                                                                              "2026-10-10", "2026-10-01"]),
                          "product_id": [7, 8, 9, 10], "qty_returned": [1.0, 2.0, 0.0, 1.0]})
    tickets = pd.DataFrame({"customer_id": [1, 1], "created_at": pd.to_datetime(["2026-10-20", "2026-10-20"]),
                            "product_id": [11, None]})
    assert recently_refused_products(lines, tickets, 1, TODAY) == {7, 11}
