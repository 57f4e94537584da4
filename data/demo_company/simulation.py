"""The whole prediction-to-action loop on the demo company, scored by its hidden response model.

1. **Predict**: every customer's churn probability and lifetime value
   (expected margin) as of the reference date, with reasons: the scores of the
   main job's churn step, i.e. the production models of
   :mod:`ai_insights.churn.production` at the company's churn horizon, the
   ones Odoo stores in ``fusion.churn.score`` and its rules read.
2. **Act**: the rules are evaluated (:func:`evaluate_rules`): consent,
   episodes, a deterministic control group; customers acted on with an
   ``offer`` get a discount on one of the products they buy most
   (:func:`offer_candidates`: the demo's rules list no products) that is
   :func:`deliverable` in time, capped by the pricing guardrail given their
   churn risk and lifetime value (:func:`plan_offers`), as in Odoo.
3. **Observe**: what customers do over the next ``horizon_days`` is decided
   by ``demo_company.simulate_outcomes``, the generator's hidden response
   model (persuadables, sleeping dogs, loyal customers who simply take the
   discount), never by the code under test.
4. **Measure**: treated against control (:func:`measure_impact`), intent to
   treat: everybody the rule acted on counts as treated, with or without an
   offer.

The comparison is the only thing a real company would see. The demo can
also tell the true effect on the same customers (everybody given the rule's
discount against nobody, with the same random draws): it is reported as ``true_uplift``, for
the demo only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ai_insights.actions.evaluate import evaluate_rules
from ai_insights.actions.impact import ImpactReport, measure_impact
from ai_insights.actions.offers import deliverable, offer_candidates, plan_offers
from ai_insights.actions.rules import Rule
from ai_insights.registry.store import ModelCard
from crm_bridge.pricing.cover import cover_from_tables
from crm_bridge.pricing.guardrail import PricingPolicy

__all__ = ["DEMO_RULES", "RuleSimulation", "DemoSimulation", "demo_subjects", "demo_offer_inputs", "production_scores",
           "simulate_rules"]

# A good rule (risky customers, a call and an offer) and a bad one (a discount mailed to loyal customers).
DEMO_RULES = (
    Rule(1, "Retention call and offer to high-risk customers", trigger="churn_risk", threshold=0.6,
         actions=("activity", "offer"), discount=0.10, control_share=0.5, action_cost=15.0),
    Rule(2, "Discount email to low-risk customers", trigger="churn_risk", threshold=0.0, max_risk=0.3,
         actions=("email", "offer"), discount=0.10, control_share=0.5, action_cost=0.05),
)


@dataclass(frozen=True)
class RuleSimulation:
    """One rule's run: decisions, offers, measured impact and (demo only) the true effect."""

    rule: Rule
    decisions: dict[str, int]
    offers: dict[str, int]
    impact: ImpactReport
    true_uplift: float

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule.name, "rule_id": self.rule.rule_id, "decisions": self.decisions,
                "offers": self.offers, "impact": self.impact.to_dict(), "true_uplift": self.true_uplift}


@dataclass(frozen=True)
class DemoSimulation:
    """Every rule's run on the demo company, plus the churn model's version and quality."""

    rules: tuple[RuleSimulation, ...]
    model_version: str
    model_metrics: dict[str, float] = field(default_factory=dict)
    #: Rules that could not be measured, with why (nobody to act on, or no control group).
    unmeasured: dict[str, str] = field(default_factory=dict)

    def summary_lines(self) -> list[str]:
        """Sentences for the main job's summary, one per rule."""
        return [f"{run.impact.summary()} (true effect in the demo: {run.true_uplift:+.1%})" for run in self.rules] + [
            f"{name}: not measured ({why})" for name, why in self.unmeasured.items()]

    def to_dict(self) -> dict[str, Any]:
        return {"model_version": self.model_version, "model_metrics": self.model_metrics,
                "rules": [run.to_dict() for run in self.rules]}

    def chart_data(self) -> dict[str, Any]:
        """Matplotlib-ready: per rule, churn rate treated vs control and the uplift with its interval.

        ``{"rules": [...], "treated": [...], "control": [...], "uplift": [...],
        "err_low": [...], "err_high": [...], "true_uplift": [...]}``.
        """
        primary = [run.impact.primary for run in self.rules]
        return {
            "rules": [run.rule.name for run in self.rules],
            "outcome": primary[0].outcome if primary else "churned",
            "treated": [m.treated_rate for m in primary],
            "control": [m.control_rate for m in primary],
            "uplift": [m.uplift for m in primary],
            "err_low": [m.uplift - m.ci_low for m in primary],
            "err_high": [m.ci_high - m.uplift for m in primary],
            "true_uplift": [run.true_uplift for run in self.rules],
        }


