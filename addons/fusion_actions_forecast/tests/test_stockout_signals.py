from odoo.tests import tagged

from odoo.addons.fusion_forecast.tests.common import ForecastSalesCommon


@tagged("post_install", "-at_install")
class TestStockoutSignals(ForecastSalesCommon):
    """Each forecast run writes the stock-out signals; a rule on them holds promotions of the products short."""

    def _signals(self, after_id=0):
        return self.env["fusion.action.signal"].search([
            ("trigger", "=", "stockout_forecast"), ("company_id", "=", self.company.id), ("id", ">", after_id)])

    def test_the_forecast_run_writes_a_stockout_signal_per_good(self):
        signals = self._signals()
        version = f"demand forecast {self.forecast_run.computed_at.date()}"
        self.assertEqual(set(signals.mapped("model_version")), {version})
        self.assertEqual(signals.product_id, self.goods, "every good forecast, not the service")
        # nothing in stock, nothing due: every good runs out within the horizon, most on the first day
        horizon = 7 * self.forecast_run.horizon_weeks
        self.assertLessEqual(max(signals.mapped("score")), horizon)
        self.assertIn(1.0, signals.mapped("score"))
        self.assertIn("Stock-out forecast in", signals[0].reasons)

    def test_a_rule_on_the_forecast_stockout_fires_an_action(self):
        stocked, short = self.goods[0], self.goods[1]
        self.env["stock.quant"]._update_available_quantity(stocked, self.warehouses[0].lot_stock_id, 10_000.0)
        self.env["stock.quant"]._update_available_quantity(stocked, self.warehouses[1].lot_stock_id, 10_000.0)
        before = max(self._signals().ids)
        run = self.Run._run(self.company)
        scores = {signal.product_id: signal.score for signal in self._signals(before)}
        self.assertEqual(scores[stocked], 7 * run.horizon_weeks + 1, "lasts the horizon: a signal that will not fire")
        self.assertLessEqual(scores[short], 7 * run.horizon_weeks)

        rule = self.env["fusion.action.rule"].create({
            "name": "Forecast stock-out", "trigger": "stockout_forecast", "threshold": 7 * run.horizon_weeks,
            "control_share": 0.0,
            "do_activity": False, "do_hold_promotion": True, "user_id": self.fusion_manager.id})
        rule._run_rules()
        logs = self.env["fusion.action.log"].search([("rule_id", "=", rule.id)])
        self.assertEqual(logs.filtered(lambda log: log.status == "act").product_id, self.goods - stocked)
        self.assertTrue(short.product_tmpl_id.fusion_promotion_hold)
        self.assertFalse(stocked.product_tmpl_id.fusion_promotion_hold, "the latest signal says it lasts")
        self.assertIn("Stock-out forecast", logs.filtered(lambda log: log.product_id == short).reasons)
