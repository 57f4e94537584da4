import hashlib
from collections import defaultdict, namedtuple
from datetime import date, datetime, time

import pandas as pd
import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date

from crm_bridge.contract import schemas
from crm_bridge.contract.errors import FusionError, NotFoundError, ValidationError
from crm_bridge.promise.uom import convert_qty

from .sale_order_line import PROMISE_STATUS_SELECTION

# Groups allowed to call the public promise methods (any one of them).
API_GROUPS = ("fusion_base.group_fusion_api", "fusion_base.group_fusion_user", "sales_team.group_sale_salesman")
APPROVAL_FIELDS = {"fusion_approved_by_id", "fusion_approved_on", "fusion_approval_reason", "fusion_approval_signature"}
APPROVAL_ACTIVITY = "fusion_sale_promise.mail_activity_type_fusion_approval"
# Order states whose lines are promised (a confirmed order is re-promised for what is left to deliver).
PROMISED_STATES = ("draft", "sent", "sale")
# What the promise of a line depends on, besides the order (the order's evaluation depends on these of its lines).
LINE_DEPENDENCIES = ("product_id", "product_uom_qty", "product_uom", "price_unit", "discount", "display_type",
                     "qty_delivered", "is_downpayment")

LineSpec = namedtuple("LineSpec", "key product uom qty date_asked allow_partial price_unit discount")
LineSpec.__doc__ = """One line to promise and price.

``key``: lines with the same key compete (one order); ``qty`` in ``uom``;
``date_asked``: the day asked (an order's commitment day, or the caller's date),
or None for the earliest the product's lead time allows (the engine's
``asked_dates``); ``price_unit`` in the order currency per ``uom`` (0 or None:
no pricing check); ``discount`` in percent.
"""


