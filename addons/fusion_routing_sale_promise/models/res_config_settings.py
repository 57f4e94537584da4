from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_split_cost = fields.Float(related="company_id.fusion_split_cost", readonly=False)
