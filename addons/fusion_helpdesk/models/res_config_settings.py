from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_helpdesk_confidence = fields.Float(related="company_id.fusion_helpdesk_confidence", readonly=False)
    fusion_helpdesk_auto_route = fields.Boolean(related="company_id.fusion_helpdesk_auto_route", readonly=False)
    fusion_helpdesk_negative_score = fields.Float(related="company_id.fusion_helpdesk_negative_score", readonly=False)
    fusion_helpdesk_valuable_clv = fields.Float(related="company_id.fusion_helpdesk_valuable_clv", readonly=False)
    fusion_helpdesk_escalation_user_id = fields.Many2one(
        related="company_id.fusion_helpdesk_escalation_user_id", readonly=False)
    fusion_helpdesk_active_model_id = fields.Many2one(
        "fusion.ticket.model", "Ticket analyzer in use", compute="_compute_fusion_helpdesk_active_model_id")

    def _compute_fusion_helpdesk_active_model_id(self):
        for settings in self:
            settings.fusion_helpdesk_active_model_id = self.env["fusion.ticket.model"]._get_active(settings.company_id)

    def action_fusion_helpdesk_train(self):
        self.ensure_one()
        return self.env["fusion.ticket.model"].action_train_now()
