from odoo import api, fields, models
from odoo.tools import SQL

FUSION_USER = "fusion_base.group_fusion_user"


class CrmLead(models.Model):
    """The ERP side of the lead's customer, without leaving the lead."""

    _inherit = ["crm.lead", "fusion.bridge.change.mixin"]
    _name = "crm.lead"
    _fusion_change_stream = "leads"

    fusion_erp_panel = fields.Html("ERP", compute="_compute_fusion_erp", sanitize=False, groups=FUSION_USER)
    fusion_overdue_invoice_count = fields.Integer(
        "Overdue invoices", compute="_compute_fusion_erp", groups=FUSION_USER)
    fusion_open_order_count = fields.Integer("Open orders", compute="_compute_fusion_erp", groups=FUSION_USER)

    def _compute_fusion_erp(self):
        partners = self.partner_id
        summaries = partners._get_fusion_erp_summaries()
        for lead in self:
            summary = summaries.get(lead.partner_id._origin.commercial_partner_id.id)
            lead.fusion_open_order_count = len(summary["orders"]) if summary else 0
            lead.fusion_overdue_invoice_count = len(summary["overdue"]) if summary else 0
            lead.fusion_erp_panel = partners._render_fusion_erp_panel(summary) if summary else False

    @api.model
    def _get_fusion_change_scope(self):
        return SQL("""SELECT l.id, l.company_id, p.commercial_partner_id AS customer_id, NULL::integer AS source_id
                        FROM crm_lead l LEFT JOIN res_partner p ON p.id = l.partner_id""")