class InputError(Exception):
    """Bad input of a public method: ``errors`` is a list of ``FusionError``."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class SaleOrder(models.Model):
    _inherit = "sale.order"

    fusion_promise_status = fields.Selection(
        PROMISE_STATUS_SELECTION, string="Promise", compute="_compute_fusion_promise",
        help="The worst promise of the order's lines.",
    )
    fusion_promised_date = fields.Date(
        string="Promised date", compute="_compute_fusion_promise",
        help="Day the last line can be delivered; empty when a line cannot be.",
    )
    fusion_promise_alert = fields.Text(
        string="Exceptions", compute="_compute_fusion_promise",
        help="Broken commitments and out-of-bounds prices: confirming needs a manager's approval.",
    )
    fusion_needs_approval = fields.Boolean(compute="_compute_fusion_promise")
    fusion_approval_valid = fields.Boolean(
        compute="_compute_fusion_promise",
        help="A manager approved the exceptions and the order's lines and dates did not change since.",
    )
    fusion_commitment_past = fields.Boolean(
        compute="_compute_fusion_promise",
        help="The quotation's commitment date has passed: move it to the earliest feasible date.",
    )
    fusion_approval_requested_by_id = fields.Many2one(
        "res.users", string="Approval requested by", readonly=True, copy=False,
        help="Who asked the managers to approve the exceptions; cleared when a manager approves or rejects.",
    )
    fusion_approved_by_id = fields.Many2one("res.users", string="Exceptions approved by", readonly=True, copy=False)
    fusion_approved_on = fields.Datetime(string="Exceptions approved on", readonly=True, copy=False)
    fusion_approval_reason = fields.Text(string="Approval reason", readonly=True, copy=False)
    fusion_approval_signature = fields.Char(readonly=True, copy=False)
    # Not stored: stock, capacity and prices move all the time. One evaluation serves the order's fields and its lines'.
    fusion_promise_data = fields.Json(
        string="Promise evaluation", compute="_compute_fusion_promise_data",
        help="Technical: the order's promise from the promise core (status, promised date, reasons), the result "
        "of each line (in the order of its lines) and the line exceptions.",
    )

    # ------------------------------------------------------------------ computes

    @api.depends(*(f"order_line.{name}" for name in LINE_DEPENDENCIES), "order_line", "commitment_date", "state",
                 "warehouse_id", "company_id", "partner_id", "currency_id")
    @api.depends_context("lang")  # its sentences are the reader's
    def _compute_fusion_promise_data(self):
        evaluation = self._get_fusion_evaluation()
        for order in self:
            order.fusion_promise_data = evaluation.get(order, False)

    @api.depends("fusion_promise_data", "fusion_approved_by_id", "fusion_approval_signature")
    @api.depends_context("lang")
    def _compute_fusion_promise(self):
        for order in self:
            data = order.fusion_promise_data or {}
            order.fusion_promise_status = data.get("status", False)
            order.fusion_promised_date = data.get("promised_date") or False
            exceptions = []
            if order.state in ("draft", "sent"):
                exceptions = order._get_fusion_order_exceptions() + data.get("exceptions", [])
            order.fusion_promise_alert = "\n".join(exceptions) or False
            order.fusion_needs_approval = bool(exceptions)
            order.fusion_approval_valid = order._fusion_is_approval_valid()
            order.fusion_commitment_past = order.state in ("draft", "sent") and order._is_fusion_commitment_past()

    def _is_fusion_commitment_past(self):
        """Whether the order's commitment day is before today (in the user's time zone)."""
        self.ensure_one()
        commitment = self._get_fusion_commitment_day()
        return bool(commitment and commitment < fields.Date.context_today(self))

    def _get_fusion_order_exceptions(self):
        """Exceptions of the order itself, before its lines': a commitment date in the past.

        It is one sentence for the whole order: its lines, asked for a day that
        has gone, are late for that reason alone, and say nothing more
        (``_get_fusion_line_exceptions``).
        """
        self.ensure_one()
        if self._is_fusion_commitment_past():
            return [self.env._(
                "The commitment date (%(date)s) has passed: move it to the earliest date the lines can be delivered.",
                date=format_date(self.env, self._get_fusion_commitment_day()),
            )]
        return []

    def _fusion_is_approval_valid(self):
        """A manager approved, and the lines and dates are still those approved."""
        self.ensure_one()
        return bool(self.fusion_approved_by_id
                    and self.fusion_approval_signature == self._get_fusion_approval_signature())

    def _get_fusion_commitment_day(self):
        """The commitment date as a day in the user's time zone, or None."""
        self.ensure_one()
        if not self.commitment_date:
            return None
        return fields.Datetime.context_timestamp(self, self.commitment_date).date()

    def _get_fusion_approval_signature(self):
        """Fingerprint of what an approval covers: the lines and the dates. A change voids the approval."""
        self.ensure_one()
        lines = sorted(
            (str(line._origin.id or line.id), line.product_id.id, line.product_uom_qty, line.product_uom.id,
             line.price_unit, line.discount)
            for line in self.order_line if not line.display_type
        )
        payload = (str(self.commitment_date or ""), self.warehouse_id.id, lines)
        return hashlib.sha256(repr(payload).encode()).hexdigest()

    # ------------------------------------------------------------------ evaluation

    def _get_fusion_evaluation(self):
        """{order: evaluation} for the promised orders among these.

        An evaluation is the order's promise from the engine (``status``,
        ``promised_date``, ``reasons``), ``lines``: the result of each of its
        ``order_line`` in their order (None for a line not promised; see
        ``_fusion_evaluate``), and ``exceptions``: what a manager must
        approve for its lines. Orders are grouped by warehouse: one promise
        engine and one pricing batch per warehouse, whatever the number of
        lines.
        """
        today = fields.Date.context_today(self)
        groups = defaultdict(list)
        for order in self:
            if order.state in PROMISED_STATES and order.warehouse_id and order.company_id:
                groups[order.warehouse_id].append(order)
        evaluation = {}
        for warehouse, orders in groups.items():
            specs, positions = [], []
            for key, order in enumerate(orders):
                order_positions, order_specs = order._get_fusion_line_specs(key)
                positions += order_positions
                specs += order_specs
            if not specs:
                continue
            exclude = [order._origin.id for order in orders if order._origin.id]
            results, order_results = self._fusion_evaluate(
                warehouse, [order.partner_id for order in orders], [order.currency_id for order in orders],
                specs, exclude, today,
            )
            for key, order in enumerate(orders):
                if key in order_results:
                    evaluation[order] = dict(order_results[key], lines=[None] * len(order.order_line), exceptions=[])
            for position, spec, result in zip(positions, specs, results):
                data = evaluation[orders[spec.key]]
                data["lines"][position] = result
                data["exceptions"] += result["exceptions"]
        return evaluation

    def _get_fusion_line_specs(self, key=0):
        """(positions in ``order_line``, ``LineSpec`` of each) of the promised lines, asked for the commitment day."""
        self.ensure_one()
        commitment = self._get_fusion_commitment_day()
        promised = [(i, line) for i, line in enumerate(self.order_line) if line._fusion_is_promised()]
        return [i for i, _line in promised], [
            LineSpec(key, line.product_id, line.product_uom, line._get_fusion_open_qty(), commitment, False,
                     line.price_unit, line.discount)
            for _i, line in promised
        ]

    @api.model
    def _get_fusion_line_exceptions(self, spec, result):
        """Sentences saying what a manager must approve for one line, if anything.

        A line asked for a date (the order's commitment date) breaks its promise
        unless on time; any line breaks it when it cannot be delivered at all.
        """
        exceptions = []
        product = spec.product
        committed = spec.date_asked is not None
        # A commitment day already gone is the order's one exception; its lines are late because of it alone.
        gone = committed and spec.date_asked < fields.Date.context_today(self) and result["status"] == "late"
        if result["status"] == "impossible" or (committed and result["status"] != "on_time" and not gone):
            status = dict(self.env["sale.order.line"]._fields["fusion_promise_status"]._description_selection(
                self.env))[result["status"]]
            exceptions.append(self.env._(
                "%(product)s: %(status)s. %(cause)s", product=product.display_name, status=status,
                cause=self._get_fusion_reason_text(result["cause"]),
            ))
        if not result["discount_ok"]:
            verdict = next(r["message"] for r in result["reasons"] if r["code"] == result["verdict"])
            exceptions.append(self.env._("%(product)s: %(verdict)s", product=product.display_name, verdict=verdict))
        return exceptions

    @api.model
    def _fusion_evaluate(self, warehouse, partners, currencies, specs, exclude_order_ids=(), today=None):
        """Promise and price ``specs`` (``LineSpec``) against ``warehouse``: (line results, {key: order result}).

        ``partners`` and ``currencies`` are indexed by ``LineSpec.key``. Stock,
        moves, capacity, demand and customer value are company-wide facts:
        they are read as superuser within the warehouse's company, so every
        viewer gets the same answer.

        A line result holds the promise (``status``, ``atp_qty`` in the
        line's unit, ``date_asked``, ``ship_date``, ``promised_date``,
        ``split``, ``cause``: the reason that decided the status), the
        pricing bounds (``max_discount``, ``suggested_discount`` in percent,
        ``suggested_price``, ``floor_price`` per line unit in the order
        currency, False when the line has no price), the pricing verdict
        (``discount_ok``, ``verdict``), ``reasons`` (promise then pricing) and
        ``exceptions``; an order result is the engine's order promise of the
        key's lines (``status``, ``promised_date``, ``reasons``). Dates are
        ISO strings.
        """
        today = today or fields.Date.context_today(self)
        company = warehouse.company_id
        model = self.sudo().with_company(company)
        warehouse = warehouse.sudo().with_company(company)
        products = model.env["product.product"].browse(dict.fromkeys(spec.product.id for spec in specs))
        engine = warehouse._get_fusion_promise_engine(products, today, exclude_order_ids)
        product_ids = [spec.product.id for spec in specs]
        asked = engine.asked_dates(product_ids, [spec.date_asked for spec in specs])
        base_qty = [convert_qty(spec.qty, spec.uom.factor, spec.product.uom_id.factor) for spec in specs]
        batch = engine.check_batch(product_ids, base_qty, asked, [spec.allow_partial for spec in specs],
                                   [spec.key for spec in specs],
                                   allocated_qty=model._get_fusion_allocated_qty(warehouse, partners, specs, today))
        pricing = model._fusion_price_lines(company, partners, currencies, specs, today)
        results = []
        for i, spec in enumerate(specs):
            line = batch.line(i)
            promise = line.to_dict()
            to_line_uom = spec.uom.factor / spec.product.uom_id.factor
            result = {
                "status": promise["status"],
                "atp_qty": promise["atp_qty"] * to_line_uom,
                "date_asked": promise["date_asked"],
                "ship_date": promise["ship_date"],
                "promised_date": promise["promised_date"],
                "split": [dict(part, qty=part["qty"] * to_line_uom) for part in promise["split"]],
                "cause": line.cause().to_dict(),
                "reasons": promise["reasons"],
                "max_discount": False, "suggested_discount": False, "suggested_price": False, "floor_price": False,
                "discount_ok": True, "verdict": False,
            }
            if i in pricing:
                result.update(pricing[i], reasons=promise["reasons"] + pricing[i]["reasons"])
            result["exceptions"] = self._get_fusion_line_exceptions(spec, result)
            results.append(result)
        rows = defaultdict(list)
        for i, spec in enumerate(specs):
            rows[spec.key].append(i)
        orders = {}
        for key, key_rows in rows.items():
            order = batch.order(key_rows).to_dict()
            orders[key] = {name: order[name] for name in ("status", "promised_date", "reasons")}
        return results, orders

    @api.model
    def _get_fusion_allocated_qty(self, warehouse, partners, specs, today):
        """Per ``LineSpec``, the units (product's unit) it may not take, kept for customers served first; or None.

        Hook: nothing is kept here (None). A forecast glue module returns the
        quantities (``crm_bridge.promise.allocation``), which the engine takes
        as ``check_batch(..., allocated_qty=...)``. ``partners`` are indexed by
        ``LineSpec.key``; called as superuser within the warehouse's company.
        """
        return None

    @api.model
    def _fusion_price_lines(self, company, partners, currencies, specs, today):
        """{spec index: pricing result} for the specs with a price, judged by the guardrail core in one batch.

        The verdict (ok or not, and why) is the core's
        (``PricingPolicy.check_batch``); its sentence is rendered here in the
        user's language (``_get_fusion_verdict_message``).
        """
        priced = [i for i, spec in enumerate(specs) if spec.price_unit]
        if not priced:
            return {}
        products = self.env["product.product"].browse(dict.fromkeys(specs[i].product.id for i in priced))
        products = products.sudo().with_company(company)
        policy = company._get_fusion_pricing_policy(products.categ_id)
        cover = dict(zip(products.ids, products._get_fusion_cover(company, today).days))
        product_of = {product.id: product for product in products}  # iterated: read in one batch
        customer_value = self._get_fusion_customer_value(self.env["res.partner"].union(*partners).sudo())
        rates = {
            currency: company.currency_id._get_conversion_rate(company.currency_id, currency, company, today)
            for currency in set(currencies)
        }
        cost, list_price, discount, category, cover_days, clv, churn = [], [], [], [], [], [], []
        for i in priced:
            spec = specs[i]
            product = product_of[spec.product.id]
            per_line_unit = product.uom_id.factor / spec.uom.factor
            cost.append(product.standard_price * per_line_unit * rates[currencies[spec.key]])
            list_price.append(spec.price_unit)
            discount.append(spec.discount / 100)
            category.append(str(product.categ_id.id))
            cover_days.append(cover[product.id])
            value = customer_value.get(partners[spec.key].commercial_partner_id.id, {})
            clv.append(value.get("clv"))
            churn.append(value.get("churn_risk"))
        checks = policy.check_batch(cost, list_price, discount, category=category, cover_days=cover_days,
                                    clv=clv, churn_risk=churn)
        pricing = {}
        for k, i in enumerate(priced):
            check = checks.check(k)
            currency = currencies[specs[i].key]
            verdict = check.reasons[0].to_dict()
            verdict["message"] = self._get_fusion_verdict_message(check, currency)
            pricing[i] = {
                "max_discount": round(check.advice.max_discount * 100, 2),
                "suggested_discount": round(check.advice.suggested_discount * 100, 2),
                "suggested_price": currency.round(check.advice.suggested_price),
                "floor_price": currency.round(check.advice.floor_price),
                "discount_ok": check.ok,
                "verdict": verdict["code"],
                "reasons": [verdict] + [reason.to_dict() for reason in check.reasons[1:]],
            }
        return pricing

    @api.model
    def _get_fusion_verdict_message(self, check, currency):
        """The core's pricing verdict (``crm_bridge.pricing.guardrail.DiscountCheck``) in the user's language.

        A discount over the maximum says what binds it (the advice's first reason).
        """
        message = self._get_fusion_reason_text(check.reasons[0], currency)
        if check.reasons[0].code == "exceeds_max_discount":
            message = f"{message}. {self._get_fusion_reason_text(check.advice.reasons[0], currency)}"
        return message

    def _get_fusion_line_reason_texts(self, result):
        """The reasons of one line's evaluation (``_fusion_evaluate``) in plain words; the verdict is already."""
        return [reason["message"] if reason["code"] == result["verdict"]
                else self._get_fusion_reason_text(reason, self.currency_id) for reason in result["reasons"]]

    @api.model
    def _get_fusion_reason_text(self, reason, currency=None):
        """A core reason in the user's words and formats (``fusion.reason``), amounts in ``currency``."""
        return self.env["fusion.reason"]._get_fusion_reason_text(reason, currency)

    @api.model
    def _get_fusion_customer_value(self, partners):
        """{commercial partner id: {"clv": float, "churn_risk": float}} known for ``partners``.

        Hook: nothing is known here; the churn and lifetime value addon
        extends it, which gives loyal customers at risk more discount room.
        """
        return {}

    # ------------------------------------------------------------------ approval gate

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._fusion_check_approval_rights(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._fusion_check_approval_rights(vals)
        return super().write(vals)

    def _fusion_check_approval_rights(self, vals):
        """Only a fusion manager records an approval (the form and XML-RPC alike)."""
        if APPROVAL_FIELDS & set(vals) and not self.env.su and not self.env.user.has_group(
                "fusion_base.group_fusion_manager"):
            raise AccessError(self.env._("Only an ERP-CRM Fusion manager can approve promise and pricing exceptions."))

    def _get_fusion_blocked_orders(self):
        """Quotations with exceptions that no valid approval covers."""
        return self.filtered(lambda order: order.fusion_needs_approval and not order.fusion_approval_valid)

    def action_confirm(self):
        """Confirm, unless exceptions need an approval.

        A manager approves with a reason in the context key
        ``fusion_approval_reason`` (how an XML-RPC client approves), or, confirming
        one order from the form (its Confirm buttons set ``fusion_approval_wizard``),
        in the approval wizard; a salesperson confirming one order from the form
        gets the wizard that asks the managers for approval. Everyone else gets a
        UserError listing the exceptions.
        """
        # Trusted server code in superuser mode (e.g. a signed portal quotation) is not gated.
        blocked = self.browse() if self.env.su else self._get_fusion_blocked_orders()
        from_form = len(self) == 1 and self.env.context.get("fusion_approval_wizard")
        if blocked and self.env.user.has_group("fusion_base.group_fusion_manager"):
            reason = self.env.context.get("fusion_approval_reason")
            if isinstance(reason, str) and reason.strip():  # an explicit approval, e.g. over XML-RPC
                for order in blocked:
                    order._fusion_record_approval(reason.strip())
                blocked = self.browse()
            elif from_form:
                return self.action_fusion_open_approval()
        if blocked and from_form and not self.fusion_approval_requested_by_id:
            return self.action_fusion_request_approval()
        if blocked:
            raise UserError(self._get_fusion_blocked_message(blocked, self.env._("confirmed")))
        return super().action_confirm()

    def action_quotation_send(self):
        """Send by email, unless exceptions no manager approved: the customer would get what cannot be kept."""
        blocked = self.browse() if self.env.su else self._get_fusion_blocked_orders()
        if blocked:
            raise UserError(self._get_fusion_blocked_message(blocked, self.env._("sent")))
        return super().action_quotation_send()

    @api.model
    def _get_fusion_blocked_message(self, blocked, done):
        """The message that stops an action on quotations whose exceptions no manager approved.

        ``done``: what cannot happen yet, translated ("confirmed", "sent").
        """
        details = "\n".join(f"{order.name}:\n{order.fusion_promise_alert}" for order in blocked)
        pending = blocked.filtered("fusion_approval_requested_by_id")
        if pending == blocked:
            advice = self.env._("Approval has been requested; the managers have an activity to review it.")
        else:
            advice = self.env._("Use “Request approval” on the quotation: the managers get an activity to review it.")
        return self.env._(
            "Before this quotation is %(done)s, a manager must approve its exceptions.\n\n%(details)s\n\n%(advice)s",
            done=done, details=details, advice=advice,
        )

    def action_fusion_open_approval(self):
        """The wizard in which a manager approves the exceptions, with a reason, and confirms (or rejects them)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve exceptions"),
            "res_model": "fusion.promise.approval",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_fusion_request_approval(self):
        """The wizard in which a salesperson asks the managers to approve the exceptions (listed for them)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request approval"),
            "res_model": "fusion.promise.approval.request",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_fusion_move_commitment(self):
        """Move a commitment date that has passed to the earliest day every line can be delivered."""
        self.ensure_one()
        earliest = self._get_fusion_earliest_day()
        if not earliest:
            raise UserError(self.env._("A line cannot be delivered at any date: change the quantities first."))
        tz = pytz.timezone(self.env.user.tz or "UTC")
        noon = tz.localize(datetime.combine(earliest, time(12))).astimezone(pytz.utc).replace(tzinfo=None)
        self.commitment_date = noon
        return True

    def _get_fusion_earliest_day(self):
        """The earliest day all promised lines can be delivered (no date asked), or None if a line never can."""
        self.ensure_one()
        _positions, specs = self._get_fusion_line_specs()
        if not specs:
            return fields.Date.context_today(self)
        specs = [spec._replace(date_asked=None) for spec in specs]
        exclude = [self._origin.id] if self._origin.id else []
        _results, orders = self._fusion_evaluate(self.warehouse_id, [self.partner_id], [self.currency_id], specs,
                                                 exclude)
        promised = orders[0]["promised_date"]
        return date.fromisoformat(promised) if promised else None

    def _get_fusion_slipped_promises(self):
        """{order: days late} of these orders whose promise to the customer slipped; None when a line cannot ship.

        The one rule for a slipped promise, the core's
        :func:`ai_insights.recommend.nba.slipped_promises`, keyed by order: an
        order with a date promised to the customer (its commitment date)
        slipped when one of its promised lines with something left to deliver
        now arrives after that day (the line's ``fusion_promised_date``) or
        cannot ship at all. An order without a commitment date promised
        nothing. The lines of every order are evaluated in one batch.
        """
        # The recommendation core loads scikit-learn: only when asked
        from ai_insights.recommend.nba import slipped_promises

        lines = self.filtered("commitment_date").order_line.filtered(lambda line: line._fusion_is_promised())
        if not lines:
            return {}
        lines.mapped("fusion_promised_date")  # evaluates every line of every order in one batch
        verdict = slipped_promises(pd.DataFrame({
            "customer_id": [line.order_id.id for line in lines],
            "commitment_date": [line.order_id._get_fusion_commitment_day() for line in lines],
            "promised_date": [line.fusion_promised_date or None for line in lines],
        }))
        late = verdict[verdict["late_promise"]]
        return {self.browse(int(order_id)): None if pd.isna(days) else float(days)
                for order_id, days in zip(late["customer_id"], late["days_late"], strict=True)}

    def _get_fusion_approvers(self):
        """The managers who may approve this order's exceptions: active fusion managers of its company."""
        self.ensure_one()
        managers = self.env.ref("fusion_base.group_fusion_manager").sudo().users
        return managers.filtered(lambda user: user.active and not user.share and self.company_id in user.company_ids)

    def _fusion_request_approval(self, note=False):
        """Ask the managers to approve the current exceptions: an activity for each, and a note in the chatter.

        Each activity is in its approver's language (the exceptions are
        evaluated once per language: ``fusion_promise_alert`` depends on the
        context's); the chatter note, like any message, in the requester's.
        """
        self.ensure_one()
        if not self.fusion_needs_approval or self.fusion_approval_valid:
            raise UserError(self.env._("This quotation has no exception waiting for approval."))
        approvers = self._get_fusion_approvers()
        if not approvers:
            raise UserError(self.env._("No ERP-CRM Fusion manager can approve exceptions in this company."))
        requester = self.env.user.name
        self.write({"fusion_approval_requested_by_id": self.env.user.id})
        readers = defaultdict(lambda: self.env["res.users"])
        for approver in approvers:
            readers[approver.lang or "en_US"] |= approver
        for lang, lang_approvers in readers.items():
            order = self.with_context(lang=lang)
            summary = order.env._("Approve the exceptions of %(order)s", order=self.name)
            body = order._get_fusion_exceptions_html(
                order.env._("%(user)s asks for approval of these exceptions:", user=requester), note)
            for approver in lang_approvers:
                self.activity_schedule(APPROVAL_ACTIVITY, user_id=approver.id, summary=summary, note=body)
        self.message_post(body=self._get_fusion_exceptions_html(
            self.env._("%(user)s asks for approval of these exceptions:", user=requester), note),
            subtype_xmlid="mail.mt_note")

    def _get_fusion_exceptions_html(self, title, note=False):
        """A title, the current exceptions as a list and an optional note, as chatter HTML (context's language)."""
        self.ensure_one()
        items = Markup().join(Markup("<li>%s</li>") % line for line in (self.fusion_promise_alert or "").splitlines())
        body = Markup("<p>%s</p><ul>%s</ul>") % (title, items)
        if note:
            body += Markup("<p>%s</p>") % note
        return body

    def _fusion_close_approval_request(self, feedback, partner_message):
        """Close the managers' approval activities with ``feedback`` and tell the requester ``partner_message``."""
        self.ensure_one()
        requester = self.fusion_approval_requested_by_id
        self.sudo().activity_feedback([APPROVAL_ACTIVITY], feedback=feedback)
        self.sudo().write({"fusion_approval_requested_by_id": False})
        partners = requester.partner_id - self.env.user.partner_id
        self.sudo().message_post(body=partner_message, partner_ids=partners.ids, subtype_xmlid="mail.mt_note",
                                 author_id=self.env.user.partner_id.id)
        return requester

    def _fusion_record_approval(self, reason):
        """Record a manager's approval of the current exceptions, say so in the chatter and tell the requester."""
        self.ensure_one()
        self._fusion_check_manager()
        body = self._get_fusion_exceptions_html(
            self.env._("Promise and pricing exceptions approved: %(reason)s", reason=reason))
        # The manager's right was checked above; approving needs no sales write access.
        self.sudo().write({
            "fusion_approved_by_id": self.env.user.id,
            "fusion_approved_on": fields.Datetime.now(),
            "fusion_approval_reason": reason,
            "fusion_approval_signature": self._get_fusion_approval_signature(),
        })
        self._fusion_close_approval_request(reason, body)

    def _fusion_reject_approval(self, reason):
        """A manager refuses the exceptions: the requester is told why, with an activity to change the quotation."""
        self.ensure_one()
        self._fusion_check_manager()
        body = self._get_fusion_exceptions_html(
            self.env._("Exceptions refused: %(reason)s", reason=reason))
        requester = self._fusion_close_approval_request(reason, body)
        if requester:
            # The activity is the requester's to read: in their language, as the managers' were in theirs
            order = self.with_context(lang=requester.lang or "en_US")
            note = order._get_fusion_exceptions_html(order.env._("Exceptions refused: %(reason)s", reason=reason))
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo", user_id=requester.id,
                summary=order.env._("Exceptions refused: change %(order)s", order=self.name), note=note)

    def _fusion_check_manager(self):
        if not self.env.user.has_group("fusion_base.group_fusion_manager"):
            raise AccessError(self.env._("Only an ERP-CRM Fusion manager can approve promise and pricing exceptions."))

    # ------------------------------------------------------------------ public XML-RPC methods

    @api.model
    def fusion_simulate_quote(self, partner_id, lines, options=None):
        """Promise and price a quotation without creating anything.

        ``lines``: up to ``crm_bridge.contract.schemas.MAX_QUOTE_LINES`` dicts
        (``schemas.QUOTE_LINE``) ``{"product_id": int, "qty": number > 0, "uom_id"?: int
        (default the product's unit), "date_asked"?: "YYYY-MM-DD" (default the earliest the
        product's lead time allows), "discount"?: percent (default 0), "price_unit"?: per
        unit of the line (default the partner's pricelist price)}``. ``options``
        (``schemas.QUOTE_OPTIONS``): ``{"company_id"?, "warehouse_id"?, "allow_partial"?: bool}``.

        Answers in the bridge's shape: ``{"api_version", "operation": "simulate_quote",
        "ok": True, "error": False, "errors": [], "company_id", "warehouse_id", "currency",
        "status", "promised_date", "needs_approval", "exceptions": [str], "reasons": [...],
        "lines": [{"line", "product_id", "uom_id", "qty", "date_asked", "status", "atp_qty",
        "ship_date", "promised_date", "split", "price_unit", "discount", "max_discount",
        "suggested_discount", "suggested_price", "floor_price", "discount_ok", "verdict",
        "reasons": [{"code", "message", "params"}]}]}``; the order's status, promised date and
        reasons are the promise core's order result. On bad input ``"ok": False``, ``"error"``
        the first error and ``"errors"`` every one, each ``{"code", "field", "message",
        "details"?}`` as the bridge gives them (``field`` False when none), and nothing else.
        Dates are ISO strings, discounts percentages, absent values False. Callers need one
        of the groups in ``API_GROUPS``, else AccessError.
        """
        self._fusion_check_api_access()
        try:
            company, warehouse, partner, allow_partial, checked = self._fusion_parse_quote_header(
                partner_id, lines, options)
            specs = self._fusion_parse_quote_lines(company, partner, checked, allow_partial)
            answer = self._fusion_answer(company, warehouse, partner, specs)
        except InputError as error:
            return self._fusion_api_response("simulate_quote", error.errors)
        except FusionError as error:
            return self._fusion_api_response("simulate_quote", [error])
        return self._fusion_api_response("simulate_quote", **answer)

    @api.model
    def fusion_check_order(self, order_id):
        """Promise and price an existing order (its open quantities), writing nothing.

        Answers the shape of ``fusion_simulate_quote`` (operation ``check_order``) plus
        ``"order_id"``, ``"name"`` and ``"approved"`` (a valid manager approval covers the
        exceptions); an order that does not exist or that the caller may not see gives the
        error ``not_found`` on ``order_id``, one that is not promised ``not_promised``.
        """
        self._fusion_check_api_access()
        order = self._fusion_find_visible_order(order_id)
        if not order:
            return self._fusion_api_response("check_order", [NotFoundError(
                "No such order, or not visible to you.", field="order_id")])
        order = order.sudo().with_company(order.company_id)
        if order.state not in PROMISED_STATES or not order.warehouse_id:
            return self._fusion_api_response("check_order", [FusionError(
                "Only quotations and open orders with a warehouse are promised.", code="not_promised",
                field="order_id")])
        _positions, specs = order._get_fusion_line_specs()
        try:
            answer = self._fusion_answer(order.company_id, order.warehouse_id, order.partner_id, specs,
                                         currency=order.currency_id, order=order)
        except FusionError as error:
            return self._fusion_api_response("check_order", [error])
        return self._fusion_api_response("check_order", order_id=order.id, name=order.name,
                                         approved=order._fusion_is_approval_valid(), **answer)

    @api.model
    def _fusion_api_response(self, operation, errors=(), **payload):
        """An answer of the public methods in the bridge's shape (``fusion.bridge._response``), with every error."""
        errors = [schemas.error_dict(error) for error in errors]
        return {"api_version": schemas.API_VERSION, "operation": operation, "ok": not errors,
                "error": errors[0] if errors else False, "errors": errors, **payload}

    def _fusion_check_api_access(self):
        if not any(self.env.user.has_group(group) for group in API_GROUPS):
            raise AccessError(self.env._("You are not allowed to use the promise and pricing API."))

    @api.model
    def _fusion_find_visible_order(self, order_id):
        """The order if it exists and the caller may see it: sale access rights, or an API user of its company."""
        if isinstance(order_id, bool) or not isinstance(order_id, int):
            return self.browse()
        order = self.sudo().browse(order_id).exists()
        if not order or order.company_id not in self.env.user.company_ids:
            return self.browse()
        if self.env.user.has_group("fusion_base.group_fusion_api"):
            return order
        try:
            self.browse(order.id).check_access("read")
        except AccessError:
            return self.browse()
        return order

    @api.model
    def _fusion_answer(self, company, warehouse, partner, specs, currency=None, order=None):
        """The public answer for one order's specs (key 0): the engine's order result and the line details."""
        model = self.sudo().with_company(company)
        currency = currency or model._get_fusion_quote_currency(partner, company)
        if not specs:
            raise FusionError("The order has no line to promise.", code="empty_order", field="lines")
        today = fields.Date.context_today(self)
        exclude = [order.id] if order else []
        results, orders = model._fusion_evaluate(warehouse, [partner], [currency], specs, exclude, today)
        exceptions = order._get_fusion_order_exceptions() if order else []
        answer_lines = []
        for i, (spec, result) in enumerate(zip(specs, results)):
            exceptions += result["exceptions"]
            answer_lines.append({
                "line": i, "product_id": spec.product.id, "uom_id": spec.uom.id, "qty": spec.qty,
                "date_asked": result["date_asked"], "status": result["status"], "atp_qty": result["atp_qty"],
                "ship_date": result["ship_date"], "promised_date": result["promised_date"], "split": result["split"],
                "price_unit": spec.price_unit, "discount": spec.discount,
                "max_discount": result["max_discount"], "suggested_discount": result["suggested_discount"],
                "suggested_price": result["suggested_price"], "floor_price": result["floor_price"],
                "discount_ok": result["discount_ok"], "verdict": result["verdict"], "reasons": result["reasons"],
            })
        return {
            "company_id": company.id, "warehouse_id": warehouse.id, "currency": currency.name,
            "status": orders[0]["status"], "promised_date": orders[0]["promised_date"],
            "needs_approval": bool(exceptions), "exceptions": exceptions, "reasons": orders[0]["reasons"],
            "lines": answer_lines,
        }

    @api.model
    def _get_fusion_quote_currency(self, partner, company):
        pricelist = partner.with_company(company).property_product_pricelist
        return pricelist.currency_id or company.currency_id

    @api.model
    def _fusion_parse_quote_header(self, partner_id, lines, options):
        """(company, warehouse, partner, allow_partial, checked lines) of a simulation, or InputError.

        The types and shapes are the shared contract's (``schemas.validate_quote``);
        what they refer to is checked here.
        """
        try:
            partner_id, checked, options = schemas.validate_quote(partner_id, lines, options)
        except FusionError as error:
            raise InputError([error]) from error
        errors = []
        company = self.env.company
        if options.get("company_id"):
            company = self.env["res.company"].browse(options["company_id"])
            if company not in self.env.user.company_ids:
                raise InputError([ValidationError("Unknown company, or one you are not allowed to use.",
                                                  code="company_not_allowed", field="options.company_id")])
        if options.get("warehouse_id"):
            warehouse = self.env["stock.warehouse"].sudo().browse(options["warehouse_id"]).exists()
            if not warehouse or not warehouse.active:
                errors.append(NotFoundError("Unknown warehouse.", field="options.warehouse_id"))
            elif warehouse.company_id != company:
                errors.append(FusionError("The warehouse is not one of the company's.", code="other_company",
                                          field="options.warehouse_id"))
        else:
            warehouse = self.env.user.sudo().with_company(company)._get_default_warehouse_id()
            if not warehouse:
                errors.append(NotFoundError("The company has no warehouse.", field="options.warehouse_id"))
        partner = self.env["res.partner"].sudo().with_context(active_test=False).browse(partner_id).exists()
        if not partner:
            errors.append(NotFoundError("Unknown customer.", field="partner_id"))
        elif partner.company_id not in (company, self.env["res.company"]):
            errors.append(FusionError("The customer belongs to another company.", code="other_company",
                                      field="partner_id"))
        elif not partner.active:
            errors.append(ValidationError("The customer is archived.", code="archived_partner", field="partner_id"))
        if errors:
            raise InputError(errors)
        return company, warehouse, partner, options.get("allow_partial") or False, checked

    @api.model
    def _fusion_parse_quote_lines(self, company, partner, checked, allow_partial):
        """``LineSpec`` per checked line (key 0), reading products, units and prices in batch; or InputError.

        ``checked``: each line's values as the shared contract normalised them, or its error.
        """
        errors = [line for line in checked if isinstance(line, FusionError)]
        lines = [line for line in checked if not isinstance(line, FusionError)]
        today = fields.Date.context_today(self)
        Product = self.env["product.product"].sudo().with_company(company).with_context(active_test=False)
        # Iterated, not browsed one by one: the records share one prefetch, read in a few queries.
        products = {product.id: product for product in Product.browse({line["product_id"] for line in lines}).exists()}
        uoms = {uom.id: uom for uom in self.env["uom.uom"].sudo().browse(
            {line["uom_id"] for line in lines if line.get("uom_id")}).exists()}
        parsed = []
        for i, line in enumerate(checked):
            if isinstance(line, FusionError):
                continue
            where = f"lines[{i}]"
            product = products.get(line["product_id"])
            if not product:
                errors.append(NotFoundError("Unknown product.", field=f"{where}.product_id"))
                continue
            if not product.active or not product.sale_ok:
                errors.append(ValidationError("The product is archived or not sold.", code="archived_product",
                                              field=f"{where}.product_id"))
            elif product.company_id and product.company_id != company:
                errors.append(FusionError("The product belongs to another company.", code="other_company",
                                          field=f"{where}.product_id"))
            uom = product.uom_id
            if line.get("uom_id"):
                uom = uoms.get(line["uom_id"])
                if not uom or uom.category_id != product.uom_id.category_id:
                    errors.append(ValidationError("Unknown unit, or not convertible to the product's unit.",
                                                  code="invalid_uom", field=f"{where}.uom_id"))
            asked = date.fromisoformat(line["date_asked"]) if line.get("date_asked") else None
            if asked and asked < today:
                errors.append(ValidationError(f"The date is before today ({today}).", code="date_in_past",
                                              field=f"{where}.date_asked"))
            price = line.get("price_unit")
            parsed.append(LineSpec(0, product, uom, line["qty"], asked, allow_partial,
                                   None if price is False else price, line.get("discount") or 0.0))
        if errors:
            raise InputError(sorted(errors, key=lambda error: _line_index(error.field)))
        return self._fusion_fill_prices(company, partner, parsed)

    @api.model
    def _fusion_fill_prices(self, company, partner, specs):
        """The specs with the partner's pricelist price where no ``price_unit`` was given.

        One pricelist computation per distinct (unit, quantity): pricelist rules
        depend on the quantity.
        """
        pricelist = partner.with_company(company).property_product_pricelist
        missing = defaultdict(list)
        for i, spec in enumerate(specs):
            if spec.price_unit is None:
                missing[(spec.uom, spec.qty)].append(i)
        specs = list(specs)
        for (uom, qty), indexes in missing.items():
            products = self.env["product.product"].union(*(specs[i].product for i in indexes))
            if pricelist:
                prices = {pid: price for pid, (price, _rule) in pricelist._compute_price_rule(
                    products, qty, currency=pricelist.currency_id, uom=uom).items()}
            else:
                prices = {product.id: product.uom_id._compute_price(product.lst_price, uom) for product in products}
            for i in indexes:
                specs[i] = specs[i]._replace(price_unit=prices[specs[i].product.id])
        return specs


def _line_index(field):
    """Index of the line an error field names (``lines[3].qty`` -> 3), for errors in line order."""
    return int(field.split("[", 1)[1].split("]", 1)[0]) if field and field.startswith("lines[") else -1

