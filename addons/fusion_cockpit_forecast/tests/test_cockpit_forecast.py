from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.fusion_base.tests.common import FusionCommon

from crm_bridge.cockpit.measures import cockpit_records
from crm_bridge.pricing.guardrail import PricingPolicy


@tagged("post_install", "-at_install")
class TestCockpitForecast(FusionCommon):
    """A good with 100 in stock that sold 1 in the last 90 days (overstock by its sales), discounted 10 % ten days
    ago, whose demand forecast expects 70 a week (10 a day: 10 days of cover, scarce)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Measure = cls.env["fusion.cockpit.measure"]
        cls.today = fields.Date.context_today(cls.Measure)
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.product = cls.env["product.product"].create({
            "name": "Cockpit forecast goods", "is_storable": True, "list_price": 100.0, "standard_price": 50.0})
        cls.env["stock.quant"]._update_available_quantity(cls.product, warehouse.lot_stock_id, 100.0)
        order = cls.env["sale.order"].create({
            "partner_id": cls.env["res.partner"].create({"name": "Cockpit forecast customer"}).id,
            "date_order": fields.Datetime.now() - timedelta(days=10),
            "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": 1, "discount": 10.0})]})
        order.write({"state": "sale"})
        cls.line = order.order_line
        run = cls.env["fusion.forecast.run"].create({"company_id": cls.company.id, "horizon_weeks": 8})
        monday = cls.today + timedelta(days=7 - cls.today.weekday())
        cls.forecast = cls.env["fusion.forecast"].create([{
            "run_id": run.id, "company_id": cls.company.id, "product_id": cls.product.id, "segment": "B2C",
            "warehouse_id": warehouse.id, "week": monday + timedelta(days=7 * week), "kind": "forecast",
            "forecast_qty": 70.0} for week in range(8)])

    def _scarce_discounts(self):
        records = self.Measure._refresh(self.company, self.today).records
        return set(records.loc[records["measure"] == "discount_on_scarce", "record_id"])

    def test_scarcity_reads_the_sale_order_s_forecast_cover(self):
        cover = self.product._get_fusion_cover(self.company, self.today)
        self.assertEqual(cover.codes().tolist(), ["from_forecast"])
        self.assertLessEqual(cover.days[0], PricingPolicy().scarce_cover_days, "the sale order sees it scarce")
        tables = self.Measure._get_fusion_tables(self.company)
        daily = self.Measure._get_fusion_forecast_daily(self.company, tables)
        self.assertAlmostEqual(daily[self.product.id], cover.daily_demand[0])
        self.assertIn(self.line.id, self._scarce_discounts())
        # By its sales alone (the default the cockpit used), the product is overstock, not scarce.
        records = cockpit_records(tables, self.today).records
        self.assertNotIn(self.line.id, set(records.loc[records["measure"] == "discount_on_scarce", "record_id"]))

    def test_without_a_forecast_the_cover_reads_the_sales(self):
        self.forecast.unlink()
        self.assertNotIn(self.line.id, self._scarce_discounts())
