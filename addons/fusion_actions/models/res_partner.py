from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    fusion_marketing_opt_out = fields.Boolean(
        "Refuses offers", groups="base.group_user",
        help="The customer refused retention offers and marketing messages: automated actions with a marketing "
             "purpose never write to them (service messages still go, unless the address is blacklisted).")
