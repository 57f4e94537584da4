"""Churn risk over XML-RPC: a manager trains and scores, a salesperson reads the risk, an API user cannot."""

import odoorpc
import pytest

from demo_company import generate

PURCHASE = {"confirmed": "sale", "delivered": "sale", "cancelled": "cancel"}


def _load_sales_history(admin) -> int:
    """A year of sales of the small demo company, one line per order, created in batches over RPC.

    (The demo loader loads only into an empty database, and another test may have loaded one.)
    """
    company = generate(seed=11, size="small")
    product = admin.env["product.product"].create({"name": "Churn RPC goods", "list_price": 1.0, "standard_price": 0.6})
    partners = company.customers
    partner_ids = dict(zip(partners["customer_id"], admin.execute_kw("res.partner", "create", [[
        {"name": row.name, "ref": f"CHURN-RPC-{row.customer_id}", "is_company": row.segment == "B2B",
         "customer_rank": 1} for row in partners.itertuples()]])))
    totals = company.order_lines.assign(net=lambda t: t.qty * t.price_unit * (1 - t.discount / 100)) \
        .groupby("order_id")["net"].sum()
    orders = company.orders[company.orders["order_id"].isin(totals.index)]
    for state in ("sale", "cancel"):
        chosen = orders[orders["state"].map(PURCHASE) == state]
        for start in range(0, len(chosen), 200):
            batch = chosen.iloc[start:start + 200]
            ids = admin.execute_kw("sale.order", "create", [[{
                "partner_id": partner_ids[row.customer_id],
                "date_order": row.date_order.strftime("%Y-%m-%d %H:%M:%S"),
                "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 1,
                                       "price_unit": float(totals[row.order_id])})],
            } for row in batch.itertuples()]], {"context": {"tracking_disable": True}})
            admin.execute_kw("sale.order", "write", [ids, {"state": state}])
    return len(partners)


@pytest.fixture(scope="module")
def users(admin, make_user):
    return {
        "manager": make_user("churn_rpc_manager", ["base.group_user", "sales_team.group_sale_manager",
                                                   "fusion_base.group_fusion_manager"]),
        "salesperson": make_user("churn_rpc_sales", ["base.group_user", "sales_team.group_sale_salesman",
                                                     "fusion_base.group_fusion_user"]),
        "api": make_user("churn_rpc_api", ["base.group_user", "fusion_base.group_fusion_api"]),
    }


def test_manager_trains_and_scores_salesperson_reads_the_risk(admin, users):
    assert _load_sales_history(admin) == 200
    company_id = admin.env.user.company_id.id
    admin.execute_kw("res.company", "write", [[company_id], {"fusion_churn_horizon_days": 90}])
    manager, salesperson = users["manager"], users["salesperson"]

    action = manager.execute_kw("fusion.churn.model", "action_train_now", [])
    version = manager.execute_kw("fusion.churn.model", "read", [[action["res_id"]],
                                                                 ["state", "is_active", "roc_auc"]])[0]
    assert version["state"] == "trained" and version["is_active"]

    summary = manager.execute_kw("fusion.churn.model", "score_customers", [])
    assert summary["scored"] >= 150 and summary["high_risk"] > 0

    at_risk = salesperson.execute_kw("res.partner", "search_read", [
        [("fusion_churn_level", "=", "high"), ("ref", "=like", "CHURN-RPC-%")],
        ["fusion_churn_probability", "fusion_churn_reasons", "fusion_lifetime_value", "fusion_churn_scored_at"]])
    assert 0 < len(at_risk) <= summary["high_risk"]
    for partner in at_risk:
        assert partner["fusion_churn_probability"] >= 0.6
        assert partner["fusion_churn_reasons"] and partner["fusion_churn_scored_at"]

    with pytest.raises(odoorpc.error.RPCError, match="manager"):
        salesperson.execute_kw("fusion.churn.model", "score_customers", [])


def test_api_user_reads_no_risk(admin, users):
    partner_id = admin.env["res.partner"].search([], limit=1)[0]
    with pytest.raises(odoorpc.error.RPCError, match="not allowed|access|rights"):
        users["api"].execute_kw("res.partner", "read", [[partner_id], ["fusion_churn_level"]])
    with pytest.raises(odoorpc.error.RPCError, match="not allowed|access|rights"):
        users["api"].execute_kw("fusion.churn.score", "search_read", [[], ["probability"]])
