from collections import defaultdict
from datetime import datetime, timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, formatLang, html2plaintext, plaintext2html

from ai_insights.nlp import ReplySuggester
from ai_insights.nlp.escalation import escalations
from ai_insights.nlp.replies import reply_context

LANGUAGES = [("es", "Spanish"), ("en", "English"), ("other", "Other")]
URGENCIES = [("low", "Low"), ("normal", "Normal"), ("high", "High")]
SENTIMENTS = [("negative", "Negative"), ("neutral", "Neutral"), ("positive", "Positive")]
RATINGS = [("1", "Very unhappy"), ("2", "Unhappy"), ("3", "Neutral"), ("4", "Happy"), ("5", "Very happy")]
URGENCY_PRIORITY = {"low": "0", "normal": "1", "high": "2"}
PRIORITY_URGENCY = {"0": "low", "1": "normal", "2": "high", "3": "high"}
ESCALATED_PRIORITY = "3"
# Why a ticket was escalated, stored as a code (and its figures in ``fusion_escalation_params``) and written in the
# reader's language when read (see ``_get_fusion_escalation_phrases``).
ESCALATIONS = [("urgency_set", "High urgency set by a person"), ("urgency_predicted", "High urgency predicted"),
               ("negative_valuable", "Very negative message from a valuable customer")]
DEFAULT_PRIORITY = "1"
# Ticket fields a person may correct, and the analysis task each one labels.
LABELLED_FIELDS = {"category_id": "category", "priority": "urgency", "fusion_urgency": "urgency",
                   "fusion_sentiment": "sentiment"}
