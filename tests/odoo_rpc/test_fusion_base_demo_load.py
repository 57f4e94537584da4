"""The demo company loads into Odoo over XML-RPC, the path an external CRM uses."""

from crm_bridge.tables.backends import RpcBackend
from crm_bridge.tables.odoo import read_company
from demo_company import generate
from demo_company.odoo_loader import load_company


def test_tiny_company_loads_once_and_reads_back(admin):
    company = generate(seed=3, size="tiny")
    backend = RpcBackend(admin)
    counts = load_company(company, backend)
    assert counts["res.partner"] == len(company.customers)
    assert counts["product.product"] == len(company.products)
    assert counts["sale.order"] == company.orders["order_id"].isin(company.order_lines["order_id"]).sum()
    assert counts["crm.lead"] == len(company.leads)

    confirmed = admin.env["sale.order"].search_count([("state", "=", "sale"), ("picking_ids", "!=", False)])
    assert confirmed > 0, "recent confirmed orders go through action_confirm and get deliveries"
    assert load_company(company, backend) == {}, "a second load finds the first one and writes nothing"

    tables = read_company(backend)
    demo_refs = admin.env["res.partner"].search_count([("ref", "=like", "DEMO-C%")])
    assert len(tables.customers) >= demo_refs == len(company.customers)
    assert len(tables.order_lines) >= len(company.order_lines)
    assert set(tables.customers["segment"]) == {"B2B", "B2C"}
    storable = company.products[company.products["type"] == "storable"]
    on_hand = company.stock[company.stock["product_id"].isin(storable["product_id"])]["qty_on_hand"].sum()
    assert tables.stock["qty_on_hand"].sum() <= on_hand + 1e-6
