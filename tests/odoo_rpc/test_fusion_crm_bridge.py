"""The CRM bridge over real XML-RPC/JSON-RPC, as an external CRM's technical user with an API key."""

import xmlrpc.client

import pytest

from conftest import connect

from crm_bridge.contract import schemas
from crm_bridge.sync.client import BridgeCallError, BridgeClient

ALLOWED = {
    "res.partner": ["name", "email", "city", "ref", "country_id"],
    "crm.lead": ["name", "partner_id", "expected_revenue"],
    "sale.order": ["partner_id", "order_line", "commitment_date"],
    "sale.order.line": ["product_id", "product_uom_qty"],
    "helpdesk.ticket": ["name", "description", "partner_id"],
}
ODD = [
    "Zoë Ñúñez 🦄 مرحبا a\u0301\u200d",
    "Robert'); DROP TABLE res_partner;--",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><methodCall>&e;</methodCall>",
    "]]><script>alert(1)</script>",
]


def rec(key, external_id, **values):
    return {"idempotency_key": key, "external_id": external_id, "values": values}


@pytest.fixture(scope="module")
def source(admin):
    """A source with its technical user and API key, created the way a manager does it."""
    admin.env["ir.config_parameter"].set_param("fusion_crm_bridge.changes_settle_seconds", "0")
    has_helpdesk = "helpdesk.ticket" in admin.env
    source_id = admin.env["fusion.bridge.source"].create({
        "name": "RPC CRM", "code": "rpc",
        "allow_partners": True, "allow_leads": True, "allow_orders": True, "allow_changes": True,
        "allow_tickets": True,
        "purpose_ids": [(0, 0, {"model_name": model, "field_name": name, "purpose": "sync with the CRM"})
                        for model, names in ALLOWED.items() if has_helpdesk or model != "helpdesk.ticket"
                        for name in names],
    })
    admin.execute_kw("fusion.bridge.source", "action_create_technical_user", [[source_id]])
    action = admin.execute_kw("fusion.bridge.source", "action_generate_api_key", [[source_id]])
    vendor = admin.env["res.partner"].create({"name": "Widget maker"})
    # Bought in within a week: when the promise check is installed, orders of it are never impossible.
    admin.env["product.product"].create({"name": "Widget", "default_code": "WID-RPC", "type": "consu",
                                         "is_storable": True, "list_price": 9.0,
                                         "seller_ids": [(0, 0, {"partner_id": vendor, "delay": 5})]})
    return {"id": source_id, "login": "bridge-rpc", "key": action["context"]["default_key"]}


@pytest.fixture(scope="module")
def crm(source, odoo_server):
    return connect(*odoo_server, source["login"], source["key"])


def call(crm, method, *args):
    return crm.execute_kw("fusion.bridge", method, list(args))


def count(admin, model, domain=()):
    return admin.env[model].search_count(list(domain))


def test_plain_xmlrpc_with_the_api_key(source, odoo_server):
    port, database = odoo_server
    common = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/common")
    uid = common.authenticate(database, source["login"], source["key"], {})
    models = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/object")
    version = models.execute_kw(database, uid, source["key"], "fusion.bridge", "api_version", [])
    assert version["api_version"] == schemas.API_VERSION and version["max_batch"] == schemas.MAX_BATCH
    response = models.execute_kw(database, uid, source["key"], "fusion.bridge", "upsert_partners",
                                 [[rec("x-1", "X1", name="Over XML-RPC", city="Lyon")]])
    assert response["ok"] and response["results"][0]["status"] == "created"
    assert response["results"][0]["error"] is False


def test_upsert_replay_and_conflicting_key(crm, admin):
    records = [rec(f"p-{i}", f"P{i}", name=f"Partner {i}", email=f"p{i}@example.com") for i in range(5)]
    first = call(crm, "upsert_partners", records)
    assert [r["status"] for r in first["results"]] == ["created"] * 5
    partners = count(admin, "res.partner")
    again = call(crm, "upsert_partners", records)
    assert [r["status"] for r in again["results"]] == ["replayed"] * 5
    assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"]]
    conflict = call(crm, "upsert_partners", [rec("p-0", "P0", name="Someone else")])["results"][0]
    assert conflict["error"]["code"] == "idempotency_conflict"
    assert count(admin, "res.partner") == partners
    update = call(crm, "upsert_leads", [rec("l-1", "L1", name="Deal", partner_external_id="P0",
                                            expected_revenue=5000.0)])["results"][0]
    assert update["status"] == "created"
    assert admin.env["crm.lead"].read(update["id"], ["partner_id"])[0]["partner_id"][0] == first["results"][0]["id"]


def test_field_outside_the_allowlist_is_refused(crm, admin):
    before = count(admin, "res.partner")
    result = call(crm, "upsert_partners", [rec("v-1", "V1", name="Vat", vat="ES123")])["results"][0]
    assert (result["status"], result["error"]["code"], result["error"]["field"]) == \
        ("error", "field_not_allowed", "vat")
    assert count(admin, "res.partner") == before


@pytest.mark.parametrize(("records", "code", "field"), [
    ([rec("m-1", "M1", name=12)], "invalid_type", "name"),
    ([{"external_id": "M2", "values": {"name": "x"}}], "missing_field", "idempotency_key"),
    ([rec("m-3", "M3", name="x", nickname="y")], "unknown_field", "nickname"),
    ([{"idempotency_key": "m-4", "external_id": "M4", "values": {"name": "x"}, "sql": "1=1"}], "unknown_field", "sql"),
    ([rec("m-5", "M5", name="x", email="a" * 300)], "too_long", "email"),
    (["just a string"], "invalid_type", "record"),
])
def test_malformed_records_are_refused_and_write_nothing(crm, admin, records, code, field):
    before = count(admin, "res.partner")
    result = call(crm, "upsert_partners", records)["results"][0]
    assert (result["status"], result["error"]["code"], result["error"]["field"]) == ("error", code, field)
    assert count(admin, "res.partner") == before


