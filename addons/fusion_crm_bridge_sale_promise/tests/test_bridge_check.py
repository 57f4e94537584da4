from odoo.tests import tagged

from odoo.addons.fusion_sale_promise.tests.common import PromiseCommon


@tagged("post_install", "-at_install")
class TestBridgeCheck(PromiseCommon):
    def test_bridged_orders_carry_the_promise_check(self):
        fine = self._make_order([(self.chair, 2)], commitment_days=3)
        greedy = self._make_order([(self.chair, 1, {"discount": 45})])
        checks = self.env["fusion.bridge"]._fusion_bridge_check_orders(fine | greedy)
        self.assertEqual(checks[fine.id], {"ok": True, "status": "on_time",
                                           "promised_date": fine.fusion_promised_date.isoformat(), "reasons": []})
        self.assertFalse(checks[greedy.id]["ok"])
        self.assertIn("Chair", checks[greedy.id]["reasons"][0]["message"])
