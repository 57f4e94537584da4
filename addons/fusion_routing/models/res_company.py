from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    fusion_routing_enabled = fields.Boolean(
        string="Route new leads by capacity",
        help="A new lead without a salesperson goes to the one who wins that kind of lead, sells in its "
        "language and has room.")
    fusion_routing_open_limit = fields.Integer(
        string="Open work per salesperson", default=30,
        help="Most open work a salesperson should carry: a new lead counts 1, a qualified one 1.5, a proposal or "
        "a quotation 2. A sales team member can have their own limit.")
