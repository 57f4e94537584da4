from odoo.tests import tagged

from odoo.addons.fusion_sale_promise.tests.common import PromiseCommon


@tagged("post_install", "-at_install")
class TestPromiseSignals(PromiseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.waiting = Partner.create({"name": "Waiting customer", "email": "waiting@example.com"})
        cls.served = Partner.create({"name": "Served customer", "email": "served@example.com"})
        # No stock and no vendor: tomorrow's commitment cannot be kept.
        cls.backordered = cls._make_product("Backordered lamp", is_storable=True)
        cls.late_order = cls._make_order([(cls.backordered, 3)], commitment_days=1, partner_id=cls.waiting.id)
        cls.on_time_order = cls._make_order([(cls.chair, 2)], commitment_days=1, partner_id=cls.served.id)
        # Superuser mode: the approval gate does not apply to trusted server code.
        (cls.late_order | cls.on_time_order).sudo().action_confirm()
        cls.rule = cls.env["fusion.action.rule"].create({
            "name": "Late promise follow-up", "trigger": "late_promise", "threshold": 0.5, "control_share": 0.0,
            "purpose": "service", "do_activity": True, "user_id": cls.manager.id,
        })

    def test_late_promise_signals_come_from_the_promise_check(self):
        self.assertEqual(self.late_order.state, "sale")
        self.assertIn(self.late_order.fusion_promise_status, ("partial", "late", "impossible"))
        signals = self.rule._get_fusion_action_signals("late_promise", self.company, self.today)
        refs = set(signals["event_ref"])
        self.assertIn(f"sale.order,{self.late_order.id}", refs)
        self.assertNotIn(f"sale.order,{self.on_time_order.id}", refs, "an order kept on time is no event")
        row = signals.set_index("event_ref").loc[f"sale.order,{self.late_order.id}"]
        self.assertEqual(row["subject_id"], self.waiting.id)
        self.assertEqual(row["model_version"], "promise check")

        self.rule._run_rules()
        Log = self.env["fusion.action.log"]
        logs = Log.search([("rule_id", "=", self.rule.id), ("partner_id", "=", self.waiting.id)])
        self.assertEqual(logs.mapped("status"), ["act"])
        self.assertIn(f"sale.order,{self.late_order.id}", logs.episode)
        self.assertIn(self.late_order.name, logs.reasons)
        self.assertIn("activity", logs.actions_done)
        self.assertTrue(self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.waiting.id)]))
        self.assertFalse(Log.search([("rule_id", "=", self.rule.id), ("partner_id", "=", self.served.id)]))

        self.rule._run_rules()
        self.assertEqual(Log.search_count([("rule_id", "=", self.rule.id), ("partner_id", "=", self.waiting.id),
                                           ("status", "=", "act")]), 1, "one episode per order: no second action")

    def test_the_signal_follows_the_one_rule_for_a_slipped_promise(self):
        """The orders the signal names are those sale.order._get_fusion_slipped_promises says slipped."""
        slipped = (self.late_order | self.on_time_order)._get_fusion_slipped_promises()
        self.assertEqual(list(slipped), [self.late_order])
        self.assertIsNone(slipped[self.late_order], "no stock and no vendor: it cannot ship at all")
        self.on_time_order.commitment_date = False  # nothing promised to the customer: nothing can slip
        self.assertFalse(self.on_time_order._get_fusion_slipped_promises())
        signals = self.rule._get_fusion_action_signals("late_promise", self.company, self.today)
        self.assertEqual(set(signals["event_ref"]), {f"sale.order,{self.late_order.id}"})


@tagged("post_install", "-at_install")
class TestCoverSignals(PromiseCommon):
    def test_scarce_and_overstocked_products_come_from_stock_and_sales(self):
        # Desk: 10 in stock; 90 sold in the last 90 days (1 a day) -> 10 days of cover.
        sold = self._make_order([(self.desk, 90)], partner_id=self.customer.id)
        sold.sudo().action_confirm()
        idle = self._make_product("Idle shelf", is_storable=True, stock=40)
        scarce = self.env["fusion.action.rule"].create({
            "name": "Scarce", "trigger": "scarce_product", "threshold": 15, "control_share": 0.0,
            "do_activity": False, "do_hold_promotion": True, "user_id": self.manager.id,
        })
        signals = scarce._get_fusion_action_signals("scarce_product", self.company, self.today).set_index("subject_id")
        self.assertAlmostEqual(signals.loc[self.desk.id, "scarce_product"], 0.0, delta=0.5,
                               msg="the 90 sold are reserved against the 10 in stock: nothing free")
        self.assertEqual(signals.loc[self.chair.id, "scarce_product"], 3650.0, "in stock, never sold")
        self.assertIn(idle.id, signals.index)
        scarce._run_rules()
        self.assertTrue(self.desk.product_tmpl_id.fusion_promotion_hold)
        self.assertFalse(self.chair.product_tmpl_id.fusion_promotion_hold)
        self.assertFalse(idle.product_tmpl_id.fusion_promotion_hold)
