from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from .fusion_churn_score import RISK_LEVELS

FUSION_USER = "fusion_base.group_fusion_user"


class ResPartner(models.Model):
    """Churn risk and lifetime value of the customer (its commercial partner) in the current company."""

    _inherit = "res.partner"

    fusion_churn_score_ids = fields.One2many("fusion.churn.score", "partner_id", groups=FUSION_USER)
    fusion_churn_probability = fields.Float(
        "Churn probability", compute="_compute_fusion_churn", groups=FUSION_USER,
        help="Chance that the customer buys nothing during the churn horizon, as last scored.")
    fusion_churn_level = fields.Selection(
        RISK_LEVELS, "Churn risk level", compute="_compute_fusion_churn", search="_search_fusion_churn_level",
        groups=FUSION_USER)
    fusion_churn_top_reason = fields.Char("Main churn reason", compute="_compute_fusion_churn", groups=FUSION_USER)
    fusion_churn_reasons = fields.Text("Why at risk", compute="_compute_fusion_churn", groups=FUSION_USER)
    fusion_lifetime_value = fields.Monetary(
        "Lifetime value", compute="_compute_fusion_churn", groups=FUSION_USER,
        help="Expected margin over the value horizon of the model version that last scored the customer "
             "(Lifetime value horizon; 365 days when the history allows): the horizon its card measured.")
    fusion_lifetime_value_days = fields.Integer(
        "Lifetime value horizon (days)", compute="_compute_fusion_churn", groups=FUSION_USER,
        help="Days the lifetime value covers: the value horizon of the model version that scored the customer.")
    fusion_churn_scored_at = fields.Datetime("Risk scored on", compute="_compute_fusion_churn", groups=FUSION_USER)

    @api.depends_context("company")
    @api.depends("commercial_partner_id.fusion_churn_score_ids.probability")
    def _compute_fusion_churn(self):
        scores = self._get_fusion_churn_scores()
        empty = self.env["fusion.churn.score"]
        for partner in self:
            score = scores.get(partner._origin.commercial_partner_id.id, empty)
            reasons = [reason for reason in (score.reason_1, score.reason_2, score.reason_3) if reason]
            partner.fusion_churn_probability = score.probability
            partner.fusion_churn_level = score.risk_level
            partner.fusion_churn_top_reason = reasons[0] if reasons else False
            partner.fusion_churn_reasons = "\n".join(reasons) or False
            partner.fusion_lifetime_value = score.lifetime_value
            partner.fusion_lifetime_value_days = score.value_horizon_days
            partner.fusion_churn_scored_at = score.scored_at

    def _get_fusion_churn_scores(self):
        """{commercial partner id: score in the current company} for these partners, in one query."""
        scores = self.env["fusion.churn.score"].search([
            ("partner_id", "in", self._origin.commercial_partner_id.ids), ("company_id", "=", self.env.company.id),
        ])
        return {score.partner_id.id: score for score in scores}

    def _search_fusion_churn_level(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported operator %s on the churn risk.", operator))
        levels = set(value) if isinstance(value, (list, tuple)) else {value}
        in_company = [("company_id", "=", self.env.company.id)]
        domain = [("commercial_partner_id.fusion_churn_score_ids", "any",
                   in_company + [("risk_level", "in", [level for level in levels if level])])]
        if False in levels:  # no level: never scored in this company
            domain = expression.OR([domain, [("commercial_partner_id.fusion_churn_score_ids", "not any", in_company)]])
        return domain if operator in ("=", "in") else ["!", *domain]

    def action_view_fusion_churn_score(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fusion_churn.action_fusion_churn_score")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action
