from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ChurnCommon


@tagged("post_install", "-at_install")
class TestChurnInsufficientData(ChurnCommon):
    """A company with a handful of customers: the model says so and scores nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product = cls.env["product.product"].create({"name": "Widget", "list_price": 10.0, "standard_price": 6.0})
        partners = cls.env["res.partner"].create([{"name": f"Small customer {i}"} for i in range(5)])
        orders = cls.env["sale.order"].create([{
            "partner_id": partner.id,
            "date_order": fields.Datetime.now() - timedelta(days=30 * months),
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2, "price_unit": 10.0})],
        } for partner in partners for months in (2, 9, 14)])
        orders.write({"state": "sale"})

    def test_training_records_why_and_scores_nothing(self):
        version = self.Version._train(self.company)
        self.assertEqual(version.state, "insufficient_data")
        self.assertIn("Not enough data", version.message)
        self.assertFalse(version.is_active)
        self.assertFalse(version.sudo().model_data)
        summary = self.Version._score(self.company)
        self.assertEqual(summary["scored"], 0)
        self.assertIn("train one first", summary["message"])
        self.assertFalse(self.Score.search([]))

    def test_train_now_tells_the_manager(self):
        with self.assertRaisesRegex(UserError, "Not enough data"):
            self.Version.with_user(self.manager).action_train_now()

    def test_undeclared_field_is_never_read(self):
        self.env.ref("fusion_churn.purpose_sale_order_date_order").active = False
        with self.assertRaisesRegex(UserError, "date_order"):
            self.env["fusion.churn.dataset"]._get_fusion_tables(self.company)

    def test_tables_hold_declared_columns_per_commercial_partner(self):
        tables = self.env["fusion.churn.dataset"]._get_fusion_tables(self.company)
        orders = tables["orders"]
        self.assertEqual(len(orders), 15)
        self.assertEqual(set(orders["state"]), {"confirmed"})
        self.assertEqual(len(tables["order_lines"]), 15)
        self.assertEqual(set(tables["order_lines"]["cost"]), {6.0})
        self.assertTrue(tables["invoices"].empty)

    def test_thresholds_must_be_ordered(self):
        with self.assertRaises(ValidationError):
            self.company.fusion_churn_medium_threshold = 70.0