def production_scores(company: Any) -> tuple[pd.DataFrame, ModelCard]:
    """The churn step's scores, for callers that run the simulation alone.

    ``main_job.production_churn``, as the churn step computes them. Returns
    the scores (indexed by customer) and the model card.
    """
    from demo_company.main_job import production_churn

    trained, scores = production_churn(company)
    return scores, trained.card


def demo_subjects(company: Any, scores: pd.DataFrame | None = None, card: ModelCard | None = None
                  ) -> tuple[pd.DataFrame, dict[str, float]]:
    """Customers as subjects for :func:`evaluate_rules`: churn risk with reasons, lifetime value, segment, consent.

    Parameters
    ----------
    company : demo_company.DemoCompany
        The generated company.
    scores : DataFrame, optional
        :func:`churn_and_value_scores` of the churn step (``churn_probability``,
        ``expected_margin``, ``reason_1``... indexed by customer); default:
        :func:`production_scores`.
    card : ModelCard, optional
        The model card of those scores (its name, version and metrics).

    Returns
    -------
    tuple of (DataFrame, dict)
        The subjects, ``clv`` being the expected margin (Odoo's lifetime
        value), and the card's numeric metrics.
    """
    if scores is None:
        scores, card = production_scores(company)
    reasons = scores.filter(like="reason_").apply(lambda row: "; ".join(r for r in row if r), axis=1)
    customers = company.customers.set_index("customer_id").loc[scores.index]
    subjects = pd.DataFrame({
        "subject_id": scores.index.to_numpy(),
        "churn_risk": scores["churn_probability"].to_numpy(float),
        "clv": scores["expected_margin"].to_numpy(float),
        "segment": customers["segment"].astype(str).to_numpy(),
        "email": customers["email"].to_numpy(),
        "consent_email": customers["consent_email"].to_numpy(bool),
        "phone": customers["phone"].to_numpy(),
        "consent_sms": customers["consent_sms"].to_numpy(bool),
        "model_version": f"{card.name} {card.version}" if card else "",
        "reasons": reasons.to_numpy(),
    })
    metrics = {name: float(value) for name, value in (card.metrics if card else {}).items()
               if isinstance(value, int | float | np.number)}
    return subjects, metrics


