from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    fusion_promotion_hold = fields.Boolean(
        "Promotions held back", copy=False, groups="fusion_base.group_fusion_user",
        help="Set by an action rule when the product is scarce: no retention offer or promotion uses it.")
