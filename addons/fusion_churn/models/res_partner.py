from odoo import api, fields, models

from .fusion_churn_score import RISK_LEVELS, order_risk_levels

FUSION_USER = "fusion_base.group_fusion_user"


class ResPartner(models.Model):
    """Churn risk and lifetime value of the customer (its commercial partner) in the current company.

    Probability, level and value are stored per company (``company_dependent``) so customer lists sort, group
    and filter by them; scoring writes them (:meth:`fusion.churn.score._write_fusion_partner_figures`).
    """

    _inherit = "res.partner"

    fusion_churn_score_ids = fields.One2many("fusion.churn.score", "partner_id", groups=FUSION_USER)
    fusion_churn_probability = fields.Float(
        "Churn probability", company_dependent=True, readonly=True, aggregator="avg", groups=FUSION_USER,
        help="Chance that the customer buys nothing during the churn horizon, as last scored.")
    fusion_churn_level = fields.Selection(
        RISK_LEVELS, "Churn risk", company_dependent=True, readonly=True, groups=FUSION_USER,
        help="Low, medium or high under the company's thresholds (Settings), as last scored.")
    fusion_lifetime_value = fields.Float(
        "Lifetime value", company_dependent=True, readonly=True, aggregator="sum", groups=FUSION_USER,
        help="Expected margin over the value horizon of the model version that last scored the customer "
             "(Lifetime value horizon; 365 days when the history allows), in the company's currency.")
    fusion_churn_top_reason = fields.Char("Main churn reason", compute="_compute_fusion_churn", groups=FUSION_USER)
    fusion_churn_reasons = fields.Text("Why at risk", compute="_compute_fusion_churn", groups=FUSION_USER)
    fusion_lifetime_value_days = fields.Integer(
        "Lifetime value horizon (days)", compute="_compute_fusion_churn", groups=FUSION_USER,
        help="Days the lifetime value covers: the value horizon of the model version that scored the customer.")
    fusion_churn_scored_at = fields.Datetime("Risk scored on", compute="_compute_fusion_churn", groups=FUSION_USER)

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners.filtered("parent_id")._copy_fusion_churn_figures()
        return partners

    def write(self, vals):
        result = super().write(vals)
        if vals.get("parent_id"):
            self._copy_fusion_churn_figures()
        return result

    def _copy_fusion_churn_figures(self):
        """Give contacts added to a scored customer the customer's risk and value at once."""
        if self:
            self.env["fusion.churn.score"].sudo().search([
                ("partner_id", "in", self.commercial_partner_id.ids),
            ])._write_fusion_partner_figures()

    @api.depends_context("company", "lang")
    @api.depends("commercial_partner_id.fusion_churn_score_ids.probability",
                 "commercial_partner_id.fusion_churn_score_ids.reason_data")
    def _compute_fusion_churn(self):
        scores = self._get_fusion_churn_scores()
        empty = self.env["fusion.churn.score"]
        # Every shown score's reasons in the user's language at once (fusion.reason, no query per partner)
        shown = empty.union(*scores.values())
        texts = dict(zip(shown.ids, shown._get_fusion_reason_texts(), strict=True))
        for partner in self:
            score = scores.get(partner._origin.commercial_partner_id.id, empty)
            reasons = texts.get(score.id, [])
            partner.fusion_churn_top_reason = reasons[0] if reasons else False
            partner.fusion_churn_reasons = "\n".join(reasons) or False
            partner.fusion_lifetime_value_days = score.value_horizon_days
            partner.fusion_churn_scored_at = score.scored_at

    def _get_fusion_churn_scores(self):
        """{commercial partner id: score in the current company} for these partners, in one query."""
        scores = self.env["fusion.churn.score"].search([
            ("partner_id", "in", self._origin.commercial_partner_id.ids), ("company_id", "=", self.env.company.id),
        ])
        return {score.partner_id.id: score for score in scores}

    @api.model
    def _read_group_orderby(self, order, groupby_terms, query):
        return super()._read_group_orderby(order, order_risk_levels(groupby_terms, "fusion_churn_level"), query)

    def action_view_fusion_churn_score(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fusion_churn.action_fusion_churn_score")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action
