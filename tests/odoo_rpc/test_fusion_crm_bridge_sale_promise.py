"""The quote API for a bridge source's technical user (restricted API group only), over real XML-RPC."""

import pytest
from conftest import connect


def rec(key, external_id, **values):
    return {"idempotency_key": key, "external_id": external_id, "values": values}


def new_quote_source(admin, code, **flags):
    source_id = admin.env["fusion.bridge.source"].create({
        "name": f"Quotes {code}", "code": code, "allow_partners": True, "allow_orders": True, **flags,
        "purpose_ids": [(0, 0, {"model_name": model, "field_name": name, "purpose": "quotes"})
                        for model, names in (("res.partner", ["name"]), ("sale.order", ["partner_id", "order_line"]),
                                             ("sale.order.line", ["product_id", "product_uom_qty"]))
                        for name in names],
    })
    admin.execute_kw("fusion.bridge.source", "action_create_technical_user", [[source_id]])
    key = admin.execute_kw("fusion.bridge.source", "action_generate_api_key", [[source_id]])["context"]["default_key"]
    return source_id, f"bridge-{code}", key


@pytest.fixture(scope="module")
def quoting(admin, odoo_server):
    """A quoting source's client, its bound customer and order, a product, and a customer it does not own."""
    # The tier runs this file whenever fusion_crm_bridge is installed (its name starts with it).
    if not admin.env["ir.module.module"].search([("name", "=", "fusion_crm_bridge_sale_promise"),
                                                 ("state", "=", "installed")]):
        pytest.skip("fusion_crm_bridge_sale_promise is not installed")
    _source_id, login, key = new_quote_source(admin, "quotes", allow_quotes=True)
    crm = connect(*odoo_server, login, key)
    product = admin.env["product.product"].create({"name": "Quoted widget", "default_code": "QW-1", "type": "consu",
                                                   "is_storable": True, "list_price": 20.0})
    customer = crm.execute_kw("fusion.bridge", "upsert_partners", [[rec("q-p", "QP", name="Quoted customer")]])
    order = crm.execute_kw("fusion.bridge", "upsert_orders", [[rec("q-o", "QO", partner_external_id="QP", lines=[
        {"product_code": "QW-1", "product_uom_qty": 2.0}])]])
    stranger = admin.env["res.partner"].create({"name": "Not the source's"})
    strange_order = admin.env["sale.order"].create({"partner_id": stranger, "order_line": [
        (0, 0, {"product_id": product, "product_uom_qty": 1.0})]})
    return {"crm": crm, "product": product, "customer": customer["results"][0]["id"],
            "order": order["results"][0]["id"], "stranger": stranger, "strange_order": strange_order}


def simulate(crm, partner_id, product_id):
    return crm.execute_kw("sale.order", "fusion_simulate_quote", [partner_id, [{"product_id": product_id, "qty": 2}]])


def test_the_restricted_api_user_simulates_a_quote(quoting):
    answer = simulate(quoting["crm"], quoting["customer"], quoting["product"])
    assert answer["ok"], answer
    assert answer["lines"][0]["product_id"] == quoting["product"] and answer["status"]


def test_the_restricted_api_user_checks_its_order(quoting):
    answer = quoting["crm"].execute_kw("sale.order", "fusion_check_order", [quoting["order"]])
    assert answer["ok"], answer
    assert answer["order_id"] == quoting["order"]


def test_customers_and_orders_the_source_is_not_bound_to_are_refused(quoting):
    answer = simulate(quoting["crm"], quoting["stranger"], quoting["product"])
    assert (answer["ok"], answer["error"]["code"], answer["error"]["field"]) == (False, "not_owned", "partner_id")
    answer = quoting["crm"].execute_kw("sale.order", "fusion_check_order", [quoting["strange_order"]])
    assert (answer["ok"], answer["error"]["code"], answer["error"]["field"]) == (False, "not_owned", "order_id")
    assert "lines" not in answer


@pytest.mark.parametrize("flags", [{"allow_quotes": False}, {"allow_quotes": True, "active": False}])
def test_a_source_not_allowed_to_quote_is_refused(admin, odoo_server, quoting, flags):
    code = "noquote" if flags["allow_quotes"] is False else "archquote"
    source_id, login, key = new_quote_source(admin, code, allow_quotes=True)
    crm = connect(*odoo_server, login, key)
    customer = crm.execute_kw("fusion.bridge", "upsert_partners", [[rec("n-p", "NP", name="Own customer")]])
    admin.env["fusion.bridge.source"].write([source_id], flags)
    answer = crm.execute_kw("sale.order", "fusion_simulate_quote", [customer["results"][0]["id"], [
        {"product_id": quoting["product"], "qty": 1}]], {"context": {"active_test": False}})
    expected = "operation_not_allowed" if flags.get("active", True) else "access_denied"
    assert (answer["ok"], answer["error"]["code"]) == (False, expected)
