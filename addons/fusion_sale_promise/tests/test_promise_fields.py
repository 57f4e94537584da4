from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import PromiseCommon


@tagged("post_install", "-at_install")
class TestPromiseFields(PromiseCommon):
    def test_stock_covers_the_line(self):
        order = self._make_order([(self.desk, 4)], commitment_days=3)
        line = order.order_line
        self.assertEqual(line.fusion_promise_status, "on_time")
        self.assertEqual(line.fusion_atp_qty, 4)
        self.assertLessEqual(line.fusion_promised_date, self.today + timedelta(days=3))
        self.assertIn("free on", line.fusion_promise_reasons)
        self.assertEqual(order.fusion_promise_status, "on_time")
        self.assertFalse(order.fusion_needs_approval)

    def test_short_stock_breaks_the_commitment_and_raises_the_banner(self):
        self.env["product.supplierinfo"].create({
            "product_tmpl_id": self.desk.product_tmpl_id.id, "partner_id": self.customer.id, "delay": 20,
        })
        order = self._make_order([(self.desk, 15)], commitment_days=5)
        line = order.order_line
        self.assertEqual(line.fusion_promise_status, "late")
        self.assertEqual(line.fusion_atp_qty, 10)
        self.assertEqual(line.fusion_promised_date, self.today + timedelta(days=20))
        self.assertIn("Only 10 of 15", line.fusion_promise_reasons)
        self.assertTrue(order.fusion_needs_approval)
        self.assertIn("Desk", order.fusion_promise_alert)

    def test_without_commitment_a_late_line_is_information_only(self):
        self.env["product.supplierinfo"].create({
            "product_tmpl_id": self.desk.product_tmpl_id.id, "partner_id": self.customer.id, "delay": 20,
        })
        order = self._make_order([(self.desk, 15)])
        self.assertEqual(order.fusion_promise_status, "late")
        self.assertFalse(order.fusion_needs_approval)

    def test_unreplenishable_shortage_is_impossible(self):
        order = self._make_order([(self.desk, 15)])
        self.assertEqual(order.order_line.fusion_promise_status, "impossible")
        self.assertFalse(order.fusion_promised_date)
        self.assertTrue(order.fusion_needs_approval)

    def test_lines_of_an_order_share_the_stock(self):
        order = self._make_order([(self.desk, 6), (self.desk, 6)], commitment_days=2)
        self.assertEqual(order.order_line.mapped("fusion_promise_status"), ["on_time", "impossible"])

    def test_line_unit_converted_to_product_unit(self):
        dozens = self.env.ref("uom.product_uom_dozen")
        order = self._make_order([(self.desk, 1, {"product_uom": dozens.id})], commitment_days=2)
        line = order.order_line
        self.assertEqual(line.product_uom, dozens)
        self.assertEqual(line.fusion_promise_status, "impossible")  # 12 units asked, 10 in stock
        self.assertAlmostEqual(line.fusion_atp_qty, 10 / 12, places=2)

    def test_services_and_consumables_skip_the_stock_check(self):
        order = self._make_order([(self.installation, 3), (self.screws, 500)], commitment_days=2)
        service, consumable = order.order_line
        self.assertEqual(service.fusion_promise_status, "on_time")
        self.assertIn("A service: no stock needed", service.fusion_promise_reasons)
        self.assertEqual(consumable.fusion_promise_status, "on_time")
        self.assertIn("Stock is not tracked", consumable.fusion_promise_reasons)

    def test_discount_guardrail(self):
        # cost 50, list 100, company floor 20%: floor price 62.5, at most 37.5% off, capped by policy at 30%
        order = self._make_order([(self.chair, 1, {"discount": 5}), (self.chair, 1, {"discount": 45})])
        fine, greedy = order.order_line
        self.assertTrue(fine.fusion_discount_ok)
        self.assertFalse(greedy.fusion_discount_ok)
        self.assertLessEqual(greedy.fusion_max_discount, 30)
        self.assertIn("exceeds the maximum", greedy.fusion_promise_reasons)
        self.assertTrue(order.fusion_needs_approval)
        self.assertIn("Chair", order.fusion_promise_alert)
        line = next(line for line in order.fusion_promise_alert.splitlines() if "exceeds" in line)
        verdict, cause = line.split(": ", 1)[1].split(". ", 1)
        self.assertEqual(verdict, "A discount of 45% exceeds the maximum this line allows", "in plain words")
        self.assertNotIn(verdict, cause, "the verdict is said once")
        self.assertEqual(order.fusion_promise_alert.count(cause), 1, "the cause is said once")

    def test_category_floor_overrides_the_company_floor(self):
        self.category.fusion_margin_floor = 48.0  # floor price 96.15: under 4% off
        order = self._make_order([(self.chair, 1, {"discount": 5})])
        self.assertFalse(order.order_line.fusion_discount_ok)
        self.assertLess(order.order_line.fusion_max_discount, 4)

    def test_net_price_below_floor_needs_approval(self):
        order = self._make_order([(self.chair, 1, {"price_unit": 55.0})])
        self.assertEqual(order.order_line.fusion_max_discount, 0)
        self.assertFalse(order.order_line.fusion_discount_ok)
        self.assertIn("below the floor price", order.fusion_promise_alert)

    def test_past_commitment_date_is_one_exception_with_a_fix(self):
        order = self._make_order([(self.chair, 1), (self.desk, 1)], commitment_days=-3)
        self.assertTrue(order.fusion_needs_approval)
        self.assertTrue(order.fusion_commitment_past)
        # One sentence for the order, not one "late" per line; no ISO date.
        self.assertEqual(len(order.fusion_promise_alert.splitlines()), 1, order.fusion_promise_alert)
        self.assertIn("has passed", order.fusion_promise_alert)
        self.assertNotIn(str(self.today.year) + "-", order.fusion_promise_alert)
        order.action_fusion_move_commitment()
        self.assertGreaterEqual(order._get_fusion_commitment_day(), self.today)
        self.assertFalse(order.fusion_commitment_past)
        self.assertFalse(order.fusion_needs_approval, order.fusion_promise_alert)

    def test_capacity_of_the_warehouse(self):
        self.warehouse.fusion_lines_per_day = 1
        order = self._make_order([(self.chair, 1), (self.desk, 1)], commitment_days=0)
        self.assertEqual(sorted(order.order_line.mapped("fusion_promise_status")), ["late", "on_time"])
        self.assertIn("capacity is full", "".join(order.order_line.mapped("fusion_promise_reasons")))

    def test_public_holiday_closes_the_warehouse(self):
        self.env["resource.calendar.leaves"].create({
            "name": "Holiday", "calendar_id": self.calendar.id,
            "date_from": f"{self.today} 00:00:00", "date_to": f"{self.today + timedelta(days=1)} 00:00:00",
        })
        order = self._make_order([(self.chair, 1)])
        self.assertEqual(order.order_line.fusion_promised_date, self.today + timedelta(days=1))

    def test_each_company_checks_its_own_warehouse_and_settings(self):
        other = self.env["res.company"].create({"name": "Promise Co 2", "fusion_margin_floor": 45.0})
        self.env.user.company_ids |= other
        other_wh = self.env["stock.warehouse"].search([("company_id", "=", other.id)], limit=1)
        other_wh.fusion_calendar_id = self.calendar
        self.env["stock.quant"].with_company(other)._update_available_quantity(self.chair, other_wh.lot_stock_id, 3)
        self.chair.with_company(other).standard_price = 50.0  # the cost is company-dependent too
        order = self.env["sale.order"].with_company(other).create({
            "partner_id": self.customer.id, "company_id": other.id,
            "order_line": [Command.create({"product_id": self.chair.id, "product_uom_qty": 5, "discount": 10})],
        })
        self.assertEqual(order.warehouse_id, other_wh)
        line = order.order_line
        self.assertEqual(line.fusion_atp_qty, 3)  # not the 100 chairs of the first company
        self.assertEqual(line.fusion_promise_status, "impossible")
        self.assertLess(line.fusion_max_discount, 10)  # 45% floor: 50 / 0.55 = 90.9 -> 9.1% off at most
        self.assertFalse(line.fusion_discount_ok)

    def test_queries_do_not_grow_with_the_lines(self):
        products = [self._make_product(f"Bulk {i}", is_storable=True, stock=5) for i in range(40)]
        small = self._make_order([(product, 1) for product in products[:5]], commitment_days=4)
        large = self._make_order([(product, 1) for product in products], commitment_days=4)
        self.env.invalidate_all()
        small.order_line.mapped("fusion_promise_status")  # warm the registry caches (groups, rules, defaults)
        counts = []
        for order in (small, large):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            order.order_line.mapped("fusion_promise_status")
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
