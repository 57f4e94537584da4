"""Prediction to action: rule evaluation speed, the Odoo run, and the demo's measured uplift.

Core figures (pure Python, measured here):

* ``actions_eval_100k_s``: :func:`ai_insights.actions.evaluate_rules` with three
  rules (an activity on high risk, an email on mid risk needing consent, a
  B2B call with a lifetime-value range) over 100,000 synthetic customers, with
  a history of 20,000 past decisions. Best of three. Its floor, under 10 s,
  is the time the unit tests used to assert (they check the decisions only).

Demo simulation (``demo_company.generate(seed=7)``, 2,000 customers; see
:mod:`demo_company.simulation`): a churn model scores the customers,
the two demo rules act with a 50 % control group, and the demo's hidden
response model decides who churns over 90 days. Uplift = churn rate of the
control group minus that of the treated, so **positive is good**; the
interval is Newcombe's 95 % interval.

* ``demo_uplift``, ``demo_uplift_ci_low``, ``demo_uplift_ci_high``: the good
  rule (a call and a 10 % offer to customers with churn risk >= 0.6);
  ``demo_true_uplift``: the true effect on the same customers (demo only).
* ``demo_bad_uplift``, ``demo_bad_uplift_ci_low``, ``demo_bad_uplift_ci_high``,
  ``demo_bad_margin_per_customer``: the bad rule (a 10 % discount mailed to
  customers with churn risk <= 0.3).

Odoo figures (a throw-away Odoo 18 database with ``fusion_actions``; each says
"skipped" when no Odoo 18 is found):

* ``actions_cron_10k_s`` and ``actions_cron_queries``: ``_run_rules`` on
  10,000 partners with a churn signal each (one rule: activity for the owner,
  20 % control group): reading signals, partners and blacklist, the core's
  decisions, 10,000 log rows and 8,000 activities written.
* ``actions_cron_rerun_10k_s``: the same run again the next day (every
  episode already handled: nothing is written).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd

from ai_insights.actions import Rule, evaluate_rules
from benchmarks._common import best_seconds, measurement_env, odoo_figures, print_measured

N_CUSTOMERS = 100_000
ODOO_PARTNERS = 10_000
ODOO_FIGURES = ("actions_cron_10k_s", "actions_cron_queries", "actions_cron_acted", "actions_cron_rerun_10k_s")
TODAY = date(2026, 10, 31)


def _subjects(rng: np.random.Generator, n: int) -> pd.DataFrame:
    return pd.DataFrame({
        "subject_id": np.arange(1, n + 1),
        "churn_risk": rng.beta(2, 4, n),
        "segment": rng.choice(["B2B", "B2C"], n),
        "clv": rng.gamma(2.0, 1500.0, n),
        "email": np.where(rng.random(n) < 0.92, "customer@example.com", ""),
        "email_blacklisted": rng.random(n) < 0.05,
        "consent_email": rng.random(n) < 0.7,
        "model_version": "churn 12",
        "reasons": "No order for 120 days (usually every 30)",
    })


def run() -> Iterator[tuple[str, object]]:
    rng = np.random.default_rng(2026)
    subjects = _subjects(rng, N_CUSTOMERS)
    rules = [
        Rule(1, "call high risk", threshold=0.6, actions=("activity",)),
        Rule(2, "mail mid risk", threshold=0.3, max_risk=0.6, actions=("email",)),
        Rule(3, "B2B value", threshold=0.4, segments=("B2B",), min_clv=2000, max_clv=20000, actions=("activity",)),
    ]
    past = rng.choice(N_CUSTOMERS, 20_000, replace=False) + 1
    history = pd.DataFrame({"rule_id": 1, "subject_id": past, "episode": [f"1-{i}-w0" for i in past],
                            "date": pd.Timestamp(TODAY) - pd.Timedelta(days=10)})
    yield "actions_eval_100k_s", best_seconds(lambda: evaluate_rules(rules, subjects, TODAY, history))
    yield from _demo_figures()
    yield from _odoo_figures()


def _demo_figures() -> Iterator[tuple[str, object]]:
    from demo_company import generate
    from demo_company.simulation import simulate_rules

    good, bad = simulate_rules(generate(seed=7)).rules
    yield "demo_uplift", good.impact.primary.uplift
    yield "demo_uplift_ci_low", good.impact.primary.ci_low
    yield "demo_uplift_ci_high", good.impact.primary.ci_high
    yield "demo_true_uplift", good.true_uplift
    yield "demo_verdict", good.impact.verdict
    yield "demo_bad_uplift", bad.impact.primary.uplift
    yield "demo_bad_uplift_ci_low", bad.impact.primary.ci_low
    yield "demo_bad_uplift_ci_high", bad.impact.primary.ci_high
    yield "demo_bad_margin_per_customer", bad.impact.margin_uplift
    yield "demo_bad_verdict", bad.impact.verdict


def _odoo_figures() -> Iterator[tuple[str, object]]:
    """Measured inside a throw-away Odoo 18 database (this file run as a script: ``_measure_in_odoo``)."""
    return odoo_figures(__file__, ["fusion_actions"], ODOO_FIGURES)


def _measure_in_odoo(odoo_args: list[str]) -> dict[str, object]:
    """Partners and signals created in batches, then the rule run timed twice (second: all duplicates)."""
    from datetime import timedelta

    from odoo import fields

    rng = np.random.default_rng(7)
    figures: dict[str, object] = {}
    with measurement_env(odoo_args, tracking_disable=True, mail_create_nolog=True, mail_notrack=True) as env:
        partners = env["res.partner"].create([{"name": f"Bench customer {i}", "email": f"c{i}@example.com",
                                               "is_company": bool(i % 3)} for i in range(ODOO_PARTNERS)])
        risk = rng.uniform(0.6, 1.0, ODOO_PARTNERS)
        env["fusion.action.signal"].create([{"trigger": "churn_risk", "partner_id": pid, "score": float(score),
                                             "model_version": "churn bench", "reasons": "No order for 120 days"}
                                            for pid, score in zip(partners.ids, risk)])
        rule = env["fusion.action.rule"].create({"name": "Bench retention", "threshold": 0.6, "control_share": 20.0})
        env.flush_all()
        env.invalidate_all()
        today = fields.Date.context_today(rule)
        before, started = env.cr.sql_log_count, time.perf_counter()
        counts = rule._run_rules(today)
        env.flush_all()
        figures.update(actions_cron_10k_s=time.perf_counter() - started,
                       actions_cron_queries=env.cr.sql_log_count - before, actions_cron_acted=counts.get("act", 0))
        env.invalidate_all()
        started = time.perf_counter()
        rule._run_rules(today + timedelta(days=1))
        env.flush_all()
        figures["actions_cron_rerun_10k_s"] = time.perf_counter() - started
    return figures


if __name__ == "__main__":
    print_measured(_measure_in_odoo)
