from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.fusion_sale_promise.tests.common import PromiseCommon


class RecommendCommon(PromiseCommon):
    """Customers with churn signals and owners, a year of orders where desks sell with chairs, and products that
    cannot be offered (no stock, below the margin floor).

    Besides ``PromiseCommon``'s users: ``other_seller``, who owns ``others_customer``.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # No random exploration, except where a test asks for it: the tests check the chosen actions.
        cls.env["ir.config_parameter"].set_param("fusion_recommend.exploration_share", "0")
        Partner = cls.env["res.partner"]
        cls.other_seller = new_test_user(cls.env, "reco_other", groups="sales_team.group_sale_salesman,"
                                                                      "fusion_base.group_fusion_user")
        cls.risky = Partner.create({"name": "Risky buyer", "email": "risky@example.com",
                                    "user_id": cls.salesperson.id})
        cls.safe = Partner.create({"name": "Safe buyer", "email": "safe@example.com", "user_id": cls.salesperson.id})
        cls.others_customer = Partner.create({"name": "Someone else's", "email": "else@example.com",
                                              "user_id": cls.other_seller.id})
        cls.env["fusion.action.signal"].create([
            {"trigger": "churn_risk", "partner_id": cls.risky.id, "score": 0.9, "clv": 5000.0},
            {"trigger": "churn_risk", "partner_id": cls.safe.id, "score": 0.1, "clv": 5000.0},
            {"trigger": "churn_risk", "partner_id": cls.others_customer.id, "score": 0.9, "clv": 5000.0},
        ])
        cls.lamp = cls._make_product("Lamp", is_storable=True)  # no stock, no supplier: never in time
        cls.cheap = cls._make_product("Cheap cable", standard_price=95.0)  # 5 % margin, floor 20 %
        cls.buyers = Partner.create([{"name": f"Buyer {i}"} for i in range(12)])
        cls._make_history()

    @classmethod
    def _make_history(cls):
        """Confirmed orders of the last months: every buyer bought a desk with a chair, a lamp and a cable, and
        screws alone (so the desk's companions are bought with it more often than by chance)."""
        baskets = ((cls.desk, cls.chair, cls.lamp, cls.cheap), (cls.screws,))
        orders = cls.env["sale.order"].create([{
            "partner_id": buyer.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1}) for product in basket],
        } for buyer in cls.buyers for basket in baskets])
        # History only: set as confirmed in the past, without deliveries.
        for age, order in enumerate(orders):
            order.write({"state": "sale", "date_order": fields.Datetime.now() - timedelta(days=20 + 5 * age)})

    @classmethod
    def _rule(cls):
        return cls.env["fusion.action.rule"].create({
            "name": "Retention offer", "trigger": "churn_risk", "threshold": 0.6, "do_offer": True,
            "offer_discount": 10.0, "offer_product_ids": [(4, cls.chair.id)], "user_id": cls.manager.id})

    @classmethod
    def _experiment(cls, rule, per_arm):
        """Measured decisions: high-risk customers stay when offered, low-risk ones do not care."""
        customers = cls.env["res.partner"].create([{"name": f"Tried {i}"} for i in range(2 * per_arm)])
        logs = []
        for i, customer in enumerate(customers):
            treated, high = i % 2 == 0, i % 4 < 2
            churned = (not treated and high) or (i % 3 == 0)
            logs.append({
                "rule_id": rule.id, "company_id": cls.company.id, "date": cls.today, "partner_id": customer.id,
                "episode": f"test-{i}", "status": "act" if treated else "control", "score": 0.9 if high else 0.2,
                "outcome_measured": True, "outcome_churned": int(churned), "outcome_reordered": int(not churned),
            })
        cls.env["fusion.action.log"].create(logs)
