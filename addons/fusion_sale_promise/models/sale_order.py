import hashlib
import math
from collections import defaultdict, namedtuple
from datetime import date, timedelta

import numpy as np
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from crm_bridge.contract.errors import FusionError
from crm_bridge.promise.engine import STATUSES
from crm_bridge.promise.uom import convert_qty

from .sale_order_line import PROMISE_STATUS_SELECTION

# Most lines one XML-RPC call may simulate or check.
MAX_LINES = 1000
# Groups allowed to call the public promise methods (any one of them).
API_GROUPS = ("fusion_base.group_fusion_api", "fusion_base.group_fusion_user", "sales_team.group_sale_salesman")
APPROVAL_FIELDS = {"fusion_approved_by_id", "fusion_approved_on", "fusion_approval_reason", "fusion_approval_signature"}
# Order states whose lines are promised (a confirmed order is re-promised for what is left to deliver).
PROMISED_STATES = ("draft", "sent", "sale")

LineSpec = namedtuple("LineSpec", "key product uom qty date_asked allow_partial price_unit discount")
LineSpec.__doc__ = """One line to promise and price.

``key``: lines with the same key compete (one order); ``qty`` in ``uom``;
``date_asked``: a date, or None for the earliest the product's lead time
allows; ``price_unit`` in the order currency per ``uom`` (None: no pricing
check); ``discount`` in percent.
"""


