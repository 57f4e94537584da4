"""The signal table: what a trigger says about each subject, the one shape every source fills.

Signals come from a capability's own predictions (churn scores, promise checks,
stock cover) or are pushed as ``fusion.action.signal`` records; both are turned
into this table by :func:`signal_frame`, and :func:`merge_signals` lets a
capability's own figures win over pushed copies for the same subject or event.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["SIGNAL_COLUMNS", "signal_frame", "merge_signals"]

# Besides these, the table has one column named after the trigger: the score the rules compare.
SIGNAL_COLUMNS = ("subject_id", "churn_risk", "clv", "event_ref", "model_version", "reasons")


def signal_frame(
    trigger: str,
    subject_id: Sequence[int] | np.ndarray,
    score: Sequence[float] | np.ndarray | float,
    *,
    churn_risk: Sequence[float] | np.ndarray | float = np.nan,
    clv: Sequence[float] | np.ndarray | float = np.nan,
    event_ref: Sequence[str] | None = None,
    model_version: Sequence[str] | str = "",
    reasons: Sequence[str] | str = "",
) -> pd.DataFrame:
    """The signal table of ``trigger``: ``subject_id``, ``<trigger>`` and :data:`SIGNAL_COLUMNS`.

    Parameters
    ----------
    trigger : str
        The trigger's name; its column holds ``score``. For the ``churn_risk``
        trigger the score is the churn risk itself.
    subject_id : sequence of int
        Partner ids for customer triggers, product ids for product triggers.
    score, churn_risk, clv : array-like or scalar
        NaN where unknown; a lifetime value of 0 or less counts as unknown.
    event_ref : sequence of str, optional
        The event each row is about (one episode per event); by default the
        subject id, so one episode per subject and prediction window.
    model_version, reasons : array-like or str
        Which model or check said so, and why, in words.
    """
    ids = np.asarray(subject_id, dtype=np.int64)
    if trigger == "churn_risk":
        churn_risk = score
    frame = pd.DataFrame({
        "subject_id": ids,
        trigger: np.broadcast_to(np.asarray(score, dtype=float), ids.shape),
        "churn_risk": np.broadcast_to(np.asarray(churn_risk, dtype=float), ids.shape),
        "clv": np.broadcast_to(np.asarray(clv, dtype=float), ids.shape),
        "event_ref": ids.astype(str) if event_ref is None else np.asarray(event_ref, dtype=object),
        "model_version": np.broadcast_to(np.asarray(model_version, dtype=object), ids.shape),
        "reasons": np.broadcast_to(np.asarray(reasons, dtype=object), ids.shape),
    })
    frame["clv"] = frame["clv"].where(frame["clv"] > 0)
    for column in ("model_version", "reasons"):
        frame[column] = frame[column].where(frame[column].astype(bool), "").astype(str)
    return frame


def merge_signals(own: pd.DataFrame, pushed: pd.DataFrame, key: str = "subject_id") -> pd.DataFrame:
    """``own`` signals, plus the ``pushed`` ones whose ``key`` (subject or event) ``own`` does not cover."""
    if pushed.empty:
        return own
    if own.empty:
        return pushed
    return pd.concat([own, pushed[~pushed[key].isin(own[key])]], ignore_index=True)
