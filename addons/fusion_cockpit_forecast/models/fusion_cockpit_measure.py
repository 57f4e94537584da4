import pandas as pd

from odoo import api, models


class FusionCockpitMeasure(models.Model):
    _inherit = "fusion.cockpit.measure"

    @api.model
    def _get_fusion_forecast_daily(self, company, tables):
        """The daily demand the company's latest forecast expects, as the sale order's days of cover read it.

        ``product.product._get_fusion_forecast_daily`` (``fusion_forecast_sale_promise``): one grouped read of the
        stored forecast rows. Products the forecast does not hold are missing: their cover reads their sales.
        """
        daily = self._get_fusion_products(tables)._get_fusion_forecast_daily(company)
        return pd.Series(daily, dtype=float)