def test_oversized_and_non_list_batches_are_refused_whole(crm, admin):
    before = count(admin, "res.partner")
    big = call(crm, "upsert_partners", [rec(f"b-{i}", f"B{i}", name="x") for i in range(schemas.MAX_BATCH + 1)])
    assert (big["ok"], big["error"]["code"], big["results"]) == (False, "batch_too_large", [])
    assert call(crm, "upsert_partners", {"name": "x"})["error"]["code"] == "invalid_batch"
    assert count(admin, "res.partner") == before


def test_odd_strings_are_stored_verbatim(crm, admin):
    results = call(crm, "upsert_partners", [rec(f"odd-{i}", f"ODD{i}", name=text, city=text, ref=text[:64])
                                            for i, text in enumerate(ODD)])["results"]
    rows = admin.env["res.partner"].read([r["id"] for r in results], ["name", "city", "ref"])
    assert [(row["name"], row["city"], row["ref"]) for row in rows] == [(t, t, t[:64]) for t in ODD]
    refused = call(crm, "upsert_partners", [rec("nul", "NUL", name="bad\x00byte")])["results"][0]
    assert refused["error"]["code"] == "invalid_characters"


def test_operation_not_allowed_and_user_without_api_group(crm, admin, source, make_user):
    admin.env["fusion.bridge.source"].write([source["id"]], {"allow_leads": False})
    try:
        refused = call(crm, "upsert_leads", [rec("na-1", "NA1", name="x")])
        assert (refused["ok"], refused["error"]["code"]) == (False, "operation_not_allowed")
    finally:
        admin.env["fusion.bridge.source"].write([source["id"]], {"allow_leads": True})
    internal = make_user("bridge_rpc_internal", ["base.group_user", "sales_team.group_sale_manager"])
    denied = call(internal, "upsert_leads", [rec("na-2", "NA2", name="x")])
    assert denied["error"]["code"] == "access_denied"
    assert count(admin, "crm.lead", [("name", "=", "x")]) == 0


def test_records_of_another_company_are_refused(crm, admin):
    other = admin.env["res.company"].create({"name": "Elsewhere Ltd"})
    foreign = admin.env["res.partner"].create({"name": "Foreign", "company_id": other})
    result = call(crm, "upsert_partners", [{"idempotency_key": "oc-1", "external_id": "OC1", "id": foreign,
                                            "values": {"city": "Paris"}}])["results"][0]
    assert result["error"]["code"] == "other_company"
    assert admin.env["res.partner"].read(foreign, ["city"])[0]["city"] is False


def test_tickets_work_only_with_the_helpdesk(crm, admin):
    call(crm, "upsert_partners", [rec("tp-1", "TP1", name="Ticket owner")])
    response = call(crm, "push_tickets", [rec("t-1", "T1", name="Broken", description="It broke",
                                              partner_external_id="TP1")])
    if "helpdesk.ticket" in admin.env:
        assert response["results"][0]["status"] == "created"
    else:
        assert (response["ok"], response["error"]["code"]) == (False, "operation_unavailable")


def test_changes_feed_with_a_cursor(crm, admin):
    call(crm, "upsert_partners", [rec("cf-p", "CFP", name="Feed customer")])
    assert call(crm, "watch_products", ["WID-RPC"])["results"][0]["status"] == "watched"
    order = call(crm, "upsert_orders", [rec("cf-o", "CFO", partner_external_id="CFP", confirm=True,
                                            lines=[{"product_code": "WID-RPC", "product_uom_qty": 1.0}])])
    assert order["results"][0]["state"] == "sale", order
    client = BridgeClient(crm)
    seen, more = [], True
    for _page in range(50):  # two changes a page: exercises the cursor across pages
        if not more:
            break
        page = client.changes(limit=2)
        seen += page["changes"]
        more = page["more"]
    orders = [c for c in seen if c["type"] == "order" and c["external_id"] == "CFO"]
    assert orders and orders[-1]["state"] == "sale"
    assert {"delivery", "availability"} <= {c["type"] for c in seen}
    assert client.changes()["changes"] == []
    order_id = order["results"][0]["id"]
    admin.env["sale.order"].write([order_id], {"commitment_date": "2031-01-02 09:00:00"})
    moved = client.changes()["changes"]
    # The new promised date moves the delivery's deadline too: both show up.
    assert [c["commitment_date"] for c in moved if c["type"] == "order"] == ["2031-01-02 09:00:00"]
    product = admin.env["product.product"].search([("default_code", "=", "WID-RPC")])[0]
    location = admin.env["stock.warehouse"].search_read([], ["lot_stock_id"], limit=1)[0]["lot_stock_id"][0]
    inventory = {"inventory_mode": True}
    quant = admin.execute_kw("stock.quant", "create", [{"product_id": product, "location_id": location,
                                                        "inventory_quantity": 7.0}], {"context": inventory})
    admin.execute_kw("stock.quant", "action_apply_inventory", [[quant]], {"context": inventory})
    assert admin.env["product.product"].read(product, ["qty_available"])[0]["qty_available"] == 7.0
    availability = [c for c in client.changes()["changes"] if c["type"] == "availability"]
    assert availability and availability[0]["qty_available"] == 7.0
    with pytest.raises(BridgeCallError) as refused:
        client.changes("bogus")
    assert refused.value.field == "cursor"
