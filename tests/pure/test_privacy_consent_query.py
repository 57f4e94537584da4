"""The bridge's consent operations: a pushed batch is checked whole before anything is written."""

from datetime import date

import pytest

from crm_bridge.contract.consent_query import consent_partner_keys, validate_consent_push, validate_consent_read
from crm_bridge.contract.errors import ValidationError

TODAY = date(2026, 11, 28)
BOUND = {"C1": 11, "C2": 12}


def consent(**values):
    return {"partner": "C1", "channel": "email", "purpose": "marketing", "granted": True, "date": "2026-11-01",
            "proof": "signup form v3, 2026-11-01", **values}


def test_a_good_batch_becomes_consent_records_of_the_bound_partners():
    records = validate_consent_push([consent(), consent(partner="C2", channel="sms", granted=False, proof="")],
                                    BOUND, TODAY)
    assert [(r.partner_id, r.channel, r.granted, r.source) for r in records] == [
        (11, "email", True, "bridge"), (12, "sms", False, "bridge")]
    assert records[0].date == date(2026, 11, 1)


@pytest.mark.parametrize(("bad", "code", "field"), [
    ({"channel": "fax"}, "unknown_channel", "consents[1].channel"),
    ({"purpose": "profiling"}, "unknown_purpose", "consents[1].purpose"),
    ({"source": "rumour"}, "unknown_source", "consents[1].source"),
    ({"partner": "C9"}, "unknown_partner", "consents[1].partner"),
    ({"partner": ""}, "missing_field", "consents[1].partner"),
    ({"proof": ""}, "missing_proof", "consents[1].proof"),
    ({"date": "2027-01-01"}, "invalid_date", "consents[1].date"),
    ({"expiry": "2026-10-01"}, "invalid_date", "consents[1].expiry"),
    ({"granted": "yes"}, "invalid_value", "consents[1].granted"),
    ({"colour": "blue"}, "unknown_field", "consents[1]"),
])
def test_one_bad_consent_refuses_the_batch_naming_it(bad, code, field):
    with pytest.raises(ValidationError) as caught:
        validate_consent_push([consent(), consent(**bad)], BOUND, TODAY)
    assert (caught.value.code, caught.value.field, caught.value.details["index"]) == (code, field, 1)


@pytest.mark.parametrize(("payload", "code"), [("C1", "invalid_type"), ([], "missing_field"),
                                               ([consent()] * 501, "batch_too_large"), (["C1"], "invalid_type")])
def test_a_malformed_call_is_refused(payload, code):
    with pytest.raises(ValidationError) as caught:
        consent_partner_keys(payload)
    assert caught.value.code == code


def test_a_read_names_bound_partners_once():
    assert validate_consent_read(["C1", "C2", "C1"], BOUND) == ["C1", "C2"]
    for bad, code in ((False, "invalid_type"), ([3], "invalid_type"), ([""], "missing_field"),
                      (["C1", "C9"], "unknown_partner")):
        with pytest.raises(ValidationError) as caught:
            validate_consent_read(bad, BOUND)
        assert caught.value.code == code

