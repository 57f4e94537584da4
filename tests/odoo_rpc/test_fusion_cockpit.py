"""The cockpit from outside: a manager refreshes it over XML-RPC, a salesperson reads only their own figures."""

import json

import odoorpc
import pytest


@pytest.fixture(scope="module")
def company(admin, make_user):
    manager = make_user("rpc_cockpit_manager", ["sales_team.group_sale_manager"])
    seller = make_user("rpc_cockpit_seller", ["sales_team.group_sale_salesman"])
    other = make_user("rpc_cockpit_other", ["sales_team.group_sale_salesman"])
    product_id = admin.env["product.product"].create({"name": "RPC cockpit hose", "list_price": 40.0,
                                                      "standard_price": 20.0, "type": "consu"})
    orders = []
    for user, name in ((seller, "RPC cockpit customer A"), (other, "RPC cockpit customer B")):
        partner_id = admin.env["res.partner"].create({"name": name, "is_company": True, "user_id": user.env.uid})
        order_id = admin.env["sale.order"].create({"partner_id": partner_id, "user_id": user.env.uid, "order_line": [
            (0, 0, {"product_id": product_id, "product_uom_qty": 3, "price_unit": 40.0, "discount": 5.0})]})
        admin.env["sale.order"].browse(order_id).action_confirm()
        orders.append(order_id)
    return manager, seller, other, orders


def test_a_manager_refreshes_and_reads_every_figure(company):
    manager, seller, _other, orders = company
    manager.env["fusion.cockpit.measure"].action_refresh([])
    rows = manager.env["fusion.cockpit.measure"].search_read(
        [("measure", "=", "transactions")], ["salesperson", "value", "res_model", "res_ids"])
    counted = {row["salesperson"]: row["value"] for row in rows}
    assert counted.get("rpc_cockpit_seller") == 1.0 and counted.get("rpc_cockpit_other") == 1.0
    volume = manager.env["fusion.cockpit.measure"].search_read(
        [("measure", "=", "sales_volume"), ("salesperson", "=", "rpc_cockpit_seller")], ["value", "res_ids"])
    assert volume[0]["value"] == pytest.approx(3 * 40.0 * 0.95)
    assert orders[0] in json.loads(volume[0]["res_ids"])


def test_a_salesperson_reads_own_figures_and_cannot_refresh(company):
    manager, seller, _other, _orders = company
    manager.env["fusion.cockpit.measure"].action_refresh([])
    names = {row["salesperson"] for row in seller.env["fusion.cockpit.measure"].search_read([], ["salesperson"])}
    assert names == {"rpc_cockpit_seller"}
    with pytest.raises(odoorpc.error.RPCError):
        seller.env["fusion.cockpit.measure"].action_refresh([])
