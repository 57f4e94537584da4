"""The prediction-to-action loop on the demo company: a good rule helps, a bad one does not.

The loop reads the churn step's scores (the production churn and lifetime value models, as Odoo's rules read them).
"""

from __future__ import annotations

import numpy as np
import pytest

from demo_company.simulation import DEMO_RULES, demo_subjects, production_scores, simulate_rules


@pytest.fixture(scope="module")
def company():
    from demo_company import generate

    return generate(seed=7, size="default")


@pytest.fixture(scope="module")
def scored(company):
    return production_scores(company)


@pytest.fixture(scope="module")
def simulation(company, scored):
    scores, card = scored
    return simulate_rules(company, scores=scores, card=card)


def test_risk_targeted_rule_is_measured_honestly(simulation):
    # Customers gone long ago are hardly won back by an offer (the demo's hidden truth since 84bc5b7); the rule's
    # few customers at p >= 0.6 of the 180-day production model are a true but modest effect, which the
    # measurement's interval must cover, not inflate.
    good = simulation.rules[0]
    assert good.rule is DEMO_RULES[0]
    assert good.impact.primary.uplift > 0 and 0.005 < good.true_uplift < 0.15
    assert good.impact.primary.ci_low <= good.true_uplift <= good.impact.primary.ci_high


def test_bad_rule_shows_no_uplift_and_costs_margin(simulation):
    bad = simulation.rules[1]
    assert bad.impact.primary.ci_low <= 0 or bad.impact.primary.uplift <= 0.01
    assert bad.impact.verdict != "helps" and "switched off" in bad.impact.summary()
    assert bad.impact.margin_uplift < 0 and abs(bad.true_uplift) < 0.03


def test_loop_respects_consent_and_guardrail_and_reports(simulation, scored):
    good, bad = simulation.rules
    assert bad.decisions.get("skipped", 0) > 0  # mailed rule: no consent, no email
    assert "skipped" not in good.decisions  # a call needs no marketing consent
    assert set(good.offers) <= {"offered", "capped", "no_margin_room", "no_deliverable_product"}
    drawn = good.impact.n_control + good.impact.n_treated  # 50 % control share: within 3 binomial deviations
    assert abs(good.impact.n_control - drawn / 2) <= 3 * np.sqrt(drawn / 4)
    chart = simulation.chart_data()
    assert len(chart["uplift"]) == 2 and chart["outcome"] == "churned"
    card = scored[1]
    assert simulation.model_version == f"{card.name} {card.version}" and len(simulation.summary_lines()) == 2
    assert simulation.model_metrics["roc_auc"] == pytest.approx(card.metrics["roc_auc"])


def test_subjects_are_the_churn_steps_scores_with_lifetime_value(company, scored):
    scores, card = scored
    subjects, _ = demo_subjects(company, scores, card)
    assert subjects["subject_id"].tolist() == scores.index.tolist()
    np.testing.assert_array_equal(subjects["churn_risk"], scores["churn_probability"])
    np.testing.assert_array_equal(subjects["clv"], scores["expected_margin"])  # Odoo's lifetime value


def test_the_rules_select_on_the_given_scores(company, scored, simulation):
    scores, card = scored
    rule = DEMO_RULES[0]
    below = scores.index[scores["churn_probability"] < rule.threshold][0]
    raised = scores.copy()
    raised.loc[below, "churn_probability"] = 0.99
    again = simulate_rules(company, rules=(rule,), scores=raised, card=card)
    before, after = simulation.rules[0].decisions, again.rules[0].decisions
    assert after.get("act", 0) + after.get("control", 0) == before.get("act", 0) + before.get("control", 0) + 1
