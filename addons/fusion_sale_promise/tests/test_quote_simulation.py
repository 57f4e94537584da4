from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PromiseCommon


@tagged("post_install", "-at_install")
class TestQuoteSimulation(PromiseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api = cls.env["sale.order"].with_user(cls.api_user)

    def test_simulation_promises_and_prices_without_writing(self):
        orders_before = self.env["sale.order"].search_count([])
        asked = str(self.today + timedelta(days=4))
        answer = self.api.fusion_simulate_quote(self.customer.id, [
            {"product_id": self.desk.id, "qty": 4, "date_asked": asked},
            {"product_id": self.chair.id, "qty": 1, "discount": 45},
            {"product_id": self.installation.id, "qty": 1, "price_unit": 80.0},
        ], {"warehouse_id": self.warehouse.id})
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(self.env["sale.order"].search_count([]), orders_before)
        desk, chair, service = answer["lines"]
        self.assertEqual((desk["status"], desk["atp_qty"], desk["price_unit"]), ("on_time", 4, 100.0))
        self.assertFalse(chair["discount_ok"])
        # In stock and never sold: overstock, the policy's full 30% (the 20% floor would allow 37.5%).
        self.assertEqual(chair["max_discount"], 30.0)
        self.assertEqual(chair["verdict"], "exceeds_max_discount")
        self.assertIn("not sold lately", "\n".join(reason["message"] for reason in chair["reasons"]))
        self.assertEqual(service["reasons"][0]["code"], "service_no_stock_check")
        self.assertTrue(answer["needs_approval"])
        self.assertEqual(answer["warehouse_id"], self.warehouse.id)

    def test_bad_inputs_give_structured_errors(self):
        archived = self._make_product("Old desk", is_storable=True, active=False)
        yesterday = str(self.today - timedelta(days=1))
        answer = self.api.fusion_simulate_quote(self.customer.id, [
            {"product_id": 999999, "qty": 1},
            {"product_id": archived.id, "qty": 1},
            {"product_id": self.desk.id, "qty": 0},
            {"product_id": self.desk.id, "qty": "ten"},
            {"product_id": self.desk.id, "qty": 1, "date_asked": yesterday},
            {"product_id": self.desk.id, "qty": 1, "uom_id": self.env.ref("uom.product_uom_kgm").id},
        ])
        self.assertFalse(answer["ok"])
        # The bridge's codes where they mean the same (not_found, invalid_value, invalid_type), the quote's own else.
        self.assertEqual(
            [(error["code"], error["field"]) for error in answer["errors"]],
            [("not_found", "lines[0].product_id"), ("archived_product", "lines[1].product_id"),
             ("invalid_value", "lines[2].qty"), ("invalid_type", "lines[3].qty"),
             ("date_in_past", "lines[4].date_asked"), ("invalid_uom", "lines[5].uom_id")],
        )
        self.assertEqual(answer["error"], answer["errors"][0])
        self.assertEqual(set(answer["error"]), {"code", "field", "message"}, "the bridge's error shape")
        self.assertEqual((answer["api_version"], answer["operation"]), ("1.0", "simulate_quote"))
        other = self.env["res.company"].create({"name": "Hidden Co"})
        answer = self.api.fusion_simulate_quote(self.customer.id, [{"product_id": self.desk.id, "qty": 1}],
                                                {"company_id": other.id})
        self.assertEqual(answer["errors"][0]["code"], "company_not_allowed")
        answer = self.api.fusion_simulate_quote(424242, [{"product_id": self.desk.id, "qty": 1}])
        self.assertEqual(answer["errors"][0]["code"], "not_found")
        answer = self.api.fusion_simulate_quote(self.customer.id, [{"product_id": self.desk.id, "qty": 1,
                                                                    "colour": "red"}])
        self.assertEqual((answer["error"]["code"], answer["error"]["field"]), ("unknown_field", "lines[0].colour"))

    def test_check_order_matches_the_form(self):
        order = self._make_order([(self.desk, 15), (self.chair, 1, {"discount": 45})], commitment_days=2)
        answer = self.api.fusion_check_order(order.id)
        self.assertTrue(answer["ok"], answer)
        self.assertEqual([line["status"] for line in answer["lines"]], order.order_line.mapped("fusion_promise_status"))
        self.assertEqual(answer["status"], order.fusion_promise_status)
        self.assertEqual(answer["exceptions"], order.fusion_promise_alert.splitlines())
        self.assertFalse(answer["approved"])
        self.assertEqual(answer["reasons"], [
            {"code": "line_impossible", "message": answer["reasons"][0]["message"],
             "params": {"line": 0, "product_id": self.desk.id, "cause": "stock_short"}}],
            "the order's reasons are the engine's, with the cause of each line not on time")
        self.assertIn("Line 1 (impossible): Only 10 of 15", answer["reasons"][0]["message"])
        self.assertEqual(answer["lines"][1]["verdict"], "exceeds_max_discount")
        self.assertEqual(self.api.fusion_check_order(-5)["error"]["code"], "not_found")

    def test_users_outside_the_groups_are_refused(self):
        stranger = new_test_user(self.env, "promise_stranger", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(stranger).fusion_simulate_quote(self.customer.id, [])
