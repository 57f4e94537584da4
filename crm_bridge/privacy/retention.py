"""Retention: per data class, how long its records are kept and what happens after.

A :class:`RetentionPolicy` names a data class (ticket bodies, interaction
notes, bridge request payloads, score history, training snapshots, key
phrases, or any class an addon declares), a period in days, an action
(``anonymise`` or ``delete``) and a legal hold. :func:`plan_retention` is the
dry run: given every candidate record with its date, it lists exactly the
records a run removes, so the run and its dry run cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from crm_bridge.contract.errors import ValidationError

__all__ = ["RETENTION_ACTIONS", "RETENTION_COLUMNS", "RetentionPolicy", "plan_retention"]

RETENTION_ACTIONS = ("anonymise", "delete")
# The dry run's columns: one row per record a run removes.
RETENTION_COLUMNS = ("data_class", "res_id", "date", "cutoff", "action")


@dataclass(frozen=True)
class RetentionPolicy:
    """How long records of one data class are kept.

    Parameters
    ----------
    data_class : str
        The class of records, e.g. ``"ticket_body"``.
    period_days : int
        Records dated more than this many days before the run go; > 0.
    action : str
        ``"anonymise"`` (the record stays, its personal content goes) or
        ``"delete"``.
    legal_hold : bool
        A hold (litigation, an inspection) suspends the policy: nothing goes.
    """

    data_class: str
    period_days: int
    action: str = "delete"
    legal_hold: bool = False

    def __post_init__(self) -> None:
        if not str(self.data_class or "").strip():
            raise ValidationError("a retention policy names its data class", code="invalid_policy",
                                  field="data_class")
        if isinstance(self.period_days, bool) or not isinstance(self.period_days, int) or self.period_days <= 0:
            raise ValidationError("the retention period must be a whole number of days > 0", code="invalid_period",
                                  field="period_days", details={"value": repr(self.period_days)})
        if self.action not in RETENTION_ACTIONS:
            raise ValidationError(f"unknown retention action {self.action!r}; choose one of {RETENTION_ACTIONS}",
                                  code="invalid_action", field="action", details={"value": repr(self.action)})

    def cutoff(self, today: date) -> date:
        """Records dated strictly before this day go."""
        return today - timedelta(days=self.period_days)


def plan_retention(policies: Sequence[RetentionPolicy], candidates: pd.DataFrame, today: date) -> pd.DataFrame:
    """The dry run: every record the policies remove today, and how.

    Parameters
    ----------
    policies : sequence of RetentionPolicy
        At most one per data class.
    candidates : pandas.DataFrame
        ``data_class``, ``res_id``, ``date``: the records each class holds,
        dated by the event the period counts from (creation, closing...).
        Records of a class without a policy are kept; undated ones too.
    today : datetime.date
        The day of the run.

    Returns
    -------
    pandas.DataFrame
        :data:`RETENTION_COLUMNS`, sorted by class and id; classes under a
        legal hold contribute nothing.

    Raises
    ------
    ValidationError
        ``duplicate_policy`` when a class has two policies.
    """
    classes = [policy.data_class for policy in policies]
    if len(set(classes)) != len(classes):
        duplicated = sorted({name for name in classes if classes.count(name) > 1})
        raise ValidationError(f"one retention policy per data class: {', '.join(duplicated)}",
                              code="duplicate_policy", field="data_class", details={"duplicated": duplicated})
    rules = pd.DataFrame([(p.data_class, pd.Timestamp(p.cutoff(today)), p.action) for p in policies
                          if not p.legal_hold], columns=["data_class", "cutoff", "action"])
    if candidates is None or candidates.empty or rules.empty:
        return pd.DataFrame(columns=list(RETENTION_COLUMNS))
    frame = candidates[["data_class", "res_id", "date"]].assign(date=lambda f: pd.to_datetime(f["date"]))
    frame = frame.merge(rules, on="data_class", how="inner")
    frame = frame[frame["date"].notna() & (frame["date"] < frame["cutoff"])]
    return frame.sort_values(["data_class", "res_id"]).reset_index(drop=True)[list(RETENTION_COLUMNS)]
