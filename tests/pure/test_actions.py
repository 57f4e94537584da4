"""Action rules: validation, vectorised evaluation, control group, episodes, consent, offers, uplift."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from ai_insights.actions import (
    OFFER_DAYS,
    Rule,
    control_draw,
    deliverable,
    evaluate_rules,
    measure_impact,
    newcombe_interval,
    offer_candidates,
    plan_offers,
    wilson_interval,
)
from crm_bridge.contract.errors import ValidationError
from crm_bridge.pricing.guardrail import PricingPolicy

TODAY = date(2026, 10, 31)


def customers(n: int = 500, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    risk = rng.random(n)
    risk[rng.random(n) < 0.05] = np.nan  # not scored
    return pd.DataFrame({
        "subject_id": np.arange(1, n + 1),
        "churn_risk": risk,
        "segment": rng.choice(["B2B", "B2C"], n),
        "clv": rng.gamma(2, 1000, n),
        "email": np.where(rng.random(n) < 0.9, "x@example.com", ""),
        "email_blacklisted": rng.random(n) < 0.1,
        "consent_email": rng.random(n) < 0.7,
        "phone": "+34 600 000 000",
        "consent_sms": rng.random(n) < 0.3,
        "model_version": "churn 3",
        "reasons": "No order for 120 days",
    })


# ---- validation


@pytest.mark.parametrize("changes, field", [
    ({"min_clv": 5000, "max_clv": 1000}, "min_clv"),
    ({"threshold": 1.5}, "threshold"),
    ({"threshold": -0.1}, "threshold"),
    ({"min_risk": 0.2, "max_risk": 1.2}, "max_risk"),
    ({"trigger": "horoscope"}, "trigger"),
    ({"actions": ()}, "actions"),
    ({"actions": ("replenish",)}, "actions"),
    ({"actions": ("offer",)}, "discount"),
    ({"discount": 0.1}, "discount"),
    ({"control_share": 1.0}, "control_share"),
    ({"cooldown_days": 0}, "cooldown_days"),
    ({"purpose": " "}, "purpose"),
    ({"purpose": "profiling"}, "purpose"),
])
def test_impossible_rules_are_refused(changes, field):
    with pytest.raises(ValidationError) as error:
        Rule(**{"rule_id": 1, "name": "r", **changes})
    assert error.value.code == "invalid_rule" and error.value.field == field


def test_product_rules_take_product_actions_and_days():
    rule = Rule(3, "hold scarce", trigger="scarce_product", threshold=10, actions=("hold_promotion",))
    assert rule.subject == "product" and rule.triggered(np.array([5.0, 10.0, 11.0])).tolist() == [True, True, False]
    with pytest.raises(ValidationError):
        Rule(3, "x", trigger="overstock_product", threshold=200, actions=("email",))


# ---- evaluation against a plain reference


def reference(rule: Rule, frame: pd.DataFrame) -> dict[int, str]:
    """Row by row, the way a person would read the rule."""
    out = {}
    for row in frame.to_dict("records"):
        risk = row["churn_risk"]
        if risk != risk or risk < rule.threshold:
            continue
        if rule.segments and row["segment"] not in rule.segments:
            continue
        if rule.min_clv is not None and row["clv"] < rule.min_clv:
            continue
        if rule.max_risk is not None and risk > rule.max_risk:
            continue
        if "email" in rule.actions and (not row["email"] or row["email_blacklisted"] or not row["consent_email"]):
            out[row["subject_id"]] = "skipped"
            continue
        draw = control_draw(rule.rule_id, [row["subject_id"]], rule.salt)[0]
        out[row["subject_id"]] = "control" if draw < rule.control_share else "act"
    return out


@pytest.mark.parametrize("rule", [
    Rule(1, "call risky B2B", threshold=0.7, segments=("B2B",), min_clv=1500, actions=("activity",)),
    Rule(2, "mail mid risk", threshold=0.3, max_risk=0.6, actions=("email",), control_share=0.3),
])
def test_vectorised_evaluation_matches_the_reference(rule):
    frame = customers()
    decisions = evaluate_rules([rule], frame, TODAY)
    assert dict(zip(decisions["subject_id"], decisions["status"])) == reference(rule, frame)
    assert (decisions["model_version"] == "churn 3").all() and (decisions["reasons"] != "").all()


def test_consent_is_checked_per_channel_before_the_control_split():
    frame = customers(2000)
    rule = Rule(5, "mail", threshold=0.0, actions=("email",), control_share=0.5)
    decisions = evaluate_rules([rule], frame, TODAY).merge(frame, on="subject_id")
    contacted = decisions[decisions["status"].isin(["act", "control"])]
    assert contacted["consent_email"].all() and not contacted["email_blacklisted"].any()
    assert (contacted["email"] != "").all()
    skipped = decisions[decisions["status"] == "skipped"]
    assert set(skipped["skip_reason"]) == {"no_email", "blacklisted_email", "no_consent_email"}
    assert (skipped.loc[skipped["skip_reason"] == "no_consent_email", "email"] != "").all()
    sms = evaluate_rules([Rule(6, "sms", threshold=0.0, actions=("sms",))], frame, TODAY).merge(frame, on="subject_id")
    assert sms.loc[sms["status"] == "act", "consent_sms"].all()


# ---- control group


def test_control_group_is_deterministic_and_has_the_share():
    ids = np.arange(1, 20_001)
    first, again = control_draw(7, ids, "s"), control_draw(7, ids, "s")
    assert np.array_equal(first, again) and ((first >= 0) & (first < 1)).all()
    assert (first < 0.2).mean() == pytest.approx(0.2, abs=0.01)
    assert not np.array_equal(first < 0.2, control_draw(8, ids, "s") < 0.2)  # another rule, another split
    assert not np.array_equal(first < 0.2, control_draw(7, ids, "t") < 0.2)  # another salt, another split
    assert ((first < 0.1) <= (first < 0.2)).all()  # a larger share only adds to the control group


def test_reruns_keep_the_same_split():
    rule = Rule(9, "r", threshold=0.5, control_share=0.25)
    a, b = evaluate_rules([rule], customers(), TODAY), evaluate_rules([rule], customers().iloc[::-1], TODAY)
    assert a.set_index("subject_id")["status"].sort_index().equals(b.set_index("subject_id")["status"].sort_index())


# ---- episodes


def test_an_episode_is_acted_on_once():
    rule = Rule(4, "r", threshold=0.5, cooldown_days=90)
    frame = customers()
    first = evaluate_rules([rule], frame, TODAY)
    done = first[first["status"].isin(["act", "control"])]
    history = done.assign(date=TODAY)[["rule_id", "subject_id", "episode", "date"]]
    again = evaluate_rules([rule], frame, TODAY + timedelta(days=1), history)
    assert set(again.loc[again["subject_id"].isin(done["subject_id"]), "status"]) == {"duplicate"}
    later = evaluate_rules([rule], frame, TODAY + timedelta(days=200), history)
    assert (later["status"] != "duplicate").all()  # a new episode after the cooldown
    skipped = first.loc[first["status"] == "skipped", "subject_id"]
    assert (again.loc[again["subject_id"].isin(skipped), "status"] == "skipped").all()  # skips are not episodes


def test_cooldown_spans_window_boundaries_and_events_are_their_own_episodes():
    rule = Rule(4, "r", threshold=0.5, cooldown_days=30, control_share=0.0)
    frame = customers(50).assign(churn_risk=0.9)
    history = pd.DataFrame({"rule_id": 4, "subject_id": [1], "episode": ["old"], "date": [TODAY - timedelta(days=3)]})
    decisions = evaluate_rules([rule], frame, TODAY, history).set_index("subject_id")
    assert decisions.loc[1, "status"] == "duplicate" and decisions.loc[2, "status"] == "act"
    tickets = pd.DataFrame({"subject_id": [1, 1, 2, 2], "event_ref": [10, 11, 12, 12],
                            "negative_ticket": [0.95, 0.9, 0.97, 0.97]})
    event_rule = Rule(5, "bad ticket", trigger="negative_ticket", threshold=0.8, control_share=0.0)
    decided = evaluate_rules([event_rule], tickets, TODAY)
    assert decided["status"].tolist() == ["act", "act", "act", "duplicate"]
    with pytest.raises(ValidationError, match="event_ref"):
        evaluate_rules([event_rule], tickets.drop(columns="event_ref"), TODAY)


def test_missing_columns_and_duplicate_rules_are_errors():
    with pytest.raises(ValidationError) as error:
        evaluate_rules([Rule(1, "r", min_clv=10)], customers().drop(columns="clv"), TODAY)
    assert error.value.code == "missing_column" and error.value.field == "clv"
    with pytest.raises(ValidationError):
        evaluate_rules([Rule(1, "a"), Rule(1, "b")], customers(), TODAY)


def test_evaluates_100k_customers():
    # How fast is a benchmark figure, not a test: ``python -m benchmarks actions`` (actions_eval_100k_s).
    frame = customers(100_000, seed=3)
    rules = [Rule(1, "a", threshold=0.6, actions=("activity",)), Rule(2, "b", threshold=0.2, actions=("email",))]
    decisions = evaluate_rules(rules, frame, TODAY)
    assert len(decisions) > 50_000


# ---- offers


def test_offers_respect_the_guardrail_and_delivery():
    policy = PricingPolicy(margin_floor=0.2)
    products = pd.DataFrame({
        "product_id": [1, 2, 3, 4],
        "cost": [50.0, 85.0, 50.0, 20.0],
        "list_price": [100.0, 100.0, 100.0, 100.0],
        "cover_days": [60.0, 60.0, 60.0, 5.0],  # product 4 is scarce: no discount
        "deliverable": [False, True, True, True],
    })
    candidates = pd.DataFrame({"customer_id": [1, 1, 1, 2, 3], "product_id": [1, 2, 3, 2, 4], "rank": [1, 2, 3, 1, 1]})
    buyers = pd.DataFrame({"customer_id": [1, 2, 3, 4], "churn_risk": [0.9, 0.9, 0.9, 0.9]})
    offers = plan_offers(buyers, candidates, products, 0.25, policy).set_index("customer_id")
    # 1: product 1 cannot be delivered, 2 has no margin room (cost 85, floor 20%), 3 is offered, capped
    assert offers.loc[1, "product_id"] == 3 and offers.loc[1, "reason"] == "capped"
    assert offers.loc[1, "discount"] <= offers.loc[1, "max_discount"] + 1e-12 < 0.25
    assert offers.loc[2, "reason"] == "no_margin_room" and offers.loc[2, "discount"] == 0
    assert offers.loc[3, "reason"] == "no_margin_room"  # scarce
    assert offers.loc[4, "reason"] == "no_deliverable_product" and offers.loc[4, "product_id"] == -1
    small = plan_offers(buyers.iloc[:1], candidates, products, 0.05, policy)
    assert small["reason"].tolist() == ["offered"] and small["discount"].tolist() == [0.05]
    price = products.set_index("product_id").loc[3]
    assert price["list_price"] * (1 - offers.loc[1, "discount"]) >= price["cost"] / 0.8 - 1e-9


def test_a_candidate_product_missing_from_the_products_is_not_deliverable():
    products = pd.DataFrame({"product_id": [1], "cost": [50.0], "list_price": [100.0], "deliverable": [True]})
    candidates = offer_candidates([1, 2], [99, 1])  # 99 is unknown: skipped, 1 offered
    offers = plan_offers(pd.DataFrame({"customer_id": [1, 2]}), candidates, products, 0.1, PricingPolicy())
    assert offers["product_id"].tolist() == [1, 1]
    alone = plan_offers(pd.DataFrame({"customer_id": [1]}), offer_candidates([1], [99]), products, 0.1,
                        PricingPolicy())
    assert alone["reason"].tolist() == ["no_deliverable_product"] and alone["product_id"].tolist() == [-1]


def test_deliverable_counts_every_unstocked_product_and_needs_stock_or_a_fast_vendor_otherwise():
    nan = np.nan
    storable = [True, True, True, True, True, False, False, True]
    free_qty = [1.0, 0.5, 0.0, 0.0, nan, 0.0, 0.0, 5.0]
    lead = [nan, nan, OFFER_DAYS, OFFER_DAYS + 1, nan, nan, 60.0, 1.0]
    held = [False] * 7 + [True]
    assert deliverable(storable, free_qty, lead, held).tolist() == [True, False, True, False, False, True, True, False]
    assert deliverable([], [], []).tolist() == []
    with pytest.raises(ValidationError) as error:
        deliverable([True, False], [1.0], [3.0])
    assert error.value.code == "length_mismatch"


def test_offer_candidates_are_the_rules_products_in_order_else_what_each_customer_buys_most():
    listed = offer_candidates([7, 8], [30, 10, 30, 20])  # duplicates count once, the rule's order kept
    assert listed.values.tolist() == [[7, 30, 0], [7, 10, 1], [7, 20, 2], [8, 30, 0], [8, 10, 1], [8, 20, 2]]
    purchases = pd.DataFrame({"customer_id": [7, 7, 7, 7, 7, 8, 9],
                              "product_id": [1, 2, 3, 1, 4, 5, 6],
                              "qty": [1.0, 5.0, 2.0, 1.0, 0.0, 3.0, 9.0]})
    own = offer_candidates([7, 8, 10], purchases=purchases, top=2)
    # 7: product 2 (5 units), then 1 and 3 tie at 2 units: the lower id; 4 was never really bought; 10 bought nothing
    assert own.values.tolist() == [[7, 2, 0], [7, 1, 1], [8, 5, 0]]
    assert offer_candidates([7], [40], purchases=purchases).values.tolist() == [[7, 40, 0]]  # the rule wins
    assert offer_candidates([], purchases=purchases).empty and offer_candidates([], [1]).empty
    for kwargs, code in (({}, "no_offer_products"), ({"purchases": purchases.drop(columns="qty")}, "missing_column"),
                         ({"purchases": purchases, "top": 0}, "invalid_top")):
        with pytest.raises(ValidationError) as error:
            offer_candidates([7], **kwargs)
        assert error.value.code == code


# ---- impact


def test_wilson_and_newcombe_intervals():
    low, high = wilson_interval(0, 10)
    assert low == pytest.approx(0, abs=1e-12) and 0.25 < high < 0.35
    low, high = newcombe_interval(50, 100, 50, 100)
    assert low < 0 < high and low == pytest.approx(-high)


def test_uplift_interval_covers_a_known_effect():
    rng = np.random.default_rng(11)
    covered, helps = 0, 0
    for _ in range(200):
        treated = rng.random(600) < 0.5
        churned = rng.random(600) < np.where(treated, 0.30, 0.42)  # true uplift +12 points
        report = measure_impact(pd.DataFrame({"group": np.where(treated, "treated", "control"), "churned": churned,
                                              "margin": rng.normal(100, 20, 600)}), "synthetic")
        covered += report.primary.ci_low <= 0.12 <= report.primary.ci_high
        helps += report.verdict == "helps"
    assert covered / 200 == pytest.approx(0.95, abs=0.04) and helps > 150


def test_impact_report_signs_cost_and_chart_data():
    frame = pd.DataFrame({"group": ["treated"] * 4 + ["control"] * 4,
                          "churned": [0, 0, 0, 1, 1, 1, 0, 1], "reordered": [1, 1, 0, 0, 0, 0, 1, 0],
                          "margin": [10, 10, 10, 10, 20, 20, 20, 20], "cost": [5, 5, 5, 5, 0, 0, 0, 0]})
    report = measure_impact(frame, "r")
    churn, reorder = report.metrics
    assert churn.uplift == pytest.approx(0.75 - 0.25) and reorder.uplift == pytest.approx(0.5 - 0.25)
    assert report.margin_uplift == -10 and report.cost == 20
    assert report.chart_data()["uplift"]["value"] == [churn.uplift, reorder.uplift]
    assert report.to_dict()["verdict"] == report.verdict and "positive = less churned" in report.summary()
    with pytest.raises(ValidationError) as error:
        measure_impact(frame[frame["group"] == "treated"])
    assert error.value.code == "empty_group"
