from odoo import api, models


class FusionPrivacyErasure(models.Model):
    _inherit = "fusion.privacy.erasure"

    @api.model
    def _get_fusion_partner_holdings(self, partners):
        """The partners' bridge bindings are anonymised, not deleted: a source sees a partner's changes through
        its binding, so deleting it would hide the deletion event from the external CRM that must erase too."""
        holdings, family, owner = super()._get_fusion_partner_holdings(partners)
        bindings = holdings["model"] == "fusion.bridge.binding"
        holdings.loc[bindings, "kind"] = "personal"
        return holdings, family, owner

    @api.model
    def _on_fusion_erased(self, partners):
        """Emit a ``delete`` on the changes feed's ``partners`` stream, in the erasure's transaction."""
        result = super()._on_fusion_erased(partners)
        self.env["fusion.bridge.change"].sudo()._record_changes("partners", partners.ids, "delete")
        return result
