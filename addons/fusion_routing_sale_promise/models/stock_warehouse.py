from odoo import api, fields, models
from odoo.exceptions import ValidationError


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    fusion_shipping_cost = fields.Float(
        string="Shipping cost per order", digits="Product Price",
        help="What shipping an order from this warehouse costs, in the company's currency: at the same delivery "
        "date, the warehouse proposal prefers the one whose shipping and extra shipments cost least.")

    @api.constrains("fusion_shipping_cost")
    def _check_fusion_shipping_cost(self):
        if any(warehouse.fusion_shipping_cost < 0 for warehouse in self):
            raise ValidationError(self.env._("A shipping cost cannot be negative."))
