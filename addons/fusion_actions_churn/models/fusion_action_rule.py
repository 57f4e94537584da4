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
        scores = self.env["fusion.churn.score"].search([("company_id", "=", company.id)])
        if not scores:
            return signals
        own = signal_frame(
            trigger, [score.partner_id.id for score in scores], scores.mapped("probability"),
            clv=scores.mapped("lifetime_value"),
            model_version=[score.model_id.display_name or "" for score in scores],
            # In the language of whoever runs the rules (the cron's user), as the score's reasons read to them
            reasons=["\n".join(texts) for texts in scores._get_fusion_reason_texts()],
        )
        return merge_signals(own, signals)
