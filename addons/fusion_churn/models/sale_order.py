from odoo import fields, models

FUSION_USER = "fusion_base.group_fusion_user"


class SaleOrder(models.Model):
    """The customer's churn risk, for a banner on the order."""

    _inherit = "sale.order"

    fusion_churn_level = fields.Selection(related="partner_id.fusion_churn_level", groups=FUSION_USER)
    fusion_churn_top_reason = fields.Char(related="partner_id.fusion_churn_top_reason", groups=FUSION_USER)
