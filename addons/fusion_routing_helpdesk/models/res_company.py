from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    fusion_routing_ticket_limit = fields.Integer(
        string="Open tickets per agent", default=25,
        help="Routing by skill gives an agent no more open tickets than this.")
