from odoo import fields, models


class FusionActionRule(models.Model):
    _inherit = "fusion.action.rule"

    def _get_fusion_action_partner_data(self, partner_ids, purpose):
        """Email consent is also the register's decision for the rule's purpose (``fusion.privacy.consent``).

        The subjects of customer triggers are existing customers (they were
        scored, ordered or wrote a ticket), so retention offers rest on the
        soft opt-in unless they refused; marketing needs a recorded consent.
        A refusal reaches the action log as ``no_consent_email``.
        """
        data = super()._get_fusion_action_partner_data(partner_ids, purpose)
        if data.empty:
            return data
        decisions = self.env["fusion.privacy.consent"]._get_fusion_consent(
            data["subject_id"].astype(int).tolist(), "email", purpose, fields.Date.context_today(self),
            existing_customers=True)
        allowed = dict(zip(decisions["partner_id"], decisions["allowed"], strict=True))
        data["consent_email"] = data["consent_email"].astype(bool) & data["subject_id"].map(allowed).fillna(False)
        return data
