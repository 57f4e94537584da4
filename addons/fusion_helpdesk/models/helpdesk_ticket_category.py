from odoo import api, fields, models


class HelpdeskTicketCategory(models.Model):
    _inherit = "helpdesk.ticket.category"

    fusion_code = fields.Char(
        "Analysis code", index=True, copy=False,
        help="Category of the ticket analyzer this category stands for (billing, delivery, product_defect, "
             "returns, account_access, other). Tickets of categories without a code are not used for training.")

    _sql_constraints = [
        ("fusion_code_company_unique", "unique(fusion_code, company_id)",
         "An analysis code is used by one category per company."),
    ]

    @api.model
    def _get_fusion_categories(self, company):
        """{analysis code: category} for ``company``; its own categories win over shared ones."""
        categories = self.sudo().search([("fusion_code", "!=", False), ("company_id", "in", [False, company.id])])
        result = {}
        for category in categories.sorted(lambda category: (not category.company_id, category.id)):
            result.setdefault(category.fusion_code, category)
        return result
