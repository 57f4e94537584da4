"""The demo company loads into Odoo over XML-RPC, the path an external CRM uses, and reads back with the one reader."""

import pytest

from crm_bridge.tables.backends import RpcBackend
from crm_bridge.tables.odoo import read_company
from crm_bridge.tables.schema import TABLES
from demo_company import generate
from demo_company.odoo_loader import load_company


def test_tiny_company_loads_once_and_reads_back(admin):
    # The demo company has leads, storable products and confirmed orders with deliveries: the loader needs crm
    # and sale_stock, which fusion_base alone does not bring.
    needed = ("crm", "sale_stock")
    if admin.env["ir.module.module"].search_count([("name", "in", needed), ("state", "=", "installed")]) < len(needed):
        pytest.skip("crm or sale_stock is not installed (the tier was run for addons that do not bring them)")
    company = generate(seed=3, size="tiny")
    backend = RpcBackend(admin)
    counts = load_company(company, backend)
    assert counts["res.partner"] == len(company.customers)
    assert counts["product.product"] == len(company.products)
    assert counts["sale.order"] == company.orders["order_id"].isin(company.order_lines["order_id"]).sum()
    assert counts["crm.lead"] == len(company.leads)

    # Spanish is installed as Settings installs it, terms included: a Spanish customer's salesperson reads Spanish
    field = admin.env["ir.model.fields"].search([("model", "=", "fusion.data.purpose"), ("name", "=", "purpose")])
    spanish = admin.env["ir.model.fields"].with_context(lang="es_ES").read(field, ["field_description"])
    assert spanish[0]["field_description"] == "Finalidad", spanish

    confirmed = admin.env["sale.order"].search_count([("state", "=", "sale"), ("picking_ids", "!=", False)])
    assert confirmed > 0, "recent confirmed orders go through action_confirm and get deliveries"
    assert load_company(company, backend) == {}, "a second load finds the first one and writes nothing"

    tables = read_company(backend, reference_date=company.reference_date)
    demo_refs = admin.env["res.partner"].search_count([("ref", "=like", "DEMO-C%")])
    assert len(tables.customers) >= demo_refs == len(company.customers)
    assert len(tables.order_lines) >= len(company.order_lines)
    assert set(tables.customers["segment"]) == {"B2B", "B2C"}
    storable = company.products[company.products["type"] == "storable"]
    on_hand = company.stock[company.stock["product_id"].isin(storable["product_id"])]["qty_on_hand"].sum()
    assert tables.stock["qty_on_hand"].sum() <= on_hand + 1e-6

    # The same reader as inside Odoo, over RPC with the API user's rights: the schema's tables, consistent.
    assert set(tables.public_tables()) == set(TABLES)
    for name, frame in tables.public_tables().items():
        assert list(frame.columns) == [column.name for column in TABLES[name]], name
    customers = set(tables.customers["customer_id"])
    for name in ("orders", "invoices", "leads", "tickets"):
        assert set(getattr(tables, name)["customer_id"].dropna()) <= customers, name
    assert set(tables.order_lines["order_id"]) <= set(tables.orders["order_id"])
    assert set(tables.orders["warehouse_id"]) <= set(tables.warehouses["warehouse_id"])
    company_id = admin.env.user.company_id.id
    assert set(tables.orders["order_id"]) == set(admin.env["sale.order"].search([("company_id", "=", company_id)]))
    loaded = tables.orders[tables.orders["order_id"].isin(admin.env["sale.order"].search(
        [("client_order_ref", "=like", "DEMO-O%")]))]
    assert sorted(loaded["state"].value_counts().index) == ["cancelled", "confirmed", "quotation"]
    delivered = company.orders[company.orders["state"] == "delivered"]
    assert loaded["delivery_date"].notna().sum() == len(delivered), "delivered history keeps its delivery date"
