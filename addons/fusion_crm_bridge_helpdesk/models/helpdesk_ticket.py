from odoo import api, models
from odoo.tools import SQL


class HelpdeskTicket(models.Model):
    """Tickets publish their changes in the bridge's outbox, like partners, leads and orders."""

    _inherit = ["helpdesk.ticket", "fusion.bridge.change.mixin"]
    _name = "helpdesk.ticket"
    _fusion_change_stream = "tickets"

    @api.model
    def _get_fusion_change_scope(self):
        return SQL("""SELECT t.id, t.company_id, p.commercial_partner_id AS customer_id, NULL::integer AS source_id
                        FROM helpdesk_ticket t LEFT JOIN res_partner p ON p.id = t.partner_id""")
