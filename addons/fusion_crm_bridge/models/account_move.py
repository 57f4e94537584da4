from odoo import api, models
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = ["account.move", "fusion.bridge.change.mixin"]
    _name = "account.move"
    _fusion_change_stream = "invoices"

    @api.model
    def _get_fusion_change_scope(self):
        """Customer invoices and credit notes once posted (then their payment state moves)."""
        return SQL("""SELECT m.id, m.company_id, m.commercial_partner_id AS customer_id, NULL::integer AS source_id
                        FROM account_move m
                       WHERE m.move_type IN ('out_invoice', 'out_refund') AND m.state != 'draft'""")
