from odoo import api, models
from odoo.tools import SQL


class SaleOrder(models.Model):
    _inherit = ["sale.order", "fusion.bridge.change.mixin"]
    _name = "sale.order"
    _fusion_change_stream = "orders"

    @api.model
    def _get_fusion_change_scope(self):
        return SQL("""SELECT o.id, o.company_id, p.commercial_partner_id AS customer_id, NULL::integer AS source_id
                        FROM sale_order o LEFT JOIN res_partner p ON p.id = o.partner_id""")
