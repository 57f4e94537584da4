import pandas as pd

from odoo import models


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
        frame = pd.DataFrame({
            "subject_id": [row["partner_id"][0] for row in scores],
            "churn_risk": [row["probability"] for row in scores],
            "clv": [row["lifetime_value"] if row["lifetime_value"] else float("nan") for row in scores],
            "model_version": [row["model_id"][1] if row["model_id"] else "" for row in scores],
            "reasons": ["\n".join(r for r in (row["reason_1"], row["reason_2"], row["reason_3"]) if r)
                        for row in scores],
        })
        frame["event_ref"] = frame["subject_id"].astype(str)
        if signals.empty:
            return frame
        return pd.concat([frame, signals[~signals["subject_id"].isin(frame["subject_id"])]], ignore_index=True)
