from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.fusion_base.tests.common import FusionCommon

from crm_bridge.tables.backends import OrmBackend
from demo_company import generate
from demo_company.odoo_loader import load_company


class ForecastCommon(FusionCommon):
    """fusion_base's users, plus an inventory user (who reads forecasts under Inventory reporting)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Run = cls.env["fusion.forecast.run"]
        cls.Forecast = cls.env["fusion.forecast"]
        cls.stock_user = new_test_user(cls.env, "forecast_stock_user", groups="stock.group_stock_user")


class ForecastDemoCommon(ForecastCommon):
    """The small demo company (a year of sales, 60 products, 2 warehouses) ending yesterday, forecast once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo = generate(seed=7, size="small", reference_date=fields.Date.today() - timedelta(days=1))
        load_company(cls.demo, OrmBackend(cls.env))
        cls.Run._cron_forecast()
        cls.run = cls.Run.search([("company_id", "=", cls.company.id)], limit=1)
