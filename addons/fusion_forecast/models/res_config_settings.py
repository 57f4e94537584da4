from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_forecast_horizon_weeks = fields.Integer(
        related="company_id.fusion_forecast_horizon_weeks", readonly=False)
    fusion_forecast_service_level = fields.Float(
        related="company_id.fusion_forecast_service_level", readonly=False)
    fusion_forecast_last_run_id = fields.Many2one(
        "fusion.forecast.run", string="Last forecast", compute="_compute_fusion_forecast_last_run_id")

    # The settings page's new record gets its company after the first compute: recompute then
    @api.depends("company_id")
    def _compute_fusion_forecast_last_run_id(self):
        for settings in self:
            settings.fusion_forecast_last_run_id = self.env["fusion.forecast.run"].search(
                [("company_id", "=", settings.company_id.id)], limit=1)

    def action_fusion_forecast_run(self):
        self.ensure_one()
        return self.env["fusion.forecast.run"].with_company(self.company_id).action_run_now()
