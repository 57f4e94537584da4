"""Consents pushed and read by an external CRM over plain XML-RPC, with its source's API key."""

import datetime as dt

import pytest
from conftest import connect


@pytest.fixture(scope="module")
def crm(admin, odoo_server):
    if "fusion.bridge.source" not in admin.env or "fusion.privacy.consent" not in admin.env:
        pytest.skip("needs fusion_privacy_crm_bridge (fusion_privacy and fusion_crm_bridge installed)")
    source_id = admin.env["fusion.bridge.source"].create({
        "name": "RPC consent CRM", "code": "rpcconsent", "allow_partners": True, "allow_consents": True,
        "purpose_ids": [(0, 0, {"model_name": "res.partner", "field_name": name, "purpose": "sync"})
                        for name in ("name", "email")]})
    admin.execute_kw("fusion.bridge.source", "action_create_technical_user", [[source_id]])
    action = admin.execute_kw("fusion.bridge.source", "action_generate_api_key", [[source_id]])
    return connect(*odoo_server, "bridge-rpcconsent", action["context"]["default_key"])


def test_the_crm_pushes_consents_and_reads_the_register_decisions(crm, admin):
    upsert = crm.execute_kw("fusion.bridge", "upsert_partners", [[{
        "idempotency_key": "rpc-consent-1", "external_id": "RC1",
        "values": {"name": "RPC consent customer", "email": "rpc.consent.customer@example.com"}}]])
    assert upsert["ok"], upsert
    partner_id = upsert["results"][0]["id"]
    consent = {"partner": "RC1", "channel": "email", "purpose": "marketing", "granted": False,
               "date": (dt.date.today() - dt.timedelta(days=28)).isoformat()}
    before = admin.env["fusion.privacy.consent"].search_count([("partner_id", "=", partner_id)])
    refused = crm.execute_kw("fusion.bridge", "push_consents", [[consent, {**consent, "channel": "fax"}]])
    assert not refused["ok"] and refused["error"]["code"] == "unknown_channel"
    assert refused["error"]["field"] == "consents[1].channel"
    assert admin.env["fusion.privacy.consent"].search_count([("partner_id", "=", partner_id)]) == before
    pushed = crm.execute_kw("fusion.bridge", "push_consents", [[consent]])
    assert pushed["ok"], pushed
    stored = admin.env["fusion.privacy.consent"].read(pushed["ids"], ["partner_id", "source", "granted"])
    assert [(row["partner_id"][0], row["source"], row["granted"]) for row in stored] == [(partner_id, "bridge", False)]
    read = crm.execute_kw("fusion.bridge", "read_consents", [["RC1"]])
    assert read["ok"], read
    decisions = {(d["channel"], d["purpose"]): (d["allowed"], d["reason"]) for d in read["decisions"]}
    # The register is built on Odoo's blacklist: the refusal of marketing emails put the address on it, and the
    # blacklist is what the decision names.
    assert decisions[("email", "marketing")] == (False, "blacklisted")
    assert decisions[("phone", "service")] == (True, "contract")
    assert admin.env["mail.blacklist"].search_count([("email", "=", "rpc.consent.customer@example.com")]) == 1
    unknown = crm.execute_kw("fusion.bridge", "read_consents", [["NOT-BOUND"]])
    assert not unknown["ok"] and unknown["error"]["code"] == "unknown_partner"


def test_consent_operations_are_refused_when_the_source_s_switch_is_off(crm, admin):
    source_id = admin.env["fusion.bridge.source"].search([("code", "=", "rpcconsent")])[0]
    try:
        admin.env["fusion.bridge.source"].write([source_id], {"allow_consents": False})
        for operation, args in (("read_consents", [["RC1"]]),
                                ("push_consents", [[{"partner": "RC1", "channel": "email", "purpose": "marketing",
                                                     "granted": False}]])):
            refused = crm.execute_kw("fusion.bridge", operation, args)
            assert not refused["ok"] and refused["error"]["code"] == "operation_not_allowed", operation
        # The other switches still decide their own operations.
        assert crm.execute_kw("fusion.bridge", "upsert_partners", [[{
            "idempotency_key": "rpc-consent-flag", "external_id": "RC2", "values": {"name": "Switch customer"}}]])["ok"]
    finally:
        admin.env["fusion.bridge.source"].write([source_id], {"allow_consents": True})
    assert crm.execute_kw("fusion.bridge", "read_consents", [["RC1"]])["ok"]
