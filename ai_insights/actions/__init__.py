"""Prediction to action: guarded automated actions, a control group, and measured impact.

* :mod:`~ai_insights.actions.rules`: :class:`Rule`, validated (trigger, conditions, actions).
* :mod:`~ai_insights.actions.evaluate`: :func:`evaluate_rules`, vectorised over
  subjects: consent, episodes (idempotency), deterministic control group.
* :mod:`~ai_insights.actions.offers`: :func:`plan_offers`, retention offers inside
  the pricing guardrail, on the :func:`offer_candidates` that are
  :func:`deliverable` within :data:`OFFER_DAYS`.
* :mod:`~ai_insights.actions.impact`: :func:`measure_impact`, treated vs control
  with Newcombe intervals; uplift is positive when the action helps.
* :mod:`~demo_company.simulation`: :func:`simulate_rules`, the whole loop on
  the demo company, outcomes decided by its hidden response model.

The Odoo addon ``fusion_actions`` calls the same functions.
"""

from ai_insights.actions.evaluate import (
    DECISION_COLUMNS,
    HISTORY_COLUMNS,
    SKIP_REASONS,
    STATUSES,
    control_draw,
    episode_keys,
    evaluate_rules,
)
from ai_insights.actions.impact import ImpactReport, MetricImpact, measure_impact, newcombe_interval, wilson_interval
from ai_insights.actions.offers import (
    OFFER_COLUMNS,
    OFFER_DAYS,
    OFFER_REASONS,
    deliverable,
    offer_candidates,
    plan_offers,
)
from ai_insights.actions.rules import (
    ACTIONS,
    CONSENT_CHANNELS,
    CUSTOMER_ACTIONS,
    CUSTOMER_TRIGGERS,
    EVENT_TRIGGERS,
    PRODUCT_ACTIONS,
    PRODUCT_TRIGGERS,
    TRIGGERS,
    Rule,
)

__all__ = [
    "ACTIONS", "CONSENT_CHANNELS", "CUSTOMER_ACTIONS", "CUSTOMER_TRIGGERS", "DECISION_COLUMNS", "EVENT_TRIGGERS",
    "HISTORY_COLUMNS", "OFFER_COLUMNS", "OFFER_DAYS", "OFFER_REASONS", "PRODUCT_ACTIONS", "PRODUCT_TRIGGERS",
    "SKIP_REASONS", "STATUSES", "TRIGGERS", "ImpactReport", "MetricImpact", "Rule", "control_draw", "deliverable",
    "episode_keys", "evaluate_rules", "measure_impact", "newcombe_interval", "offer_candidates", "plan_offers",
    "wilson_interval",
]
