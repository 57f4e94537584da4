"""Recommendations asked by an external CRM over the bridge, with its source's API key, against a live server."""

import pytest
from conftest import connect


@pytest.fixture(scope="module")
def crm(admin, odoo_server):
    if "fusion.bridge.source" not in admin.env or "fusion.sale.suggestion" not in admin.env:
        pytest.skip("needs fusion_recommend_crm_bridge (fusion_recommend and fusion_crm_bridge installed)")
    source_id = admin.env["fusion.bridge.source"].create({"name": "RPC recommend CRM", "code": "rpcreco",
                                                          "allow_recommend": True})
    admin.execute_kw("fusion.bridge.source", "action_create_technical_user", [[source_id]])
    action = admin.execute_kw("fusion.bridge.source", "action_generate_api_key", [[source_id]])
    return connect(*odoo_server, "bridge-rpcreco", action["context"]["default_key"]), source_id


@pytest.fixture(scope="module")
def world(admin, crm):
    """Kettles sell with filters, descalers alone; a customer of the source and one that is not."""
    _client, source_id = crm
    Product = admin.env["product.product"]
    kettle, filters, descaler = (Product.create({"name": name, "type": "consu", "list_price": price,
                                                 "standard_price": price / 4})
                                 for name, price in (("RPC kettle", 40.0), ("RPC filters", 8.0),
                                                     ("RPC descaler", 6.0)))
    Partner = admin.env["res.partner"]
    for i in range(5):
        buyer = Partner.create({"name": f"RPC kettle buyer {i}"})
        for basket in ((kettle, filters), (descaler,)):
            order = admin.env["sale.order"].create({"partner_id": buyer, "order_line": [
                (0, 0, {"product_id": product, "product_uom_qty": 1}) for product in basket]})
            admin.env["sale.order"].browse(order).action_confirm()
    customer = Partner.create({"name": "RPC recommend customer", "email": "reco@example.com"})
    admin.env["fusion.bridge.binding"].create({"source_id": source_id, "model_name": "res.partner",
                                               "res_id": customer, "external_id": "RECO-1"})
    stranger = Partner.create({"name": "RPC not the source's"})
    return {"kettle": kettle, "filters": filters, "customer": customer, "stranger": stranger}


def test_the_crm_gets_a_customer_s_action_and_the_basket_s_suggestions(crm, world):
    client, _source_id = crm
    answer = client.execute_kw("fusion.bridge", "recommend", [world["customer"], [world["kettle"]], 5])
    assert answer["ok"], answer
    assert answer["next_best_action"]["action"] in ("retention_offer", "cross_sell", "payment_reminder",
                                                    "delivery_notice", "nothing")
    assert answer["next_best_action"]["reason"]
    first = answer["suggestions"][0]
    assert first["product_id"] == world["filters"] and first["available"] and first["source"] == "complement"
    assert "RPC kettle" in first["reason"] and first["promised_date"]


def test_the_crm_is_refused_other_customers_and_bad_queries(crm, world):
    client, _source_id = crm
    refused = client.execute_kw("fusion.bridge", "recommend", [world["stranger"], []])
    assert not refused["ok"] and refused["error"]["code"] == "not_owned"
    bad = client.execute_kw("fusion.bridge", "recommend", [False, "kettle"])
    assert not bad["ok"] and bad["error"]["code"] == "invalid_type"


def test_the_source_s_switch_allows_and_refuses_the_operation(crm, world, admin):
    client, source_id = crm
    try:
        admin.env["fusion.bridge.source"].write([source_id], {"allow_recommend": False})
        refused = client.execute_kw("fusion.bridge", "recommend", [world["customer"], [world["kettle"]]])
        assert not refused["ok"] and refused["error"]["code"] == "operation_not_allowed"
        assert "suggestions" not in refused
    finally:
        admin.env["fusion.bridge.source"].write([source_id], {"allow_recommend": True})
    assert client.execute_kw("fusion.bridge", "recommend", [world["customer"], [world["kettle"]]])["ok"]
