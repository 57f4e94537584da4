import json
import logging
from dataclasses import replace

import pandas as pd
from markupsafe import Markup

from odoo import api, fields, models

from ai_insights.churn.features import build_features
from ai_insights.churn.production import VALUE_HORIZON_DAYS, churn_and_value_scores, train_production_models
from ai_insights.registry.versions import CHURN_TRUSTED_TYPES

_logger = logging.getLogger(__name__)


class FusionChurnModel(models.Model):
    """One trained version of a company's churn and lifetime value models, with its card.

    The models are stored as skops bytes (never pickle) and loaded trusting only
    ``CHURN_TRUSTED_TYPES``. One version per company is active: scoring uses it,
    and activating an older version is the rollback. A training with too little
    history is recorded too, with the reason and no model, so the registry says
    why nothing was scored.
    """

    _name = "fusion.churn.model"
    _inherit = ["fusion.model.version.mixin", "fusion.company.cron.mixin"]
    _description = "ERP-CRM Fusion: churn model version"
    _fusion_trusted_types = CHURN_TRUSTED_TYPES

    data_start = fields.Date("Data from", readonly=True)
    data_end = fields.Date("Data to", readonly=True)
    train_cutoff = fields.Date(readonly=True, help="Features as of this date, labels from the horizon after it.")
    eval_cutoff = fields.Date(readonly=True, help="Held-out evaluation: features as of this date, outcomes after it.")
    horizon_days = fields.Integer(readonly=True)
    train_customers = fields.Integer(readonly=True)
    eval_customers = fields.Integer(readonly=True)
    roc_auc = fields.Float("ROC-AUC", digits=(4, 3), readonly=True)
    pr_auc = fields.Float("PR-AUC", digits=(4, 3), readonly=True)
    brier = fields.Float("Brier score", digits=(4, 3), readonly=True)
    churn_rate = fields.Float("Churn rate", digits=(4, 3), readonly=True)
    roc_auc_baseline = fields.Float(
        "ROC-AUC of BG/NBD", digits=(4, 3), readonly=True,
        help="Held-out ROC-AUC of BG/NBD's expected purchases in the horizon as a churn ranking.")
    roc_auc_baseline_pnbd = fields.Float(
        "ROC-AUC of Pareto/NBD", digits=(4, 3), readonly=True,
        help="Held-out ROC-AUC of Pareto/NBD's probability alive as a churn ranking.")
    brier_baseline = fields.Float(
        "Brier score of the churn rate", digits=(4, 3), readonly=True,
        help="Held-out Brier score of giving every customer the training window's churn rate.")
    rolling_auc = fields.Float(
        "Rolling ROC-AUC", digits=(4, 3), readonly=True,
        help="Mean ROC-AUC over the rolling-origin cut-offs at the churn horizon (see the card).")
    rolling_auc_baseline = fields.Float(
        "Rolling ROC-AUC of the best baseline", digits=(4, 3), readonly=True,
        help="The better of BG/NBD's expected purchases and Pareto/NBD's probability alive, on the same cut-offs.")
    value_horizon_days = fields.Integer(
        "Value horizon (days)", readonly=True,
        help="Lifetime value is the expected margin over this many days: the horizon the value forecast was "
             "measured at on the rolling cut-offs.")
    clv_mae = fields.Float(
        "Value forecast MAE", digits=(16, 2), readonly=True,
        help="Mean absolute error of each customer's forecast revenue over the value horizon, mean over the rolling "
             "cut-offs.")
    clv_total_ratio = fields.Float(
        "Value forecast total / actual", digits=(4, 3), readonly=True,
        help="Forecast revenue of all customers over the value horizon divided by what they bought, mean over the "
             "rolling cut-offs: 1 is right, 0.9 forecasts 10% too little.")
    clv_data = fields.Binary("Lifetime value model (skops)", attachment=False, readonly=True,
                              groups="fusion_base.group_fusion_manager")
    score_count = fields.Integer("Customers scored", compute="_compute_score_count")

    def _get_quality(self):
        return self.roc_auc

    def _get_card_html_sections(self, card):
        """The generic sections, the calibration table of the held-out window, the rolling-origin evaluation."""
        calibration = Markup().join(
            Markup("<tr><td>%.2f</td><td>%.2f</td><td>%d</td></tr>")
            % (row["predicted"], row["observed"], row["customers"])
            for row in card.get("extra", {}).get("calibration_table", []))
        rolling = card.get("extra", {}).get("rolling_evaluation") or {"folds": [], "notes": []}
        cell = Markup("<td>%s</td>")
        folds = Markup().join(
            Markup("<tr>%s</tr>") % Markup().join(cell % _shown(row.get(key)) for key in ROLLING_COLUMNS)
            for row in rolling["folds"])
        return [
            *super()._get_card_html_sections(card),
            Markup("<h5>Calibration on the held-out window</h5><table class='table table-sm'>"
                   "<tr><th>Predicted</th><th>Observed</th><th>Customers</th></tr>%s</table>") % calibration,
            Markup("<h5>%s</h5><p>%s</p><table class='table table-sm'><tr>%s</tr>%s</table>") % (
                self.env._("Rolling-origin evaluation"), " ".join(rolling["notes"]),
                Markup().join(Markup("<th>%s</th>") % key for key in ROLLING_COLUMNS), folds),
        ]

    def _compute_score_count(self):
        counts = dict(self.env["fusion.churn.score"]._read_group(
            [("model_id", "in", self.ids)], ["model_id"], ["__count"]))
        for version in self:
            version.score_count = counts.get(version, 0)

    def _load(self):
        """(churn model, lifetime value model) of this version, refusing any untrusted type."""
        return self._load_model(), self._load_model("clv_data")

    def action_view_scores(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fusion_churn.action_fusion_churn_score")
        action["domain"] = [("model_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------ training

    @api.model
    def _prepare_trained_vals(self, company, label):
        """Values of a trained version: card, metrics and skops bytes. Raises InsufficientDataError.

        The training is :func:`ai_insights.churn.production.train_production_models`,
        the one ``make demo`` runs too, at the company's churn horizon; this
        adds only what is Odoo's: the customers left out of training
        (:meth:`fusion.churn.dataset._get_fusion_training_exclusions`) and the
        record's values.
        """
        tables = self.env["fusion.churn.dataset"]._get_fusion_tables(company)
        trained = train_production_models(tables, company.fusion_churn_horizon_days, version=label)
        excluded = self.env["fusion.churn.dataset"]._get_fusion_training_exclusions(company)
        card = replace(trained.card, notes=f"{trained.card.notes} {excluded['note']}".rstrip(),
                       extra=dict(trained.card.extra, erased_customers_excluded=excluded["erased_customers_excluded"]))
        metrics = card.metrics
        return {
            "trained_at": pd.Timestamp(card.trained_at).tz_convert(None).to_pydatetime(),
            "data_start": card.data_window[0], "data_end": card.data_window[1],
            "train_cutoff": trained.train_cutoff.date(), "eval_cutoff": trained.eval_cutoff.date(),
            "horizon_days": trained.churn.horizon_days,
            "train_customers": card.extra["train_customers"], "eval_customers": card.extra["eval_customers"],
            "roc_auc": metrics["roc_auc"], "pr_auc": metrics["pr_auc"], "brier": metrics["brier"],
            "churn_rate": metrics["churn_rate"],
            # NaN when a baseline does not converge or a figure cannot be measured: stored as empty.
            "roc_auc_baseline": _finite(metrics["roc_auc_baseline_bgnbd"]),
            "roc_auc_baseline_pnbd": _finite(metrics["roc_auc_baseline_pnbd"]),
            "brier_baseline": _finite(metrics["brier_baseline_rate"]),
            **{name: _finite(metrics[name]) for name in ("rolling_auc", "rolling_auc_baseline", "clv_mae",
                                                          "clv_total_ratio")},
            "value_horizon_days": trained.value_horizon_days,
            "card_json": json.dumps(card.to_dict(), default=str, sort_keys=True),
            "model_data": self._dumps_model(trained.churn), "clv_data": self._dumps_model(trained.value),
        }

    # ------------------------------------------------------------------ scoring

    @api.model
    def _score(self, company):
        """Score every customer of ``company`` with the active version; return a summary dict.

        Features, probabilities, reasons and values are computed for all
        customers at once (vectorised), then written in batches.
        """
        version = self._get_active(company)
        if not version:
            message = self.env._("No churn model in use for %(company)s: train one first.", company=company.name)
            _logger.warning(message)
            return {"company": company.name, "version": False, "scored": 0, "high_risk": 0, "message": message}
        churn, clv = version._load()
        tables = self.env["fusion.churn.dataset"]._get_fusion_tables(company)
        scored_at = fields.Datetime.now()
        # Versions stored before the value horizon was recorded valued a year.
        result = churn_and_value_scores(churn, clv, build_features(tables, scored_at),
                                        version.value_horizon_days or VALUE_HORIZON_DAYS)
        scores = self.env["fusion.churn.score"].sudo()._replace_scores(company, version, result, scored_at)
        high = sum(1 for level in scores.mapped("risk_level") if level == "high")
        _logger.info("Churn scoring of %s with %s: %d customers, %d at high risk", company.name, version.name,
                     len(scores), high)
        return {"company": company.name, "version": version.name, "scored": len(scores), "high_risk": high,
                "message": self.env._("%(scored)d customers scored with %(version)s, %(high)d at high risk.",
                                      scored=len(scores), version=version.name, high=high)}

    # ------------------------------------------------------------------ entry points: buttons, RPC, crons

    @api.model
    def score_customers(self):
        """Score the current company's customers now (managers); the summary of :meth:`_score`."""
        self._check_manager()
        return self._score(self.env.company)

    @api.model
    def action_score_now(self):
        summary = self.score_customers()
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "title": self.env._("Churn scoring"), "message": summary["message"],
            "type": "success" if summary["scored"] else "warning", "sticky": False}}

    @api.model
    def _cron_score(self):
        self._fusion_run_per_company("_score")

    @api.model
    def _cron_train(self):
        self._fusion_run_per_company("_train")


def _finite(value):
    return value if value == value else False


# Columns of the rolling-origin table on the card.
ROLLING_COLUMNS = ("horizon_days", "origin", "train_days", "auc", "auc_bgnbd_expected", "auc_pnbd_alive",
                   "total_ratio_model", "total_ratio_bgnbd", "total_ratio_pnbd", "mae_model", "mae_bgnbd", "mae_pnbd")


def _shown(value):
    """A card cell: numbers with three decimals, unknown as a dash."""
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)
