from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    fusion_forecast_horizon_weeks = fields.Integer(
        "Forecast horizon (weeks)", default=8,
        help="Weeks forecast ahead. A product needs three times this many weeks of sales plus 13 for its "
             "own backtest; with less it is forecast from its category.")
    fusion_forecast_service_level = fields.Float(
        "Service level (%)", default=95.0,
        help="Share of weeks whose demand the service quantity covers: the demand quantile replenishment "
             "plans for.")

    @api.constrains("fusion_forecast_horizon_weeks", "fusion_forecast_service_level")
    def _check_fusion_forecast_settings(self):
        for company in self:
            if not 1 <= company.fusion_forecast_horizon_weeks <= 26:
                raise ValidationError(self.env._("The forecast horizon must be between 1 and 26 weeks."))
            if not 50 <= company.fusion_forecast_service_level < 100:
                raise ValidationError(self.env._("The service level must be at least 50% and below 100%."))
