"""Action rules over XML-RPC: a manager runs a rule and reads its log; an API user cannot."""

import odoorpc
import pytest


def test_manager_runs_a_rule_and_reads_the_log(admin, make_user):
    partner_id = admin.env["res.partner"].create({"name": "RPC risky customer", "email": "rpc@example.com"})
    admin.env["fusion.action.signal"].create({"trigger": "churn_risk", "partner_id": partner_id, "score": 0.95,
                                              "model_version": "churn rpc", "reasons": "No order for 200 days"})
    manager = make_user("rpc_actions_manager", ["base.group_user", "fusion_base.group_fusion_manager"])
    rule_id = manager.env["fusion.action.rule"].create({"name": "RPC retention", "threshold": 0.9,
                                                        "control_share": 0.0})
    manager.execute_kw("fusion.action.rule", "action_run", [[rule_id]])
    logs = manager.env["fusion.action.log"].search_read([("rule_id", "=", rule_id)],
                                                        ["partner_id", "status", "model_version", "reasons"])
    assert [(log["partner_id"][0], log["status"], log["model_version"]) for log in logs] == [
        (partner_id, "act", "churn rpc")]
    assert "200 days" in logs[0]["reasons"]


def test_api_user_cannot_run_rules_nor_read_the_log(admin, make_user):
    rule_id = admin.env["fusion.action.rule"].create({"name": "RPC hidden", "threshold": 0.5})
    api = make_user("rpc_actions_api", ["base.group_user", "fusion_base.group_fusion_api"])
    with pytest.raises(odoorpc.error.RPCError, match="not allowed|access|Access"):
        api.execute_kw("fusion.action.rule", "action_run", [[rule_id]])
    with pytest.raises(odoorpc.error.RPCError, match="not allowed|access|Access"):
        api.env["fusion.action.log"].search_read([], ["episode"])
