from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from odoo.addons.fusion_forecast.tests.common import ForecastSalesCommon
from odoo.addons.fusion_sale_promise.models.sale_order import LineSpec


@tagged("post_install", "-at_install")
class TestForecastPromise(ForecastSalesCommon):
    """The sale promise reads the forecast: days of cover from forecast demand, allocation to segments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["sale.order"])
        cls.warehouse = cls.warehouses[0]
        cls.product = cls.goods[0]
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.warehouse.lot_stock_id, 40.0)
        cls.env["product.supplierinfo"].create({
            "partner_id": cls.customers[0].id, "product_tmpl_id": cls.product.product_tmpl_id.id, "delay": 21})
        cls.business, cls.consumer = cls.customers

    def _rows(self, **domain):
        return self.Forecast.search([("kind", "=", "forecast"), ("product_id", "=", self.product.id)]
                                    + [(name, "=", value) for name, value in domain.items()])

    def test_days_of_cover_read_the_forecast_and_say_so(self):
        cover = self.goods._get_fusion_cover(self.company, self.today)
        self.assertEqual(set(cover.codes()), {"from_forecast"}, "every good sold has a forecast")
        # the horizon (8 weeks) is shorter than the 90-day demand window: the forecast's 56 days
        expected = sum(self._rows().mapped("forecast_qty")) / 56
        self.assertAlmostEqual(cover.daily_demand[0], expected, places=6)
        self.assertAlmostEqual(cover.days[0], 40.0 / expected, places=4)
        message = self.goods._get_fusion_cover_message(cover, 0)
        self.assertIn("expected a day (demand forecast)", message)
        # the service has no cover, forecast or not
        service = self.service._get_fusion_cover(self.company, self.today)
        self.assertEqual(service.codes().tolist(), ["not_stocked"])

    def test_without_a_forecast_the_cover_reads_sales(self):
        self.Forecast.search([("company_id", "=", self.company.id)]).unlink()
        cover = self.goods._get_fusion_cover(self.company, self.today)
        self.assertEqual(set(cover.codes()) - {"from_sales", "unsold_stock", "no_stock"}, set())

    def test_allocation_keeps_the_business_demand_from_a_consumer_quotation(self):
        SaleOrder = self.env["sale.order"]
        specs = [LineSpec(0, self.product, self.product.uom_id, 5.0, None, False, 10.0, 0.0),
                 LineSpec(1, self.product, self.product.uom_id, 5.0, None, False, 10.0, 0.0)]
        partners = [self.business, self.consumer]
        self.assertIsNone(SaleOrder._get_fusion_allocated_qty(self.warehouse, partners, specs, self.today),
                          "allocation is off by default")
        self.company.fusion_forecast_allocation = True
        allocated = SaleOrder._get_fusion_allocated_qty(self.warehouse, partners, specs, self.today)
        # B2B first: the consumer may not take the business demand of the 21 days of vendor lead time
        weeks = sorted(set(self._rows().mapped("week")))
        business = self._rows(segment="B2B", warehouse_id=self.warehouse.id)
        expected = sum(row.forecast_qty * min(max(21 / 7 - weeks.index(row.week), 0), 1) for row in business)
        self.assertEqual(allocated[0], 0.0)
        self.assertAlmostEqual(allocated[1], expected, places=6)
        self.assertGreater(allocated[1], 0)

        # the promise engine, fed as fusion_sale_promise feeds it, gives the reason when the allocation binds
        engine = self.warehouse._get_fusion_promise_engine(self.product, self.today)
        asked = engine.asked_dates([self.product.id] * 2, [None, None])
        wanted = 40.0 - allocated[1] / 2  # enough for the consumer only if it could take the business's share
        batch = engine.check_batch([self.product.id] * 2, [wanted, wanted], asked, order_keys=[0, 1],
                                   allocated_qty=allocated)
        self.assertEqual(batch.line(0).status, "on_time")
        consumer = batch.line(1)
        self.assertEqual(consumer.status, "late")
        self.assertEqual(consumer.cause().code, "allocation")
        self.assertGreaterEqual(consumer.promised_date, self.today + timedelta(days=21), "once replenished")

        self.company.fusion_forecast_segment_priority = "B2C, B2B"
        allocated = SaleOrder._get_fusion_allocated_qty(self.warehouse, partners, specs, self.today)
        self.assertGreater(allocated[0], 0)
        self.assertEqual(allocated[1], 0.0)
        with self.assertRaises(ValidationError):
            self.company.fusion_forecast_segment_priority = "B2B, B2C, B2B"

    def test_allocation_binds_on_the_quotation_form_and_the_line_says_so(self):
        """A consumer's quotation entered in the form may not take the business demand kept until replenishment."""
        self.company.fusion_forecast_allocation = True
        spec = LineSpec(0, self.product, self.product.uom_id, 1.0, None, False, 20.0, 0.0)
        kept = self.env["sale.order"]._get_fusion_allocated_qty(self.warehouse, [self.consumer], [spec], self.today)[0]
        self.assertGreater(kept, 1.0)
        wanted = round(40.0 - kept / 2)  # within the 40 in stock, more than the consumer may take
        with Form(self.env["sale.order"].with_user(self.salesperson)) as form:
            form.partner_id = self.consumer
            with form.order_line.new() as line:
                line.product_id = self.product
                line.product_uom_qty = wanted
            self.assertEqual(form.fusion_promise_status, "late", "the form's own evaluation applies the allocation")
        order = form.save()
        self.assertEqual(order.warehouse_id, self.warehouse)
        self.assertIn("kept for customers served first", order.order_line.fusion_promise_reasons)
        self.assertGreaterEqual(order.order_line.fusion_promised_date, self.today + timedelta(days=21))
        # the business customer is served first: the same quotation for it is on time
        order.partner_id = self.business
        self.assertEqual(order.fusion_promise_status, "on_time")

    def test_a_product_forecast_to_sell_nothing_is_judged_on_the_forecast(self):
        """A zero forecast is a forecast: the cover says the forecast expects none, not what recent sales say."""
        rows = self._rows()
        rows[1:].unlink()
        rows[0].forecast_qty = 0.0
        cover = self.product._get_fusion_cover(self.company, self.today)
        self.assertEqual(cover.codes().tolist(), ["no_forecast_demand"])
