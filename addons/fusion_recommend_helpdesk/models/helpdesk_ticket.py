from odoo import fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    fusion_product_id = fields.Many2one(
        "product.product", "Product concerned", index="btree_not_null", tracking=True,
        check_company=True, domain="[('sale_ok', '=', True)]",
        help="The product the customer complains about: it is not offered to them for a while "
             "(suggested quotation lines, recommendations over the CRM bridge).")