def demo_offer_inputs(company: Any, today: date,
                      forecast_daily: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What each customer bought, and the products' guardrail and delivery inputs.

    The purchases (``customer_id``, ``product_id``, ``qty`` of confirmed and
    delivered orders) feed :func:`offer_candidates`. A product is
    :func:`deliverable` as Odoo decides it: a consumable or a service always,
    a storable product with a free unit or a vendor within the offer window.
    Its days of cover are :func:`crm_bridge.pricing.cover.cover_from_tables`,
    the rule the sale order and the action rules use, from the demand
    forecast's demand per day (``forecast_daily``,
    ``ai_insights.forecast.demand.daily_demand``) where given, as the sale
    order reads it when ``fusion_forecast`` is installed, and from trailing
    sales otherwise.
    """
    orders = company.orders[company.orders["state"].isin(("confirmed", "delivered"))]
    purchases = company.order_lines.merge(orders[["order_id", "customer_id"]], on="order_id")[
        ["customer_id", "product_id", "qty"]]
    products = company.products.set_index("product_id")
    cover = cover_from_tables(company.public_tables(), today, forecast_daily=forecast_daily).reindex(products.index)
    products = pd.DataFrame({
        "product_id": products.index.to_numpy(),
        "cost": products["cost"].to_numpy(float),
        "list_price": products["list_price"].to_numpy(float),
        "category": products["category"].astype(str).to_numpy(),
        "cover_days": cover["cover_days"].to_numpy(float),
        "deliverable": deliverable(products["type"].to_numpy() == "storable", cover["free_qty"].to_numpy(float),
                                   products["vendor_lead_days"].to_numpy(float)),
    })
    return purchases, products


def simulate_rules(
    company: Any,
    rules: Sequence[Rule] = DEMO_RULES,
    policy: PricingPolicy | None = None,
    horizon_days: int = 90,
    seed: int = 0,
    forecast_daily: pd.Series | None = None,
    scores: pd.DataFrame | None = None,
    card: ModelCard | None = None,
) -> DemoSimulation:
    """Run the loop (predict, act, observe, measure) for each rule on a demo company.

    Parameters
    ----------
    company : demo_company.DemoCompany
        The generated company; only the response model reads its hidden truth.
    rules : sequence of Rule
        Customer rules to run side by side (each on its own customers).
    policy : PricingPolicy, optional
        The guardrail for the offers (default: the company policy's defaults).
    horizon_days : int
        Days over which outcomes are observed after the reference date.
    seed : int
        Seed of the response model's draws.
    forecast_daily : Series, optional
        Demand per day of each product (``product_id`` index) from the
        demand forecast: the offers' days of cover read it
        (:func:`demo_offer_inputs`).
    scores, card : DataFrame, ModelCard, optional
        The churn step's scores and card (:func:`demo_subjects`); computed
        as that step does when not given.
    """
    from demo_company import simulate_outcomes

    policy = policy or PricingPolicy()
    today = company.reference_date
    subjects, metrics = demo_subjects(company, scores, card)
    decisions = evaluate_rules(rules, subjects, today)
    purchases, products = demo_offer_inputs(company, today, forecast_daily=forecast_daily)
    by_id = subjects.set_index("subject_id")
    runs = []
    unmeasured: dict[str, str] = {}
    for rule in rules:
        mine = decisions[decisions["rule_id"] == rule.rule_id]
        counts = {status: int(n) for status, n in mine["status"].value_counts().items()}
        acted = mine[mine["status"] == "act"]
        discount = np.zeros(len(acted))
        offer_counts: dict[str, int] = {}
        if "offer" in rule.actions and len(acted):
            customers = by_id.loc[acted["subject_id"], ["churn_risk", "clv"]].rename_axis("customer_id").reset_index()
            candidates = offer_candidates(customers["customer_id"], purchases=purchases)  # no products listed
            offers = plan_offers(customers, candidates, products, rule.discount, policy)
            discount = offers["discount"].to_numpy(float)
            offer_counts = {reason: int(n) for reason, n in offers["reason"].value_counts().items()}
        held_out = mine[mine["status"] == "control"]
        if acted.empty or held_out.empty:
            unmeasured[rule.name] = f"{len(acted)} customers acted on, {len(held_out)} in the control group"
            continue
        ids = np.concatenate([acted["subject_id"].to_numpy(), held_out["subject_id"].to_numpy()])
        treated = np.arange(len(ids)) < len(acted)
        discount_pct = np.concatenate([discount, np.zeros(len(held_out))]) * 100
        observed = simulate_outcomes(company, ids, treated, discount_pct, today, horizon_days, seed)
        # Discount given = what the treated would have paid without it.
        given = observed["revenue"].to_numpy() * discount_pct / np.maximum(100 - discount_pct, 1e-9)
        outcomes = observed.assign(group=np.where(treated, "treated", "control"),
                                   cost=np.where(treated, rule.action_cost + given, 0.0))
        nobody = simulate_outcomes(company, ids, np.zeros(len(ids), bool), 0.0, today, horizon_days, seed)
        everybody = simulate_outcomes(company, ids, np.ones(len(ids), bool), rule.discount * 100, today,
                                      horizon_days, seed)
        runs.append(RuleSimulation(
            rule=rule, decisions=counts, offers=offer_counts,
            impact=measure_impact(outcomes, rule=rule.name),
            true_uplift=float(nobody["churned"].mean() - everybody["churned"].mean()),
        ))
    return DemoSimulation(tuple(runs), model_version=str(subjects["model_version"].iloc[0]),
                          model_metrics=metrics, unmeasured=unmeasured)
