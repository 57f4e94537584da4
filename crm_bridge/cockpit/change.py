"""What the suite changed: each measure before and after its checks were switched on, and treated against control.

Two kinds of evidence, kept apart in the output's ``evidence`` column:

* :func:`before_after` compares the monthly figures before and after a
  switch-on date. It is ``associated``: without a control group, a season,
  a price list or a new customer mix that changed at the same time is in
  the difference too. Its interval is Welch's on the monthly figures (months
  are treated as independent, which a trend makes optimistic).
* :func:`treated_vs_control` reads the action rules that kept a randomised
  control group and reports their measured impact with
  :func:`ai_insights.actions.impact.measure_impact` (Newcombe intervals):
  ``measured``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from ai_insights.actions.impact import ImpactReport, measure_impact
from crm_bridge.cockpit.measures import MEASURES, cockpit_figures
from crm_bridge.contract.errors import ValidationError

__all__ = ["before_after", "treated_vs_control"]

_MIN_MONTHS = 2  # per side, for a mean and a spread


def before_after(records: pd.DataFrame, switch_on: dt.date, measures: Iterable[str] | None = None,
                 confidence: float = 0.95) -> pd.DataFrame:
    """Mean monthly figure of each measure before and after ``switch_on``, the difference and its interval.

    The month of ``switch_on`` counts as after; months with no record of a measure are left out.

    Returns
    -------
    pandas.DataFrame
        One row per measure with months on both sides: ``measure``, ``months_before``, ``months_after``,
        ``before``, ``after``, ``difference``, ``ci_low``, ``ci_high``, ``evidence`` (``associated``).

    Raises
    ------
    ValidationError
        ``invalid_switch_on`` when fewer than two months with records lie on either side.
    """
    monthly = cockpit_figures(records, by=("month",))
    keys = list(measures) if measures is not None else list(MEASURES)
    switch_month = pd.Timestamp(switch_on).to_period("M").to_timestamp()
    months = monthly["month"].drop_duplicates()
    if (months < switch_month).sum() < _MIN_MONTHS or (months >= switch_month).sum() < _MIN_MONTHS:
        raise ValidationError(f"At least {_MIN_MONTHS} months with records are needed before and after "
                              f"{switch_on}.", code="invalid_switch_on", field="switch_on",
                              details={"value": str(switch_on)})
    rows = []
    for key, series in monthly[monthly["measure"].isin(keys)].groupby("measure", sort=False):
        before = series.loc[series["month"] < switch_month, "figure"].dropna().to_numpy(float)
        after = series.loc[series["month"] >= switch_month, "figure"].dropna().to_numpy(float)
        if len(before) < _MIN_MONTHS or len(after) < _MIN_MONTHS:
            continue
        low, high = _welch_interval(after, before, confidence)
        rows.append({"measure": key, "months_before": len(before), "months_after": len(after),
                     "before": before.mean(), "after": after.mean(), "difference": after.mean() - before.mean(),
                     "ci_low": low, "ci_high": high, "evidence": "associated"})
    order = {key: i for i, key in enumerate(MEASURES)}
    return pd.DataFrame(rows).sort_values("measure", key=lambda s: s.map(order)).reset_index(drop=True)


def _welch_interval(a: np.ndarray, b: np.ndarray, confidence: float) -> tuple[float, float]:
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return a.mean() - b.mean(), a.mean() - b.mean()
    dof = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    half = student_t.ppf(0.5 + confidence / 2, dof) * se
    diff = a.mean() - b.mean()
    return float(diff - half), float(diff + half)


def treated_vs_control(outcomes: Mapping[str, pd.DataFrame | ImpactReport], confidence: float = 0.95) -> pd.DataFrame:
    """Measured impact of each action rule that kept a control group.

    Parameters
    ----------
    outcomes : mapping of str to pandas.DataFrame or ImpactReport
        Rule name to its subjects' outcomes, as :func:`ai_insights.actions.impact.measure_impact` reads them,
        or to the report that function already made (the main job's simulation keeps them).

    Returns
    -------
    pandas.DataFrame
        One row per rule and outcome: ``rule``, ``outcome``, ``n_treated``, ``n_control``, ``treated_rate``,
        ``control_rate``, ``uplift`` (positive = the action helped), ``ci_low``, ``ci_high``, ``verdict`` of that
        outcome (a rule can help one outcome and not another), ``evidence`` (``measured``).
    """
    rows = []
    for rule, frame in outcomes.items():
        report = frame if isinstance(frame, ImpactReport) else measure_impact(frame, rule=rule, confidence=confidence)
        for metric in report.metrics:
            rows.append({"rule": rule, "outcome": metric.outcome, "n_treated": report.n_treated,
                         "n_control": report.n_control, "treated_rate": metric.treated_rate,
                         "control_rate": metric.control_rate, "uplift": metric.uplift, "ci_low": metric.ci_low,
                         "ci_high": metric.ci_high, "verdict": metric.verdict, "evidence": "measured"})
    return pd.DataFrame(rows)
