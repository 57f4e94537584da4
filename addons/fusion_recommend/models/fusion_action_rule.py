from odoo import models


class FusionActionRule(models.Model):
    _inherit = "fusion.action.rule"

    def action_fusion_compare_targeting(self):
        """Open the targeting comparison of the rule's company."""
        self.ensure_one()
        comparison = self.env["fusion.recommend.targeting"].create({"company_id": self.company_id.id})
        return comparison._get_fusion_form_action()
