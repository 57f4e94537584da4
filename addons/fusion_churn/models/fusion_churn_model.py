import json
import logging
from dataclasses import replace

import pandas as pd
from markupsafe import Markup

from odoo import api, fields, models

from ai_insights.churn.clv import CLVModel
from ai_insights.churn.datasets import calibration_holdout, latest_cutoffs
from ai_insights.churn.features import build_features
from ai_insights.churn.model import train_churn_model
from ai_insights.registry.versions import CHURN_TRUSTED_TYPES
from crm_bridge.contract.errors import InsufficientDataError

_logger = logging.getLogger(__name__)

# Lifetime value is the expected margin over this many days.
VALUE_HORIZON_DAYS = 365


class FusionChurnModel(models.Model):
    """One trained version of a company's churn and lifetime value models, with its card.

    The models are stored as skops bytes (never pickle) and loaded trusting only
    ``CHURN_TRUSTED_TYPES``. One version per company is active: scoring uses it,
    and activating an older version is the rollback. A training with too little
    history is recorded too, with the reason and no model, so the registry says
    why nothing was scored.
    """

    _name = "fusion.churn.model"
    _inherit = ["fusion.model.version.mixin"]
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
    roc_auc_baseline = fields.Float("ROC-AUC of BG/NBD", digits=(4, 3), readonly=True)
    brier_baseline = fields.Float("Brier score of BG/NBD", digits=(4, 3), readonly=True)
    clv_mae = fields.Float("Purchases forecast MAE", digits=(4, 2), readonly=True,
                           help="Mean absolute error of the expected number of purchases on the held-out window.")
    clv_data = fields.Binary("Lifetime value model (skops)", attachment=False, readonly=True,
                              groups="fusion_base.group_fusion_manager")
    score_count = fields.Integer("Customers scored", compute="_compute_score_count")

    def _get_quality(self):
        return self.roc_auc

    def _get_card_html_sections(self, card):
        """The generic sections, then the calibration table of the held-out window."""
        calibration = Markup().join(
            Markup("<tr><td>%.2f</td><td>%.2f</td><td>%d</td></tr>")
            % (row["predicted"], row["observed"], row["customers"])
            for row in card.get("extra", {}).get("calibration_table", []))
        return [
            *super()._get_card_html_sections(card),
            Markup("<h5>Calibration on the held-out window</h5><table class='table table-sm'>"
                   "<tr><th>Predicted</th><th>Observed</th><th>Customers</th></tr>%s</table>") % calibration,
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
        """Values of a trained version: card, metrics and skops bytes. Raises InsufficientDataError."""
        tables = self.env["fusion.churn.dataset"]._get_fusion_tables(company)
        if tables["orders"].empty:
            raise InsufficientDataError("no sale order yet")
        horizon = company.fusion_churn_horizon_days
        train_cutoff, eval_cutoff = latest_cutoffs(tables, horizon)
        churn, card = train_churn_model(tables, train_cutoff, eval_cutoff, horizon_days=horizon, version=label)
        clv, clv_mae = self._fit_clv(tables, train_cutoff, eval_cutoff, horizon)
        metrics = card.metrics
        return {
            "trained_at": pd.Timestamp(card.trained_at).tz_convert(None).to_pydatetime(),
            "data_start": card.data_window[0], "data_end": card.data_window[1],
            "train_cutoff": train_cutoff.date(), "eval_cutoff": eval_cutoff.date(), "horizon_days": horizon,
            "train_customers": card.extra["train_customers"], "eval_customers": card.extra["eval_customers"],
            "roc_auc": metrics["roc_auc"], "pr_auc": metrics["pr_auc"], "brier": metrics["brier"],
            "churn_rate": metrics["churn_rate"],
            # NaN when the baseline does not converge: stored as empty.
            "roc_auc_baseline": _finite(metrics["roc_auc_baseline_bgnbd"]),
            "brier_baseline": _finite(metrics["brier_baseline_bgnbd"]),
            "clv_mae": clv_mae,
            "card_json": json.dumps(_card_with_clv(card, clv_mae).to_dict(), default=str, sort_keys=True),
            "model_data": self._dumps_model(churn), "clv_data": self._dumps_model(clv),
        }

    @api.model
    def _fit_clv(self, tables, train_cutoff, eval_cutoff, horizon):
        """Lifetime value model fitted on the training window; its purchases MAE on the evaluation window."""
        X_train, bought_train = calibration_holdout(tables, train_cutoff, horizon)
        clv = CLVModel(horizon_days=horizon).fit(X_train, bought_train)
        X_eval, bought_eval = calibration_holdout(tables, eval_cutoff, horizon)
        mae = (pd.Series(clv.predict(X_eval), index=X_eval.index) - bought_eval).abs().mean()
        return clv, float(mae)

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
        result = churn.score(X).join(clv.value(X, horizon_days=VALUE_HORIZON_DAYS))
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
    def _get_fusion_cron_companies(self):
        """Companies the crons cover: those with sales (a hook to narrow them)."""
        groups = self.env["sale.order"].sudo()._read_group([], ["company_id"])
        return self.env["res.company"].browse([company.id for (company,) in groups])

    @api.model
    def _cron_score(self):
        companies = self._get_fusion_cron_companies()
        for done, company in enumerate(companies, 1):
            self._score(company)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(companies) - done)

    @api.model
    def _cron_train(self):
        companies = self._get_fusion_cron_companies()
        for done, company in enumerate(companies, 1):
            self._train(company)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(companies) - done)


def _finite(value):
    return value if value == value else False


def _card_with_clv(card, clv_mae):
    """The churn card with the lifetime value model's figure and purpose added."""
    return replace(
        card, extra=dict(card.extra, clv_purchases_mae=clv_mae, clv_horizon_days=VALUE_HORIZON_DAYS),
        notes=card.notes + f" Lifetime value: expected margin over the next {VALUE_HORIZON_DAYS} days from a"
                           " Pareto/NBD-anchored model corrected by the same features.")
