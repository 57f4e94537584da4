from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_routing_ticket_limit = fields.Integer(related="company_id.fusion_routing_ticket_limit", readonly=False)