class InputError(Exception):
    """Bad input of a public method: ``errors`` is a list of {"code", "field", "message"}."""

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
    fusion_approved_by_id = fields.Many2one("res.users", string="Exceptions approved by", readonly=True, copy=False)
    fusion_approved_on = fields.Datetime(string="Exceptions approved on", readonly=True, copy=False)
    fusion_approval_reason = fields.Text(string="Approval reason", readonly=True, copy=False)
    fusion_approval_signature = fields.Char(readonly=True, copy=False)

    # ------------------------------------------------------------------ computes

    @api.depends(
        "order_line.fusion_promise_status", "order_line.fusion_promised_date", "order_line.fusion_exception",
        "order_line.product_uom_qty", "order_line.price_unit", "order_line.discount",
        "commitment_date", "state", "fusion_approved_by_id",
    )
    def _compute_fusion_promise(self):
        worst = {status: rank for rank, status in enumerate(STATUSES)}
        for order in self:
            lines = order.order_line.filtered("fusion_promise_status")
            statuses = lines.mapped("fusion_promise_status")
            order.fusion_promise_status = max(statuses, key=worst.get) if statuses else False
            dates = lines.mapped("fusion_promised_date")
            order.fusion_promised_date = max(dates) if dates and all(dates) else False
            exceptions = []
            if order.state in ("draft", "sent"):
                exceptions = order._fusion_get_order_exceptions()
                exceptions += [line.fusion_exception for line in order.order_line if line.fusion_exception]
            order.fusion_promise_alert = "\n".join(exceptions) or False
            order.fusion_needs_approval = bool(exceptions)
            order.fusion_approval_valid = order._fusion_is_approval_valid()

    def _fusion_get_order_exceptions(self):
        """Exceptions of the order itself, before its lines': a commitment date in the past."""
        self.ensure_one()
        commitment = self._fusion_get_commitment_day()
        if commitment and commitment < fields.Date.context_today(self):
            return [self.env._("The commitment date %(date)s is in the past.", date=commitment)]
        return []

    def _fusion_is_approval_valid(self):
        """A manager approved, and the lines and dates are still those approved."""
        self.ensure_one()
        return bool(self.fusion_approved_by_id
                    and self.fusion_approval_signature == self._fusion_get_approval_signature())

    def _fusion_get_commitment_day(self):
        """The commitment date as a day in the user's time zone, or None."""
        self.ensure_one()
        if not self.commitment_date:
            return None
        return fields.Datetime.context_timestamp(self, self.commitment_date).date()

    def _fusion_get_approval_signature(self):
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

    def _fusion_evaluate_order_lines(self):
        """{line: result} for the promised lines of these orders (see ``_fusion_evaluate`` for a result).

        Orders are grouped by warehouse: one promise engine and one pricing
        batch per warehouse, whatever the number of lines.
        """
        today = fields.Date.context_today(self)
        groups = defaultdict(list)
        for order in self:
            if order.state in PROMISED_STATES and order.warehouse_id and order.company_id:
                groups[order.warehouse_id].append(order)
        results = {}
        for warehouse, orders in groups.items():
            specs, lines = [], []
            for key, order in enumerate(orders):
                order_lines, order_specs = order._fusion_get_line_specs(key)
                lines += order_lines
                specs += order_specs
            if not specs:
                continue
            exclude = [order._origin.id for order in orders if order._origin.id]
            line_results = self._fusion_evaluate(
                warehouse, [order.partner_id for order in orders], [order.currency_id for order in orders],
                specs, exclude, today,
            )
            for line, spec, result in zip(lines, specs, line_results):
                result["exceptions"] = self._fusion_get_line_exceptions(spec, result)
                results[line] = result
        return results

    def _fusion_get_line_specs(self, key=0):
        """(lines, ``LineSpec`` of each) for the promised lines of the order, asked for its commitment date."""
        self.ensure_one()
        commitment = self._fusion_get_commitment_day()
        # A past commitment date is an exception of its own; its lines are asked for today.
        asked = max(commitment, fields.Date.context_today(self)) if commitment else None
        lines = [line for line in self.order_line if line._fusion_is_promised()]
        return lines, [
            LineSpec(key, line.product_id, line.product_uom, line._fusion_get_open_qty(), asked, False,
                     line.price_unit, line.discount)
            for line in lines
        ]

    @api.model
    def _fusion_get_line_exceptions(self, spec, result):
        """Sentences saying what a manager must approve for one line, if anything.

        A line asked for a date (the order's commitment date) breaks its promise
        unless on time; any line breaks it when it cannot be delivered at all.
        """
        exceptions = []
        product = spec.product
        committed = spec.date_asked is not None
        broken = result["status"] == "impossible" or (committed and result["status"] != "on_time")
        if broken:
            cause = next((r["message"] for r in result["reasons"] if r["code"] not in ("in_stock", "split")), "")
            exceptions.append(self.env._(
                "%(product)s: %(status)s. %(cause)s", product=product.display_name,
                status=dict(self.env["sale.order.line"]._fields["fusion_promise_status"].selection)[result["status"]],
                cause=cause,
            ))
        if not result["discount_ok"]:
            verdict = next(r["message"] for r in result["reasons"] if r["code"] in ("exceeds_max_discount", "below_floor"))
            exceptions.append(self.env._("%(product)s: %(verdict)s", product=product.display_name, verdict=verdict))
        return exceptions

    @api.model
    def _fusion_evaluate(self, warehouse, partners, currencies, specs, exclude_order_ids=(), today=None):
        """Promise and price ``specs`` (``LineSpec``) against ``warehouse``; one result dict per spec.

        ``partners`` and ``currencies`` are indexed by ``LineSpec.key``. A
        result holds the promise (``status``, ``atp_qty`` in the line's unit,
        ``ship_date``, ``promised_date``, ``split``), the pricing bounds
        (``max_discount``, ``suggested_discount`` in percent,
        ``suggested_price``, ``floor_price`` per line unit in the order
        currency, False when the line has no price), ``discount_ok`` and
        ``reasons`` (promise then pricing), dates as ISO strings.
        """
        today = today or fields.Date.context_today(self)
        company = warehouse.company_id
        products = self.env["product.product"].browse(dict.fromkeys(spec.product.id for spec in specs))
        products = products.with_company(company)
        engine = warehouse._fusion_get_promise_engine(products, today, exclude_order_ids)
        supply_of = {supply.product_id: supply for supply in engine.supplies}
        first_ship = engine.capacity.calendar.next_working_day(today)
        base_qty = [convert_qty(spec.qty, spec.uom.factor, spec.product.uom_id.factor) for spec in specs]
        asked = [
            spec.date_asked or first_ship + timedelta(days=supply_of[spec.product.id].customer_lead_days)
            for spec in specs
        ]
        batch = engine.check_batch(
            [spec.product.id for spec in specs], base_qty, asked,
            [spec.allow_partial for spec in specs], [spec.key for spec in specs],
        )
        pricing = self._fusion_price_lines(company, partners, currencies, specs, supply_of, today)
        results = []
        for i, spec in enumerate(specs):
            promise = batch.line(i).to_dict()
            to_line_uom = spec.uom.factor / spec.product.uom_id.factor
            result = {
                "status": promise["status"],
                "atp_qty": promise["atp_qty"] * to_line_uom,
                "date_asked": promise["date_asked"],
                "ship_date": promise["ship_date"],
                "promised_date": promise["promised_date"],
                "split": [dict(part, qty=part["qty"] * to_line_uom) for part in promise["split"]],
                "reasons": promise["reasons"],
                "max_discount": False, "suggested_discount": False, "suggested_price": False, "floor_price": False,
                "discount_ok": True,
            }
            if i in pricing:
                result.update(pricing[i])
                result["reasons"] = promise["reasons"] + pricing[i]["reasons"]
            results.append(result)
        return results

    @api.model
    def _fusion_price_lines(self, company, partners, currencies, specs, supply_of, today):
        """{spec index: pricing result} for the specs with a price, batched through the guardrail core."""
        priced = [i for i, spec in enumerate(specs) if spec.price_unit]
        if not priced:
            return {}
        products = self.env["product.product"].browse(dict.fromkeys(specs[i].product.id for i in priced))
        policy = company._fusion_get_pricing_policy(products.categ_id)
        demand = products._fusion_get_daily_demand(company)
        customer_value = self._fusion_get_customer_value(self.env["res.partner"].union(*partners))
        rates = {
            currency: company.currency_id._get_conversion_rate(company.currency_id, currency, company, today)
            for currency in set(currencies)
        }
        cost, list_price, discount, category, cover, clv, churn = [], [], [], [], [], [], []
        for i in priced:
            spec = specs[i]
            product = spec.product
            per_line_unit = product.uom_id.factor / spec.uom.factor
            cost.append(product.standard_price * per_line_unit * rates[currencies[spec.key]])
            list_price.append(spec.price_unit)
            discount.append(spec.discount / 100)
            category.append(str(product.categ_id.id))
            daily = demand.get(product.id)
            cover.append(max(supply_of[product.id].free_qty, 0.0) / daily if daily else None)
            value = customer_value.get(partners[spec.key].commercial_partner_id.id, {})
            clv.append(value.get("clv"))
            churn.append(value.get("churn_risk"))
        ok, advice = policy.check_batch(cost, list_price, discount, category=category, cover_days=cover,
                                        clv=clv, churn_risk=churn)
        net_price = advice.list_price * (1 - np.asarray(discount))
        above_floor = net_price >= advice.floor_price - 1e-6
        currency_of = [currencies[specs[i].key] for i in priced]
        pricing = {}
        for k, i in enumerate(priced):
            line_advice = advice.advice(k)
            reasons = [reason.to_dict() for reason in line_advice.reasons]
            rounding = currency_of[k].round
            if not ok[k]:
                reasons.insert(0, {
                    "code": "exceeds_max_discount",
                    "message": self.env._("A discount of %(discount)s%% exceeds the maximum of %(max)s%%: %(why)s",
                                          discount=_pct(discount[k]), max=_pct(line_advice.max_discount),
                                          why=reasons[0]["message"]),
                    "params": {"discount": discount[k], "max_discount": line_advice.max_discount},
                })
            elif not above_floor[k]:
                reasons.insert(0, {
                    "code": "below_floor",
                    "message": self.env._("The net price %(price)s is below the floor price %(floor)s",
                                          price=rounding(float(net_price[k])), floor=rounding(line_advice.floor_price)),
                    "params": {"price": float(net_price[k]), "floor_price": line_advice.floor_price},
                })
            pricing[i] = {
                "max_discount": round(line_advice.max_discount * 100, 2),
                "suggested_discount": round(line_advice.suggested_discount * 100, 2),
                "suggested_price": rounding(line_advice.suggested_price),
                "floor_price": rounding(line_advice.floor_price),
                "discount_ok": bool(ok[k] and above_floor[k]),
                "reasons": reasons,
            }
        return pricing

    @api.model
    def _fusion_get_customer_value(self, partners):
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

    def _fusion_get_blocked_orders(self):
        """Quotations with exceptions that no valid approval covers."""
        return self.filtered(lambda order: order.fusion_needs_approval and not order.fusion_approval_valid)

    def action_confirm(self):
        """Confirm, unless exceptions need an approval.

        Everyone gets a UserError listing them, except a manager who approves with a
        reason in the context key ``fusion_approval_reason`` (how an XML-RPC client
        approves) or who confirms one order from the form (its Confirm buttons set
        ``fusion_approval_wizard``): the approval wizard opens.
        """
        # Trusted server code in superuser mode (e.g. a signed portal quotation) is not gated.
        blocked = self.browse() if self.env.su else self._fusion_get_blocked_orders()
        if blocked and self.env.user.has_group("fusion_base.group_fusion_manager"):
            reason = self.env.context.get("fusion_approval_reason")
            if isinstance(reason, str) and reason.strip():  # an explicit approval, e.g. over XML-RPC
                for order in blocked:
                    order._fusion_record_approval(reason.strip())
                blocked = self.browse()
            elif len(self) == 1 and self.env.context.get("fusion_approval_wizard"):
                return self.action_fusion_open_approval()
        if blocked:
            raise UserError(self.env._(
                "These quotations break a delivery promise or a pricing guardrail; a manager must "
                "approve them before they are confirmed:\n%(details)s",
                details="\n".join(f"{order.name}: {order.fusion_promise_alert}" for order in blocked),
            ))
        return super().action_confirm()

    def action_fusion_open_approval(self):
        """The wizard in which a manager approves the exceptions, with a reason, and confirms."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve exceptions"),
            "res_model": "fusion.promise.approval",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _fusion_record_approval(self, reason):
        """Record a manager's approval of the current exceptions, and say so in the chatter."""
        self.ensure_one()
        if not self.env.user.has_group("fusion_base.group_fusion_manager"):
            raise AccessError(self.env._("Only an ERP-CRM Fusion manager can approve promise and pricing exceptions."))
        exceptions = self.fusion_promise_alert or ""
        # The manager's right was checked above; approving needs no sales write access.
        self.sudo().write({
            "fusion_approved_by_id": self.env.user.id,
            "fusion_approved_on": fields.Datetime.now(),
            "fusion_approval_reason": reason,
            "fusion_approval_signature": self._fusion_get_approval_signature(),
        })
        body = Markup("<p>%s</p><p>%s</p><ul>%s</ul>") % (
            self.env._("Promise and pricing exceptions approved: %(reason)s", reason=reason),
            self.env._("Exceptions at approval:"),
            Markup().join(Markup("<li>%s</li>") % line for line in exceptions.splitlines()),
        )
        self.sudo().message_post(body=body, subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id)

    # ------------------------------------------------------------------ public XML-RPC methods

    @api.model
    def fusion_simulate_quote(self, partner_id, lines, options=None):
        """Promise and price a quotation without creating anything.

        ``lines``: up to ``MAX_LINES`` dicts ``{"product_id": int, "qty": number > 0,
        "uom_id"?: int (default the product's unit), "date_asked"?: "YYYY-MM-DD" (default
        the earliest the product's lead time allows), "discount"?: percent (default 0),
        "price_unit"?: per unit of the line (default the partner's pricelist price)}``.
        ``options``: ``{"company_id"?, "warehouse_id"?, "allow_partial"?: bool}``.

        Returns ``{"ok": True, "company_id", "warehouse_id", "currency", "status",
        "promised_date", "needs_approval", "exceptions": [str], "reasons": [...],
        "lines": [{"line", "product_id", "uom_id", "qty", "date_asked", "status",
        "atp_qty", "ship_date", "promised_date", "split", "price_unit", "discount",
        "max_discount", "suggested_discount", "suggested_price", "floor_price",
        "discount_ok", "reasons": [{"code", "message", "params"}]}]}``; on bad input
        ``{"ok": False, "errors": [{"code", "field", "message"}]}`` and nothing else.
        Dates are ISO strings, discounts percentages, absent values False. Callers
        need one of the groups in ``API_GROUPS``, else AccessError.
        """
        self._fusion_check_api_access()
        try:
            company, warehouse, partner, allow_partial = self._fusion_parse_quote_header(partner_id, lines, options)
            specs = self._fusion_parse_quote_lines(company, partner, lines, allow_partial)
            return self._fusion_answer(company, warehouse, partner, specs)
        except InputError as error:
            return {"ok": False, "errors": error.errors}
        except FusionError as error:
            return {"ok": False, "errors": [_error(error.code, error.field or "", error.message)]}

    @api.model
    def fusion_check_order(self, order_id):
        """Promise and price an existing order (its open quantities), writing nothing.

        Returns the shape of ``fusion_simulate_quote`` plus ``"order_id"``, ``"name"``
        and ``"approved"`` (a valid manager approval covers the exceptions); an order
        that does not exist or that the caller may not see gives
        ``{"ok": False, "errors": [{"code": "not_found", "field": "order_id", ...}]}``.
        """
        self._fusion_check_api_access()
        order = self._fusion_find_visible_order(order_id)
        if not order:
            return {"ok": False, "errors": [_error("not_found", "order_id", "No such order, or not visible to you.")]}
        order = order.sudo().with_company(order.company_id)
        if order.state not in PROMISED_STATES or not order.warehouse_id:
            return {"ok": False, "errors": [_error("not_promised", "order_id",
                                                   "Only quotations and open orders with a warehouse are promised.")]}
        _lines, specs = order._fusion_get_line_specs()
        answer = self._fusion_answer(order.company_id, order.warehouse_id, order.partner_id, specs,
                                     currency=order.currency_id, order=order)
        answer.update(order_id=order.id, name=order.name, approved=order._fusion_is_approval_valid())
        return answer

    def _fusion_check_api_access(self):
        if not any(self.env.user.has_group(group) for group in API_GROUPS):
            raise AccessError(self.env._("You are not allowed to use the promise and pricing API."))

    @api.model
    def _fusion_find_visible_order(self, order_id):
        """The order if it exists and the caller may see it: sale access rights, or an API user of its company."""
        if not _is_int(order_id):
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
        """The public answer for one order's specs (key 0): order summary and line details."""
        model = self.sudo().with_company(company)
        currency = currency or model._fusion_get_quote_currency(partner, company)
        if not specs:
            return {"ok": False, "errors": [_error("empty_order", "lines", "The order has no line to promise.")]}
        today = fields.Date.context_today(self)
        exclude = [order.id] if order else []
        results = model._fusion_evaluate(warehouse, [partner], [currency], specs, exclude, today)
        exceptions = order._fusion_get_order_exceptions() if order else []
        answer_lines = []
        for i, (spec, result) in enumerate(zip(specs, results)):
            exceptions += model._fusion_get_line_exceptions(spec, result)
            answer_lines.append({
                "line": i, "product_id": spec.product.id, "uom_id": spec.uom.id, "qty": spec.qty,
                "date_asked": result["date_asked"], "status": result["status"], "atp_qty": result["atp_qty"],
                "ship_date": result["ship_date"], "promised_date": result["promised_date"], "split": result["split"],
                "price_unit": spec.price_unit, "discount": spec.discount,
                "max_discount": result["max_discount"], "suggested_discount": result["suggested_discount"],
                "suggested_price": result["suggested_price"], "floor_price": result["floor_price"],
                "discount_ok": result["discount_ok"], "reasons": result["reasons"],
            })
        worst = max(STATUSES.index(line["status"]) for line in answer_lines)
        promised = [line["promised_date"] for line in answer_lines]
        reasons = [
            {"code": f"line_{line['status']}", "message": f"Line {line['line'] + 1}: {line['reasons'][0]['message']}",
             "params": {"line": line["line"], "product_id": line["product_id"]}}
            for line in answer_lines if line["status"] != "on_time" and line["reasons"]
        ]
        return {
            "ok": True, "company_id": company.id, "warehouse_id": warehouse.id, "currency": currency.name,
            "status": STATUSES[worst], "promised_date": max(promised) if all(promised) else False,
            "needs_approval": bool(exceptions), "exceptions": exceptions, "reasons": reasons, "lines": answer_lines,
        }

    @api.model
    def _fusion_get_quote_currency(self, partner, company):
        pricelist = partner.with_company(company).property_product_pricelist
        return pricelist.currency_id or company.currency_id

    @api.model
    def _fusion_parse_quote_header(self, partner_id, lines, options):
        """(company, warehouse, partner, allow_partial) of a simulation, or InputError."""
        options = {} if options in (None, False) else options
        if not isinstance(options, dict):
            raise InputError([_error("invalid_options", "options", "options must be a dict.")])
        errors = []
        company = self.env.company
        if "company_id" in options:
            company = self.env["res.company"].browse(options["company_id"] if _is_int(options["company_id"]) else [])
            if company not in self.env.user.company_ids or not company:
                raise InputError([_error("company_not_allowed", "options.company_id",
                                         "Unknown company, or one you are not allowed to use.")])
        if "warehouse_id" in options:
            warehouse = self.env["stock.warehouse"].sudo().browse(
                options["warehouse_id"] if _is_int(options["warehouse_id"]) else []).exists()
            if not warehouse or warehouse.company_id != company or not warehouse.active:
                errors.append(_error("invalid_warehouse", "options.warehouse_id",
                                     "Unknown warehouse, or not one of the company's."))
        else:
            warehouse = self.env.user.sudo().with_company(company)._get_default_warehouse_id()
            if not warehouse:
                errors.append(_error("invalid_warehouse", "options.warehouse_id", "The company has no warehouse."))
        allow_partial = options.get("allow_partial", False)
        if not isinstance(allow_partial, bool):
            errors.append(_error("invalid_option", "options.allow_partial", "allow_partial must be true or false."))
        partner = self.env["res.partner"].sudo().with_context(active_test=False).browse(
            partner_id if _is_int(partner_id) else []).exists()
        if not partner or partner.company_id not in (company, self.env["res.company"]):
            errors.append(_error("unknown_partner", "partner_id", "Unknown customer."))
        elif not partner.active:
            errors.append(_error("archived_partner", "partner_id", "The customer is archived."))
        if not isinstance(lines, list) or not lines:
            errors.append(_error("invalid_lines", "lines", "lines must be a non-empty list."))
        elif len(lines) > MAX_LINES:
            errors.append(_error("too_many_lines", "lines", f"At most {MAX_LINES} lines per call."))
        if errors:
            raise InputError(errors)
        return company, warehouse, partner, allow_partial

    @api.model
    def _fusion_parse_quote_lines(self, company, partner, lines, allow_partial):
        """``LineSpec`` per input line (key 0), reading products, units and prices in batch; or InputError."""
        errors = []
        today = fields.Date.context_today(self)
        if any(not isinstance(line, dict) for line in lines):
            raise InputError([_error("invalid_line", f"lines[{i}]", "Each line must be a dict.")
                              for i, line in enumerate(lines) if not isinstance(line, dict)])
        Product = self.env["product.product"].sudo().with_company(company).with_context(active_test=False)
        products = Product.browse({line.get("product_id") for line in lines if _is_int(line.get("product_id"))}).exists()
        uoms = self.env["uom.uom"].sudo().browse({line["uom_id"] for line in lines if _is_int(line.get("uom_id"))}).exists()
        parsed = []
        for i, line in enumerate(lines):
            where = f"lines[{i}]"
            product = products.browse(line.get("product_id")) if _is_int(line.get("product_id")) else Product
            if product not in products or not product:
                errors.append(_error("unknown_product", f"{where}.product_id", "Unknown product."))
                continue
            if not product.active or not product.sale_ok:
                errors.append(_error("archived_product", f"{where}.product_id", "The product is archived or not sold."))
            elif product.company_id and product.company_id != company:
                errors.append(_error("unknown_product", f"{where}.product_id", "The product belongs to another company."))
            qty = line.get("qty")
            if not _is_number(qty) or qty <= 0:
                errors.append(_error("invalid_quantity", f"{where}.qty", "The quantity must be a number above 0."))
            uom = product.uom_id
            if "uom_id" in line:
                uom = uoms.browse(line["uom_id"]) if _is_int(line["uom_id"]) else uoms.browse()
                if uom not in uoms or not uom or uom.category_id != product.uom_id.category_id:
                    errors.append(_error("invalid_uom", f"{where}.uom_id",
                                         "Unknown unit, or not convertible to the product's unit."))
            asked = None
            if line.get("date_asked"):
                try:
                    asked = date.fromisoformat(line["date_asked"]) if isinstance(line["date_asked"], str) else None
                except ValueError:
                    asked = None
                if asked is None:
                    errors.append(_error("invalid_date", f"{where}.date_asked", "The date must be YYYY-MM-DD."))
                elif asked < today:
                    errors.append(_error("date_in_past", f"{where}.date_asked", f"The date is before today ({today})."))
            discount = line.get("discount", 0.0)
            if not _is_number(discount) or not 0 <= discount <= 100:
                errors.append(_error("invalid_discount", f"{where}.discount", "The discount is a percentage, 0 to 100."))
            price = line.get("price_unit")
            if price is not None and (not _is_number(price) or price < 0):
                errors.append(_error("invalid_price", f"{where}.price_unit", "The price must be a number >= 0."))
            parsed.append(LineSpec(0, product, uom, qty, asked, allow_partial, price, discount))
        if errors:
            raise InputError(errors)
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


def _error(code, field, message):
    return {"code": code, "field": field, "message": message}


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _pct(fraction):
    return f"{float(fraction) * 100:.1f}"
