from odoo import fields, models


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    fusion_lang_ids = fields.Many2many(
        "res.lang", string="Sells in",
        help="Languages this salesperson can sell in. Empty: any language.")
    fusion_open_limit = fields.Integer(
        string="Open work limit",
        help="Most open work this salesperson should carry (a new lead counts 1, a qualified one 1.5, a "
        "proposal or a quotation 2). Zero: the company's limit.")
