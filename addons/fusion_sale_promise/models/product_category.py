from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    fusion_margin_floor = fields.Float(
        string="Margin floor (%)",
        help="Minimum margin on the price for the products of this category, overriding the "
        "company's. Leave at 0 to use the company's floor.",
    )
