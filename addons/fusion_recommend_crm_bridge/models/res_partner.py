from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _get_fusion_churn_insights(self):
        """The ERP panel's next best action is the recommendation's (its action and why), not a churn reason.

        Whatever insights addon fills the churn risk, the action written here
        wins: the churn glue keeps the values already present.
        """
        insights = super()._get_fusion_churn_insights()
        labels = dict(self._fields["fusion_nba_action"]._description_selection(self.env))
        for partner_id, nba in self._get_fusion_nba().items():
            if nba["action"] == "nothing" and partner_id not in insights:
                continue
            insights.setdefault(partner_id, {})["next_best_action"] = self.env._(
                "%(action)s: %(why)s", action=labels[nba["action"]], why=nba["reason"])
        return insights
