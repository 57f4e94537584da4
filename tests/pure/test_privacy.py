"""Privacy core: consent decisions, retention dry runs, erasure plans, the record of processing."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from crm_bridge.contract.errors import ValidationError
from crm_bridge.privacy import (
    ErasureRefusedError,
    ProcessingUse,
    RetentionPolicy,
    decide_consent,
    plan_erasure,
    plan_retention,
    record_of_processing,
    training_exclusions,
    validate_consent,
)
from crm_bridge.tables.odoo import UndeclaredFieldsError

TODAY = date(2026, 11, 28)


def _records(*rows):
    return pd.DataFrame([dict(zip(("partner_id", "channel", "purpose", "granted", "date", "expiry", "source"),
                                  row, strict=True)) for row in rows])


def test_consent_latest_record_decides_and_legal_basis_fills_the_gaps():
    records = _records(
        (1, "email", "marketing", True, "2025-01-01", None, "form"),
        (1, "email", "marketing", False, "2026-01-01", None, "portal"),  # withdrawn later: refused
        (2, "email", "marketing", True, "2025-01-01", "2026-01-01", "form"),  # expired
        (3, "sms", "marketing", True, "2026-02-01", None, "bridge"),
        (4, "email", "retention", False, "2026-02-01", None, "form"),  # objected to offers
    )
    queries = pd.DataFrame({
        "partner_id": [1, 2, 3, 4, 5, 5, 6, 7, 3],
        "channel": ["email", "email", "sms", "email", "email", "email", "email", "email", "sms"],
        "purpose": ["marketing", "marketing", "marketing", "retention", "retention", "service", "retention",
                    "marketing", "marketing"],
        "blacklisted": [False, False, False, False, False, True, False, False, True],
        "customer": [True, True, True, True, True, True, False, True, True],
    })
    decided = decide_consent(records, queries, TODAY)
    assert decided["reason"].tolist() == ["refused", "expired", "granted", "refused", "soft_opt_in", "contract",
                                          "no_consent", "no_consent", "blacklisted"]
    assert decided["allowed"].tolist() == [False, False, True, False, True, True, False, False, False]
    assert decided.loc[2, "source"] == "bridge"


@pytest.mark.parametrize(("column", "value", "code"), [("channel", "fax", "unknown_channel"),
                                                        ("purpose", "profiling", "unknown_purpose")])
def test_consent_unknown_channel_or_purpose_is_refused_whole(column, value, code):
    queries = pd.DataFrame({"partner_id": [1, 2], "channel": ["email", "email"], "purpose": ["service", "service"]})
    queries.loc[1, column] = value
    with pytest.raises(ValidationError) as error:
        decide_consent(_records(), queries, TODAY)
    assert error.value.code == code and error.value.field == column


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"channel": "pigeon"}, "unknown_channel", "channel"),
    ({"purpose": "resale"}, "unknown_purpose", "purpose"),
    ({"source": "guess"}, "unknown_source", "source"),
    ({"proof": " "}, "missing_proof", "proof"),
    ({"date": "2027-01-01"}, "invalid_date", "date"),
    ({"expiry": "2026-01-01"}, "invalid_date", "expiry"),
    ({"partner_id": 0}, "invalid_partner", "partner_id"),
])
def test_validate_consent_refuses_bad_input(change, code, field):
    values = {"partner_id": 7, "channel": "email", "purpose": "marketing", "granted": True, "date": "2026-03-01",
              "source": "bridge", "proof": "CRM form 2026-03-01, IP 10.0.0.1"}
    assert validate_consent(values, TODAY).expiry is None
    with pytest.raises(ValidationError) as error:
        validate_consent({**values, **change}, TODAY)
    assert (error.value.code, error.value.field) == (code, field)


def test_a_refusal_needs_no_proof():
    record = validate_consent({"partner_id": 7, "channel": "sms", "purpose": "marketing", "granted": False,
                               "source": "portal"}, TODAY)
    assert record.date == TODAY and not record.granted


def test_retention_dry_run_lists_exactly_the_records_past_their_period():
    candidates = pd.DataFrame({
        "data_class": ["ticket_body"] * 3 + ["bridge_payload"] * 2 + ["key_phrases", "no_policy"],
        "res_id": [1, 2, 3, 10, 11, 20, 30],
        "date": ["2025-11-27", "2025-11-28", None, "2020-01-01", "2026-11-01", "2010-01-01", "2000-01-01"],
    })
    policies = [RetentionPolicy("ticket_body", 365, "anonymise"), RetentionPolicy("bridge_payload", 30),
                RetentionPolicy("key_phrases", 1, legal_hold=True)]
    plan = plan_retention(policies, candidates, TODAY)
    assert list(zip(plan["data_class"], plan["res_id"], plan["action"], strict=True)) == [
        ("bridge_payload", 10, "delete"), ("ticket_body", 1, "anonymise")]


@pytest.mark.parametrize(("kwargs", "code"), [({"period_days": 0}, "invalid_period"),
                                               ({"period_days": -5}, "invalid_period"),
                                               ({"period_days": 2.5}, "invalid_period"),
                                               ({"action": "shred"}, "invalid_action"),
                                               ({"data_class": ""}, "invalid_policy")])
def test_retention_policy_bad_input(kwargs, code):
    with pytest.raises(ValidationError) as error:
        RetentionPolicy(**{"data_class": "ticket_body", "period_days": 30, **kwargs})
    assert error.value.code == code


def test_retention_two_policies_for_one_class_refused():
    with pytest.raises(ValidationError) as error:
        plan_retention([RetentionPolicy("x", 1), RetentionPolicy("x", 2)], pd.DataFrame(), TODAY)
    assert error.value.code == "duplicate_policy"


HOLDINGS = [
    {"partner_id": 1, "model": "fusion.churn.score", "res_id": 5, "kind": "derived"},
    {"partner_id": 1, "model": "helpdesk.ticket", "res_id": 6, "kind": "personal"},
    {"partner_id": 1, "model": "account.move", "res_id": 7, "kind": "legal", "reason": "invoices: 6 years"},
    {"partner_id": 2, "model": "fusion.churn.score", "res_id": 8, "kind": "derived"},
]


def test_erasure_plan_purges_derived_anonymises_personal_keeps_legal():
    plan = plan_erasure([1, 2], HOLDINGS)
    report = plan.to_dict()
    assert report["erased"] == [1, 2]
    assert report["purged"] == {"fusion.churn.score": 2}
    assert report["anonymised"] == {"helpdesk.ticket": 1}
    assert report["kept"] == [{"partner_id": 1, "model": "account.move", "res_id": 7, "reason": "invoices: 6 years"}]


def test_erasure_with_a_blocker_is_refused_whole_or_stated_partial():
    blockers = [{"partner_id": 2, "reason": "unpaid_invoice", "model": "account.move", "res_id": 9},
                {"partner_id": 2, "reason": "legal_hold", "model": None, "res_id": None}]
    with pytest.raises(ErasureRefusedError) as error:
        plan_erasure([1, 2], HOLDINGS, blockers)
    assert error.value.code == "erasure_blocked"
    assert [b["reason"] for b in error.value.details["blockers"]["2"]] == ["unpaid_invoice", "legal_hold"]
    plan = plan_erasure([1, 2], HOLDINGS, blockers, partial=True)
    assert plan.erased == [1] and set(plan.refused) == {2}
    assert set(plan.purge["partner_id"]) == {1}  # nothing of the refused partner is touched


@pytest.mark.parametrize(("holdings", "blockers", "code"), [
    ([{"partner_id": 1, "model": "x", "res_id": 1, "kind": "forget"}], None, "invalid_holding"),
    ([{"partner_id": 1, "model": "account.move", "res_id": 1, "kind": "legal"}], None, "invalid_holding"),
    ([], [{"partner_id": 1, "reason": "dislike", "model": "x", "res_id": 1}], "invalid_blocker"),
])
def test_erasure_bad_input(holdings, blockers, code):
    with pytest.raises(ValidationError) as error:
        plan_erasure([1], holdings, blockers)
    assert error.value.code == code


def test_record_of_processing_flags_unused_and_refuses_undeclared():
    declared = [ProcessingUse("churn model", "sale.order", "date_order", "recency"),
                ProcessingUse("churn model", "res.partner", "phone", "never read", personal_data=True),
                ProcessingUse("crm A", "res.partner", "email", "sync", True, "contract", 730)]
    record = record_of_processing(declared, {"churn model": {"sale.order": {"date_order"}}})
    by_field = record.set_index("field")
    assert by_field.loc["date_order", "used"] is True and by_field.loc["phone", "used"] is False
    assert pd.isna(by_field.loc["email", "used"]) and by_field.loc["email", "retention_days"] == 730
    with pytest.raises(UndeclaredFieldsError) as error:
        record_of_processing(declared, {"churn model": {"sale.order": {"date_order", "amount_total"}}})
    assert error.value.details["undeclared"] == {"churn model": {"sale.order": ["amount_total"]}}


def test_processing_use_needs_a_known_legal_basis_and_a_purpose():
    with pytest.raises(ValidationError):
        ProcessingUse("x", "res.partner", "name", "y", legal_basis="because")
    with pytest.raises(ValidationError):
        ProcessingUse("x", "res.partner", "name", " ")


def test_a_card_counts_the_erased_customers_its_training_left_out():
    counted = training_exclusions(erased={3, 4, 99}, customers={1, 2, 3, 4})
    assert counted["erased_customers_excluded"] == 2
    assert counted["note"].startswith("2 customers erased on request")
    assert training_exclusions(set(), {1})["erased_customers_excluded"] == 0
