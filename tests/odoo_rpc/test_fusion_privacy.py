"""Consent and erasure over XML-RPC: what an external caller with a manager's rights can do, and an API user cannot."""

import odoorpc
import pytest


def _installed(admin, model: str) -> bool:
    return bool(admin.env["ir.model"].search_count([("model", "=", model)]))


class TestConsentOverRpc:
    def test_a_refusal_recorded_over_rpc_stops_the_rule_email(self, admin, make_user):
        if not _installed(admin, "fusion.action.rule"):
            pytest.skip("fusion_actions is not installed")
        manager = make_user("rpc_privacy_manager", ["base.group_user", "fusion_base.group_fusion_manager"])
        template_id = admin.env["mail.template"].create({
            "name": "RPC offer", "model_id": admin.env.ref("base.model_res_partner").id, "subject": "Offer",
            "body_html": "<p>Hello</p>", "email_to": "{{ object.email }}"})
        partners = [admin.env["res.partner"].create({"name": f"RPC consent {i}",
                                                     "email": f"rpc.consent{i}@example.com"}) for i in range(2)]
        for partner_id in partners:
            admin.env["fusion.action.signal"].create({"trigger": "churn_risk", "partner_id": partner_id,
                                                      "score": 0.97, "model_version": "churn rpc"})
        manager.env["fusion.privacy.consent"].create({"partner_id": partners[0], "channel": "email",
                                                      "purpose": "retention", "granted": False, "source": "bridge"})
        rule_id = manager.env["fusion.action.rule"].create({
            "name": "RPC consent rule", "threshold": 0.96, "control_share": 0.0, "do_activity": False,
            "do_email": True, "mail_template_id": template_id})
        manager.execute_kw("fusion.action.rule", "action_run", [[rule_id]])
        logs = manager.env["fusion.action.log"].search_read([("rule_id", "=", rule_id)],
                                                            ["partner_id", "status", "skip_reason"])
        assert {log["partner_id"][0]: (log["status"], log["skip_reason"]) for log in logs} == {
            partners[0]: ("skipped", "no_consent_email"), partners[1]: ("act", False)}

    def test_unknown_channel_or_missing_proof_is_refused(self, admin):
        partner_id = admin.env["res.partner"].create({"name": "RPC bad consent"})
        with pytest.raises(odoorpc.error.RPCError):
            admin.env["fusion.privacy.consent"].create({"partner_id": partner_id, "channel": "fax",
                                                        "purpose": "marketing", "granted": False, "source": "bridge"})
        with pytest.raises(odoorpc.error.RPCError, match="proof"):
            admin.env["fusion.privacy.consent"].create({"partner_id": partner_id, "channel": "email",
                                                        "purpose": "marketing", "granted": True, "source": "bridge"})
        assert not admin.env["fusion.privacy.consent"].search([("partner_id", "=", partner_id)])

    def test_erasure_over_rpc_and_the_api_user_cannot(self, admin, make_user):
        partner_id = admin.env["res.partner"].create({"name": "RPC Erasable Person", "email": "rpc.erase@example.com"})
        api = make_user("rpc_privacy_api", ["base.group_user", "fusion_base.group_fusion_api"])
        with pytest.raises(odoorpc.error.RPCError, match="not allowed|access|Access"):
            api.env["fusion.privacy.erasure"].create({"partner_id": partner_id})
        request_id = admin.env["fusion.privacy.erasure"].create({"partner_id": partner_id})
        admin.execute_kw("fusion.privacy.erasure", "action_erase", [[request_id]])
        [request] = admin.env["fusion.privacy.erasure"].read([request_id], ["state"])
        assert request["state"] == "done"
        found = admin.env["res.partner"].read([partner_id], ["name", "email", "active"])
        assert found[0]["email"] is False and "RPC Erasable" not in found[0]["name"] and not found[0]["active"]
