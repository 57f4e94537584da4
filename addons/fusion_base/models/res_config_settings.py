from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_data_purpose_count = fields.Integer(
        string="Declared data uses", compute="_compute_fusion_data_purpose_count"
    )

    @api.depends("company_id")  # computed on the settings page's new record, like the other settings
    def _compute_fusion_data_purpose_count(self):
        count = self.env["fusion.data.purpose"].search_count([])
        for settings in self:
            settings.fusion_data_purpose_count = count
