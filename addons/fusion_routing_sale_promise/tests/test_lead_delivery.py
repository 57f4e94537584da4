from datetime import timedelta

from odoo.tests import tagged

from .common import WarehouseCommon


@tagged("post_install", "-at_install")
class TestLeadDelivery(WarehouseCommon):
    """A lead says what it asks for; operations say when it can arrive, and the lead warns of what cannot in time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create({"name": "Delivery team", "company_id": cls.company.id})
        cls.env["crm.team.member"].create({"crm_team_id": cls.team.id, "user_id": cls.salesperson.id})
        cls.company.fusion_routing_enabled = True

    def _lead(self, products, closing_days):
        return self.env["crm.lead"].create({
            "name": "Shop fit-out", "type": "opportunity", "team_id": self.team.id, "user_id": False,
            "partner_id": self.customer.id, "fusion_product_ids": [(6, 0, products.ids)],
            "date_deadline": self.today + timedelta(days=closing_days)})

    def test_the_earliest_date_is_the_best_warehouse_s(self):
        lead = self._lead(self.lamp, 3)
        self.assertEqual(lead.fusion_earliest_date, self.today, "the second warehouse has lamps to ship today")
        self.assertFalse(lead.fusion_delivery_late)
        self.assertEqual(lead.user_id, self.salesperson)
        self.assertNotIn("routing_not_deliverable", [reason["code"] for reason in lead.fusion_routing_reasons])

    def test_a_lead_that_cannot_be_delivered_in_time_is_flagged_before_the_first_call(self):
        """Stools are in stock in the second warehouse; the cabinet is nowhere and waits 14 days for its vendor."""
        cabinet = self._make_product("Cabinet", is_storable=True)
        vendor = self.env["res.partner"].create({"name": "Cabinet vendor"})
        self.env["product.supplierinfo"].create({"partner_id": vendor.id,
                                                 "product_tmpl_id": cabinet.product_tmpl_id.id, "delay": 14})
        lead = self._lead(self.stool | cabinet, 3)
        self.assertGreaterEqual(lead.fusion_earliest_date, self.today + timedelta(days=14))
        self.assertTrue(lead.fusion_delivery_late)
        self.assertEqual(lead.user_id, self.salesperson, "flagged, still routed")
        # Said once, by the lead's warning with its date: the routing reasons say why this salesperson.
        self.assertEqual([reason["code"] for reason in lead.fusion_routing_reasons],
                         ["routing_no_history", "routing_load"])
        self.assertNotIn("deliver", lead.fusion_routing_summary)
        lead.date_deadline = self.today + timedelta(days=60)
        self.assertFalse(lead.fusion_delivery_late)

    def test_a_lead_without_products_has_no_date(self):
        lead = self._lead(self.env["product.product"], 3)
        self.assertFalse(lead.fusion_earliest_date)
        self.assertFalse(lead.fusion_delivery_late)
        self.assertEqual(lead.user_id, self.salesperson)
