"""The cockpit read by an external CRM over plain XML-RPC, with its source's API key."""

import pytest
from conftest import connect


@pytest.fixture(scope="module")
def crm(admin, odoo_server):
    if "fusion.bridge.source" not in admin.env or "fusion.cockpit.measure" not in admin.env:
        pytest.skip("needs fusion_cockpit_crm_bridge (fusion_cockpit and fusion_crm_bridge installed)")
    source_id = admin.env["fusion.bridge.source"].create({"name": "RPC cockpit CRM", "code": "rpccockpit",
                                                          "allow_cockpit": True})
    admin.execute_kw("fusion.bridge.source", "action_create_technical_user", [[source_id]])
    action = admin.execute_kw("fusion.bridge.source", "action_generate_api_key", [[source_id]])
    partner_id = admin.env["res.partner"].create({"name": "RPC cockpit bridge customer", "is_company": True})
    product_id = admin.env["product.product"].create({"name": "RPC cockpit rake", "list_price": 30.0,
                                                      "type": "consu"})
    order_id = admin.env["sale.order"].create({"partner_id": partner_id, "order_line": [
        (0, 0, {"product_id": product_id, "product_uom_qty": 2, "price_unit": 30.0})]})
    admin.env["sale.order"].browse(order_id).action_confirm()
    admin.env["fusion.cockpit.measure"].action_refresh([])
    return connect(*odoo_server, "bridge-rpccockpit", action["context"]["default_key"])


def test_the_crm_reads_the_figures_the_cockpit_stores(crm, admin):
    answer = crm.execute_kw("fusion.bridge", "cockpit_figures", [False, []])
    assert answer["ok"], answer
    figures = {figure["measure"]: figure for figure in answer["figures"]}
    stored = admin.env["fusion.cockpit.measure"].search_read([("measure", "=", "transactions")], ["value"])
    assert figures["transactions"]["figure"] == pytest.approx(sum(row["value"] for row in stored))
    assert figures["transactions"]["evidence"] == "measured"
    refused = crm.execute_kw("fusion.bridge", "cockpit_figures", [["2026-13"], ["month"]])
    assert not refused["ok"] and refused["error"]["code"] == "invalid_value"
