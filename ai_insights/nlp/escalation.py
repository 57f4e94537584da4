"""When a support ticket is escalated: one rule for the helpdesk addon and for ``make demo``.

A ticket is escalated when its urgency is high (set by a person, or predicted
confidently enough to be applied), or when its message is very negative and
comes from a valuable customer. The urgency and sentiment the rule reads are
the labels a ticket *carries*: a prediction under the analyzer's confidence
threshold is left to a person and does not count (:func:`applied_labels`).

The customer's value is the expected margin over the lifetime value horizon
(``expected_margin`` of :func:`ai_insights.churn.production.churn_and_value_scores`,
``fusion_lifetime_value`` in Odoo); an unknown value counts as 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crm_bridge.contract.errors import ValidationError

__all__ = [
    "ESCALATION_CODES",
    "NEGATIVE_SCORE_THRESHOLD",
    "URGENCY_LABELS",
    "SENTIMENT_LABELS",
    "VALUABLE_CUSTOMER_VALUE",
    "applied_labels",
    "escalations",
]

# Sentiment score (-1 to 1) at or under which a negative ticket counts as very negative.
NEGATIVE_SCORE_THRESHOLD = -0.5
# Expected margin from which a customer counts as valuable, in the company's currency.
VALUABLE_CUSTOMER_VALUE = 1000.0
URGENCY_LABELS = ("low", "normal", "high")
SENTIMENT_LABELS = ("negative", "neutral", "positive")
# Why a ticket is escalated, first matching rule wins; "" when it is not.
ESCALATION_CODES = ("urgency_set", "urgency_predicted", "negative_valuable")


def applied_labels(predictions: Sequence[Mapping], task: str) -> list[str | None]:
    """The label each analysis applies for ``task``: the prediction, or None when it needs review.

    Parameters
    ----------
    predictions : sequence of dict
        Results of :meth:`TicketAnalyzer.predict_many <ai_insights.nlp.TicketAnalyzer.predict_many>`.
    task : str
        ``category``, ``urgency`` or ``sentiment``.

    Returns
    -------
    list of str or None
        None where ``task`` is in the result's ``needs_review`` (under the
        confidence threshold, or a text the analyzer cannot trust).

    Raises
    ------
    ValidationError
        A result has no prediction for ``task``.
    """
    missing = [position for position, result in enumerate(predictions) if task not in result]
    if missing:
        raise ValidationError(f"no {task} prediction in results {missing[:5]}", field=task,
                              details={"positions": missing})
    return [None if task in result.get("needs_review", ()) else result[task] for result in predictions]


def _labels(values: Sequence, allowed: tuple[str, ...], name: str) -> np.ndarray:
    """Labels as an object array, None/""/False/NaN as "" (no label); unknown labels refused."""
    labels = np.array(["" if value is None or value is False or (isinstance(value, float) and np.isnan(value))
                       else str(value) for value in values], dtype=object)
    unknown = sorted(set(labels.tolist()) - {"", *allowed})
    if unknown:
        raise ValidationError(f"unknown {name} labels {unknown}; expected one of {list(allowed)}", field=name,
                              details={"unknown": unknown, "allowed": list(allowed)})
    return labels


def escalations(
    urgency: Sequence,
    sentiment: Sequence,
    sentiment_score: Sequence[float],
    customer_value: Sequence[float],
    urgency_set_by_person: Sequence[bool] | None = None,
    negative_score: float = NEGATIVE_SCORE_THRESHOLD,
    valuable_value: float = VALUABLE_CUSTOMER_VALUE,
) -> np.ndarray:
    """Why each ticket of a batch is escalated (a code of ``ESCALATION_CODES``), or "" when it is not.

    Parameters
    ----------
    urgency : sequence of str or None
        The urgency each ticket carries (``low``, ``normal``, ``high``): a
        confident prediction (:func:`applied_labels`) or what a person set;
        None, "" or False when it has none.
    sentiment : sequence of str or None
        The sentiment each ticket carries (``negative``, ``neutral``,
        ``positive``), same conventions.
    sentiment_score : sequence of float
        The analysis's score in [-1, 1]; NaN or None when there is none
        (then the ticket is not very negative).
    customer_value : sequence of float
        The customer's expected margin; NaN or None counts as 0.
    urgency_set_by_person : sequence of bool, optional
        True where a person set the high urgency (code ``urgency_set``
        instead of ``urgency_predicted``); all False by default.
    negative_score : float
        Score at or under which a negative ticket is very negative.
    valuable_value : float
        Value from which a customer is valuable.

    Returns
    -------
    numpy.ndarray of str (object)
        One code per ticket, "" for tickets not escalated; empty for an empty batch.

    Raises
    ------
    ValidationError
        The sequences differ in length, a label is unknown, a score is out of
        [-1, 1], or a threshold is not a finite number (a threshold past the
        scores' range simply never escalates).
    """
    if not (np.isfinite(negative_score) and np.isfinite(valuable_value)):
        raise ValidationError("the escalation thresholds must be numbers", field="negative_score",
                              details={"negative_score": negative_score, "valuable_value": valuable_value})
    size = len(urgency)
    by_person = np.zeros(size, dtype=bool) if urgency_set_by_person is None else np.asarray(
        urgency_set_by_person, dtype=bool)
    lengths = {"urgency": size, "sentiment": len(sentiment), "sentiment_score": len(sentiment_score),
               "customer_value": len(customer_value), "urgency_set_by_person": len(by_person)}
    if len(set(lengths.values())) > 1:
        raise ValidationError(f"the batch's sequences differ in length: {lengths}", field="urgency",
                              details=lengths)
    urgency = _labels(urgency, URGENCY_LABELS, "urgency")
    sentiment = _labels(sentiment, SENTIMENT_LABELS, "sentiment")
    scores = pd.to_numeric(pd.Series(list(sentiment_score), dtype=object), errors="raise").to_numpy(dtype=float)
    if (np.abs(scores[~np.isnan(scores)]) > 1.0).any():
        raise ValidationError("sentiment scores must lie in [-1, 1]", field="sentiment_score")
    values = np.nan_to_num(pd.to_numeric(pd.Series(list(customer_value), dtype=object)).to_numpy(dtype=float))
    high = urgency == "high"
    # NaN scores compare False: no score, not very negative.
    very_negative = (sentiment == "negative") & (scores <= negative_score)
    return np.select([high & by_person, high, very_negative & (values >= valuable_value)],
                     list(ESCALATION_CODES), default="").astype(object)
