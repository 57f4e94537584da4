from odoo import models

from ai_insights.actions.signals import merge_signals, signal_frame


class FusionActionRule(models.Model):
    _inherit = "fusion.action.rule"

    def _get_fusion_action_signals(self, trigger, company, today):
        """Churn-risk rules read the latest churn score of each customer (with its model and reasons) and its
        lifetime value; pushed signals still count for customers that were never scored."""
        signals = super()._get_fusion_action_signals(trigger, company, today)
        if trigger != "churn_risk":
            return signals
        scores = self.env["fusion.churn.score"].search_read(
            [("company_id", "=", company.id)],
            ["partner_id", "probability", "lifetime_value", "model_id", "reason_1", "reason_2", "reason_3"])
        if not scores:
            return signals
        own = signal_frame(
            trigger, [row["partner_id"][0] for row in scores], [row["probability"] for row in scores],
            clv=[row["lifetime_value"] for row in scores],
            model_version=[row["model_id"][1] if row["model_id"] else "" for row in scores],
            reasons=["\n".join(r for r in (row["reason_1"], row["reason_2"], row["reason_3"]) if r)
                     for row in scores],
        )
        return merge_signals(own, signals)
