import json
import logging
from dataclasses import replace

import pandas as pd
from markupsafe import Markup

from odoo import api, fields, models

from ai_insights.churn.datasets import data_end, latest_cutoffs
from ai_insights.churn.evaluation import rolling_evaluation, rolling_origins, train_value_model
from ai_insights.churn.features import build_features
from ai_insights.churn.model import train_churn_model
from ai_insights.registry.versions import CHURN_TRUSTED_TYPES
from crm_bridge.contract.errors import InsufficientDataError

_logger = logging.getLogger(__name__)

# Lifetime value is the expected margin over this many days when the history allows measuring it there;
# otherwise over the churn horizon. Either way the version names the horizon it measured and scoring uses it.
VALUE_HORIZON_DAYS = 365
# Cut-offs of the rolling-origin evaluation stored on every version's card.
EVALUATION_FOLDS = 4


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

        The churn model learns on the window before the held-out one; the
        rolling-origin evaluation (``ai_insights.churn.evaluation``) judges
        both models against BG/NBD and Pareto/NBD at the churn horizon and at
        the value horizon, and chooses the lifetime value anchor on its
        earlier cut-offs; its result goes on the card.
        """
        tables = self.env["fusion.churn.dataset"]._get_fusion_tables(company)
        if tables["orders"].empty:
            raise InsufficientDataError("no sale order yet")
        horizon = company.fusion_churn_horizon_days
        train_cutoff, eval_cutoff = latest_cutoffs(tables, horizon)
        churn, card = train_churn_model(tables, train_cutoff, eval_cutoff, horizon_days=horizon, version=label)
        value_horizon = self._get_fusion_value_horizon(tables, horizon)
        evaluation = rolling_evaluation(tables, sorted({horizon, value_horizon}), EVALUATION_FOLDS)
        # Trained as every fold of the evaluation trained it, at the value horizon, on the latest window.
        clv = train_value_model(tables, data_end(tables), value_horizon, evaluation.anchor)
        metrics, summary = card.metrics, evaluation.summary
        weeks = f"{round(value_horizon / 7)}w"
        rolling = {
            "rolling_auc": summary["auc"], "rolling_auc_baseline": max(
                summary["auc_bgnbd_expected"], summary["auc_pnbd_alive"]),
            "clv_mae": summary.get(f"mae_model_{weeks}", float("nan")),
            "clv_total_ratio": summary.get(f"total_ratio_model_{weeks}", float("nan")),
        }
        excluded = self.env["fusion.churn.dataset"]._get_fusion_training_exclusions(company)
        card = replace(
            card, metrics=dict(metrics, **rolling),
            extra=dict(card.extra, value_horizon_days=value_horizon, value_train_days=clv.horizon_days,
                       value_spend_scale=clv.spend_scale_,
                       rolling_evaluation=evaluation.to_dict(),
                       erased_customers_excluded=excluded["erased_customers_excluded"]),
            notes=card.notes + f" Lifetime value: expected margin over the next {value_horizon} days from a"
                               f" {evaluation.anchor}-anchored model (anchor refitted on the customers when"
                               " scoring) whose correction by the same features only re-ranks customers; trained"
                               f" on the purchases of the last {clv.horizon_days} days of data, as each cut-off of"
                               f" the rolling evaluation trained it for the {value_horizon}-day horizon; a"
                               " purchase is valued at the customer's shrunk mean order value times"
                               f" {clv.spend_scale_:.3f}, what a purchase in that window was worth against what"
                               " the forecast valued it. "
                               + (f"{clv.correction_note_} " if clv.correction_note_ else "") + excluded["note"])
        return {
            "trained_at": pd.Timestamp(card.trained_at).tz_convert(None).to_pydatetime(),
            "data_start": card.data_window[0], "data_end": card.data_window[1],
            "train_cutoff": train_cutoff.date(), "eval_cutoff": eval_cutoff.date(), "horizon_days": horizon,
            "train_customers": card.extra["train_customers"], "eval_customers": card.extra["eval_customers"],
            "roc_auc": metrics["roc_auc"], "pr_auc": metrics["pr_auc"], "brier": metrics["brier"],
            "churn_rate": metrics["churn_rate"],
            # NaN when a baseline does not converge or a figure cannot be measured: stored as empty.
            "roc_auc_baseline": _finite(metrics["roc_auc_baseline_bgnbd"]),
            "roc_auc_baseline_pnbd": _finite(metrics["roc_auc_baseline_pnbd"]),
            "brier_baseline": _finite(metrics["brier_baseline_rate"]),
            **{name: _finite(value) for name, value in rolling.items()},
            "value_horizon_days": value_horizon,
            "card_json": json.dumps(card.to_dict(), default=str, sort_keys=True),
            "model_data": self._dumps_model(churn), "clv_data": self._dumps_model(clv),
        }

    @api.model
    def _get_fusion_value_horizon(self, tables, churn_horizon):
        """Days the lifetime value covers: a year when the history allows measuring it there, else the churn horizon."""
        try:
            rolling_origins(tables, VALUE_HORIZON_DAYS, 1)
        except InsufficientDataError:
            return churn_horizon
        return VALUE_HORIZON_DAYS

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
        X = build_features(tables, scored_at)
        try:
            clv.rebase(X)  # the anchor on today's customers, as the card's evaluation did at each cut-off
        except InsufficientDataError as error:
            _logger.warning("Lifetime value of %s: anchor kept from training (%s)", company.name, error.message)
        value = clv.value(X, horizon_days=version.value_horizon_days or VALUE_HORIZON_DAYS)
        result = churn.score(X).join(value)
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