# Operational context: how far back, and how many orders and invoices the panel lists.
CONTEXT_DAYS = 365
CONTEXT_ROWS = 5
# Order and invoice numbers the ticket mentions are looked for in this much of its description.
MENTION_SCAN_CHARS = 50_000


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    fusion_analysis_state = fields.Selection(
        [("done", "Analysed"), ("review", "Needs review"), ("no_model", "No analyzer")], "Analysis",
        readonly=True, copy=False, index=True)
    fusion_model_version = fields.Char("Analyzer version", readonly=True, copy=False)
    fusion_language = fields.Selection(LANGUAGES, "Language", readonly=True, copy=False)
    fusion_predicted_category = fields.Char("Predicted category code", readonly=True, copy=False)
    fusion_category_confidence = fields.Float("Category confidence", digits=(3, 2), readonly=True, copy=False)
    fusion_predicted_urgency = fields.Selection(URGENCIES, "Predicted urgency", readonly=True, copy=False)
    fusion_urgency = fields.Selection(
        URGENCIES, "Urgency", copy=False,
        help="The confident prediction, or the urgency of the priority a person chose: the retraining label.")
    fusion_urgency_confidence = fields.Float("Urgency confidence", digits=(3, 2), readonly=True, copy=False)
    fusion_predicted_sentiment = fields.Selection(SENTIMENTS, "Predicted sentiment", readonly=True, copy=False)
    fusion_sentiment = fields.Selection(SENTIMENTS, "Sentiment", copy=False, tracking=True)
    fusion_sentiment_confidence = fields.Float("Sentiment confidence", digits=(3, 2), readonly=True, copy=False)
    fusion_sentiment_score = fields.Float(
        "Sentiment score", digits=(3, 2), readonly=True, copy=False,
        help="From -1 (very negative) to 1 (very positive).")
    fusion_key_phrases = fields.Char("Key phrases", readonly=True, copy=False)
    fusion_needs_review = fields.Char(
        "To review", readonly=True, copy=False,
        help="Analysis tasks whose prediction was not confident enough: a person decides them.")
    fusion_analysis_flags = fields.Char(
        "Analysis flags", readonly=True, copy=False,
        help="What the analysis met, in plain words: an empty text, a very long text (truncated), HTML removed, "
             "quoted replies and signatures cut (quote_removed), another, an undetermined or a mixed language. "
             "The description itself is never modified.")
    fusion_predicted_category_name = fields.Char(
        "Predicted category", compute="_compute_fusion_analysis_words",
        help="The category the analysis predicted, by its name in this company.")
    fusion_analysis_flag_text = fields.Char(
        "Analysis notes", compute="_compute_fusion_analysis_words",
        help="What the analysis met in the text, in plain words.")
    fusion_needs_review_text = fields.Char(
        "To review", compute="_compute_fusion_analysis_words",
        help="Analysis tasks whose prediction was not confident enough: a person decides them.")
    fusion_escalated = fields.Boolean("Escalated", readonly=True, copy=False, tracking=True)
    fusion_escalation_code = fields.Selection(ESCALATIONS, "Escalated because", readonly=True, copy=False)
    fusion_escalation_params = fields.Json("Escalation figures", readonly=True, copy=False)
    fusion_escalation_reason = fields.Char(
        "Escalation reason", compute="_compute_fusion_escalation_reason",
        help="Why the ticket was escalated, in your language.")
    fusion_priority_escalated = fields.Boolean(
        "Priority raised by the escalation", compute="_compute_fusion_escalation_reason",
        help="The escalation, not the urgency, set the priority: the urgency stays what the analysis or a person "
             "said, and trains the next analyzer.")
    fusion_resolution = fields.Text("Resolution", copy=False, tracking=True)
    fusion_feedback_rating = fields.Selection(RATINGS, "Customer feedback", copy=False, tracking=True)
    fusion_label_ids = fields.One2many("fusion.ticket.label", "ticket_id", "Corrections")
    fusion_context_html = fields.Html(
        "Operational context", compute="_compute_fusion_context", sanitize=False,
        help="The customer's recent orders with promised and actual delivery dates, deliveries and invoices.")
    # What a customer is worth is sales knowledge: an agent answers every customer alike, and sees the value and the
    # churn risk only when the company makes them a fusion user too (escalation reads them as superuser either way).
    fusion_customer_value = fields.Float(
        "Customer lifetime value", compute="_compute_fusion_context", groups="fusion_base.group_fusion_user")
    fusion_customer_churn = fields.Char(
        "Customer churn risk", compute="_compute_fusion_context", groups="fusion_base.group_fusion_user")
    fusion_reply_suggestion = fields.Text("Suggested reply", compute="_compute_fusion_context")
    fusion_reply_language = fields.Char("Reply language", compute="_compute_fusion_context")
    fusion_reply_missing = fields.Char(
        "Not in the reply", compute="_compute_fusion_context",
        help="Context the reply would mention if it were known (e.g. no promised date on the order).")

    # ------------------------------------------------------------------ analysis on creation

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        chosen = {ticket.id: self._get_fusion_chosen_fields(vals) for ticket, vals in zip(tickets, vals_list)}
        tickets.sudo()._fusion_analyse(chosen)
        return tickets

    @api.model
    def _get_fusion_chosen_fields(self, vals):
        """Fields the creator set, which the analysis must not override.

        The form always sends the default priority, so only another one counts as chosen.
        """
        chosen = {name for name in ("category_id", "team_id", "user_id", "fusion_sentiment") if vals.get(name)}
        if vals.get("priority") not in (None, False, DEFAULT_PRIORITY):
            chosen.add("priority")
        return chosen

    def _get_fusion_texts(self):
        """What the analyzer reads: title and description (HTML, any length; cleaned by the core)."""
        return [f"{ticket.name or ''}\n\n{ticket.description or ''}".strip() for ticket in self]

    def _fusion_analyse(self, chosen=None):
        """Analyse, route and escalate tickets: one ``predict_many`` per company.

        ``chosen`` maps a ticket id to the fields its creator set (see
        :meth:`_get_fusion_chosen_fields`). Runs as superuser: it is the
        system acting on tickets the caller could create.
        """
        chosen = chosen or {}
        tickets = self.with_context(fusion_analysis=True)
        for company, company_tickets in tickets.grouped("company_id").items():
            version = self.env["fusion.ticket.model"].sudo()._get_active(company)
            if not version:
                company_tickets.write({"fusion_analysis_state": "no_model"})
                continue
            analyzer = version._get_analyzer()
            analyzer.set_params(confidence_threshold=company.fusion_helpdesk_confidence)
            results = analyzer.predict_many(company_tickets._get_fusion_texts())
            categories = self.env["helpdesk.ticket.category"]._get_fusion_categories(company)
            company_tickets._fusion_write_grouped({
                ticket: ticket._prepare_fusion_analysis_vals(result, version, categories, chosen.get(ticket.id, set()))
                for ticket, result in zip(company_tickets, results)})
            if company.fusion_helpdesk_auto_route:
                company_tickets._fusion_route(chosen)
            company_tickets._fusion_escalate()
            company_tickets._fusion_push_action_signals()

    @api.depends("fusion_predicted_category", "fusion_analysis_flags", "fusion_needs_review", "company_id")
    @api.depends_context("lang")
    def _compute_fusion_analysis_words(self):
        """The predicted category's name, the analysis flags and the tasks to review in the reader's words (one
        category search per company)."""
        flag_words = self._get_fusion_flag_words()
        task_words = dict(self.env["fusion.ticket.label"]._fields["task"]._description_selection(self.env))
        names = {}
        for ticket in self:
            company = ticket.company_id or self.env.company
            if company not in names:
                names[company] = {code: category.name for code, category in
                                  self.env["helpdesk.ticket.category"]._get_fusion_categories(company).items()}
            code = ticket.fusion_predicted_category
            ticket.fusion_predicted_category_name = names[company].get(code, code) if code else False
            flags = (ticket.fusion_analysis_flags or "").split(", ")
            ticket.fusion_analysis_flag_text = ", ".join(flag_words.get(flag, flag) for flag in flags if flag) or False
            tasks = (ticket.fusion_needs_review or "").split(", ")
            ticket.fusion_needs_review_text = ", ".join(task_words.get(task, task) for task in tasks if task) or False

    @api.model
    def _get_fusion_flag_words(self):
        """{analysis flag (``ai_insights.nlp``): what it means, in the user's language}."""
        return {
            "empty": self.env._("empty text"),
            "truncated": self.env._("very long text, only its beginning read"),
            "html_stripped": self.env._("formatting (HTML) removed"),
            "quote_removed": self.env._("quoted replies and signature left out"),
            "other_language": self.env._("a language the analyzer does not know"),
            "undetermined_language": self.env._("language not recognised"),
            "mixed_language": self.env._("several languages"),
        }

    def _prepare_fusion_analysis_vals(self, result, version, categories, chosen):
        """Ticket values from one analysis ``result`` (see ``TicketAnalyzer.predict_many``).

        Every prediction and its confidence is stored; only the confident ones
        set the category, priority, urgency and sentiment, and never a field
        a person chose (a chosen priority gives the urgency label instead).
        """
        self.ensure_one()
        review = set(result["needs_review"])
        vals = {
            "fusion_analysis_state": "review" if review else "done",
            "fusion_model_version": version.name,
            "fusion_language": result["language"],
            "fusion_predicted_category": result["category"],
            "fusion_category_confidence": result["category_confidence"],
            "fusion_predicted_urgency": result["urgency"],
            "fusion_urgency_confidence": result["urgency_confidence"],
            "fusion_predicted_sentiment": result["sentiment"],
            "fusion_sentiment_confidence": result["sentiment_confidence"],
            "fusion_sentiment_score": result["sentiment_score"],
            "fusion_key_phrases": ", ".join(result["key_phrases"]) or False,
            "fusion_needs_review": ", ".join(sorted(review)) or False,
            "fusion_analysis_flags": ", ".join(result["flags"]) or False,
        }
        if "category" not in review and "category_id" not in chosen and result["category"] in categories:
            vals["category_id"] = categories[result["category"]].id
        if "priority" in chosen:
            vals["fusion_urgency"] = PRIORITY_URGENCY[self.priority]
        elif "urgency" not in review:
            vals.update(fusion_urgency=result["urgency"], priority=URGENCY_PRIORITY[result["urgency"]])
        if "sentiment" not in review and "fusion_sentiment" not in chosen:
            vals["fusion_sentiment"] = result["sentiment"]
        return vals

    def _fusion_write_grouped(self, vals_by_ticket):
        """Write ``{ticket: vals}`` with one ``write`` per distinct vals."""
        groups = defaultdict(lambda: self.browse())
        for ticket, vals in vals_by_ticket.items():
            groups[tuple(sorted(vals.items()))] |= ticket
        for items, tickets in groups.items():
            tickets.with_context(fusion_analysis=True).write(dict(items))

    # ------------------------------------------------------------------ routing and escalation

    def _fusion_route(self, chosen=None):
        """Give tickets the team of their category and its least loaded member.

        What the creator chose stays (``chosen``: ticket id -> field names); a
        user that only came from helpdesk_mgmt's default (the creator, e.g. the
        bridge's API user) is replaced. The team is the first (by sequence)
        whose categories include the ticket's, else the ticket's own; the
        member is the one with the fewest open tickets, counted with one
        grouped query and updated as the batch is assigned.
        """
        chosen = chosen or {}
        todo = self.filtered(lambda ticket: "user_id" not in chosen.get(ticket.id, ()))
        teams = self.env["helpdesk.ticket.team"].sudo().search([
            ("category_ids", "in", todo.category_id.ids), ("company_id", "in", [False, *todo.company_id.ids])])
        team_of = {}
        for team in teams:
            for category in team.category_ids:
                team_of.setdefault((category.id, team.company_id.id), team)
        load = self._get_fusion_open_load((teams | todo.team_id).user_ids, exclude=todo)
        vals_by_ticket = {}
        for ticket in todo:
            team = ticket.team_id if "team_id" in chosen.get(ticket.id, ()) else (
                team_of.get((ticket.category_id.id, ticket.company_id.id))
                or team_of.get((ticket.category_id.id, False)) or ticket.team_id)
            members = team.user_ids.filtered_domain(
                [("share", "=", False), ("company_ids", "in", ticket.company_id.ids)]
            )
            if not members:
                continue
            user = min(members, key=lambda member: (load[member.id], member.id))
            load[user.id] += 1
            vals_by_ticket[ticket] = {"team_id": team.id, "user_id": user.id}
        self._fusion_write_grouped(vals_by_ticket)

    @api.model
    def _get_fusion_open_load(self, users, exclude=None):
        """{user id: open tickets assigned} for ``users``, in one grouped query, ``exclude`` not counted."""
        groups = self.sudo()._read_group(
            [("user_id", "in", users.ids), ("stage_id.closed", "=", False), ("id", "not in", (exclude or self).ids)],
            ["user_id"], ["__count"])
        load = defaultdict(int)
        load.update({user.id: count for user, count in groups})
        return load

    def _get_fusion_escalations(self, customer_values):
        """{ticket: (code, params)} of the tickets to escalate, by the core rule
        (:func:`ai_insights.nlp.escalation.escalations`, the one ``make demo`` applies), one call per company.

        High urgency (the urgency the ticket carries: set by a person, or predicted confidently enough to be
        applied), or a very negative sentiment (score at or under the company's threshold) from a valuable
        customer (``customer_values``: commercial partner id -> {"clv": expected margin}, see
        :meth:`_get_fusion_customer_values`). The value itself stays out of the params: agents without the
        suite's user group do not see what a customer is worth.
        """
        set_by = self.env.context.get("fusion_urgency_set_by")
        params = {"urgency_set": lambda ticket: {"user": set_by},
                  "urgency_predicted": lambda ticket: {"confidence": ticket.fusion_urgency_confidence},
                  "negative_valuable": lambda ticket: {"score": ticket.fusion_sentiment_score}}
        found = {}
        for company, tickets in self.grouped("company_id").items():
            codes = escalations(
                tickets.mapped("fusion_urgency"), tickets.mapped("fusion_sentiment"),
                tickets.mapped("fusion_sentiment_score"),
                [customer_values.get(ticket.commercial_partner_id.id, {}).get("clv", 0.0) for ticket in tickets],
                urgency_set_by_person=[bool(set_by)] * len(tickets),
                negative_score=company.fusion_helpdesk_negative_score,
                valuable_value=company.fusion_helpdesk_valuable_clv)
            found.update({ticket: (code, params[code](ticket)) for ticket, code in zip(tickets, codes) if code})
        return found

    @api.model
    def _get_fusion_escalation_phrases(self):
        """{escalation code: (phrase in the user's language, {param: kind})}; kinds as ``fusion.reason`` writes them."""
        return {
            "urgency_set": (self.env._("high urgency set by {user}"), {"user": "text"}),
            "urgency_predicted": (self.env._("high urgency (confidence {confidence})"), {"confidence": "percent"}),
            "negative_valuable": (self.env._("very negative message (score {score}) from a valuable customer"),
                                  {"score": "number"}),
        }

    @api.model
    def _get_fusion_escalation_text(self, code, params):
        """The escalation ``code`` with its ``params`` in plain words, in the user's language and formats."""
        phrase, kinds = self._get_fusion_escalation_phrases()[code]
        return self.env["fusion.reason"]._get_fusion_phrase_text(phrase, params or {}, kinds)

    @api.depends("fusion_escalation_code", "fusion_escalation_params", "priority")
    @api.depends_context("lang")
    def _compute_fusion_escalation_reason(self):
        for ticket in self:
            code = ticket.fusion_escalation_code
            ticket.fusion_escalation_reason = code and self._get_fusion_escalation_text(
                code, ticket.fusion_escalation_params)
            # No urgency gives the escalated priority: at that priority, the escalation set it.
            ticket.fusion_priority_escalated = bool(code) and ticket.priority == ESCALATED_PRIORITY

    def _fusion_escalate(self):
        """Escalate: the escalated priority, the team leader (or the company's escalation user), note and activity.

        The urgency stays what the analysis or a person said (it is the training label); the priority says the
        ticket is handled first. The note and the activity are written in the assignee's language.
        """
        todo = self.filtered(lambda ticket: not ticket.fusion_escalated)
        found = todo._get_fusion_escalations(self._get_fusion_customer_values(todo.commercial_partner_id))
        for ticket, (code, params) in found.items():
            assignee = ticket.team_id.user_id or ticket.company_id.fusion_helpdesk_escalation_user_id or ticket.user_id
            reader = ticket.with_context(lang=assignee.lang or self.env.lang)
            reason = reader._get_fusion_escalation_text(code, params)
            ticket.message_post(body=reader.env._("Escalated: %(reason)s.", reason=reason),
                                subtype_xmlid="mail.mt_note")
            if assignee:
                ticket.activity_schedule("mail.mail_activity_data_todo", user_id=assignee.id,
                                         summary=reader.env._("Escalated ticket"), note=reason)
            vals = {"priority": ESCALATED_PRIORITY, "fusion_escalated": True, "fusion_escalation_code": code,
                    "fusion_escalation_params": params}
            if assignee:
                vals["user_id"] = assignee.id
            ticket.with_context(fusion_analysis=True).write(vals)

    @api.model
    def _get_fusion_customer_values(self, partners):
        """{commercial partner id: {"clv": lifetime value, "churn": risk label}} when fusion_churn is installed.

        Read as superuser: the helpdesk user needs the figure, not the churn model.
        """
        fields_ = self.env["res.partner"]._fields
        if "fusion_lifetime_value" not in fields_:
            return {}
        selection = dict(fields_["fusion_churn_level"]._description_selection(self.env))
        return {
            partner.id: {
                "clv": partner.fusion_lifetime_value,
                "churn": partner.fusion_churn_level
                and (f"{selection.get(partner.fusion_churn_level)} ({100 * partner.fusion_churn_probability:.0f}%)"),
            }
            for partner in partners.sudo()
        }

    def _fusion_push_action_signals(self):
        """Push a "negative ticket" signal per negative ticket of a customer to fusion_actions, when installed."""
        if "fusion.action.signal" not in self.env:
            return
        negative = self.filtered(lambda ticket: ticket.fusion_sentiment == "negative" and ticket.commercial_partner_id)
        values = self._get_fusion_customer_values(negative.commercial_partner_id)
        self.env["fusion.action.signal"].sudo().create([{
            "trigger": "negative_ticket",
            "company_id": ticket.company_id.id,
            "partner_id": ticket.commercial_partner_id.id,
            "score": ticket.fusion_sentiment_confidence,
            "event_ref": f"{ticket._name},{ticket.id}",
            "model_version": ticket.fusion_model_version,
            "reasons": self.env._("Negative ticket %(ticket)s", ticket=ticket.display_name),
            "clv": values.get(ticket.commercial_partner_id.id, {}).get("clv", 0.0),
        } for ticket in negative])

    # ------------------------------------------------------------------ corrections become labels

    def write(self, vals):
        if self.env.context.get("fusion_analysis") or not LABELLED_FIELDS.keys() & vals.keys():
            return super().write(vals)
        # What a person sets flows both ways: a priority gives the urgency, an urgency the priority.
        if vals.get("priority") and "fusion_urgency" not in vals:
            vals = dict(vals, fusion_urgency=PRIORITY_URGENCY[vals["priority"]])
        elif vals.get("fusion_urgency") and "priority" not in vals:
            vals = dict(vals, priority=URGENCY_PRIORITY[vals["fusion_urgency"]])
        analysed = self.filtered("fusion_model_version")
        before = {ticket: ticket._get_fusion_labels() for ticket in analysed}
        result = super().write(vals)
        analysed._fusion_record_corrections(before)
        if vals.get("fusion_urgency") == "high":  # a person says it is urgent: escalate as the analysis would
            self.with_context(fusion_urgency_set_by=self.env.user.name)._fusion_escalate()
        return result

    def _get_fusion_labels(self):
        self.ensure_one()
        return {"category": self.category_id.fusion_code or False, "urgency": self.fusion_urgency or False,
                "sentiment": self.fusion_sentiment or False}

    def _fusion_record_corrections(self, before):
        """Record each label a person changed on analysed tickets, and take it off "to review"."""
        labels, vals_by_ticket = [], {}
        for ticket in self:
            changed = {task: label for task, label in ticket._get_fusion_labels().items()
                       if label and label != before[ticket][task]}
            if not changed:
                continue
            labels += [{
                "ticket_id": ticket.id, "task": task, "label": label,
                "predicted": ticket[f"fusion_predicted_{task}"] or False,
                "confidence": ticket[f"fusion_{task}_confidence"],
                "model_version": ticket.fusion_model_version, "user_id": self.env.uid,
            } for task, label in changed.items()]
            review = [task for task in (ticket.fusion_needs_review or "").split(", ") if task and task not in changed]
            vals_by_ticket[ticket] = {"fusion_needs_review": ", ".join(review) or False,
                                      "fusion_analysis_state": "review" if review else "done"}
        self.env["fusion.ticket.label"].sudo().create(labels)
        self.sudo()._fusion_write_grouped(vals_by_ticket)

    # ------------------------------------------------------------------ operational context and reply

    @api.depends("partner_id.commercial_partner_id", "category_id.fusion_code", "fusion_predicted_category",
                 "fusion_language", "name", "company_id")
    def _compute_fusion_context(self):
        contexts = self._get_fusion_operational_context()
        values = self._get_fusion_customer_values(self.commercial_partner_id)
        suggester = ReplySuggester()
        for ticket in self:
            context = contexts.get(ticket.id, {})
            customer = values.get(ticket.commercial_partner_id.id, {})
            language = ticket._get_fusion_reply_language()
            reply = suggester.suggest(ticket.category_id.fusion_code or ticket.fusion_predicted_category or "other",
                                      language, context.get("reply", {}))
            ticket.fusion_customer_value = customer.get("clv", 0.0)
            ticket.fusion_customer_churn = customer.get("churn") or False
            ticket.fusion_reply_suggestion = reply["text"]
            ticket.fusion_reply_language = reply["language"]
            ticket.fusion_reply_missing = ", ".join(reply["missing_context"]) or False
            ticket.fusion_context_html = ticket._get_fusion_context_html(context) if ticket.partner_id else False

    def _get_fusion_reply_language(self):
        """The ticket's language, or the customer's when the ticket's is neither Spanish nor English."""
        self.ensure_one()
        if self.fusion_language in ("es", "en"):
            return self.fusion_language
        return "es" if (self.partner_id.lang or "").startswith("es") else "en"

    def _get_fusion_operational_context(self):
        """{ticket id: {"orders", "invoices", "pickings", "reply"}}: the customers' recent operations.

        One query per model for all tickets (orders, their deliveries and lines,
        invoices, incoming receipts), read as superuser within each ticket's
        company: a support agent sees the facts without needing sales or
        accounting rights. ``reply`` holds :data:`ai_insights.nlp.replies.CONTEXT_FIELDS`
        values for the order and invoice the ticket mentions, else the latest.
        """
        tickets = self.filtered("commercial_partner_id")
        if not tickets:
            return {}
        since = fields.Datetime.now() - timedelta(days=CONTEXT_DAYS)
        partners = tickets.commercial_partner_id
        orders = self.env["sale.order"].sudo().search([
            ("partner_id", "child_of", partners.ids), ("company_id", "in", tickets.company_id.ids),
            ("date_order", ">=", since)], order="date_order desc, id desc")
        invoices = self.env["account.move"].sudo().search([
            ("commercial_partner_id", "in", partners.ids), ("company_id", "in", tickets.company_id.ids),
            ("move_type", "=", "out_invoice"), ("state", "=", "posted"), ("invoice_date", ">=", since.date())],
            order="invoice_date desc, id desc")
        orders_of, invoices_of = defaultdict(list), defaultdict(list)
        for order in orders:
            orders_of[(order.partner_id.commercial_partner_id.id, order.company_id.id)].append(order)
        for invoice in invoices:
            invoices_of[(invoice.commercial_partner_id.id, invoice.company_id.id)].append(invoice)
        result, chosen = {}, {}
        for ticket in tickets:
            key = (ticket.commercial_partner_id.id, ticket.company_id.id)
            text = ticket._get_fusion_plain_text()
            ticket_orders, ticket_invoices = orders_of[key], invoices_of[key]
            order = next((o for o in ticket_orders if o.name in text), ticket_orders[0] if ticket_orders else None)
            invoice = next((i for i in ticket_invoices if i.name in text),
                           ticket_invoices[0] if ticket_invoices else None)
            chosen[ticket.id] = (order, invoice, text)
            result[ticket.id] = {"orders": ticket_orders[:CONTEXT_ROWS], "invoices": ticket_invoices[:CONTEXT_ROWS]}
        products = self._get_fusion_reply_products({ticket_id: order for ticket_id, (order, _i, _t) in chosen.items()})
        counts = tickets._get_fusion_message_counts()
        for ticket in tickets:
            order, invoice, text = chosen[ticket.id]
            result[ticket.id]["reply"] = ticket._prepare_fusion_reply_context(
                order, invoice, products.get(ticket.id), text, counts[ticket.id])
        return result

    def _get_fusion_plain_text(self):
        """Title and the start of the description in plain text: where orders, invoices and amounts are named."""
        self.ensure_one()
        return f"{self.name or ''} {html2plaintext((self.description or '')[:MENTION_SCAN_CHARS])}"

    def _get_fusion_message_counts(self):
        """{ticket id: messages the customer sent about it}, in one grouped query.

        The messages are those of the ticket's customer (any contact of its
        company) on the ticket, plus the ticket's own description, the first
        message, unless the ticket came from the customer's e-mail (then that
        e-mail, posted at creation, is the first message and already counted).
        """
        counts = defaultdict(int)
        first_email = {}
        customer_of = {ticket.id: ticket.commercial_partner_id for ticket in self}
        if self.ids:
            for res_id, author, message_type, count, first_date in self.env["mail.message"].sudo()._read_group(
                    [("model", "=", "helpdesk.ticket"), ("res_id", "in", self.ids),
                     ("message_type", "in", ("email", "comment")), ("author_id", "!=", False)],
                    ["res_id", "author_id", "message_type"], ["__count", "date:min"]):
                if author.commercial_partner_id == customer_of[res_id]:
                    counts[res_id] += count
                    if message_type == "email":
                        first_email[res_id] = min(first_date, first_email.get(res_id, first_date))
        for ticket in self:
            created = ticket.create_date or fields.Datetime.now()
            if not (ticket.id in first_email and first_email[ticket.id] <= created + timedelta(minutes=1)):
                counts[ticket.id] += 1
        return counts

    def _prepare_fusion_reply_context(self, order, invoice, product, text, message_count):
        """Reply context of this ticket by the core's builder (:func:`ai_insights.nlp.replies.reply_context`, the
        one ``make demo`` calls): the customer, the ``order`` and ``invoice`` records (or None), the ``product``
        values of :meth:`_get_fusion_reply_products`, the ticket's plain ``text`` and the customer's
        ``message_count``."""
        self.ensure_one()
        order_values = order and {
            "name": order.name, "state": order.state, "promised_date": order.commitment_date,
            "expected_date": order.expected_date, "delivery_date": order.effective_date,
            "amount": order.amount_total, "currency": order.currency_id.symbol}
        invoice_values = invoice and {
            "name": invoice.name, "payment_state": invoice.payment_state, "amount": invoice.amount_total,
            "currency": invoice.currency_id.symbol, "due_date": invoice.invoice_date_due}
        return reply_context(self.partner_id.name, fields.Date.context_today(self), order=order_values,
                             invoice=invoice_values, product=product, text=text, message_count=message_count)

    def _get_fusion_reply_products(self, chosen_orders):
        """{ticket id: {"name", "stock_qty", "next_receipt_date"}} of the first product of each ticket's order
        (``chosen_orders``: ticket id -> order or None), its free stock and next receipt, in batch."""
        order_ids = [order.id for order in chosen_orders.values() if order]
        lines = self.env["sale.order.line"].sudo().search(
            [("order_id", "in", order_ids), ("display_type", "=", False), ("product_id", "!=", False)],
            order="order_id, sequence, id")
        first_line = {}
        for line in lines:
            first_line.setdefault(line.order_id.id, line)
        products = self.env["product.product"].sudo().browse({line.product_id.id for line in first_line.values()})
        receipts = self.env["stock.move"].sudo().search([
            ("product_id", "in", products.ids), ("picking_code", "=", "incoming"),
            ("state", "not in", ("draft", "done", "cancel"))], order="date, id")
        next_receipt = {}
        for move in receipts:
            next_receipt.setdefault(move.product_id.id, move.date)
        found = {}
        for ticket_id, order in chosen_orders.items():
            line = first_line.get(order.id) if order else None
            if line:
                product = line.product_id.with_company(order.company_id)
                found[ticket_id] = {"name": product.name,
                                    "stock_qty": product.free_qty if product.is_storable else None,
                                    "next_receipt_date": next_receipt.get(product.id)}
        return found

    def _get_fusion_context_html(self, context):
        """The context panel: recent orders (promised and actual delivery, deliveries) and invoices.

        Dates, amounts and states are written in the user's language and formats.
        """
        self.ensure_one()
        order_states = dict(self.env["sale.order"]._fields["state"]._description_selection(self.env))
        picking_states = dict(self.env["stock.picking"]._fields["state"]._description_selection(self.env))
        payment_states = dict(self.env["account.move"]._fields["payment_state"]._description_selection(self.env))

        def day(value):
            if not value:
                return "–"
            return format_date(self.env, fields.Datetime.context_timestamp(self, value).date()
                               if isinstance(value, datetime) else value)

        order_rows = [(
            order.name, day(order.date_order), order_states.get(order.state),
            day(order.commitment_date or order.expected_date), day(order.effective_date),
            ", ".join(f"{picking.name} ({picking_states.get(picking.state)})" for picking in order.picking_ids)
            or "–",
        ) for order in context.get("orders", [])]
        invoice_rows = [(
            invoice.name, day(invoice.invoice_date),
            formatLang(self.env, invoice.amount_total, currency_obj=invoice.currency_id),
            day(invoice.invoice_date_due), payment_states.get(invoice.payment_state),
        ) for invoice in context.get("invoices", [])]
        order_table = _table(
            self.env._("Recent orders"), "o_fusion_orders",
            [self.env._("Order"), self.env._("Date"), self.env._("State"), self.env._("Promised"),
             self.env._("Delivered"), self.env._("Deliveries")],
            order_rows, self.env._("No order in the last year."))
        invoice_table = _table(
            self.env._("Recent invoices"), "o_fusion_invoices",
            [self.env._("Invoice"), self.env._("Date"), self.env._("Amount"), self.env._("Due"),
             self.env._("Payment")],
            invoice_rows, self.env._("No invoice in the last year."))
        return order_table + invoice_table

    # ------------------------------------------------------------------ buttons

    def action_fusion_send_reply(self):
        """Open the composer with the suggested reply to the customer, in their language."""
        self.ensure_one()
        if not self.fusion_reply_suggestion:
            raise UserError(self.env._("There is no suggested reply for this ticket."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_subtype_xmlid": "mail.mt_comment",
                "default_partner_ids": self.partner_id.ids,
                "default_body": plaintext2html(self.fusion_reply_suggestion),
            },
        }

    def action_fusion_analyse(self):
        """Analyse the ticket again with the analyzer in use, keeping what people set or corrected."""
        self.ensure_one()
        corrected = set(self.fusion_label_ids.mapped("task"))
        chosen = {name for name in ("team_id", "user_id") if self[name]}
        chosen |= {field for field, task in (("category_id", "category"), ("priority", "urgency"),
                                             ("fusion_sentiment", "sentiment")) if task in corrected}
        self.sudo()._fusion_analyse({self.id: chosen})
        return True

    def action_fusion_close(self):
        """Open the closing dialog: resolution, customer feedback and closing stage."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fusion_helpdesk.action_fusion_ticket_close")
        action["context"] = {"default_ticket_id": self.id}
        return action



def _table(title, css_class, header, rows, empty):
    heading = Markup("<h6>%s</h6>") % title
    if not rows:
        return heading + Markup("<p class='text-muted'>%s</p>") % empty
    head = Markup().join(Markup("<th>%s</th>") % cell for cell in header)
    body = Markup().join(Markup("<tr>%s</tr>") % Markup().join(Markup("<td>%s</td>") % cell for cell in row)
                         for row in rows)
    return heading + Markup("<table class='table table-sm %s'><tr>%s</tr>%s</table>") % (css_class, head, body)
