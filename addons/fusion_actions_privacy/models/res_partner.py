from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    fusion_marketing_opt_out = fields.Boolean(
        compute="_compute_fusion_marketing_opt_out", inverse="_inverse_fusion_marketing_opt_out", store=False,
        help="A view of the consent register: checked when the register refuses retention offers by email to "
             "the customer (a recorded refusal or a blacklisted address). Checking it records a refusal of "
             "retention offers (and of marketing when the customer had consented to it); unchecking it records "
             "that the customer withdrew the objection. Marketing always needs a consent with its proof.")

    def _get_fusion_register_allows(self, purpose):
        """{partner id: whether the register allows emails for ``purpose``} (three queries)."""
        real = self._origin.filtered("id")  # a partner being edited in a form is its origin
        if not real:
            return {}
        decisions = self.env["fusion.privacy.consent"]._get_fusion_consent(real.ids, "email", purpose,
                                                                           existing_customers=True)
        return dict(zip(decisions["partner_id"], decisions["allowed"], strict=True))

    def _compute_fusion_marketing_opt_out(self):
        allowed = self._get_fusion_register_allows("retention")
        for partner in self:
            partner.fusion_marketing_opt_out = not allowed.get(partner._origin.id, True)

    def _inverse_fusion_marketing_opt_out(self):
        self.env["fusion.privacy.consent"].sudo().create(self._prepare_fusion_opt_out_consents())

    def _prepare_fusion_opt_out_consents(self):
        """The register records that make it say what the box now says, for the partners where it differs."""
        retention = self._get_fusion_register_allows("retention")
        marketing = self._get_fusion_register_allows("marketing")
        proof = self.env._("'Refuses offers' unchecked by %(user)s", user=self.env.user.name)
        values = []
        for partner in self.filtered("id"):
            refuses = partner.fusion_marketing_opt_out
            if refuses != retention.get(partner.id, True):
                continue  # the register already says so
            purposes = ["retention"] + (["marketing"] if refuses and marketing.get(partner.id) else [])
            values += [{"partner_id": partner.id, "channel": "email", "purpose": purpose, "source": "form",
                        "granted": not refuses, "proof": False if refuses else proof} for purpose in purposes]
        return values
