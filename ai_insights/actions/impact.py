"""Measured impact of a rule: treated against control, with confidence intervals.

Uplift always reads "positive is good": for outcomes we want less of
(``churned``, ``cancelled``) it is ``control rate - treated rate``; for
outcomes we want more of (``reordered``) it is ``treated rate - control
rate``. Its interval is Newcombe's hybrid score interval for a difference of
proportions (built from the two Wilson intervals; good coverage even with
small groups and rates near 0 or 1). The margin per customer is compared with
Welch's normal interval for a difference of means.

The verdict on the primary outcome is ``helps`` when the whole interval is
above 0, ``harms`` when it is below, else ``no measurable effect``: a rule
that targets the wrong customers is reported as such.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from crm_bridge.contract.errors import ValidationError

__all__ = ["OUTCOMES", "wilson_interval", "newcombe_interval", "MetricImpact", "ImpactReport", "measure_impact"]

# Outcome -> whether less of it is better.
OUTCOMES = {"churned": True, "cancelled": True, "reordered": False}


def wilson_interval(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion; (nan, nan) when ``n`` is 0. Vectorised."""
    k, n = np.asarray(successes, float), np.asarray(n, float)
    z = norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def newcombe_interval(k1, n1, k2, n2, confidence: float = 0.95) -> tuple[float, float]:
    """Newcombe's hybrid score interval of ``k1/n1 - k2/n2``."""
    p1, p2 = k1 / n1 if n1 else math.nan, k2 / n2 if n2 else math.nan
    (l1, u1), (l2, u2) = (wilson_interval(k1, n1, confidence), wilson_interval(k2, n2, confidence))
    d = p1 - p2
    return (float(d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)),
            float(d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)))


@dataclass(frozen=True)
class MetricImpact:
    """One outcome's rates in both groups and the uplift (positive = the action helped)."""

    outcome: str
    treated_rate: float
    control_rate: float
    uplift: float
    ci_low: float
    ci_high: float
    lower_is_better: bool

    @property
    def verdict(self) -> str:
        """``helps`` when the whole interval is above 0, ``harms`` when below, else ``no measurable effect``."""
        if self.ci_low > 0:
            return "helps"
        if self.ci_high < 0:
            return "harms"
        return "no measurable effect"


