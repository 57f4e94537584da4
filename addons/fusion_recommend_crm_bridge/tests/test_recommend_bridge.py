from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.fusion_crm_bridge.tests.common import BridgeCommon


@tagged("post_install", "-at_install")
class TestRecommendBridge(BridgeCommon):
    """A source's customer at churn risk, a history where widgets sell with gadgets, and a retention rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("fusion_recommend.exploration_share", "0")
        cls.source.allow_recommend = True
        cls.gadget = cls.env["product.product"].create({"name": "Gadget", "type": "consu", "list_price": 20.0,
                                                        "standard_price": 5.0})
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Bridge customer", "email": "bridge@example.com"})
        cls.stranger = Partner.create({"name": "Not the source's"})
        cls.env["fusion.bridge.binding"].create({"source_id": cls.source.id, "model_name": "res.partner",
                                                 "res_id": cls.customer.id, "external_id": "C-1"})
        cls.env["fusion.action.signal"].create({"trigger": "churn_risk", "partner_id": cls.customer.id,
                                                "score": 0.9, "clv": 3000.0})
        cls.env["fusion.action.rule"].create({"name": "Retention", "trigger": "churn_risk", "threshold": 0.6,
                                              "do_activity": True})
        cls.spare = cls.env["product.product"].create({"name": "Spare part", "type": "consu", "list_price": 5.0})
        buyers = Partner.create([{"name": f"Buyer {i}"} for i in range(6)])
        # Widgets with gadgets, and spare parts alone: gadgets go with widgets more often than by chance.
        orders = cls.env["sale.order"].create([{
            "partner_id": buyer.id, "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})
                                                   for product in basket],
        } for buyer in buyers for basket in ((cls.product, cls.gadget), (cls.spare,))])
        orders.write({"state": "sale", "date_order": fields.Datetime.now() - timedelta(days=10)})

    def test_the_source_gets_the_customer_s_action_and_the_basket_s_suggestions(self):
        response = self.bridge.recommend(self.customer.id, [self.product.id], 5)
        self.assertTrue(response["ok"], response)
        nba = response["next_best_action"]
        self.assertEqual((nba["action"], nba["basis"]), ("retention_offer", "rule"))
        gadget = next(s for s in response["suggestions"] if s["product_id"] == self.gadget.id)
        self.assertTrue(gadget["available"])
        self.assertEqual(gadget["source"], "complement")
        self.assertIn("Widget", gadget["reason"])
        self.assertIsInstance(gadget["promised_date"], str)
        basket_only = self.bridge.recommend(False, [self.product.id])
        self.assertFalse(basket_only["next_best_action"])
        self.assertEqual([s["product_id"] for s in basket_only["suggestions"]][:1], [self.gadget.id])

    def test_other_customers_bad_queries_and_sources_not_allowed_are_refused(self):
        self.assertEqual(self.bridge.recommend(self.stranger.id, [])["error"]["code"], "not_owned")
        self.assertEqual(self.bridge.recommend("C-1", [])["error"]["code"], "invalid_type")
        self.assertEqual(self.bridge.recommend(False, [])["error"]["code"], "missing_field")
        self.source.allow_recommend = False
        refused = self.bridge.recommend(self.customer.id, [])
        self.assertEqual(refused["error"]["code"], "operation_not_allowed")
        self.assertNotIn("suggestions", refused)

    def test_the_erp_panel_and_the_lead_show_the_recommendation(self):
        insights = self.customer._get_fusion_churn_insights()
        self.assertIn("Retention call with an offer", insights[self.customer.id]["next_best_action"])
        lead = self.env["crm.lead"].create({"name": "Renewal", "partner_id": self.customer.id})
        self.assertEqual(lead.fusion_nba_action, "retention_offer")
        lead.action_fusion_nba_do()
        self.assertEqual(self.customer.activity_ids.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
