from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_forecast_allocation = fields.Boolean(related="company_id.fusion_forecast_allocation", readonly=False)
    fusion_forecast_segment_priority = fields.Char(related="company_id.fusion_forecast_segment_priority",
                                                   readonly=False)
