from collections import defaultdict
from datetime import timedelta

import pandas as pd

from odoo import api, fields, models

from ai_insights.actions import OFFER_REASONS, SKIP_REASONS


class FusionActionLog(models.Model):
    """One decision of a rule about one customer or product: acted on, held out as control, or skipped.

    Written once per episode (a unique key guards it even against two runs at
    the same time), with the prediction, the model version and the reasons
    that caused it; the outcome observed afterwards is added by the outcome
    scheduled action, for the impact report.
    """

    _name = "fusion.action.log"
    _description = "ERP-CRM Fusion: action log"
    _order = "date desc, id desc"
    _rec_name = "episode"

    rule_id = fields.Many2one("fusion.action.rule", required=True, index=True, ondelete="restrict", readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    date = fields.Date(required=True, index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", index=True, ondelete="set null", readonly=True)
    product_id = fields.Many2one("product.product", index=True, ondelete="set null", readonly=True)
    episode = fields.Char(required=True, index=True, readonly=True,
                          help="Rule, subject and prediction window (or event): acted on at most once.")
    status = fields.Selection([("act", "Acted"), ("control", "Control group"), ("skipped", "Skipped")],
                              required=True, index=True, readonly=True)
    skip_reason = fields.Selection([(code, code.replace("_", " ").capitalize()) for code in SKIP_REASONS],
                                   readonly=True)
    score = fields.Float(digits=(16, 3), readonly=True, aggregator="avg")
    model_version = fields.Char(readonly=True)
    reasons = fields.Text(readonly=True)
    actions_done = fields.Char(readonly=True)
    mail_id = fields.Many2one("mail.mail", "Email", ondelete="set null", readonly=True)
    sale_order_id = fields.Many2one("sale.order", "Offer", ondelete="set null", readonly=True)
    offer_discount = fields.Float("Offer discount (%)", digits=(16, 2), readonly=True, aggregator="avg")
    offer_status = fields.Selection([(code, code.replace("_", " ").capitalize()) for code in OFFER_REASONS],
                                    readonly=True)
    cost = fields.Float(readonly=True, help="Cost of the action plus the discount offered.")
    # outcome, observed outcome_days after the decision; 0/1 integers so the pivot's average is a rate
    outcome_measured = fields.Boolean(readonly=True, index=True)
    outcome_churned = fields.Integer("Churned", readonly=True, aggregator="avg")
    outcome_reordered = fields.Integer("Reordered", readonly=True, aggregator="avg")
    outcome_cancelled = fields.Integer("Cancelled an order", readonly=True, aggregator="avg")
    outcome_revenue = fields.Float("Revenue after", readonly=True)
    outcome_margin = fields.Float("Margin after", readonly=True)

    _sql_constraints = [
        ("episode_status_unique", "unique(episode, status)", "An episode is acted on (or held out) only once."),
    ]

    @api.model
    def _get_history(self, rules, today):
        """Past decisions of ``rules`` that can still matter today, as the core's history table (+ status)."""
        since = today - timedelta(days=2 * max(rules.mapped("cooldown_days")))
        rows = self.search_read([("rule_id", "in", rules.ids), ("date", ">=", since)],
                                ["rule_id", "partner_id", "product_id", "episode", "date", "status"])
        frame = pd.DataFrame(rows, columns=["rule_id", "partner_id", "product_id", "episode", "date", "status"])
        frame["rule_id"] = [value[0] for value in frame["rule_id"]]
        frame["subject_id"] = [(partner or product or [0])[0]
                               for partner, product in zip(frame["partner_id"], frame["product_id"])]
        return frame[["rule_id", "subject_id", "episode", "date", "status"]]

    @api.model
    def _cron_measure_outcomes(self):
        """Record what acted-on and control customers did in each rule's outcome window, once it has passed."""
        today = fields.Date.context_today(self)
        pending = self.search([("status", "in", ("act", "control")), ("outcome_measured", "=", False),
                               ("partner_id", "!=", False)])
        pending = pending.filtered(lambda log: log.date + timedelta(days=log.rule_id.outcome_days) <= today)
        if pending:
            pending._measure_outcomes()

    def _measure_outcomes(self):
        """Reorders, cancellations, revenue and margin of each log's customer in its window, in three queries.

        Churned means no confirmed order in the window. The margin is the
        confirmed lines' subtotal less their products' cost.
        """
        partners = self.partner_id.commercial_partner_id
        orders = self.env["sale.order"].search_read(
            [("partner_id", "child_of", partners.ids), ("date_order", ">=", min(self.mapped("date")))],
            ["partner_id", "date_order", "state", "amount_untaxed"])
        lines = self.env["sale.order.line"].search_read(
            [("order_id", "in", [order["id"] for order in orders]), ("state", "=", "sale")],
            ["order_id", "product_id", "product_uom_qty", "price_subtotal"])
        products = self.env["product.product"].browse({line["product_id"][0] for line in lines if line["product_id"]})
        cost = {product.id: product.standard_price for product in products}
        margin = defaultdict(float)
        for line in lines:
            unit_cost = cost.get(line["product_id"][0], 0.0) if line["product_id"] else 0.0
            margin[line["order_id"][0]] += line["price_subtotal"] - line["product_uom_qty"] * unit_cost
        buyers = self.env["res.partner"].browse({order["partner_id"][0] for order in orders})
        commercial = {buyer.id: buyer.commercial_partner_id.id for buyer in buyers}
        by_customer = defaultdict(list)
        for order in orders:
            by_customer[commercial[order["partner_id"][0]]].append(order)
        for log in self:
            start = fields.Datetime.to_datetime(log.date)
            end = start + timedelta(days=log.rule_id.outcome_days)
            window = [o for o in by_customer[log.partner_id.commercial_partner_id.id] if start <= o["date_order"] < end]
            confirmed = [o for o in window if o["state"] == "sale"]
            log.write({
                "outcome_measured": True,
                "outcome_reordered": int(bool(confirmed)),
                "outcome_churned": int(not confirmed),
                "outcome_cancelled": int(any(o["state"] == "cancel" for o in window)),
                "outcome_revenue": sum(o["amount_untaxed"] for o in confirmed),
                "outcome_margin": sum(margin[o["id"]] for o in confirmed),
            })