@dataclass(frozen=True)
class ImpactReport:
    """What a rule did, against its control group.

    ``metrics`` holds one :class:`MetricImpact` per outcome present, the
    primary one (``churned`` when present) first. Margins are per customer
    and already net of the discounts given; ``cost`` is the cost of the
    actions (fixed costs plus discounts given).
    """

    rule: str
    n_treated: int
    n_control: int
    metrics: tuple[MetricImpact, ...]
    margin_treated: float
    margin_control: float
    margin_uplift: float
    margin_ci_low: float
    margin_ci_high: float
    cost: float
    confidence: float

    @property
    def primary(self) -> MetricImpact:
        return self.metrics[0]

    @property
    def verdict(self) -> str:
        """``helps``, ``harms`` or ``no measurable effect``, on the primary outcome."""
        return self.primary.verdict

    def summary(self) -> str:
        """One sentence for a manager."""
        p = self.primary
        verb = "less" if p.lower_is_better else "more"
        text = (f"{self.rule}: {p.outcome} {p.treated_rate:.1%} treated (n={self.n_treated}) vs "
                f"{p.control_rate:.1%} control (n={self.n_control}); uplift {p.uplift:+.1%} "
                f"({self.confidence:.0%} CI {p.ci_low:+.1%} to {p.ci_high:+.1%}; positive = {verb} {p.outcome}): "
                f"{self.verdict}.")
        text += (f" Margin per customer {self.margin_uplift:+.2f} (CI {self.margin_ci_low:+.2f} to "
                 f"{self.margin_ci_high:+.2f}); actions cost {self.cost:,.2f}.")
        if self.verdict != "helps":
            text += " The rule should be changed or switched off."
        return text

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON- and XML-RPC-friendly figures."""
        payload = asdict(self)
        payload["metrics"] = [asdict(m) for m in self.metrics]
        payload.update(verdict=self.verdict, summary=self.summary())
        return payload

    def chart_data(self) -> dict[str, Any]:
        """Matplotlib-ready series: outcome rates per group and uplifts with their error bars.

        ``rates``: ``{"outcomes": [...], "treated": [...], "control": [...]}``
        for a grouped bar chart; ``uplift``: ``{"outcomes", "value", "err_low",
        "err_high"}`` for ``plt.errorbar(yerr=[err_low, err_high])``.
        """
        names = [m.outcome for m in self.metrics]
        return {
            "rates": {"outcomes": names, "treated": [m.treated_rate for m in self.metrics],
                      "control": [m.control_rate for m in self.metrics]},
            "uplift": {"outcomes": names, "value": [m.uplift for m in self.metrics],
                       "err_low": [m.uplift - m.ci_low for m in self.metrics],
                       "err_high": [m.ci_high - m.uplift for m in self.metrics]},
        }


def measure_impact(outcomes: pd.DataFrame, rule: str = "rule", confidence: float = 0.95) -> ImpactReport:
    """Compare the treated and control groups of one rule.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        One row per subject: ``group`` (``"treated"`` or ``"control"``), at
        least one of the :data:`OUTCOMES` as booleans, and optional
        ``margin`` (observed after the action, net of discounts) and ``cost``
        (cost of the action on that subject, 0 for control).
    rule : str
        Name for the report.
    confidence : float
        Level of the intervals.

    Raises
    ------
    ValidationError
        When a group is empty, a group label is unknown or no outcome column is there.
    """
    groups = outcomes.get("group")
    if groups is None or not set(groups.unique()) <= {"treated", "control"}:
        raise ValidationError("outcomes need a group column of 'treated' / 'control'", code="invalid_group",
                              field="group")
    treated, control = outcomes[groups == "treated"], outcomes[groups == "control"]
    if treated.empty or control.empty:
        raise ValidationError("both a treated and a control group are needed to measure impact",
                              code="empty_group", field="group",
                              details={"treated": len(treated), "control": len(control)})
    present = [name for name in OUTCOMES if name in outcomes.columns]
    if not present:
        raise ValidationError(f"outcomes need one of {list(OUTCOMES)}", code="missing_column", field="outcomes")
    metrics = []
    for name in present:
        k_t, k_c = int(treated[name].astype(bool).sum()), int(control[name].astype(bool).sum())
        n_t, n_c = len(treated), len(control)
        lower_better = OUTCOMES[name]
        # Positive = good: the difference is taken in the direction that helps.
        first, second = ((k_c, n_c), (k_t, n_t)) if lower_better else ((k_t, n_t), (k_c, n_c))
        low, high = newcombe_interval(*first, *second, confidence=confidence)
        metrics.append(MetricImpact(name, k_t / n_t, k_c / n_c, first[0] / first[1] - second[0] / second[1],
                                    low, high, lower_better))
    margin_t = treated["margin"].to_numpy(float) if "margin" in outcomes else np.zeros(len(treated))
    margin_c = control["margin"].to_numpy(float) if "margin" in outcomes else np.zeros(len(control))
    diff = margin_t.mean() - margin_c.mean()
    se = math.sqrt(margin_t.var(ddof=1) / len(margin_t) + margin_c.var(ddof=1) / len(margin_c)) \
        if min(len(margin_t), len(margin_c)) > 1 else math.nan
    z = norm.ppf(0.5 + confidence / 2)
    return ImpactReport(
        rule=rule, n_treated=len(treated), n_control=len(control), metrics=tuple(metrics),
        margin_treated=float(margin_t.mean()), margin_control=float(margin_c.mean()), margin_uplift=float(diff),
        margin_ci_low=float(diff - z * se), margin_ci_high=float(diff + z * se),
        cost=float(treated["cost"].sum()) if "cost" in outcomes else 0.0, confidence=confidence,
    )
