from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model
    def _get_fusion_customer_value(self, partners):
        """The guardrail's customer value hook, filled with the current churn scores (one query)."""
        values = super()._get_fusion_customer_value(partners)
        for partner_id, score in partners.sudo()._get_fusion_churn_scores().items():
            values[partner_id] = dict(values.get(partner_id, {}), churn_risk=score.probability,
                                      clv=score.lifetime_value or None)
        return values
