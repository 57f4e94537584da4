from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    fusion_churn_medium_threshold = fields.Float(
        "Medium churn risk from (%)", default=30.0,
        help="Customers whose churn probability reaches this percentage are at medium risk.")
    fusion_churn_high_threshold = fields.Float(
        "High churn risk from (%)", default=60.0,
        help="Customers whose churn probability reaches this percentage are at high risk.")
    fusion_churn_horizon_days = fields.Integer(
        "Churn horizon (days)", default=180,
        help="A customer has churned when they buy nothing during this many days. Training needs twice "
             "this much order history plus enough customers.")

    @api.constrains("fusion_churn_medium_threshold", "fusion_churn_high_threshold", "fusion_churn_horizon_days")
    def _check_fusion_churn_settings(self):
        for company in self:
            if not 0 < company.fusion_churn_medium_threshold < company.fusion_churn_high_threshold < 100:
                raise ValidationError(self.env._("Churn risk thresholds must satisfy 0 < medium < high < 100."))
            if company.fusion_churn_horizon_days < 7:
                raise ValidationError(self.env._("The churn horizon must be at least 7 days."))

    def write(self, vals):
        result = super().write(vals)
        if {"fusion_churn_medium_threshold", "fusion_churn_high_threshold"} & set(vals):
            # The customers' copy of the level follows the new thresholds, as the scores do.
            self.env["fusion.churn.score"].sudo().search([("company_id", "in", self.ids)])\
                ._write_fusion_partner_figures()
        return result

    def _get_fusion_churn_level(self, probability):
        """Risk level ('low', 'medium', 'high') of a churn probability (0..1) under this company's thresholds."""
        self.ensure_one()
        percent = probability * 100
        if percent >= self.fusion_churn_high_threshold:
            return "high"
        return "medium" if percent >= self.fusion_churn_medium_threshold else "low"
