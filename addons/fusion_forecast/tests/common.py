from datetime import datetime, time, timedelta

import numpy as np

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.fusion_base.tests.common import FusionCommon

WEEKS = 45


class ForecastCommon(FusionCommon):
    """fusion_base's users, plus an inventory user (who reads forecasts under Inventory reporting)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Run = cls.env["fusion.forecast.run"]
        cls.Forecast = cls.env["fusion.forecast"]
        cls.stock_user = new_test_user(cls.env, "forecast_stock_user", groups="stock.group_stock_user")


class ForecastSalesCommon(ForecastCommon):
    """45 weeks of confirmed sales (Monday orders) up to the last complete week, forecast once by the weekly cron.

    Twelve goods in two categories and one service, sold from two warehouses to a business (B2B) and a
    consumer (B2C): one order per segment, warehouse and week, each line a Poisson draw around the
    product's weekly rate. The orders are recorded as confirmed history (no deliveries launched).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rng = np.random.default_rng(13)
        categories = [cls.env["product.category"].create({"name": name}) for name in ("Garden", "Tools")]
        cls.goods = cls.env["product.product"].create([{
            "name": f"Forecast goods {i}", "is_storable": True, "list_price": 20.0 + i,
            "categ_id": categories[i % 2].id} for i in range(12)])
        cls.service = cls.env["product.product"].create({"name": "Forecast service", "type": "service"})
        cls.warehouses = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1) \
            | cls.env["stock.warehouse"].create({"name": "Forecast second warehouse", "code": "FWH2"})
        cls.customers = cls.env["res.partner"].create([{"name": "Forecast business", "is_company": True},
                                                      {"name": "Forecast consumer"}])
        rates = rng.uniform(0.5, 8.0, len(cls.goods))
        # The last complete week (as the forecast counts weeks: Monday to Sunday, ending by today).
        last_day = fields.Date.context_today(cls.env["res.partner"]) - timedelta(days=6)
        last_monday = last_day - timedelta(days=last_day.weekday())
        orders = []
        for week in range(WEEKS):
            day = datetime.combine(last_monday - timedelta(days=7 * week), time(10))
            for customer in cls.customers:
                for warehouse in cls.warehouses:
                    qty = rng.poisson(rates)
                    lines = [Command.create({"product_id": product.id, "product_uom_qty": float(q)})
                             for product, q in zip(cls.goods, qty) if q > 0]
                    lines.append(Command.create({"product_id": cls.service.id, "product_uom_qty": 1.0}))
                    orders.append({"partner_id": customer.id, "warehouse_id": warehouse.id, "date_order": day,
                                   "order_line": lines})
        cls.env["sale.order"].create(orders).write({"state": "sale"})
        cls.Run._cron_forecast()
        cls.forecast_run = cls.Run.search([("company_id", "=", cls.company.id)], limit=1)
