import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from crm_bridge.contract.errors import ValidationError as CoreValidationError
from crm_bridge.privacy import RetentionPolicy, plan_retention

DATA_CLASSES = [
    ("interaction_notes", "Interaction notes"),
    ("ticket_bodies", "Ticket bodies"),
    ("key_phrases", "Ticket key phrases"),
    ("bridge_payloads", "Bridge request payloads"),
    ("score_history", "Score history"),
    ("training_labels", "Training labels"),
]
# Records a cron run changes at most before it hands over to its next run (ir.cron progress).
CRON_LIMIT = 50_000
BATCH = 1_000


class FusionPrivacyRetentionPolicy(models.Model):
    """How long one class of records is kept, and what happens after (``crm_bridge.privacy.plan_retention``).

    The dry run and the cron read the same candidates and ask the same core
    function, so the cron removes exactly what the dry run listed.
    """

    _name = "fusion.privacy.retention.policy"
    _description = "ERP-CRM Fusion: retention policy"
    _order = "data_class"

    data_class = fields.Selection(DATA_CLASSES, required=True)
    period_days = fields.Integer("Period (days)", required=True, default=365,
                                 help="Records older than this many days are anonymised or deleted.")
    action = fields.Selection([("anonymise", "Anonymise"), ("delete", "Delete")], required=True, default="anonymise")
    legal_hold = fields.Boolean(help="Suspends the policy (litigation, inspection): nothing is removed.")
    active = fields.Boolean(default=True)
    model_name = fields.Char("Model", compute="_compute_model_name",
                             help="Where the records of this class live; empty when its module is not installed.")
    dry_run_count = fields.Integer("Would go", readonly=True)
    dry_run_ids = fields.Text("Record ids that would go", readonly=True)
    dry_run_date = fields.Datetime("Dry run on", readonly=True)
    last_run_count = fields.Integer("Removed by the last run", readonly=True)
    last_run_date = fields.Datetime("Last run on", readonly=True)

    _sql_constraints = [("data_class_unique", "unique(data_class)", "One retention policy per data class.")]

    @api.constrains("period_days", "action", "data_class")
    def _check_fusion_policy(self):
        for policy in self:
            try:
                policy._get_fusion_core_policy()
            except CoreValidationError as error:
                raise ValidationError(self.env._("Invalid retention policy: %(message)s",
                                                 message=error.message)) from None

    @api.depends("data_class")
    def _compute_model_name(self):
        targets = self._get_fusion_retention_targets()
        for policy in self:
            policy.model_name = targets.get(policy.data_class, {}).get("model", False)

    def _get_fusion_core_policy(self):
        self.ensure_one()
        return RetentionPolicy(self.data_class, self.period_days, self.action, self.legal_hold)

    @api.model
    def _get_fusion_retention_targets(self):
        """{data class: {"model", "date" (field the period counts from), "domain", "anonymise" (values)}}.

        Only classes whose model and fields are installed are listed. Glue
        modules extend it with their own classes (add the class to
        ``data_class`` with ``selection_add``).
        """
        erased = f"<p>{self.env._('[erased]')}</p>"  # ticket descriptions are required: a placeholder, not nothing
        targets = {
            "interaction_notes": {"model": "mail.message", "date": "date", "anonymise": {"body": False},
                                  "domain": [("model", "=", "res.partner"), ("message_type", "=", "comment")]},
            "ticket_bodies": {"model": "helpdesk.ticket", "date": "closed_date", "anonymise": {"description": erased},
                              "domain": [("closed_date", "!=", False), ("description", "not in", [False, erased])]},
            "key_phrases": {"model": "helpdesk.ticket", "date": "create_date",
                            "anonymise": {"fusion_key_phrases": False},
                            "domain": [("fusion_key_phrases", "!=", False)]},
            "bridge_payloads": {"model": "fusion.bridge.request", "date": "create_date", "anonymise": {"result": False},
                                "domain": [("result", "!=", False)]},
            "score_history": {"model": "fusion.churn.score", "date": "scored_at", "anonymise": {}, "domain": []},
            "training_labels": {"model": "fusion.ticket.label", "date": "create_date", "anonymise": {}, "domain": []},
        }
        return {name: target for name, target in targets.items()
                if target["model"] in self.env
                and {target["date"], *target["anonymise"]} <= set(self.env[target["model"]]._fields)}

    def _get_fusion_retention_plan(self, today=None):
        """The dry run of these policies: the core's plan (data_class, res_id, date, cutoff, action)."""
        today = today or fields.Date.context_today(self)
        targets = self._get_fusion_retention_targets()
        policies = self.filtered(lambda p: p.data_class in targets)
        try:
            core = [policy._get_fusion_core_policy() for policy in policies]
        except CoreValidationError as error:
            raise ValidationError(error.message) from None
        frames = []
        for policy in policies:
            target = targets[policy.data_class]
            rows = self.env[target["model"]].sudo().with_context(active_test=False).search_read(
                target["domain"], [target["date"]])
            frames.append(pd.DataFrame({"data_class": policy.data_class, "res_id": [row["id"] for row in rows],
                                        "date": [row[target["date"]] or None for row in rows]}))
        candidates = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return plan_retention(core, candidates, today)

    def action_dry_run(self):
        """Say what a run would remove today, per policy, without removing anything."""
        plan = self._get_fusion_retention_plan()
        now = fields.Datetime.now()
        for policy in self:
            ids = plan.loc[plan["data_class"] == policy.data_class, "res_id"].astype(int).tolist()
            policy.write({"dry_run_count": len(ids), "dry_run_date": now,
                          "dry_run_ids": ", ".join(map(str, ids[:1000])) + (" ..." if len(ids) > 1000 else "")})
        return True

    def _apply_fusion_retention(self, plan, limit=None):
        """Anonymise or delete the records of ``plan``, in batches; return {data class: count}."""
        targets = self._get_fusion_retention_targets()
        done = {}
        for (data_class, action), rows in plan.groupby(["data_class", "action"]):
            target = targets[data_class]
            ids = rows["res_id"].astype(int).tolist()[:limit]
            records = self.env[target["model"]].sudo().with_context(active_test=False, tracking_disable=True)
            for start in range(0, len(ids), BATCH):
                batch = records.browse(ids[start:start + BATCH])
                if action == "delete" or not target["anonymise"]:
                    batch.unlink()
                else:
                    batch.write(target["anonymise"])
            done[data_class] = len(ids)
        return done

    def action_run(self):
        """Apply these policies now (what the dry run lists)."""
        done = self._apply_fusion_retention(self._get_fusion_retention_plan())
        now = fields.Datetime.now()
        for policy in self:
            policy.write({"last_run_count": done.get(policy.data_class, 0), "last_run_date": now,
                          "dry_run_count": 0, "dry_run_ids": False})
        return True

    @api.model
    def _cron_apply_retention(self):
        """Scheduled: every active policy not on hold, at most CRON_LIMIT records per class per run."""
        policies = self.search([("legal_hold", "=", False)])
        plan = policies._get_fusion_retention_plan()
        done = policies._apply_fusion_retention(plan, limit=CRON_LIMIT)
        now = fields.Datetime.now()
        for policy in policies:
            policy.write({"last_run_count": done.get(policy.data_class, 0), "last_run_date": now})
        remaining = len(plan) - sum(done.values())
        self.env["ir.cron"]._notify_progress(done=sum(done.values()), remaining=remaining)
