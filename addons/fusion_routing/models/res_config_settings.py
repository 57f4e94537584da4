from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_routing_enabled = fields.Boolean(related="company_id.fusion_routing_enabled", readonly=False)
    fusion_routing_open_limit = fields.Integer(related="company_id.fusion_routing_open_limit", readonly=False)
