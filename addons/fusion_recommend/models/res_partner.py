import hashlib
from datetime import timedelta

import numpy as np
import pandas as pd

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from ai_insights.actions.offers import OFFER_DAYS
from ai_insights.recommend import (
    LEARNERS,
    ActionEconomics,
    UpliftEstimate,
    check_experiment,
    check_wave,
    next_best_actions,
    select_learner,
)
from ai_insights.recommend.complements import cross_sell_margins, honour_filter, recently_refused_products
from ai_insights.recommend.nba import reason_params
from crm_bridge.contract.errors import FusionError

from .sale_order import SUGGESTIONS

FUSION_USER = "fusion_base.group_fusion_user"
ALL_DOCUMENTS = "sales_team.group_sale_salesman_all_leads"
NBA_ACTION_SELECTION = [
    ("retention_offer", "Retention call with an offer"),
    ("cross_sell", "Cross-sell offer"),
    ("payment_reminder", "Payment reminder"),
    ("delivery_notice", "Delivery notice"),
    ("nothing", "Nothing for now"),
]
NBA_BASIS_SELECTION = [
    ("uplift_model", "Measured uplift"),
    ("rule", "Rule-based (too little experimental data)"),
    ("prior", "Stated prior"),
    ("exploration", "Exploration (random)"),
]
FALLBACK_LEARNER = "t_learner"  # when the experiment has no older waves to train on before a check wave
REVENUE_DAYS = 365  # the revenue a retention discount is paid on, and the value when no lifetime value is known
REFUSED_DAYS = 90  # a product sent back this recently is not suggested again


