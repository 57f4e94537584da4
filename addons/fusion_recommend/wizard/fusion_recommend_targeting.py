from odoo import api, fields, models
from odoo.tools.misc import formatLang

from ai_insights.recommend.uplift import LEARNERS, compare_targeting
from crm_bridge.contract.errors import FusionError


class FusionRecommendTargeting(models.TransientModel):
    """Who the retention offers should go to: uplift-, risk- and random targeting at the same budget, measured.

    Read from the action rules' randomized experiment (the measured
    decisions of churn-risk rules that make offers, acted on or held out);
    the figures are the core's :func:`ai_insights.recommend.uplift.compare_targeting`:
    cross-fitted uplift estimates, bootstrap intervals, and the paired
    differences of uplift targeting against the two others (every policy
    scored on the same resampled customers).
    """

    _name = "fusion.recommend.targeting"
    _description = "ERP-CRM Fusion: targeting comparison"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    budget_share = fields.Float("Budget (% of customers)", default=20.0, digits=(16, 1),
                                help="Share of the customers each way of targeting may make an offer to.")
    line_ids = fields.One2many("fusion.recommend.targeting.line", "targeting_id", "Figures", readonly=True,
                               domain=[("baseline", "=", False)])
    difference_line_ids = fields.One2many("fusion.recommend.targeting.line", "targeting_id", "Differences",
                                          readonly=True, domain=[("baseline", "!=", False)])
    summary = fields.Text(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        comparisons = super().create(vals_list)
        comparisons._compute_figures()
        return comparisons

    @api.model
    def action_fusion_open(self):
        """Measure the current company's targeting and show it (the menu's entry)."""
        return self.create({"company_id": self.env.company.id})._get_fusion_form_action()

    def _get_fusion_form_action(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "views": [(False, "form")], "target": "new", "name": self.env._("Targeting comparison")}

    def action_refresh(self):
        """Measure again (e.g. with another budget) and show the figures."""
        self._compute_figures()
        return self._get_fusion_form_action()

    def _compute_figures(self):
        Partner = self.env["res.partner"]
        for comparison in self:
            (comparison.line_ids | comparison.difference_line_ids).unlink()
            experiment = Partner._get_fusion_recommend_experiment(comparison.company_id)
            treated, stayed = experiment["treated"].to_numpy(bool), experiment["stayed"].to_numpy(bool)
            try:
                # The learner the next best action uses (the core's chooser), cross-fitted here
                _model, learner, _scores = Partner._get_fusion_uplift_fit(comparison.company_id, experiment)
                table, differences = compare_targeting(
                    Partner._get_fusion_uplift_features(comparison.company_id, experiment), treated, stayed,
                    experiment["churn_risk"].to_numpy(float), budget_share=comparison.budget_share / 100,
                    learner=LEARNERS[learner](n_bootstrap=1))
            except FusionError as error:
                comparison.summary = self.env._(
                    "Not measured yet: %(offered)s offered and %(control)s held out with a measured outcome "
                    "(%(why)s).", offered=int(treated.sum()), control=int((~treated).sum()), why=error.message)
                continue
            comparison.line_ids = [fields.Command.create({
                "policy": row.policy, "per_1000": row.per_1000, "ci_low": row.ci_low, "ci_high": row.ci_high,
                "targeted": row.targeted, "treated": row.treated, "control": row.control,
            }) for row in table.itertuples(index=False)]
            comparison.difference_line_ids = [fields.Command.create({
                "policy": row.policy, "baseline": row.baseline, "per_1000": row.per_1000, "ci_low": row.ci_low,
                "ci_high": row.ci_high, "verdict": row.verdict.replace(" ", "_"),
            }) for row in differences.itertuples(index=False)]
            comparison.summary = "\n".join([self.env._(
                "Customers kept per 1,000 targeted, measured on %(n)s decisions of the retention rules (offer or "
                "control drawn at random). The uplift is estimated from what was known of each customer on the day "
                "decided, by a model that never saw the customer it scores.", n=len(treated)),
                *(comparison._get_fusion_difference_sentence(line) for line in comparison.difference_line_ids)])

    def _get_fusion_difference_sentence(self, line):
        """The reader's sentence for a paired difference ``line``: how many more customers, its interval, verdict."""
        baseline = {"risk": self.env._("risk targeting"), "random": self.env._("random targeting")}[line.baseline]
        values = {"baseline": baseline, "low": formatLang(self.env, line.ci_low, digits=0),
                  "high": formatLang(self.env, line.ci_high, digits=0),
                  "difference": formatLang(self.env, abs(line.per_1000), digits=0)}
        if line.verdict == "shown":
            return self.env._("Uplift targeting keeps %(difference)s more customers per 1,000 than %(baseline)s "
                              "(from %(low)s to %(high)s): a measured difference.", **values)
        if line.per_1000 >= 0:
            return self.env._("Uplift targeting keeps %(difference)s more customers per 1,000 than %(baseline)s "
                              "(from %(low)s to %(high)s): not a measured difference yet.", **values)
        return self.env._("Uplift targeting keeps %(difference)s fewer customers per 1,000 than %(baseline)s "
                          "(from %(low)s to %(high)s): not shown to do better.", **values)
