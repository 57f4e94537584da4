"""The prediction-to-action loop on the demo company: a good rule helps, a bad one does not."""

from __future__ import annotations

import pytest

from demo_company.simulation import DEMO_RULES, simulate_rules


@pytest.fixture(scope="module")
def simulation():
    from demo_company import generate

    return simulate_rules(generate(seed=7, size="default"))


def test_risk_targeted_rule_is_measured_honestly(simulation):
    # Targeting by risk calls many customers gone long ago, whom an offer hardly wins back (the demo's hidden
    # truth since 84bc5b7): a small true effect, which the measurement's interval must cover, not inflate.
    good = simulation.rules[0]
    assert good.rule is DEMO_RULES[0]
    assert good.impact.primary.uplift > 0 and 0.005 < good.true_uplift < 0.05
    assert good.impact.primary.ci_low <= good.true_uplift <= good.impact.primary.ci_high


def test_bad_rule_shows_no_uplift_and_costs_margin(simulation):
    bad = simulation.rules[1]
    assert bad.impact.primary.ci_low <= 0 or bad.impact.primary.uplift <= 0.01
    assert bad.impact.verdict != "helps" and "switched off" in bad.impact.summary()
    assert bad.impact.margin_uplift < 0 and abs(bad.true_uplift) < 0.03


def test_loop_respects_consent_and_guardrail_and_reports(simulation):
    good, bad = simulation.rules
    assert bad.decisions.get("skipped", 0) > 0  # mailed rule: no consent, no email
    assert "skipped" not in good.decisions  # a call needs no marketing consent
    assert set(good.offers) <= {"offered", "capped", "no_margin_room", "no_deliverable_product"}
    assert abs(good.impact.n_control - good.impact.n_treated) < 0.2 * good.impact.n_treated  # 50 % control share
    chart = simulation.chart_data()
    assert len(chart["uplift"]) == 2 and chart["outcome"] == "churned"
    assert simulation.model_version.startswith("churn") and len(simulation.summary_lines()) == 2
