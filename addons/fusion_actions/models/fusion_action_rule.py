from collections import Counter, defaultdict
from datetime import timedelta

import numpy as np
import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import html_escape

from ai_insights.actions import CUSTOMER_TRIGGERS, EVENT_TRIGGERS, Rule, evaluate_rules, measure_impact, plan_offers
from ai_insights.actions.offers import deliverable, offer_candidates
from ai_insights.actions.signals import signal_frame
from crm_bridge.contract.errors import FusionError
from crm_bridge.pricing.guardrail import PricingPolicy
from crm_bridge.tables.odoo import customer_segment

from .fusion_action_signal import TRIGGER_SELECTION


class FusionActionRule(models.Model):
    """When a prediction or an event should trigger an action, for whom, and what to do.

    The decisions are the core's (``ai_insights.actions``): the rule is turned
    into a validated :class:`ai_insights.actions.Rule`, the subjects are read in
    batches, and :func:`~ai_insights.actions.evaluate_rules` applies the
    conditions, consent, episodes and the deterministic control group.
    """

    _name = "fusion.action.rule"
    _inherit = ["fusion.company.cron.mixin"]
    _description = "ERP-CRM Fusion: action rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    # trigger
    trigger = fields.Selection(TRIGGER_SELECTION, required=True, default="churn_risk")
    threshold = fields.Float(
        digits=(16, 3), default=0.6,
        help="Customer triggers: a probability in [0, 1], fires at or above it. Scarce product and stock-out "
             "forecast: fires at or below this many days; overstock: at or above.")
    # conditions
    segment = fields.Selection([("all", "All customers"), ("b2b", "Companies (B2B)"), ("b2c", "Individuals (B2C)")],
                               default="all", required=True)
    min_clv = fields.Float("Minimum lifetime value")
    max_clv = fields.Float("Maximum lifetime value", help="0: no maximum.")
    min_risk = fields.Float("Minimum churn risk", digits=(16, 3), default=0.0)
    max_risk = fields.Float("Maximum churn risk", digits=(16, 3), default=1.0)
    purpose = fields.Selection(
        [("retention", "Retention and offers (marketing)"), ("service", "Service information")],
        default="retention", required=True,
        help="Messages with a marketing purpose only go to customers who did not refuse offers; every message "
             "respects the email blacklist.")
    # actions
    do_activity = fields.Boolean("Schedule an activity for the owner", default=True)
    activity_type_id = fields.Many2one("mail.activity.type", ondelete="restrict")
    user_id = fields.Many2one("res.users", "Default owner", default=lambda self: self.env.user,
                              help="Owner of the activities when the customer has no salesperson, and of product "
                                   "proposals.")
    do_email = fields.Boolean("Send an email")
    mail_template_id = fields.Many2one("mail.template", "Email template", ondelete="restrict",
                                       domain=[("model", "=", "res.partner")])
    do_offer = fields.Boolean("Create a retention offer")
    offer_discount = fields.Float("Offer discount (%)", digits=(16, 2),
                                  help="Lowered to what the pricing guardrail allows for the product and customer.")
    offer_product_ids = fields.Many2many(
        "product.product", string="Products to offer",
        help="In order of preference; only those deliverable in time are used. Empty: the products each customer "
             "buys most, most bought first.")
    do_escalate = fields.Boolean("Escalate")
    escalate_user_id = fields.Many2one("res.users", "Escalate to")
    do_hold_promotion = fields.Boolean("Hold back promotions of the product")
    do_replenish = fields.Boolean("Propose a replenishment")
    # measurement
    control_share = fields.Float("Control group (%)", digits=(16, 1), default=20.0,
                                 help="Share of the matching customers that get nothing, to measure the impact.")
    cooldown_days = fields.Integer("Episode length (days)", default=90,
                                   help="A customer is acted on at most once per episode.")
    outcome_days = fields.Integer("Outcome window (days)", default=90,
                                  help="Days after an action over which its outcome is observed.")
    action_cost = fields.Float("Cost per action", help="Cost of one action (a call, a message), for the report.")
    salt = fields.Char(copy=False, default=lambda self: fields.Datetime.now().isoformat(),
                       help="Seeds the control group; changing it redraws the split.")
    # impact
    log_ids = fields.One2many("fusion.action.log", "rule_id")
    log_count = fields.Integer(compute="_compute_impact")
    treated_count = fields.Integer(compute="_compute_impact")
    control_count = fields.Integer(compute="_compute_impact")
    uplift = fields.Float("Churn uplift (points)", compute="_compute_impact", digits=(16, 1),
                          help="Churn rate of the control group minus that of the treated: positive is good.")
    uplift_ci_low = fields.Float(compute="_compute_impact", digits=(16, 1))
    uplift_ci_high = fields.Float(compute="_compute_impact", digits=(16, 1))
    impact_summary = fields.Text(compute="_compute_impact")

    _sql_constraints = [
        ("control_share_range", "CHECK(control_share >= 0 AND control_share < 100)",
         "The control group is a share between 0 and 100 %."),
    ]

    # ------------------------------------------------------------ validation

    def _to_core_rule(self):
        """The rule as the core sees it; raises the core's structured error when impossible."""
        self.ensure_one()
        actions = [name for name, flag in (
            ("activity", self.do_activity), ("email", self.do_email), ("offer", self.do_offer),
            ("escalate", self.do_escalate), ("hold_promotion", self.do_hold_promotion),
            ("replenish", self.do_replenish)) if flag]
        customer = self.trigger in CUSTOMER_TRIGGERS
        return Rule(
            rule_id=self.id or 0, name=self.name or "", trigger=self.trigger, threshold=self.threshold,
            actions=tuple(actions),
            segments={"all": (), "b2b": ("B2B",), "b2c": ("B2C",)}[self.segment] if customer else (),
            min_clv=(self.min_clv or None) if customer else None,
            max_clv=(self.max_clv or None) if customer else None,
            min_risk=(self.min_risk or None) if customer else None,
            max_risk=self.max_risk if customer and self.max_risk < 1 else None,
            discount=self.offer_discount / 100 if self.do_offer else 0.0,
            control_share=self.control_share / 100, cooldown_days=self.cooldown_days, purpose=self.purpose,
            action_cost=self.action_cost, salt=self.salt or "",
        )

    @api.constrains("trigger", "threshold", "segment", "min_clv", "max_clv", "min_risk", "max_risk", "do_activity",
                    "do_email", "do_offer", "do_escalate", "do_hold_promotion", "do_replenish", "offer_discount",
                    "control_share", "cooldown_days", "action_cost", "mail_template_id", "escalate_user_id",
                    "offer_product_ids", "outcome_days")
    def _check_rule(self):
        for rule in self:
            try:
                rule._to_core_rule()
            except FusionError as error:
                raise ValidationError(self.env._("Rule %(rule)s: %(message)s (%(field)s)", rule=rule.name,
                                                 message=error.message, field=error.field)) from error
            if rule.do_email and not rule.mail_template_id:
                raise ValidationError(self.env._("Rule %s sends an email: choose its template.", rule.name))
            if rule.mail_template_id and rule.mail_template_id.model != "res.partner":
                raise ValidationError(self.env._("The email template must be one for contacts (res.partner)."))
            if rule.do_escalate and not rule.escalate_user_id:
                raise ValidationError(self.env._("Rule %s escalates: choose to whom.", rule.name))
            if rule.outcome_days < 1:
                raise ValidationError(self.env._("The outcome window is at least one day."))

    # ------------------------------------------------------------ impact

    def _compute_impact(self):
        logs = self.env["fusion.action.log"].search_read(
            [("rule_id", "in", self.ids), ("status", "in", ("act", "control"))],
            ["rule_id", "status", "outcome_measured", "outcome_churned", "outcome_reordered", "outcome_cancelled",
             "outcome_margin", "cost"])
        frame = pd.DataFrame(logs, columns=["rule_id", "status", "outcome_measured", "outcome_churned",
                                            "outcome_reordered", "outcome_cancelled", "outcome_margin", "cost"])
        frame["rule_id"] = [value[0] if value else False for value in frame["rule_id"]]
        for rule in self:
            mine = frame[frame["rule_id"] == rule.id]
            rule.log_count = len(mine)
            rule.treated_count = int((mine["status"] == "act").sum())
            rule.control_count = int((mine["status"] == "control").sum())
            rule.uplift = rule.uplift_ci_low = rule.uplift_ci_high = 0.0
            measured = mine[mine["outcome_measured"].astype(bool)]
            try:
                report = measure_impact(pd.DataFrame({
                    "group": np.where(measured["status"] == "act", "treated", "control"),
                    "churned": measured["outcome_churned"].astype(bool).to_numpy(),
                    "reordered": measured["outcome_reordered"].astype(bool).to_numpy(),
                    "cancelled": measured["outcome_cancelled"].astype(bool).to_numpy(),
                    "margin": measured["outcome_margin"].astype(float).to_numpy(),
                    "cost": np.where(measured["status"] == "act", measured["cost"].astype(float), 0.0),
                }), rule=rule.name or "")
            except FusionError as error:
                rule.impact_summary = self.env._("No measured impact yet: %s", error.message)
                continue
            rule.uplift = report.primary.uplift * 100
            rule.uplift_ci_low = report.primary.ci_low * 100
            rule.uplift_ci_high = report.primary.ci_high * 100
            rule.impact_summary = report.summary()

    def action_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fusion_actions.action_fusion_action_log")
        action["domain"] = [("rule_id", "=", self.id)]
        return action

    # ------------------------------------------------------------ running

    def action_run(self):
        """Run these rules now (managers); the same path as the scheduled action."""
        self.check_access("write")
        counts = self.sudo()._run_rules()
        return {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {"title": self.env._("Action rules run"), "type": "info", "sticky": False,
                       "message": ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))
                                  or self.env._("Nothing matched.")},
        }

    @api.model
    def _get_fusion_cron_companies(self):
        """Companies the scheduled run covers: those with active rules."""
        return self.search([("active", "=", True)]).company_id

    @api.model
    def _cron_run_rules(self):
        self._fusion_run_per_company("_run_company_rules")

    @api.model
    def _run_company_rules(self, company):
        """Run ``company``'s active rules (one company's share of the scheduled run)."""
        return self.search([("active", "=", True), ("company_id", "=", company.id)])._run_rules()

    def _run_rules(self, today=None):
        """Evaluate the rules, log every decision and take the actions; return counts per status.

        Rules are evaluated in groups sharing a company, a trigger and a
        purpose (they read the same subjects and consent), each group in one
        batch of reads, one call to the core and batched writes.
        """
        today = today or fields.Date.context_today(self)
        counts = Counter()
        groups = {}
        for rule in self:
            groups.setdefault((rule.company_id, rule.trigger, rule.purpose), self.browse())
            groups[(rule.company_id, rule.trigger, rule.purpose)] |= rule
        for (company, trigger, purpose), rules in groups.items():
            rules = rules.with_company(company)
            subjects = rules._get_fusion_action_subjects(trigger, purpose, company, today)
            if subjects.empty:
                continue
            Log = self.env["fusion.action.log"].with_company(company)
            history = Log._get_history(rules, today)
            done = history[history["status"] != "skipped"]
            decisions = evaluate_rules([rule._to_core_rule() for rule in rules], subjects, today, done)
            skipped_before = history.loc[history["status"] == "skipped", "episode"]
            new = (decisions["status"] != "duplicate") & ~(
                (decisions["status"] == "skipped") & decisions["episode"].isin(skipped_before))
            counts.update(decisions.loc[~new, "status"].value_counts().to_dict())
            decisions = decisions[new]
            counts.update(decisions["status"].value_counts().to_dict())
            logs = Log.create(rules._prepare_log_vals(decisions, subjects, company, today))
            for rule in rules:
                acted = logs.filtered(lambda log, rule=rule: log.rule_id == rule and log.status == "act")
                if acted:
                    rule._execute(acted, subjects)
        return dict(counts)

    def _prepare_log_vals(self, decisions, subjects, company, today):
        """Values of the log rows of ``decisions`` (the core's decision table)."""
        customer = self[:1].trigger in CUSTOMER_TRIGGERS
        subject_field = "partner_id" if customer else "product_id"
        cost = dict(zip(self.ids, self.mapped("action_cost")))
        return [{
            "rule_id": int(row.rule_id), "company_id": company.id, "date": today, subject_field: int(row.subject_id),
            "episode": row.episode, "status": row.status, "skip_reason": row.skip_reason or False,
            "score": float(row.score), "model_version": row.model_version or False, "reasons": row.reasons or False,
            "cost": cost[int(row.rule_id)] if row.status == "act" else 0.0,
        } for row in decisions.itertuples(index=False)]

    # ------------------------------------------------------------ subjects (hooks)

    def _get_fusion_action_subjects(self, trigger, purpose, company, today):
        """The core's subjects table for ``trigger``: scores, conditions and consent for ``purpose``.

        Customer triggers add the partners' segment, email, blacklist and
        consent; product triggers give the signals alone.
        """
        signals = self._get_fusion_action_signals(trigger, company, today)
        if signals.empty or trigger not in CUSTOMER_TRIGGERS:
            return signals
        return signals.merge(self._get_fusion_action_partner_data(signals["subject_id"].unique(), purpose),
                             on="subject_id", how="left")

    def _get_fusion_action_signals(self, trigger, company, today):
        """Latest prediction per subject (or every recent event) for ``trigger``, from ``fusion.action.signal``.

        Returns the signal table (``ai_insights.actions.signals.signal_frame``). Glue modules
        override it to read a capability's own predictions (e.g. churn
        scores) instead of copies.
        """
        since = today - timedelta(days=max(self.mapped("cooldown_days")))
        subject = "partner_id" if trigger in CUSTOMER_TRIGGERS else "product_id"
        rows = self.env["fusion.action.signal"].search_read(
            [("trigger", "=", trigger), ("company_id", "=", company.id), ("create_date", ">=", since)],
            [subject, "score", "event_ref", "model_version", "reasons", "clv"], order="create_date desc, id desc")
        if not rows:
            return pd.DataFrame()
        if trigger not in EVENT_TRIGGERS:  # the latest prediction of each subject
            rows = list({row[subject][0]: row for row in reversed(rows)}.values())
        return signal_frame(
            trigger, [row[subject][0] for row in rows], [row["score"] for row in rows],
            clv=[row["clv"] for row in rows], event_ref=[row["event_ref"] or str(row["id"]) for row in rows],
            model_version=[row["model_version"] or "" for row in rows], reasons=[row["reasons"] or "" for row in rows],
        )

    def _get_fusion_action_partner_data(self, partner_ids, purpose):
        """Segment, email, blacklist and consent of the partners, in two queries.

        Consent is the partner's "Refuses offers" box; with fusion_privacy installed the box is a view of
        the consent register, which decides for the rule's purpose (glue ``fusion_actions_privacy``).
        """
        partners = self.env["res.partner"].browse([int(pid) for pid in partner_ids])
        rows = partners.read(["email", "email_normalized", "fusion_marketing_opt_out"])
        emails = [row["email_normalized"] for row in rows if row["email_normalized"]]
        blacklisted = set(self.env["mail.blacklist"].sudo().search([("email", "in", emails)]).mapped("email"))
        return pd.DataFrame({
            "subject_id": [row["id"] for row in rows],
            "segment": [customer_segment(partner.commercial_partner_id.is_company) for partner in partners],
            "email": [row["email"] or "" for row in rows],
            "email_blacklisted": [bool(row["email_normalized"]) and row["email_normalized"] in blacklisted
                                  for row in rows],
            "consent_email": [purpose == "service" or not row["fusion_marketing_opt_out"] for row in rows],
        })

    # ------------------------------------------------------------ actions

    def _execute(self, logs, subjects):
        """Take this rule's actions for the ``act`` log rows, in batches, and note them on the logs."""
        self.ensure_one()
        updates = {log.id: {"actions": []} for log in logs}
        if self.do_offer:
            self._execute_offers(logs, subjects, updates)
        if self.do_activity or self.do_escalate or self.do_replenish:
            self._execute_activities(logs, updates)
        if self.do_email:
            mails = self.mail_template_id.send_mail_batch(logs.partner_id.ids)
            mail_by_partner = {mail.res_id: mail.id for mail in mails}
            for log in logs:
                updates[log.id].update(mail_id=mail_by_partner.get(log.partner_id.id, False))
                updates[log.id]["actions"].append("email")
        if self.do_hold_promotion:
            logs.product_id.product_tmpl_id.fusion_promotion_hold = True
            for log in logs:
                updates[log.id]["actions"].append("hold_promotion")
        # Rows with the same values are written together: one query per distinct outcome, not per row.
        grouped = defaultdict(list)
        for log_id, vals in updates.items():
            vals["actions_done"] = ", ".join(vals.pop("actions")) or False
            grouped[tuple(sorted(vals.items()))].append(log_id)
        for vals, log_ids in grouped.items():
            logs.browse(log_ids).write(dict(vals))

    def _prepare_activity_note(self, log, vals):
        """HTML note of an activity: what triggered it and why, and the offer made (``vals`` of the log)."""
        lines = [self.env._("Rule %(rule)s fired: score %(score).2f (model %(model)s).", rule=self.name,
                            score=log.score, model=log.model_version or "-")]
        lines += (log.reasons or "").split("\n")
        if vals.get("sale_order_id"):
            lines.append(self.env._("Offer %(order)s: %(discount).1f%% off.",
                                    order=self.env["sale.order"].browse(vals["sale_order_id"]).name,
                                    discount=vals["offer_discount"]))
        return "<br/>".join(html_escape(line) for line in lines if line)

    def _execute_activities(self, logs, updates):
        activity_type = self.activity_type_id or self.env.ref("mail.mail_activity_data_todo")
        deadline = fields.Date.context_today(self) + timedelta(days=activity_type.delay_count or 0)
        vals_list = []
        for log in logs:
            record = log.partner_id or log.product_id.product_tmpl_id
            note = self._prepare_activity_note(log, updates[log.id])
            targets = []
            if self.do_activity and log.partner_id:
                targets.append(("activity", log.partner_id.user_id or self.user_id, self.name))
            if self.do_escalate:
                targets.append(("escalate", self.escalate_user_id, self.env._("Escalation: %s", self.name)))
            if self.do_replenish and log.product_id:
                targets.append(("replenish", self.user_id,
                                self.env._("Propose a replenishment of %s", log.product_id.display_name)))
            for kind, user, summary in targets:
                vals_list.append({
                    "res_model_id": self.env["ir.model"]._get_id(record._name), "res_id": record.id,
                    "activity_type_id": activity_type.id, "summary": summary, "note": note,
                    "user_id": user.id or self.env.uid, "date_deadline": deadline, "automated": True,
                })
                updates[log.id]["actions"].append(kind)
        # Owners find automated activities in their list; no notification email per activity.
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)

    def _get_fusion_action_pricing_policy(self, products):
        """The pricing guardrail of the offers: the policy's defaults here.

        Hook: with ``fusion_sale_promise`` (glue ``fusion_actions_sale_promise``)
        it is the company's policy, with the categories of ``products``.
        """
        return PricingPolicy()

    def _get_fusion_offer_cover(self, products, today):
        """{product id: days of cover} of ``products`` for the guardrail; missing products have an unknown cover.

        Hook: nothing is known here; with ``fusion_sale_promise`` (glue
        ``fusion_actions_sale_promise``) it is the days of cover the sale order
        prices with (``crm_bridge.pricing.cover.days_of_cover``).
        """
        return {}

    def _get_fusion_offer_products(self, products, today):
        """The products table of :func:`plan_offers` for ``products``: price, cost, category, cover, deliverability.

        Deliverability is the core's :func:`~ai_insights.actions.offers.deliverable`
        (held-back products are not offered); the days of cover come from
        ``_get_fusion_offer_cover``.
        """
        products = products.with_company(self.company_id)
        cover = self._get_fusion_offer_cover(products, today)
        return pd.DataFrame({
            "product_id": products.ids,
            "cost": products.mapped("standard_price"),
            "list_price": [product.lst_price or 0.01 for product in products],
            "category": [str(product.categ_id.id) for product in products],
            "cover_days": [cover.get(product.id, np.nan) for product in products],
            "deliverable": deliverable(
                products.mapped("is_storable"), products.mapped("free_qty"),
                [min(product.seller_ids.mapped("delay"), default=np.nan) for product in products],
                products.mapped("fusion_promotion_hold")),
        }, columns=["product_id", "cost", "list_price", "category", "cover_days", "deliverable"])

    def _get_fusion_offer_purchases(self, partners):
        """What ``partners`` bought in this rule's company (confirmed orders), in one grouped query.

        Returns ``customer_id``, ``product_id``, ``qty``: the purchases
        :func:`offer_candidates` ranks when the rule lists no products.
        """
        groups = self.env["sale.order.line"]._read_group(
            [("order_partner_id", "in", partners.ids), ("state", "=", "sale"), ("product_id", "!=", False),
             ("company_id", "=", self.company_id.id)],
            ["order_partner_id", "product_id"], ["product_uom_qty:sum"])
        return pd.DataFrame([(partner.id, product.id, qty) for partner, product, qty in groups],
                            columns=["customer_id", "product_id", "qty"])

    def _execute_offers(self, logs, subjects, updates):
        """Quotations with the guarded discount on the first deliverable candidate product with room.

        The candidates are the core's :func:`offer_candidates`: the rule's
        products, or each customer's most bought ones when it lists none.
        """
        by_partner = subjects.drop_duplicates("subject_id").set_index("subject_id")
        customers = pd.DataFrame({"customer_id": logs.partner_id.ids})
        customers["churn_risk"] = by_partner["churn_risk"].reindex(customers["customer_id"]).to_numpy()
        customers["clv"] = by_partner["clv"].reindex(customers["customer_id"]).to_numpy()
        purchases = None if self.offer_product_ids else self._get_fusion_offer_purchases(logs.partner_id)
        candidates = offer_candidates(customers["customer_id"], self.offer_product_ids.ids, purchases)
        products = self.env["product.product"].browse(candidates["product_id"].unique().tolist())
        table = self._get_fusion_offer_products(products, fields.Date.context_today(self))
        offers = plan_offers(customers, candidates, table, self.offer_discount / 100,
                             self._get_fusion_action_pricing_policy(products)).set_index("customer_id")
        offered = [log for log in logs if offers.loc[log.partner_id.id, "status"] == "offer"]
        orders = self.env["sale.order"].create([{
            "partner_id": log.partner_id.id, "company_id": self.company_id.id,
            "user_id": (log.partner_id.user_id or self.user_id).id,
            "origin": self.env._("Retention offer: %s", self.name),
            "order_line": [fields.Command.create({
                "product_id": int(offers.loc[log.partner_id.id, "product_id"]), "product_uom_qty": 1,
                "discount": float(offers.loc[log.partner_id.id, "discount"]) * 100,
            })],
        } for log in offered])
        order_by_log = dict(zip([log.id for log in offered], orders))
        prices = dict(zip(table["product_id"], table["list_price"]))
        for log in logs:
            offer = offers.loc[log.partner_id.id]
            order = order_by_log.get(log.id)
            updates[log.id].update(
                offer_status=offer["reason"], sale_order_id=order.id if order else False,
                offer_discount=float(offer["discount"]) * 100,
                cost=log.cost + (prices[int(offer["product_id"])] * float(offer["discount"]) if order else 0.0),
            )
            if order:
                updates[log.id]["actions"].append("offer")