class ResPartner(models.Model):
    _inherit = "res.partner"

    fusion_nba_action = fields.Selection(NBA_ACTION_SELECTION, "Next best action", compute="_compute_fusion_nba",
                                         groups=FUSION_USER)
    fusion_nba_basis = fields.Selection(
        NBA_BASIS_SELECTION, "Chosen by", compute="_compute_fusion_nba", groups=FUSION_USER,
        help="Measured uplift: learned from the retention rules' randomized control groups. Rule-based: too few "
             "measured outcomes yet, so the retention rule's threshold decides.")
    fusion_nba_reason = fields.Text("Why", compute="_compute_fusion_nba", groups=FUSION_USER)
    fusion_nba_expected_value = fields.Float("Expected gain", compute="_compute_fusion_nba", groups=FUSION_USER,
                                             help="Expected incremental value of the action after its cost.")
    fusion_nba_uplift = fields.Float("Estimated uplift", compute="_compute_fusion_nba", groups=FUSION_USER,
                                     digits=(16, 3), help="Change in the chance the customer stays, if offered.")
    fusion_nba_uplift_low = fields.Float("Uplift, low", compute="_compute_fusion_nba", groups=FUSION_USER,
                                         digits=(16, 3))
    fusion_nba_uplift_high = fields.Float("Uplift, high", compute="_compute_fusion_nba", groups=FUSION_USER,
                                          digits=(16, 3))
    fusion_nba_model = fields.Char(
        "Uplift model", compute="_compute_fusion_nba", groups=FUSION_USER,
        help="The meta-learner that estimates the uplift, chosen by its Qini on the latest wave of the retention "
             "experiment after training on the waves before it.")

    @api.depends_context("uid", "company")
    def _compute_fusion_nba(self):
        results = self._get_fusion_nba()
        for partner in self:
            row = results.get(partner.id, {})
            partner.fusion_nba_action = row.get("action", False)
            partner.fusion_nba_basis = row.get("basis", False)
            partner.fusion_nba_reason = row.get("reason", False)
            partner.fusion_nba_expected_value = row.get("expected_value", 0.0)
            partner.fusion_nba_uplift = row.get("uplift", 0.0)
            partner.fusion_nba_uplift_low = row.get("uplift_low", 0.0)
            partner.fusion_nba_uplift_high = row.get("uplift_high", 0.0)
            partner.fusion_nba_model = row.get("model", False)

    # ------------------------------------------------------------ next best action

    def _get_fusion_nba(self):
        """{partner id: next best action} of the partners the user may act for, in a fixed number of queries.

        Each value holds ``action``, ``basis``, ``reason`` (in words),
        ``expected_value`` and the uplift with its interval; the decision is
        the core's :func:`ai_insights.recommend.next_best_actions`. A partner
        stands for its commercial partner; a salesperson without the right to
        every document gets the actions of their own customers only.
        """
        partners = self._get_fusion_nba_visible()
        if not partners:
            return {}
        company = self.env.company
        today = fields.Date.context_today(self)
        commercial = partners.commercial_partner_id
        customers = commercial._get_fusion_recommend_customers(company, today)
        experiment = self._get_fusion_recommend_experiment(company)
        uplift = self._get_fusion_recommend_uplift(customers, company, experiment)
        economics = self._get_fusion_recommend_economics(company)
        chosen = next_best_actions(customers, uplift, today, economics)
        treated = experiment["treated"]
        why = self.env._("too little experimental data: %(treated)s offered and %(control)s held out with a measured "
                         "outcome", treated=int(treated.sum()), control=int((~treated).sum()))
        learned = uplift.estimate is not None
        model = self._get_fusion_uplift_model_text(company, experiment) if learned else False
        by_customer = {}
        for (_i, row), (_j, customer) in zip(chosen.iterrows(), customers.iterrows()):
            by_customer[int(row["customer_id"])] = {
                "action": str(row["action"]), "basis": str(row["basis"]),
                "reason": self._get_fusion_nba_reason_text(row, customer, uplift, economics, company.currency_id, why),
                "expected_value": float(np.nan_to_num(row["expected_value"])), "model": model,
                **({name: float(row[name]) for name in ("uplift", "uplift_low", "uplift_high")} if learned else {}),
            }
        return {partner.id: by_customer[partner.commercial_partner_id.id] for partner in partners
                if partner.commercial_partner_id.id in by_customer}

    def _get_fusion_nba_visible(self):
        """The partners among these whose next best action the user may see: their own customers, or all.

        All for a user with the right to every sales document, and for the
        superuser (the bridge, after its own checks).
        """
        partners = self.filtered("id")
        if self.env.su or self.env.user.has_group(ALL_DOCUMENTS):
            return partners
        return partners.filtered(lambda partner: partner.commercial_partner_id.user_id == self.env.user)

    def _get_fusion_recommend_customers(self, company, today):
        """The core's customer table (``next_best_actions``) of these commercial partners, in their order.

        Churn risk and lifetime value come from the action rules' signals
        (``fusion.action.rule._get_fusion_action_signals``: the churn scores
        when the churn module is installed), consent from the rules' partner
        data, revenue of the last year from confirmed orders and overdue
        amounts from posted invoices, late promises from
        :meth:`_get_fusion_recommend_late_orders` and the cross-sell's margin
        from :meth:`_get_fusion_recommend_cross_sell_margins`: a fixed number
        of grouped reads.
        """
        ids = self.ids
        rules = self.env["fusion.action.rule"].sudo().with_company(company)
        signals = rules.new({"company_id": company.id})._get_fusion_action_signals("churn_risk", company, today)
        if signals.empty:
            signals = pd.DataFrame({"subject_id": [], "churn_risk": [], "clv": []})
        signals = signals.drop_duplicates("subject_id").set_index("subject_id")
        customers = rules._get_fusion_action_partner_data(ids, "retention").set_index("subject_id").reindex(ids)
        revenue = dict.fromkeys(ids, 0.0)
        orders = self.env["sale.order"].sudo()._read_group(
            [("partner_id", "child_of", ids), ("state", "=", "sale"), ("company_id", "=", company.id),
             ("date_order", ">=", fields.Datetime.to_datetime(today - timedelta(days=REVENUE_DAYS)))],
            ["partner_id"], ["amount_untaxed:sum"])
        for buyer, amount in orders:
            revenue[buyer.commercial_partner_id.id] = revenue.get(buyer.commercial_partner_id.id, 0.0) + amount
        overdue, days_overdue = dict.fromkeys(ids, 0.0), dict.fromkeys(ids, 0)
        for customer, amount, first_due in self.env["account.move"].sudo()._read_group(
                [("commercial_partner_id", "in", ids), ("move_type", "=", "out_invoice"), ("state", "=", "posted"),
                 ("payment_state", "in", ("not_paid", "partial")), ("invoice_date_due", "<", today),
                 ("company_id", "=", company.id)],
                ["commercial_partner_id"], ["amount_residual_signed:sum", "invoice_date_due:min"]):
            overdue[customer.id], days_overdue[customer.id] = amount, (today - first_due).days
        late = self._get_fusion_recommend_late_orders(company)
        cross_sell = self._get_fusion_recommend_cross_sell_margins(company, today)
        clv = signals["clv"].reindex(ids).to_numpy(float)
        yearly = np.array([revenue[i] for i in ids])
        return customers.reset_index().assign(
            customer_id=ids,
            churn_risk=signals["churn_risk"].reindex(ids).fillna(0.0).to_numpy(float),
            value=np.where(np.isfinite(clv) & (clv > 0), clv, yearly),
            revenue=yearly,
            overdue_amount=[overdue[i] for i in ids],
            days_overdue=[days_overdue[i] for i in ids],
            late_promise=[i in late for i in ids],
            late_orders=[", ".join(late[i].mapped("name")) if i in late else "" for i in ids],
            cross_sell_margin=cross_sell.reindex(ids).fillna(0.0).to_numpy(float),
        ).drop(columns="subject_id")

    def _get_fusion_recommend_late_orders(self, company):
        """{commercial partner id: its confirmed orders whose promised delivery slipped}, for these partners.

        The one rule for a slipped promise, ``sale.order._get_fusion_slipped_promises``
        (the core's :func:`ai_insights.recommend.nba.slipped_promises`), which
        the late-promise action signal uses too.
        """
        orders = self.env["sale.order"].sudo().with_company(company).search(
            [("company_id", "=", company.id), ("state", "=", "sale"), ("delivery_status", "!=", "full"),
             ("commitment_date", "!=", False), ("partner_id", "child_of", self.commercial_partner_id.ids)],
            order="commitment_date, id")
        slipped = orders._get_fusion_slipped_promises()
        late = {}
        for order in orders.filtered(lambda order: order in slipped):
            customer_id = order.partner_id.commercial_partner_id.id
            late[customer_id] = late.get(customer_id, order.browse()) | order
        return late

    def _get_fusion_recommend_cross_sell_margins(self, company, today):
        """The expected margin of a cross-sell offer to each of these commercial partners, a Series by id.

        The core's :func:`ai_insights.recommend.complements.cross_sell_margins`
        on what the ERP can honour of each customer's suggestions: the learnt
        co-purchases (``sale.order._get_fusion_recommender``), filtered in one
        batch by :func:`~ai_insights.recommend.complements.honour_filter`
        through the company's first warehouse's promise engine for a
        delivery ``OFFER_DAYS`` ahead, its margin floor and stock, priced
        from the products' cost and offered price. Recent returns are left to
        the quotation the offer opens (they are read per customer). Empty
        when the company has sold nothing yet.
        """
        orders = self.env["sale.order"].sudo().with_company(company)
        recommender = orders._get_fusion_recommender(company, today)
        warehouse = self.env["stock.warehouse"].sudo().search([("company_id", "=", company.id)], limit=1)
        if recommender is None or not warehouse or not self:
            return pd.Series(dtype=float)
        ranked = pd.concat([recommender.recommend(customer_id, today, k=SUGGESTIONS) for customer_id in self.ids],
                           ignore_index=True)
        if ranked.empty:
            return pd.Series(dtype=float)
        products = orders.env["product.product"].browse(pd.unique(ranked["product_id"]).tolist())
        catalogue = orders._get_fusion_suggestion_products(products, company, today)
        engine = warehouse.with_company(company)._get_fusion_promise_engine(products, today)
        honoured = honour_filter(ranked, catalogue, engine, company._get_fusion_pricing_policy(products.categ_id),
                                 today + timedelta(days=OFFER_DAYS))
        return cross_sell_margins(honoured, catalogue)

    @api.model
    def _get_fusion_recommend_economics(self, company):
        """The costs and priors of the candidate actions; the rule-based fallback uses the retention rule's threshold.

        Hook: the company's first active churn-risk rule gives the threshold
        and the cost of a call; the core's stated defaults otherwise. The
        share of customers given a random allowed action (exploration) is the
        system parameter ``fusion_recommend.exploration_share`` (default 0.05).
        """
        exploration = float(self.env["ir.config_parameter"].sudo().get_param(
            "fusion_recommend.exploration_share", ActionEconomics.exploration_share))
        rule = self.env["fusion.action.rule"].sudo().search(
            [("company_id", "=", company.id), ("trigger", "=", "churn_risk")], limit=1)
        if not rule:
            return ActionEconomics(exploration_share=exploration)
        return ActionEconomics(rule_threshold=rule.threshold, discount=(rule.offer_discount or 10.0) / 100,
                               call_cost=rule.action_cost or ActionEconomics.call_cost, exploration_share=exploration)

    @api.model
    def _get_fusion_recommend_experiment(self, company):
        """The retention experiment the action rules ran: one row per measured decision, in one read.

        Measured decisions of churn-risk rules that make offers, acted on or
        held out at random as control: ``customer_id``, ``as_of`` (the day
        decided), ``churn_risk`` (then), ``treated`` and ``stayed``.
        """
        logs = self.env["fusion.action.log"].sudo().search_read(
            [("company_id", "=", company.id), ("rule_id.trigger", "=", "churn_risk"), ("rule_id.do_offer", "=", True),
             ("status", "in", ("act", "control")), ("outcome_measured", "=", True)],
            ["partner_id", "date", "score", "status", "outcome_churned"], order="id")
        return pd.DataFrame({
            "customer_id": np.array([log["partner_id"][0] if log["partner_id"] else 0 for log in logs], np.int64),
            "as_of": pd.to_datetime([log["date"] for log in logs]),
            "churn_risk": np.array([log["score"] for log in logs], float),
            "treated": np.array([log["status"] == "act" for log in logs], bool),
            "stayed": np.array([not log["outcome_churned"] for log in logs], bool),
        })

    @api.model
    def _get_fusion_uplift_features(self, company, subjects):
        """What the uplift model knows of each subject on its day: one row of numbers per subject.

        Hook: ``subjects`` has ``customer_id``, ``as_of`` and ``churn_risk``
        (the experiment's decisions, or today's customers); here the churn
        risk alone. ``fusion_recommend_churn`` adds the churn model's customer
        features, those the core's uplift learner reads. Training and scoring
        go through this one method, so they always see the same columns.
        """
        return subjects[["churn_risk"]].to_numpy(float)

    @api.model
    def _get_fusion_recommend_uplift(self, customers, company, experiment):
        """The retention offer's uplift per customer, learned from ``experiment``; or why there is none.

        The learner of :meth:`_get_fusion_uplift_fit` on
        :meth:`_get_fusion_uplift_features` at decision time, scored on the
        customers' features today.
        """
        problem = check_experiment(experiment["treated"], experiment["stayed"])
        if problem:
            return UpliftEstimate(insufficient=problem)
        model, learner, _scores = self._get_fusion_uplift_fit(company, experiment)
        subjects = pd.DataFrame({"customer_id": customers["customer_id"].to_numpy(np.int64),
                                 "as_of": pd.Timestamp(fields.Date.context_today(self)),
                                 "churn_risk": customers["churn_risk"].to_numpy(float)})
        estimate, low, high = model.predict_interval(self._get_fusion_uplift_features(company, subjects))
        return UpliftEstimate(estimate, low, high, model_version=f"{learner} {len(experiment)}")

    @api.model
    def _get_fusion_uplift_fit(self, company, experiment):
        """The company's fitted uplift model, its learner's name and the learners' check-wave Qini (empty: not chosen).

        Kept while the experiment's data holds (:meth:`_get_fusion_uplift_model`).
        """
        digest = hashlib.sha256(pd.util.hash_pandas_object(experiment, index=False).to_numpy().tobytes()).hexdigest()
        return self._get_fusion_uplift_model(company.id, digest)

    @tools.ormcache("company_id", "digest")
    def _get_fusion_uplift_model(self, company_id, digest):
        """The company's uplift model, fitted on its whole experiment by the learner the core's chooser picks.

        The core's :func:`ai_insights.recommend.select_learner` trains each
        learner on the experiment's older decisions and keeps the one with
        the best Qini on its latest wave (:func:`~ai_insights.recommend.check_wave`:
        the latest decision days that measure on their own). Without older
        waves to train on, the T-learner, labelled so (no scores).

        Returns
        -------
        tuple
            ``(model, learner name, {learner: check-wave Qini})``.
        """
        company = self.env["res.company"].browse(company_id)
        experiment = self._get_fusion_recommend_experiment(company)
        X = self._get_fusion_uplift_features(company, experiment)
        treated, stayed = experiment["treated"].to_numpy(bool), experiment["stayed"].to_numpy(bool)
        try:
            check = check_wave(experiment["as_of"], treated, stayed)
            learner, scores = select_learner([(X[~check], treated[~check], stayed[~check]),
                                              (X[check], treated[check], stayed[check])])
        except FusionError:
            learner, scores = FALLBACK_LEARNER, {}
        return LEARNERS[learner]().fit(X, treated, stayed), learner, scores

    @api.model
    def _get_fusion_uplift_model_text(self, company, experiment):
        """Which learner estimates the uplift and why, in the user's language (the partner's *Uplift model*)."""
        _model, learner, scores = self._get_fusion_uplift_fit(company, experiment)
        names = {"t_learner": self.env._("T-learner"), "x_learner": self.env._("X-learner"),
                 "relative_effect": self.env._("Relative-effect learner")}
        if not scores:
            return self.env._(
                "%(learner)s, not chosen: %(n)s decisions over %(days)s days do not yet split into older waves to "
                "train on and a latest wave that measures on its own", learner=names[learner], n=len(experiment),
                days=experiment["as_of"].dt.normalize().nunique())
        others = ", ".join(f"{names[name]} {formatLang(self.env, score, digits=4)}"
                           for name, score in scores.items() if name != learner)
        return self.env._(
            "%(learner)s, chosen by its Qini %(qini)s on the latest wave of the experiment (%(others)s); "
            "%(n)s decisions", learner=names[learner], qini=formatLang(self.env, scores[learner], digits=4),
            others=others, n=len(experiment))

    @api.model
    def _get_fusion_nba_reason_text(self, row, customer, uplift, economics, currency, insufficient):
        """One next best action's reason in the user's language, with figures in their formats.

        ``insufficient`` says why the choice is rule-based when it is.
        """
        params = reason_params(row, customer, uplift, economics)

        def money(name):
            return formatLang(self.env, params[name], currency_obj=currency)

        def percent(name, sign=False):
            value = params[name] * 100
            return ("+" if sign and value > 0 else "") + formatLang(self.env, value, digits=1) + "%"

        code = row["reason_code"]
        if code == "exploration":
            return self.env._("Chosen at random among the allowed actions, to keep measuring what works.")
        if code == "uplift_offer":
            return self.env._(
                "Retention offer: on a customer worth %(value)s, the offer is estimated to change the chance of "
                "staying by %(uplift)s (%(low)s to %(high)s); expected gain %(gain)s after its cost.",
                value=money("value"), uplift=percent("uplift", True), low=percent("uplift_low", True),
                high=percent("uplift_high", True), gain=money("expected_value"))
        if code == "rule_offer":
            return self.env._(
                "Retention offer, rule-based: churn risk %(risk)s is at or above the rule's %(threshold)s (%(why)s).",
                risk=percent("churn_risk"), threshold=percent("threshold"), why=insufficient)
        if code == "cross_sell":
            return self.env._("Cross-sell: complementary products; expected gain %(gain)s.",
                              gain=money("expected_value"))
        if code == "payment_reminder":
            return self.env._("Payment reminder: %(amount)s overdue; expected gain %(gain)s.",
                              amount=money("overdue_amount"), gain=money("expected_value"))
        if code == "delivery_notice":
            return self.env._("Delivery notice: %(orders)s will not be delivered on the promised date. Telling "
                              "the customer before they notice is expected to gain %(gain)s.",
                              orders=customer.get("late_orders", ""), gain=money("expected_value"))
        if code == "no_action_pays":
            return self.env._(
                "No action is expected to pay for itself: the offer would change the chance of staying by %(uplift)s "
                "(%(low)s to %(high)s).", uplift=percent("uplift", True), low=percent("uplift_low", True),
                high=percent("uplift_high", True))
        return self.env._("No action, rule-based: churn risk %(risk)s is below the rule's %(threshold)s (%(why)s).",
                          risk=percent("churn_risk"), threshold=percent("threshold"), why=insufficient)

    # ------------------------------------------------------------ doing it

    def action_fusion_nba_do(self):
        """Do the next best action: schedule the retention call, open the cross-sell quotation or draft the email."""
        self.ensure_one()
        action = self.fusion_nba_action
        if not action or action == "nothing":
            raise UserError(self.env._("No action is suggested for %s now.", self.display_name))
        if action == "retention_offer":
            self.activity_schedule("mail.mail_activity_data_call", summary=self.env._("Retention call"),
                                   note=self.fusion_nba_reason, user_id=(self.user_id or self.env.user).id)
            return True
        if action == "cross_sell":
            order = self.env["sale.order"].create(self._prepare_fusion_cross_sell_order())
            order.action_fusion_suggest_lines()
            return {"type": "ir.actions.act_window", "res_model": "sale.order", "res_id": order.id,
                    "view_mode": "form", "views": [(False, "form")]}
        if action == "delivery_notice":
            return self._action_fusion_delivery_notice()
        subject = dict(self._fields["fusion_nba_action"]._description_selection(self.env))[action]
        return {
            "type": "ir.actions.act_window", "res_model": "mail.compose.message", "view_mode": "form",
            "views": [(False, "form")], "target": "new",
            "context": {"default_model": "res.partner", "default_res_ids": self.ids,
                        "default_composition_mode": "comment", "default_subject": subject,
                        "default_body": self._prepare_fusion_nba_mail_body(), "default_partner_ids": self.ids},
        }

    def _prepare_fusion_cross_sell_order(self):
        """Values of the quotation a cross-sell opens (its lines are then suggested)."""
        self.ensure_one()
        return {"partner_id": self.id, "user_id": (self.user_id or self.env.user).id,
                "origin": self.env._("Next best action: cross-sell")}

    def _action_fusion_delivery_notice(self):
        """Draft the delivery notice of the customer's first late order, from its mail template."""
        self.ensure_one()
        company = self.env.company
        orders = self._get_fusion_recommend_late_orders(company).get(self.commercial_partner_id.id)
        if not orders:
            raise UserError(self.env._("No order of %s is late any more.", self.display_name))
        return {
            "type": "ir.actions.act_window", "res_model": "mail.compose.message", "view_mode": "form",
            "views": [(False, "form")], "target": "new", "name": self.env._("Delivery notice"),
            "context": {"default_model": "sale.order", "default_res_ids": orders[:1].ids,
                        "default_composition_mode": "comment", "default_email_layout_xmlid":
                            "mail.mail_notification_light",
                        "default_template_id": self.env.ref("fusion_recommend.mail_template_delivery_notice").id},
        }

    def _prepare_fusion_nba_mail_body(self):
        """The draft of a reminder or delivery notice: a greeting the salesperson completes."""
        self.ensure_one()
        return self.env._("<p>Dear %(name)s,</p><p></p>", name=self.name)

    def _get_fusion_recently_refused(self, company, today):
        """Products this customer sent back or complained about in the last ``REFUSED_DAYS``: not offered again soon.

        The decision is the core's :func:`ai_insights.recommend.complements.recently_refused_products`
        on the customer's done returns and on :meth:`_get_fusion_recommend_complaints`.
        """
        self.ensure_one()
        customer = self.commercial_partner_id
        since = fields.Datetime.to_datetime(today - timedelta(days=REFUSED_DAYS))
        moves = self.env["stock.move"].sudo().search_read(
            [("origin_returned_move_id", "!=", False), ("state", "=", "done"), ("company_id", "=", company.id),
             ("picking_id.partner_id", "child_of", customer.id), ("date", ">=", since)],
            ["product_id", "date", "product_uom_qty"])
        # A done move's demand is what it moved (Odoo sets it to the quantity done when validating).
        returns = pd.DataFrame({"customer_id": customer.id, "date": [move["date"] for move in moves],
                                "product_id": [move["product_id"][0] for move in moves],
                                "qty_returned": [move["product_uom_qty"] for move in moves]})
        return recently_refused_products(returns, customer._get_fusion_recommend_complaints(company, since),
                                         customer.id, today, days=REFUSED_DAYS)

    def _get_fusion_recommend_complaints(self, company, since):
        """Complaints of these customers since ``since``, each about one product: a table, empty here.

        Hook: a helpdesk glue (``fusion_recommend_helpdesk``) returns the
        customers' tickets that name a product. Columns ``customer_id`` (the
        commercial partner), ``created_at`` and ``product_id``, as
        :func:`~ai_insights.recommend.complements.recently_refused_products` reads them.
        """
        return pd.DataFrame({"customer_id": [], "created_at": [], "product_id": []})
