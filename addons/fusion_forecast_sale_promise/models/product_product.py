import numpy as np
import pandas as pd

from odoo import models

from ai_insights.forecast.demand import daily_from_weekly
from crm_bridge.pricing.cover import COVER_CODES, DEMAND_WINDOW_DAYS, days_of_cover


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _get_fusion_cover(self, company, today):
        """Days of cover with the demand forecast's daily demand for the products it forecasts.

        The free stock and the sales come from ``fusion_sale_promise``; the
        one rule (``days_of_cover``) takes the forecast's demand per day over
        the demand window, at most the forecast's horizon
        (``_get_fusion_forecast_daily``), where there is one.
        """
        cover = super()._get_fusion_cover(company, today)
        daily = self._get_fusion_forecast_daily(company)
        if not daily:
            return cover
        stocked = cover.code != COVER_CODES.index("not_stocked")
        return days_of_cover(cover.free_qty, cover.daily_demand * cover.window_days, cover.window_days, stocked,
                             [daily.get(product.id, np.nan) for product in self])

    def _get_fusion_forecast_daily(self, company):
        """{product id: demand per day} the company's latest forecast expects over the demand window.

        One grouped read of the stored forecast rows (every segment and
        warehouse of a product and week add up), then
        ``ai_insights.forecast.demand.daily_from_weekly``. Products the
        forecast does not hold are missing. Read as superuser within the
        company: a company-wide fact, the same for every viewer.
        """
        groups = self.env["fusion.forecast"].sudo()._read_group(
            [("company_id", "=", company.id), ("kind", "=", "forecast"), ("product_id", "in", self.ids)],
            ["product_id", "week:day"], ["forecast_qty:sum"])
        if not groups:
            return {}
        weekly = pd.DataFrame([(product.id, week, qty) for product, week, qty in groups],
                              columns=["product_id", "week", "qty"])
        return daily_from_weekly(weekly, DEMAND_WINDOW_DAYS).to_dict()

    def _get_fusion_cover_message(self, cover, i):
        """The forecast's cover reasons in the user's language; the others as ``fusion_sale_promise`` says them."""
        reason = cover.reason(i)
        params = reason.params
        if reason.code == "from_forecast":
            return self.env._("%(free)s free, %(daily)s expected a day (demand forecast): %(days)s days of cover",
                              free=round(params["free_qty"], 1), daily=round(params["daily_demand"], 2),
                              days=round(params["cover_days"]))
        if reason.code == "no_forecast_demand":
            return self.env._("%(free)s free and the demand forecast expects none: overstock",
                              free=round(params["free_qty"], 1))
        return super()._get_fusion_cover_message(cover, i)
