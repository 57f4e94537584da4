from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _get_fusion_churn_insights(self):
        """The bridge's one-view hook, filled with the current churn scores.

        Until an action addon proposes a next best action, the main reason the
        customer may leave stands in for it: it is what to talk about.
        """
        insights = super()._get_fusion_churn_insights()
        for partner_id, score in self._get_fusion_churn_scores().items():
            insights[partner_id] = {"next_best_action": score.reason_1 or False,
                                    **insights.get(partner_id, {}), "risk": score.probability}
        return insights
