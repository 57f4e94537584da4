"""Dynamic pricing core: price response estimation, suggestions inside the guardrail, the control group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ai_insights.pricing import estimate_price_response, in_control, suggest_prices, weekly_history
from crm_bridge.contract.errors import ValidationError
from crm_bridge.pricing.guardrail import PricingPolicy


def _history(elasticities: dict[int, float], category: dict[int, str], weeks: int = 104, base: float = 30.0,
             promoted: set[int] | None = None, seed: int = 0) -> pd.DataFrame:
    """Weekly sales drawn from known elasticities (Poisson), promotions of 5-25 % in a third of the weeks."""
    rng = np.random.default_rng(seed)
    rows = []
    for product, elasticity in elasticities.items():
        on = promoted is None or product in promoted
        discount = np.where(on & (rng.random(weeks) < 0.35), rng.choice([0.05, 0.1, 0.15, 0.2, 0.25], weeks), 0.0)
        qty = rng.poisson(base * (1 - discount) ** elasticity)
        rows.append(pd.DataFrame({"product_id": product, "category": category[product], "discount": discount,
                                  "qty": qty}))
    return pd.concat(rows, ignore_index=True)


def test_a_known_elasticity_is_recovered_within_its_interval():
    rng = np.random.default_rng(1)
    truth = {i: float(e) for i, e in enumerate(rng.normal(-2.0, 0.4, 30), start=1)}
    response, categories = estimate_price_response(_history(truth, dict.fromkeys(truth, "Tools")))
    error = (response["elasticity"] - pd.Series(truth)).abs()
    assert (error <= 1.96 * response["elasticity_sd"]).mean() >= 0.85
    assert response["elasticity_sd"].max() < 0.6  # two years of weekly sales pin it down
    assert categories.loc["Tools", "elasticity"] == pytest.approx(-2.0, abs=0.3)


def test_a_product_without_price_changes_gets_its_category_and_a_wider_interval():
    truth = {1: -3.0, 2: -3.2, 3: -2.8, 4: -3.1, 5: -0.5, 6: -0.7, 7: -0.6, 8: -3.0}
    category = {**dict.fromkeys((1, 2, 3, 4, 8), "Cleaning"), **dict.fromkeys((5, 6, 7), "Heating")}
    response, _ = estimate_price_response(_history(truth, category, promoted={1, 2, 3, 4, 5, 6, 7}))
    never_promoted = response.loc[8]
    assert never_promoted["source"] == "category"
    assert never_promoted["elasticity"] == pytest.approx(-3.0, abs=0.4)
    assert never_promoted["elasticity_sd"] > response.loc[[1, 2, 3, 4], "elasticity_sd"].max()
    assert response.loc[5:7, "elasticity"].max() > -1.2  # Heating is not pulled towards Cleaning


def test_thin_data_is_shrunk_towards_the_category():
    truth = dict.fromkeys(range(1, 11), -2.0)
    history = _history(truth, dict.fromkeys(truth, "Garden"), base=40.0)
    thin = _history({11: -0.2}, {11: "Garden"}, weeks=12, base=2.0, seed=5)
    response, _ = estimate_price_response(pd.concat([history, thin], ignore_index=True))
    assert response.loc[11, "shrinkage"] > response.loc[1:10, "shrinkage"].max()
    own, posterior = response.loc[11, "own_elasticity"], response.loc[11, "elasticity"]
    assert abs(posterior - (-2.0)) < abs(own - (-2.0)) or np.isnan(own)


def test_bad_history_is_refused_with_a_clear_error():
    with pytest.raises(ValidationError) as error:
        estimate_price_response(pd.DataFrame({"product_id": [1], "category": ["A"], "discount": [1.5], "qty": [3]}))
    assert error.value.code == "invalid_discount"
    with pytest.raises(ValidationError) as error:
        estimate_price_response(pd.DataFrame({"product_id": [1, 1], "category": "A", "discount": 0.0, "qty": [3, 4]}))
    assert error.value.code == "no_estimate"


def test_weekly_history_weights_the_discount_by_quantity():
    lines = pd.DataFrame({"product_id": [1, 1, 1, 2], "date": ["2026-03-02", "2026-03-04", "2026-03-17", "2026-03-03"],
                          "qty": [3.0, 1.0, 2.0, 5.0], "discount": [0.0, 0.2, 0.1, 0.0]})
    weekly = weekly_history(lines, pd.Series({1: "Tools", 2: "Garden"}))
    first = weekly[weekly["product_id"] == 1]
    assert first["qty"].tolist() == [4.0, 0.0, 2.0]  # the week without a sale counts, at the list price
    assert first["discount"].tolist() == pytest.approx([0.05, 0.0, 0.1])
    assert weekly[weekly["product_id"] == 2]["qty"].tolist() == [5.0, 0.0, 0.0]
    assert set(first["category"]) == {"Tools"}


def _products(n: int, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n + 1)
    cost = rng.uniform(5, 100, n)
    products = pd.DataFrame({"product_id": ids, "cost": cost, "list_price": cost * rng.uniform(0.9, 2.5, n),
                             "category": rng.choice(["A", "B"], n),
                             "cover_days": np.where(rng.random(n) < 0.1, np.nan, rng.uniform(0, 4000, n)),
                             "churn_risk": rng.uniform(0, 1, n)})
    response = pd.DataFrame({"elasticity": rng.uniform(-6, -0.2, n), "elasticity_sd": rng.uniform(0.05, 1, n),
                             "source": "own"}, index=ids)
    return products, response


def test_suggestions_never_leave_the_guardrail():
    products, response = _products(500)
    policy = PricingPolicy(category_floors={"B": 0.3}, max_discount=0.25)
    suggested = suggest_prices(products, response, policy, control_share=0.0)
    advice = policy.advise_batch(products["cost"], products["list_price"], products["category"].tolist(),
                                 products["cover_days"].to_numpy(), churn_risk=products["churn_risk"].to_numpy())
    changed = suggested["code"].eq("pricing_discount").to_numpy()
    assert changed.sum() > 50
    assert (suggested["discount"][changed] <= advice.max_discount[changed] + 1e-9).all()
    assert (suggested["price"][changed] >= advice.floor_price[changed] - 1e-6).all()
    check = policy.check_batch(products["cost"], products["list_price"], suggested["discount"].to_numpy(),
                               category=products["category"].tolist(), cover_days=products["cover_days"].to_numpy(),
                               churn_risk=products["churn_risk"].to_numpy())
    assert check.ok[changed].all()
    scarce = (products["cover_days"] <= policy.scarce_cover_days).to_numpy()
    assert (suggested["discount"][scarce] == 0).all()


def test_no_discount_for_a_product_that_does_not_respond_and_the_reason_says_so():
    products = pd.DataFrame({"product_id": [1, 2], "cost": [50.0, 50.0], "list_price": [100.0, 100.0],
                             "cover_days": [200.0, 200.0]})
    response = pd.DataFrame({"elasticity": [-0.3, -4.0], "elasticity_sd": [0.1, 0.1], "source": "own"},
                            index=[1, 2])
    suggested = suggest_prices(products, response, PricingPolicy(), control_share=0.0)
    assert suggested["code"].tolist() == ["pricing_no_gain", "pricing_discount"]
    assert suggested.loc[0, "discount"] == 0
    assert suggested.loc[1, "expected_volume_change"] > 0 and suggested.loc[1, "expected_margin_change"] > 0
    assert [reason.code for reason in suggested.loc[1, "reasons"][:2]] == ["pricing_discount", "pricing_response"]


def test_caution_holds_back_an_uncertain_response():
    products = pd.DataFrame({"product_id": [1], "cost": [50.0], "list_price": [100.0], "cover_days": [200.0]})
    sure = pd.DataFrame({"elasticity": [-3.0], "elasticity_sd": [0.1], "source": "own"}, index=[1])
    unsure = sure.assign(elasticity_sd=[2.0])
    assert suggest_prices(products, sure, PricingPolicy(), control_share=0.0)["discount"].iloc[0] > 0
    assert suggest_prices(products, unsure, PricingPolicy(), control_share=0.0)["discount"].iloc[0] == 0


def test_the_control_group_is_deterministic_and_keeps_the_old_price():
    ids = np.arange(1, 5001)
    first, again = in_control(ids, 0.2, "pricelist-1"), in_control(ids, 0.2, "pricelist-1")
    assert (first == again).all()
    assert first.mean() == pytest.approx(0.2, abs=0.02)
    assert (first <= in_control(ids, 0.3, "pricelist-1")).all()  # more control only moves products into it
    assert (first != in_control(ids, 0.2, "pricelist-2")).any()
    products, response = _products(300)
    suggested = suggest_prices(products.assign(discount=0.05), response, PricingPolicy(), control_share=0.5)
    control = suggested["control"].to_numpy()
    assert (control == in_control(products["product_id"], 0.5)).all()
    assert (suggested["discount"][control] == 0.05).all()
    assert (suggested["code"][control] == "pricing_control").all()
    with pytest.raises(ValidationError):
        in_control(ids, 1.0)
