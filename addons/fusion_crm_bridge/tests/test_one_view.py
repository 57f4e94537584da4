from datetime import date, timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common import BridgeCommon


@tagged("post_install", "-at_install")
class TestOneView(BridgeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Acme", "is_company": True})
        order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id,
            "commitment_date": "2031-03-01 10:00:00",
            "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": 8.0})],
        })
        order.action_confirm()
        today = fields.Date.today()
        invoice = cls.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": cls.customer.id, "invoice_date": today - timedelta(days=40),
            "invoice_date_due": today - timedelta(days=30),
            "invoice_line_ids": [Command.create({"name": "Service", "quantity": 1, "price_unit": 100.0})],
        })
        invoice.action_post()
        cls.salesman = new_test_user(cls.env, "salesman", groups="sales_team.group_sale_salesman,"
                                                                  "fusion_base.group_fusion_user")

    def test_partner_and_lead_show_the_erp_side(self):
        partner = self.customer.with_user(self.salesman)
        self.assertEqual(partner.fusion_open_order_count, 1)
        self.assertEqual(partner.fusion_next_promised_date, date(2031, 3, 1))
        self.assertFalse(partner.fusion_promise_late)
        self.assertNotIn("Late", partner.fusion_erp_panel)
        self.assertEqual(partner.fusion_overdue_invoice_count, 1)
        self.assertGreater(partner.fusion_overdue_amount, 0)
        self.assertIn("Short", partner.fusion_erp_panel)  # 8 ordered, 5 on hand
        self.assertEqual(partner.fusion_churn_risk, 0.0)
        lead = self.env["crm.lead"].create({"name": "Upsell", "partner_id": self.customer.id})
        lead = lead.with_user(self.salesman)
        self.assertEqual((lead.fusion_open_order_count, lead.fusion_overdue_invoice_count), (1, 1))
        self.assertIn("Open orders", lead.fusion_erp_panel)

    def test_a_missed_promise_is_a_late_day_not_a_timestamp(self):
        """A promise months old shows as its day in the user's zone, flagged late, in field and panel."""
        customer = self.env["res.partner"].create({"name": "Late Ltd", "is_company": True})
        self.env["sale.order"].create({
            "partner_id": customer.id, "commitment_date": "2031-03-01 10:00:00",
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1.0})],
        }).action_confirm()
        late = self.env["sale.order"].create({
            "partner_id": customer.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1.0})],
        })
        late.action_confirm()
        # 23:30 UTC is already the next day in Madrid: the user's day is promised, not the server's.
        late.commitment_date = fields.Datetime.now().replace(hour=23, minute=30, second=0) - timedelta(days=120)
        self.salesman.tz = "Europe/Madrid"
        partner = customer.with_user(self.salesman)
        self.assertEqual(partner.fusion_next_promised_date, late.commitment_date.date() + timedelta(days=1))
        self.assertTrue(partner.fusion_promise_late)
        self.assertEqual(partner.fusion_erp_panel.count("Late</span>"), 1)
        self.assertNotIn("00:00:00", partner.fusion_erp_panel)

    def test_churn_hook_fills_the_panel(self):
        Partner = type(self.env["res.partner"])
        with patch.object(Partner, "_get_fusion_churn_insights",
                          lambda partners: {p.id: {"risk": 0.7, "next_best_action": "call"} for p in partners}):
            self.assertEqual(self.customer.fusion_churn_risk, 0.7)
            self.assertIn("next best action", self.customer.fusion_erp_panel)
