from odoo import fields, models

from odoo.addons.fusion_recommend.models.res_partner import FUSION_USER, NBA_ACTION_SELECTION, NBA_BASIS_SELECTION


class CrmLead(models.Model):
    _inherit = "crm.lead"

    fusion_nba_action = fields.Selection(NBA_ACTION_SELECTION, "Next best action", compute="_compute_fusion_nba",
                                         groups=FUSION_USER)
    fusion_nba_basis = fields.Selection(NBA_BASIS_SELECTION, "Chosen by", compute="_compute_fusion_nba",
                                        groups=FUSION_USER)
    fusion_nba_reason = fields.Text("Why", compute="_compute_fusion_nba", groups=FUSION_USER)

    def _compute_fusion_nba(self):
        """The customer's next best action (``res.partner._get_fusion_nba``), for all these leads in one batch."""
        results = self.partner_id._get_fusion_nba()
        for lead in self:
            nba = results.get(lead.partner_id.id, {})
            lead.fusion_nba_action = nba.get("action", False)
            lead.fusion_nba_basis = nba.get("basis", False)
            lead.fusion_nba_reason = nba.get("reason", False)

    def action_fusion_nba_do(self):
        """Do the customer's next best action from the lead."""
        self.ensure_one()
        return self.partner_id.action_fusion_nba_do()
