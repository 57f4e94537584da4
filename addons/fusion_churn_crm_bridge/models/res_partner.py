from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _get_fusion_churn_insights(self):
        """The bridge's one-view hook, filled with the current churn scores.

        Until an action addon proposes a next best action, the main reason the
        customer may leave stands in for it: it is what to talk about.
        """
        insights = super()._get_fusion_churn_insights()
        scores = self._get_fusion_churn_scores()
        for partner_id, texts in zip(scores, self.env["fusion.churn.score"].concat(*scores.values())
                                     ._get_fusion_reason_texts(), strict=True):
            insights[partner_id] = {"next_best_action": texts[0] if texts else False,
                                    **insights.get(partner_id, {}), "risk": scores[partner_id].probability}
        return insights
