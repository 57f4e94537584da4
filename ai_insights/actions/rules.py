"""Action rules: a trigger, conditions, the actions to take, and a control group.

A rule says *when* (a prediction crosses a threshold, or an event happens),
*for whom* (segment, lifetime value, risk level, consent) and *what* (an
activity for the owner, an email or SMS, a retention offer, an escalation,
holding back promotions of a product, a replenishment proposal). A share of
the matching subjects, drawn deterministically, is kept as a control group
that gets nothing, so the rule's impact can be measured.

Rules are validated when built: an impossible condition (``min_clv`` above
``max_clv``, a probability threshold outside [0, 1], a channel the trigger's
subject cannot receive) raises :class:`~crm_bridge.contract.errors.ValidationError`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from crm_bridge.contract.errors import ValidationError
from crm_bridge.privacy import PURPOSES

__all__ = [
    "CUSTOMER_TRIGGERS",
    "PRODUCT_TRIGGERS",
    "EVENT_TRIGGERS",
    "TRIGGERS",
    "CUSTOMER_ACTIONS",
    "PRODUCT_ACTIONS",
    "ACTIONS",
    "CONSENT_CHANNELS",
    "Rule",
]

# Trigger -> (subject, kind of score). Probability scores are in [0, 1]; cover scores are days.
_TRIGGER_SPECS: dict[str, tuple[str, str]] = {
    "churn_risk": ("customer", "probability"),  # churn probability crosses the threshold
    "negative_ticket": ("customer", "probability"),  # negativity of a ticket (event)
    "late_promise": ("customer", "probability"),  # a promised order turns late (event, score 1)
    "scarce_product": ("product", "days_below"),  # days of cover at or below the threshold
    "overstock_product": ("product", "days_above"),  # days of cover at or above the threshold
    "stockout_forecast": ("product", "days_below"),  # days until the forecast stock-out
}
CUSTOMER_TRIGGERS = tuple(t for t, (subject, _) in _TRIGGER_SPECS.items() if subject == "customer")
PRODUCT_TRIGGERS = tuple(t for t, (subject, _) in _TRIGGER_SPECS.items() if subject == "product")
# Event triggers: each event (a ticket, an order) is its own episode.
EVENT_TRIGGERS = ("negative_ticket", "late_promise")
TRIGGERS = tuple(_TRIGGER_SPECS)

CUSTOMER_ACTIONS = ("activity", "email", "sms", "offer", "escalate")
PRODUCT_ACTIONS = ("hold_promotion", "replenish")
ACTIONS = CUSTOMER_ACTIONS + PRODUCT_ACTIONS
# Actions that contact the customer and need their consent on that channel.
CONSENT_CHANNELS = {"email": "email", "sms": "sms"}


@dataclass(frozen=True)
class Rule:
    """One automated action rule.

    Parameters
    ----------
    rule_id : int
        Stable identifier: it seeds the control group and names episodes.
    name : str
        For people.
    trigger : str
        One of :data:`TRIGGERS`.
    threshold : float
        Probability triggers fire at ``score >= threshold`` (in [0, 1]);
        ``scarce_product`` and ``stockout_forecast`` at ``score <= threshold``
        days, ``overstock_product`` at ``score >= threshold`` days.
    actions : tuple of str
        What to do, from :data:`ACTIONS`; customer triggers take
        :data:`CUSTOMER_ACTIONS`, product triggers :data:`PRODUCT_ACTIONS`.
    segments : tuple of str
        Customer segments (or product categories) the rule applies to; empty: all.
    min_clv, max_clv : float, optional
        Lifetime value range of the customers (inclusive).
    min_risk, max_risk : float, optional
        Churn-risk range of the customers (inclusive), whatever the trigger.
    discount : float
        Retention discount to offer, a fraction (0.10 = 10 %); the pricing
        guardrail may lower it. Required (> 0) with the ``offer`` action.
    control_share : float
        Share of the matching subjects kept as a control group, in [0, 1).
    cooldown_days : int
        A prediction episode lasts this long: the same subject is not acted
        on again by this rule within it.
    purpose : str
        Purpose of the contact the customer's consent must cover, one of
        ``crm_bridge.privacy.PURPOSES`` (service, retention, marketing): the
        consent columns of the subjects are decided for it
        (``crm_bridge.privacy.decide_consent``).
    action_cost : float
        Fixed cost of acting on one subject (a call, a message), for the
        impact report; discounts given are counted separately.
    salt : str
        Changes the control draw without changing the rule id.
    """

    rule_id: int
    name: str
    trigger: str = "churn_risk"
    threshold: float = 0.6
    actions: tuple[str, ...] = ("activity",)
    segments: tuple[str, ...] = ()
    min_clv: float | None = None
    max_clv: float | None = None
    min_risk: float | None = None
    max_risk: float | None = None
    discount: float = 0.0
    control_share: float = 0.2
    cooldown_days: int = 90
    purpose: str = "retention"
    action_cost: float = 0.0
    salt: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "actions", tuple(self.actions))
        object.__setattr__(self, "segments", tuple(self.segments))
        self.validate()

    @property
    def subject(self) -> str:
        """``"customer"`` or ``"product"``: what the rule's trigger scores."""
        return _TRIGGER_SPECS[self.trigger][0]

    @property
    def is_event(self) -> bool:
        """Whether each event is its own episode (else a prediction episode of ``cooldown_days``)."""
        return self.trigger in EVENT_TRIGGERS

    @property
    def channels(self) -> tuple[str, ...]:
        """Consent channels the rule's actions need, e.g. ``("email",)``."""
        return tuple(CONSENT_CHANNELS[a] for a in self.actions if a in CONSENT_CHANNELS)

    def triggered(self, score):
        """Boolean mask (or bool) of the scores that fire the trigger; NaN never fires."""
        kind = _TRIGGER_SPECS[self.trigger][1]
        return score <= self.threshold if kind == "days_below" else score >= self.threshold

    def validate(self) -> Rule:
        """Check the rule can ever fire and do something; return it.

        Raises
        ------
        ValidationError
            With ``code="invalid_rule"`` and the ``field`` at fault.
        """
        if isinstance(self.rule_id, bool) or not isinstance(self.rule_id, int) or self.rule_id < 0:
            _bad("rule_id must be a non-negative integer", "rule_id", self.rule_id)
        if self.trigger not in _TRIGGER_SPECS:
            _bad(f"unknown trigger; choose one of {TRIGGERS}", "trigger", self.trigger)
        kind = _TRIGGER_SPECS[self.trigger][1]
        if not _number(self.threshold):
            _bad("threshold must be a finite number", "threshold", self.threshold)
        if kind == "probability" and not 0 <= self.threshold <= 1:
            _bad("a probability threshold must be in [0, 1]", "threshold", self.threshold)
        if kind != "probability" and self.threshold < 0:
            _bad("a threshold in days of cover must be >= 0", "threshold", self.threshold)
        if not self.actions:
            _bad("a rule needs at least one action", "actions", self.actions)
        allowed = CUSTOMER_ACTIONS if self.subject == "customer" else PRODUCT_ACTIONS
        wrong = [a for a in self.actions if a not in allowed]
        if wrong:
            _bad(f"a {self.subject} trigger takes the actions {allowed}", "actions", wrong)
        for low, high, name in ((self.min_clv, self.max_clv, "clv"), (self.min_risk, self.max_risk, "risk")):
            for value, bound in ((low, f"min_{name}"), (high, f"max_{name}")):
                if value is not None and (not _number(value) or value < 0 or (name == "risk" and value > 1)):
                    _bad(f"{bound} must be a number >= 0" + (" and <= 1" if name == "risk" else ""), bound, value)
            if low is not None and high is not None and low > high:
                _bad(f"min_{name} exceeds max_{name}: no customer can match", f"min_{name}", [low, high])
        if self.subject == "product" and any(v is not None for v in (self.min_clv, self.max_clv,
                                                                      self.min_risk, self.max_risk)):
            _bad("lifetime value and risk conditions apply to customer triggers only", "min_clv", None)
        if not _number(self.discount) or not 0 <= self.discount < 1:
            _bad("discount must be a fraction in [0, 1)", "discount", self.discount)
        if ("offer" in self.actions) != (self.discount > 0):
            _bad("the offer action needs a discount > 0, and a discount needs the offer action",
                 "discount", self.discount)
        if not _number(self.control_share) or not 0 <= self.control_share < 1:
            _bad("control_share must be a fraction in [0, 1)", "control_share", self.control_share)
        if isinstance(self.cooldown_days, bool) or not isinstance(self.cooldown_days, int) or self.cooldown_days < 1:
            _bad("cooldown_days must be an integer >= 1", "cooldown_days", self.cooldown_days)
        if not _number(self.action_cost) or self.action_cost < 0:
            _bad("action_cost must be >= 0", "action_cost", self.action_cost)
        if self.purpose not in PURPOSES:
            _bad(f"a rule states the purpose its contacts serve, one of {PURPOSES}", "purpose", self.purpose)
        return self


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _bad(message: str, field_name: str, value: Any) -> None:
    raise ValidationError(message, code="invalid_rule", field=field_name, details={"value": repr(value)})
