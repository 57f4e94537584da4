"""Next best action per customer, chosen by expected incremental value.

Candidate actions (:data:`NBA_ACTIONS`):

``retention_offer``
    A call from the owner with an offer inside the pricing guardrail on a
    product that can be delivered in time. Value: estimated uplift (the cut
    in churn chance) x the customer's value - the call and the discount.
``cross_sell``
    An email with complementary products (:mod:`ai_insights.recommend.complements`);
    marketing, so it needs email consent. Value: an acceptance rate x the
    expected margin of the suggestion - the email.
``payment_reminder``
    A service email when an invoice is overdue (contract basis, no marketing
    consent needed, but an address). Value: the share a reminder brings in
    early x the overdue amount's cost of waiting - the email.
``delivery_notice``
    A service email when a promise slipped. Value: the churn it avoids (a
    prior) x the customer's value - the email.
``nothing``
    Value 0: an action is only suggested when it is expected to pay.

The retention offer's uplift comes from a meta-learner
(:mod:`ai_insights.recommend.uplift`) trained on the randomized control
groups; when the experiment is too small (:func:`~ai_insights.recommend.uplift.check_experiment`)
the retention offer falls back to the rule-based choice (churn risk at or
above the rule's threshold), labelled ``rule`` with the reason saying why.
The other actions' rates are stated priors, labelled ``prior``.

Consent is the action rules' own check (:func:`ai_insights.actions.evaluate_rules`):
an action whose channel the customer refused is not a candidate. A share of
customers (:func:`ai_insights.actions.control_draw`, fixed per customer) gets
a random allowed action, labelled ``exploration``: the random allocation
that keeps the uplift model learning and its measurement honest.

Everything is vectorised: 100,000 customers take a few seconds with the
uplift model's prediction included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ai_insights.actions.evaluate import control_draw, evaluate_rules
from ai_insights.actions.rules import Rule
from crm_bridge.contract.errors import ValidationError
from crm_bridge.contract.reasons import Reason

__all__ = ["NBA_ACTIONS", "NBA_COLUMNS", "BASES", "REASON_MESSAGES", "ActionEconomics", "UpliftEstimate", "describe",
           "next_best_actions", "reason_params", "slipped_promises"]

NBA_ACTIONS = ("retention_offer", "cross_sell", "payment_reminder", "delivery_notice", "nothing")
BASES = ("uplift_model", "rule", "prior", "exploration")
NBA_COLUMNS = ("customer_id", "action", "expected_value", "uplift", "uplift_low", "uplift_high", "basis",
               "reason_code", "not_allowed")
NBA_RULE_ID = 1400  # seeds the exploration draw (the action rules' control draw, its own id)
_REQUIRED = ("customer_id", "value", "churn_risk")
# Consent: the action rules' channels per candidate; service messages are sent on the contract basis.
_EMAILED = ("cross_sell", "payment_reminder", "delivery_notice")


@dataclass(frozen=True)
class ActionEconomics:
    """Costs and stated priors of the candidate actions (company settings).

    Parameters
    ----------
    call_cost : float
        A salesperson's retention call.
    email_cost : float
        Sending one email.
    discount : float
        The retention offer's discount (a fraction), capped per line by the guardrail when made.
    cross_sell_acceptance : float
        Share of cross-sell emails that turn into an order (prior).
    reminder_recovery : float
        Share of an overdue amount's cost of waiting a reminder saves (prior).
    cost_of_waiting : float
        Yearly cost of money owed, a fraction.
    delivery_notice_uplift : float
        Churn chance a proactive notice avoids when a promise slipped (prior).
    rule_threshold : float
        Churn risk at which the rule-based fallback makes the retention offer.
    exploration_share : float
        Customers who get a random allowed action (fixed per customer).
    """

    call_cost: float = 15.0
    email_cost: float = 0.05
    discount: float = 0.10
    cross_sell_acceptance: float = 0.04
    reminder_recovery: float = 0.5
    cost_of_waiting: float = 0.10
    delivery_notice_uplift: float = 0.02
    rule_threshold: float = 0.6
    exploration_share: float = 0.05

    def __post_init__(self) -> None:
        for name in ("discount", "cross_sell_acceptance", "reminder_recovery", "cost_of_waiting",
                     "delivery_notice_uplift", "rule_threshold", "exploration_share"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValidationError(f"{name} must be a fraction in [0, 1].", code="invalid_value", field=name,
                                      details={"value": value})
        for name in ("call_cost", "email_cost"):
            if getattr(self, name) < 0:
                raise ValidationError(f"{name} must be >= 0.", code="invalid_value", field=name)


@dataclass(frozen=True)
class UpliftEstimate:
    """The retention offer's estimated uplift per customer (aligned with the customers), or why there is none.

    ``estimate``, ``low``, ``high``: the cut in churn chance and its interval
    (:meth:`ai_insights.recommend.uplift.TLearner.predict_interval`); ``None``
    with ``insufficient`` saying why when the experiment was too small.
    """

    estimate: np.ndarray | None = None
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    insufficient: str = ""
    model_version: str = ""


def _consent_allowed(customers: pd.DataFrame, today: date) -> dict[str, np.ndarray]:
    """Per contacting action, whether the customer may be written to (the action rules' consent check).

    The retention offer is a call by the owner (no channel consent); service
    messages go out on the contract basis, so they need an address only: one
    evaluation of a marketing email rule answers both (its skip reason
    ``no_email`` is the missing address).
    """
    subjects = pd.DataFrame({"subject_id": customers["customer_id"].to_numpy(np.int64),
                             "churn_risk": np.zeros(len(customers))})
    for column in ("email", "email_blacklisted", "consent_email"):
        if column in customers.columns:
            subjects[column] = customers[column].to_numpy()
    subjects["email"] = subjects["email"].fillna("") if "email" in subjects else ""
    subjects["consent_email"] = subjects["consent_email"].fillna(False) if "consent_email" in subjects else False
    rule = Rule(1, "marketing", threshold=0.0, actions=("email",), control_share=0.0, purpose="marketing")
    decided = evaluate_rules([rule], subjects, today)
    marketing = decided["status"].to_numpy() == "act"
    # One pass: a service message needs only what the rules check first, an address (not consent or blacklist).
    service = decided["skip_reason"].to_numpy() != "no_email"
    return {"cross_sell": marketing, "payment_reminder": service, "delivery_notice": service}


def slipped_promises(open_lines: pd.DataFrame) -> pd.DataFrame:
    """Customers whose promised delivery slipped: what the promise engine says now against what was promised.

    Parameters
    ----------
    open_lines : pandas.DataFrame
        One row per open order line: ``customer_id``, ``commitment_date``
        (the date promised to the customer) and ``promised_date`` (the
        promise engine's date for the line now, e.g.
        :attr:`crm_bridge.promise.engine.BatchPromise.promised_date`; NaT
        when it cannot ship at all).

    Returns
    -------
    pandas.DataFrame
        One row per customer of ``open_lines``: ``customer_id``,
        ``late_promise`` (bool: a line now arrives after its commitment or
        cannot ship) and ``days_late`` (the worst line's days; NaN when it
        cannot ship, 0 when on time), the columns :func:`next_best_actions`
        reads for the delivery notice.

    Raises
    ------
    ValidationError
        ``missing_column``.
    """
    missing = [c for c in ("customer_id", "commitment_date", "promised_date") if c not in open_lines.columns]
    if missing:
        raise ValidationError(f"open_lines lack the columns {missing}", code="missing_column", field=missing[0])
    committed = pd.to_datetime(open_lines["commitment_date"])
    promised = pd.to_datetime(open_lines["promised_date"])
    days = (promised - committed).dt.days.to_numpy(float)
    lines = pd.DataFrame({"customer_id": open_lines["customer_id"].to_numpy(),
                          "late": (promised.isna() & committed.notna()).to_numpy() | (days > 0),
                          "days_late": np.where(promised.isna(), np.inf, np.clip(np.nan_to_num(days), 0, None))})
    per_customer = lines.groupby("customer_id", sort=False).agg(late_promise=("late", "any"),
                                                                days_late=("days_late", "max"))
    per_customer["days_late"] = per_customer["days_late"].replace(np.inf, np.nan)
    return per_customer.reset_index()


def _column(customers: pd.DataFrame, name: str, default: float = 0.0) -> np.ndarray:
    if name not in customers.columns:
        return np.full(len(customers), default)
    return pd.to_numeric(customers[name], errors="coerce").fillna(default).to_numpy(float)


def next_best_actions(customers: pd.DataFrame, uplift: UpliftEstimate, today: date,
                      economics: ActionEconomics | None = None) -> pd.DataFrame:
    """Choose each customer's next best action by expected incremental value.

    Parameters
    ----------
    customers : pandas.DataFrame
        One row per customer: ``customer_id``, ``value`` (margin the customer
        brings over the horizon if they stay), ``churn_risk``; optional
        ``revenue`` (over the horizon: the discount's cost), ``overdue_amount``,
        ``days_overdue``, ``late_promise`` (bool, from :func:`slipped_promises`),
        ``cross_sell_margin`` (expected margin of the complementary offer,
        from :func:`ai_insights.recommend.complements.cross_sell_margins`), and the consent
        columns of :func:`ai_insights.actions.evaluate_rules`.
    uplift : UpliftEstimate
        The retention offer's estimate per customer, or why there is none.
    today : datetime.date
    economics : ActionEconomics, optional

    Returns
    -------
    pandas.DataFrame
        :data:`NBA_COLUMNS`, one row per customer in their order.
        ``expected_value`` is the chosen action's (NaN when rule-based);
        ``uplift*`` are the retention offer's estimate and interval when it is
        chosen; ``basis`` one of :data:`BASES`; ``reason_code`` a key of
        :data:`REASON_MESSAGES` (:func:`describe` words it); ``not_allowed``
        the actions consent rules out, comma-separated.

    Raises
    ------
    ValidationError
        ``missing_column``, ``invalid_value`` (negative value, risk outside
        [0, 1]) or ``length_mismatch`` (estimates not aligned).
    """
    economics = economics or ActionEconomics()
    missing = [c for c in _REQUIRED if c not in customers.columns]
    if missing:
        raise ValidationError(f"customers lack the columns {missing}", code="missing_column", field=missing[0])
    n = len(customers)
    ids = customers["customer_id"].to_numpy(np.int64)
    value = _column(customers, "value")
    risk = _column(customers, "churn_risk")
    if (value < 0).any() or ((risk < 0) | (risk > 1)).any():
        raise ValidationError("value must be >= 0 and churn_risk in [0, 1].", code="invalid_value", field="value")
    learned = uplift.estimate is not None
    if learned and any(len(a) != n for a in (uplift.estimate, uplift.low, uplift.high)):
        raise ValidationError("The uplift estimates must have one value per customer.", code="length_mismatch",
                              field="uplift")
    allowed = _consent_allowed(customers, today)

    offer_cost = economics.call_cost + economics.discount * _column(customers, "revenue")
    overdue = _column(customers, "overdue_amount")
    waiting = overdue * economics.cost_of_waiting * np.maximum(_column(customers, "days_overdue"), 30.0) / 365.0
    late = _column(customers, "late_promise").astype(bool)
    values = {
        "retention_offer": (uplift.estimate * value - offer_cost) if learned
        else np.where(risk >= economics.rule_threshold, np.inf, -np.inf),
        "cross_sell": economics.cross_sell_acceptance * _column(customers, "cross_sell_margin") - economics.email_cost,
        "payment_reminder": np.where(overdue > 0, economics.reminder_recovery * waiting - economics.email_cost,
                                     -np.inf),
        "delivery_notice": np.where(late, economics.delivery_notice_uplift * value - economics.email_cost, -np.inf),
        "nothing": np.zeros(n),
    }
    applicable = {"payment_reminder": overdue > 0, "delivery_notice": late}
    allowed_matrix = np.column_stack([allowed.get(a, np.ones(n, bool)) & applicable.get(a, np.ones(n, bool))
                                      for a in NBA_ACTIONS])
    matrix = np.where(allowed_matrix, np.column_stack([values[a] for a in NBA_ACTIONS]), -np.inf)
    best = matrix.argmax(axis=1)
    # Exploration: a random allowed action (including nothing), the same for a customer until the share changes.
    explore = control_draw(NBA_RULE_ID, ids, "explore") < economics.exploration_share
    candidates = allowed_matrix
    pick = control_draw(NBA_RULE_ID, ids, "pick")
    ranks = np.cumsum(candidates, axis=1)
    target = np.floor(pick * candidates.sum(axis=1)).astype(int) + 1
    random_choice = (ranks >= target[:, None]).argmax(axis=1)
    chosen = np.where(explore, random_choice, best)
    action = np.asarray(NBA_ACTIONS, dtype=object)[chosen]
    expected = matrix[np.arange(n), chosen]
    is_offer = action == "retention_offer"

    basis = np.where(explore, "exploration",
                     np.where(is_offer, "uplift_model" if learned else "rule",
                              np.where(action == "nothing", "uplift_model" if learned else "rule", "prior")))
    result = pd.DataFrame({
        "customer_id": ids,
        "action": action,
        "expected_value": np.where(np.isfinite(expected), expected, np.nan),
        "uplift": uplift.estimate if learned else np.full(n, np.nan),
        "uplift_low": uplift.low if learned else np.full(n, np.nan),
        "uplift_high": uplift.high if learned else np.full(n, np.nan),
        "basis": basis,
    })
    result["reason_code"] = _reason_codes(result, learned)
    refused = np.full(n, "", dtype=object)
    for name in _EMAILED:
        refused = np.where(allowed[name], refused, np.where(refused == "", name, refused + "," + name))
    result["not_allowed"] = refused
    return result[list(NBA_COLUMNS)]


def _reason_codes(result: pd.DataFrame, learned: bool) -> np.ndarray:
    action = result["action"].to_numpy()
    return np.select(
        [result["basis"].to_numpy() == "exploration", (action == "retention_offer") & learned,
         action == "retention_offer", action == "cross_sell", action == "payment_reminder",
         action == "delivery_notice", np.full(len(action), learned)],
        ["exploration", "uplift_offer", "rule_offer", "cross_sell", "payment_reminder", "delivery_notice",
         "no_action_pays"], "rule_no_action")


#: English sentence of each reason code; ``{name}`` are the figures of :func:`reason_params`.
REASON_MESSAGES = {
    "exploration": "Chosen at random among the allowed actions, to keep measuring what works.",
    "uplift_offer": "Retention offer: on a customer worth {value:,.0f}, the offer is estimated to change the "
                    "chance of staying by {uplift:+.1%} ({uplift_low:+.1%} to {uplift_high:+.1%}); expected gain "
                    "{expected_value:,.0f} after its cost.",
    "rule_offer": "Retention offer: churn risk {churn_risk:.0%} is at or above the rule's {threshold:.0%} "
                  "(rule-based: {insufficient}).",
    "cross_sell": "Cross-sell: complementary products; expected gain {expected_value:,.0f}.",
    "payment_reminder": "Payment reminder: {overdue_amount:,.0f} overdue; expected gain {expected_value:,.0f}.",
    "delivery_notice": "Delivery notice: a promised delivery slipped; expected gain {expected_value:,.0f}.",
    "no_action_pays": "No action is expected to pay for itself: the offer would change the chance of staying by "
                      "{uplift:+.1%} ({uplift_low:+.1%} to {uplift_high:+.1%}).",
    "rule_no_action": "No action: churn risk {churn_risk:.0%} is below the rule's {threshold:.0%} "
                      "(rule-based: {insufficient}).",
}


def reason_params(row: pd.Series, customer: pd.Series, uplift: UpliftEstimate,
                  economics: ActionEconomics | None = None) -> dict[str, object]:
    """The figures a reason's message names, for one result row and its customer row."""
    economics = economics or ActionEconomics()
    return {"value": float(customer.get("value", 0.0)), "churn_risk": float(customer.get("churn_risk", 0.0)),
            "overdue_amount": float(customer.get("overdue_amount", 0.0) or 0.0),
            "uplift": float(row["uplift"]), "uplift_low": float(row["uplift_low"]),
            "uplift_high": float(row["uplift_high"]), "expected_value": float(np.nan_to_num(row["expected_value"])),
            "threshold": economics.rule_threshold, "insufficient": uplift.insufficient or "no experiment"}


def describe(row: pd.Series, customer: pd.Series, uplift: UpliftEstimate,
             economics: ActionEconomics | None = None) -> Reason:
    """One customer's next best action in words (built only for the rows a person reads)."""
    params = reason_params(row, customer, uplift, economics)
    return Reason(str(row["reason_code"]), REASON_MESSAGES[row["reason_code"]].format(**params), params)
