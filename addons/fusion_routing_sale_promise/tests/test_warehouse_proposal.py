from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import WarehouseCommon


@tagged("post_install", "-at_install")
class TestWarehouseProposal(WarehouseCommon):
    """The quotation proposes the warehouse that delivers it soonest, or in fewer shipments; a click applies it."""

    def test_the_warehouse_with_the_stock_is_proposed_with_its_reason(self):
        order = self._make_order([(self.lamp, 5)], warehouse_id=self.warehouse.id)
        self.assertEqual(order.fusion_promise_status, "impossible", "the first warehouse has no lamp")
        self.assertEqual(order.fusion_proposed_warehouse_id, self.warehouse2)
        self.assertIn("Delivers the whole order by", order.fusion_warehouse_reason)

    def test_sooner_delivery_and_no_proposal_when_the_own_warehouse_is_best(self):
        order = self._make_order([(self.shelf, 10)], warehouse_id=self.warehouse.id)
        # 6 shelves in the first warehouse: 10 arrive after the 14 days of vendor lead time; the second has 20
        self.assertGreaterEqual(order.fusion_promised_date, self.today + timedelta(days=14))
        self.assertEqual(order.fusion_proposed_warehouse_id, self.warehouse2)
        self.assertTrue(order.fusion_warehouse_reason.startswith("Delivers on "), order.fusion_warehouse_reason)
        small = self._make_order([(self.shelf, 5)], warehouse_id=self.warehouse.id)
        self.assertFalse(small.fusion_proposed_warehouse_id, "both deliver today: a tie never moves the order")
        self.assertFalse(small.fusion_warehouse_reason)

    def test_one_shipment_beats_two_on_the_same_day(self):
        """5 stools wait 14 days for the vendor in both; the second ships the 10 shelves today, the first with them."""
        order = self._make_order([(self.stool, 5), (self.shelf, 10)], warehouse_id=self.warehouse2.id)
        self.assertGreaterEqual(order.fusion_promised_date, self.today + timedelta(days=14))
        self.assertEqual(order.fusion_proposed_warehouse_id, self.warehouse)
        self.assertEqual(order.fusion_warehouse_reason, "Same delivery date in fewer shipments: 1 instead of 2")

    def test_apply_sets_the_warehouse_and_logs_why(self):
        order = self._make_order([(self.lamp, 5)], user=self.salesperson, warehouse_id=self.warehouse.id)
        order.with_user(self.salesperson).action_fusion_apply_warehouse()
        self.assertEqual(order.warehouse_id, self.warehouse2)
        self.assertEqual(order.fusion_promise_status, "on_time")
        self.assertFalse(order.fusion_proposed_warehouse_id)
        self.assertIn("Warehouse changed from", order.message_ids[0].body)
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).action_fusion_apply_warehouse()

    def test_the_proposal_follows_the_form_and_applies_from_it(self):
        with Form(self.env["sale.order"].with_user(self.salesperson)) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.lamp
                line.product_uom_qty = 2
            self.assertEqual(form.fusion_proposed_warehouse_id, self.warehouse2)
        order = form.save()
        self.assertEqual(order.warehouse_id, self.warehouse, "the company's first warehouse, by default")
        order.with_user(self.salesperson).action_fusion_apply_warehouse()
        self.assertEqual(order.warehouse_id, self.warehouse2)

    def test_least_privilege(self):
        """A salesperson applies on their own quotations only; a user without sales rights cannot apply."""
        other = new_test_user(self.env, "other_salesperson", groups="sales_team.group_sale_salesman")
        order = self._make_order([(self.lamp, 5)], user=other, warehouse_id=self.warehouse.id)
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson).action_fusion_apply_warehouse()
        with self.assertRaises(AccessError):
            order.with_user(self.fusion_user).action_fusion_apply_warehouse()
        self.assertEqual(order.warehouse_id, self.warehouse)

    def test_queries_do_not_grow_with_the_quotations(self):
        orders = [self._make_order([(self.shelf, 1 + i), (self.lamp, 1)], warehouse_id=self.warehouse.id)
                  for i in range(12)]
        small, large = orders[0].browse([o.id for o in orders[:2]]), orders[0].browse([o.id for o in orders])
        self.env.invalidate_all()
        small.mapped("fusion_proposed_warehouse_id")  # warm the registry caches
        counts = []
        for batch in (small, large):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            batch.mapped("fusion_proposed_warehouse_id")
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
        self.assertEqual(set(large.mapped("fusion_proposed_warehouse_id")), {self.warehouse2})

    def test_shipping_and_split_costs_from_the_settings_decide_at_the_same_date(self):
        """Costs only break a tie in delivery date: a cheaper warehouse, or one shipment against two, wins."""
        self.warehouse.fusion_shipping_cost = 12.0
        order = self._make_order([(self.shelf, 5)], warehouse_id=self.warehouse.id)
        self.assertEqual(order.fusion_proposed_warehouse_id, self.warehouse2, "both deliver today, the second for 0")
        self.assertEqual(order.fusion_warehouse_reason, "Same delivery date at a lower shipping cost")

        settings = self.env["res.config.settings"].create({"fusion_split_cost": 5.0})
        settings.execute()
        self.assertEqual(self.company.fusion_split_cost, 5.0)
        both = self._make_order([(self.stool, 5), (self.shelf, 10)], warehouse_id=self.warehouse2.id)
        self.assertFalse(both.fusion_proposed_warehouse_id,
                         "two shipments from the second (0 + 5) cost less than one from the first (12)")
        self.company.fusion_split_cost = 20.0
        self.env.invalidate_all()
        self.assertEqual(both.fusion_proposed_warehouse_id, self.warehouse, "one shipment (12) against 0 + 20")
        self.assertEqual(both.fusion_warehouse_reason, "Same delivery date at a lower shipping cost")

    def test_a_negative_cost_is_refused(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.warehouse.fusion_shipping_cost = -1.0
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.company.fusion_split_cost = -1.0
