from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_churn_medium_threshold = fields.Float(
        related="company_id.fusion_churn_medium_threshold", readonly=False)
    fusion_churn_high_threshold = fields.Float(related="company_id.fusion_churn_high_threshold", readonly=False)
    fusion_churn_horizon_days = fields.Integer(related="company_id.fusion_churn_horizon_days", readonly=False)
    fusion_churn_active_model_id = fields.Many2one(
        "fusion.churn.model", string="Active churn model", compute="_compute_fusion_churn_active_model_id")

    # The settings page computes on a new record: without the dependency the field stayed empty (issue 11).
    @api.depends("company_id")
    def _compute_fusion_churn_active_model_id(self):
        for settings in self:
            settings.fusion_churn_active_model_id = self.env["fusion.churn.model"]._get_active(
                settings.company_id._origin)

    def action_fusion_churn_train(self):
        self.ensure_one()
        return self.env["fusion.churn.model"].with_company(self.company_id).action_train_now()

    def action_fusion_churn_score(self):
        self.ensure_one()
        return self.env["fusion.churn.model"].with_company(self.company_id).action_score_now()
