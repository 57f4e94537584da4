"""The escalation rule shared by the helpdesk addon and make demo."""

import numpy as np
import pytest

from ai_insights.nlp.escalation import (
    NEGATIVE_SCORE_THRESHOLD,
    VALUABLE_CUSTOMER_VALUE,
    applied_labels,
    escalations,
)
from crm_bridge.contract.errors import ValidationError


def test_each_rule_and_its_code():
    codes = escalations(
        urgency=["high", "high", "normal", "normal", "normal", "low", None],
        sentiment=["neutral", "neutral", "negative", "negative", "negative", "neutral", "negative"],
        sentiment_score=[0.1, 0.1, -0.8, -0.8, -0.3, -0.9, -0.9],
        customer_value=[0.0, 0.0, 5000.0, 50.0, 5000.0, 5000.0, 5000.0],
        urgency_set_by_person=[True, False, False, False, False, False, False],
    )
    assert codes.tolist() == ["urgency_set", "urgency_predicted", "negative_valuable", "", "", "",
                              "negative_valuable"]


def test_thresholds_are_inclusive_and_the_defaults_are_the_documented_ones():
    assert (NEGATIVE_SCORE_THRESHOLD, VALUABLE_CUSTOMER_VALUE) == (-0.5, 1000.0)
    at_edge = escalations(["normal"], ["negative"], [-0.5], [1000.0])
    just_above = escalations(["normal", "normal"], ["negative", "negative"], [-0.4999, -0.5], [1000.0, 999.99])
    assert at_edge.tolist() == ["negative_valuable"] and just_above.tolist() == ["", ""]
    # the company's own thresholds replace the defaults
    assert escalations(["normal"], ["negative"], [-0.4], [200.0], negative_score=-0.3,
                       valuable_value=100.0).tolist() == ["negative_valuable"]


def test_a_very_negative_score_without_the_negative_label_is_not_enough():
    # the sentiment the ticket carries decides: an unconfident prediction left to a person is no label
    assert escalations(["normal", None], [None, "neutral"], [-0.9, -0.9], [9e9, 9e9]).tolist() == ["", ""]


def test_missing_values_have_documented_defaults():
    codes = escalations([None, "", False, np.nan], ["negative"] * 4, [None, np.nan, -0.9, -0.9],
                        [9e9, 9e9, None, np.nan])
    # no urgency; no score: not very negative; unknown value counts as 0: not valuable
    assert codes.tolist() == ["", "", "", ""]


def test_empty_batch():
    codes = escalations([], [], [], [])
    assert codes.shape == (0,)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"urgency": ["urgent"]}, "urgency"),
    ({"sentiment": ["angry"]}, "sentiment"),
    ({"sentiment_score": [-1.5]}, "sentiment_score"),
    ({"customer_value": [1.0, 2.0]}, "urgency"),
    ({"negative_score": float("nan")}, "negative_score"),
])
def test_bad_input_is_a_structured_error(kwargs, field):
    arguments = {"urgency": ["high"], "sentiment": ["negative"], "sentiment_score": [-0.9],
                 "customer_value": [1.0], **kwargs}
    with pytest.raises(ValidationError) as error:
        escalations(**arguments)
    assert error.value.field == field


def test_applied_labels_leave_unconfident_predictions_to_a_person():
    results = [{"urgency": "high", "needs_review": []}, {"urgency": "high", "needs_review": ["urgency"]},
               {"urgency": "low", "needs_review": ["sentiment"]}]
    assert applied_labels(results, "urgency") == ["high", None, "low"]
    assert applied_labels([], "urgency") == []
    with pytest.raises(ValidationError):
        applied_labels([{"category": "billing", "needs_review": []}], "urgency")
