from odoo import api, models
from odoo.tools import SQL


class StockPicking(models.Model):
    _inherit = ["stock.picking", "fusion.bridge.change.mixin"]
    _name = "stock.picking"
    _fusion_change_stream = "deliveries"

    @api.model
    def _get_fusion_change_scope(self):
        """Deliveries of sales orders, followed through the order's customer."""
        return SQL("""SELECT sp.id, sp.company_id, p.commercial_partner_id AS customer_id, NULL::integer AS source_id
                        FROM stock_picking sp
                        JOIN stock_picking_type t ON t.id = sp.picking_type_id AND t.code = 'outgoing'
                        JOIN sale_order o ON o.id = sp.sale_id
                        LEFT JOIN res_partner p ON p.id = o.partner_id""")
