from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_date, formatLang

FUSION_USER = "fusion_base.group_fusion_user"
OPEN_ORDER_STATES = ("draft", "sent", "sale")


class ResPartner(models.Model):
    """The ERP side of a customer, inside the partner form (and the lead's, through its partner)."""

    _inherit = ["res.partner", "fusion.bridge.change.mixin"]
    _name = "res.partner"
    _fusion_change_stream = "partners"

    fusion_open_order_count = fields.Integer(
        "Open orders", compute="_compute_fusion_erp", groups=FUSION_USER,
        help="Quotations and orders of the customer not fully delivered yet.")
    fusion_next_promised_date = fields.Date(
        "Next promised date", compute="_compute_fusion_erp", groups=FUSION_USER,
        help="The earliest date promised on the customer's open orders not fully delivered, in your time zone.")
    fusion_promise_late = fields.Boolean(
        "Promise missed", compute="_compute_fusion_erp", groups=FUSION_USER,
        help="An open order was promised for a day that has passed and is not fully delivered.")
    fusion_overdue_invoice_count = fields.Integer(
        "Overdue invoices", compute="_compute_fusion_erp", groups=FUSION_USER)
    fusion_overdue_amount = fields.Float("Overdue amount", compute="_compute_fusion_erp", groups=FUSION_USER)
    fusion_payment_delay_days = fields.Float(
        "Average payment delay (days)", compute="_compute_fusion_erp", groups=FUSION_USER,
        help="Days paid after the due date, on average, over the invoices due in the last 12 months.")
    fusion_open_ticket_count = fields.Integer("Open tickets", compute="_compute_fusion_erp", groups=FUSION_USER)
    fusion_churn_risk = fields.Float("Churn risk", compute="_compute_fusion_erp", groups=FUSION_USER)
    fusion_next_best_action = fields.Char("Next best action (ERP panel)", compute="_compute_fusion_erp",
                                          groups=FUSION_USER)
    fusion_erp_panel = fields.Html("ERP", compute="_compute_fusion_erp", sanitize=False, groups=FUSION_USER)

    def _compute_fusion_erp(self):
        summaries = self._get_fusion_erp_summaries()
        for partner in self:
            summary = summaries.get(partner._origin.commercial_partner_id.id) or self._empty_fusion_summary()
            partner.fusion_open_order_count = len(summary["orders"])
            partner.fusion_next_promised_date = min(
                (order["promised"] for order in summary["orders"] if order["promised"]), default=False)
            partner.fusion_promise_late = any(order["late"] for order in summary["orders"])
            partner.fusion_overdue_invoice_count = len(summary["overdue"])
            partner.fusion_overdue_amount = summary["overdue_amount"]
            partner.fusion_payment_delay_days = summary["payment_delay_days"] or 0.0
            partner.fusion_open_ticket_count = summary["open_tickets"] or 0
            partner.fusion_churn_risk = summary["churn"].get("risk", 0.0)
            partner.fusion_next_best_action = summary["churn"].get("next_best_action", False)
            partner.fusion_erp_panel = self._render_fusion_erp_panel(summary)

    def _empty_fusion_summary(self):
        return {"orders": [], "overdue": [], "overdue_amount": 0.0, "payment_delay_days": False,
                "open_tickets": False, "products": [], "churn": {}}

    def _get_fusion_erp_summaries(self):
        """{commercial partner id: summary} for the partners in ``self``, in a few batched reads.

        Read as superuser within the user's companies: the panel shows the ERP
        side to CRM users who may not read invoices or stock themselves.
        """
        customers = self._origin.commercial_partner_id.sudo()
        if not customers:
            return {}
        env = customers.env
        companies = self.env.companies.ids
        summaries = {customer.id: self._empty_fusion_summary() for customer in customers}
        orders = env["sale.order"].search([
            ("partner_id.commercial_partner_id", "in", customers.ids), ("company_id", "in", companies),
            ("state", "in", OPEN_ORDER_STATES), ("delivery_status", "!=", "full"),
        ], order="date_order desc")
        today = fields.Date.context_today(self)
        for order in orders:
            promised = self._get_fusion_promised_day(order)
            summaries[order.partner_id.commercial_partner_id.id]["orders"].append({
                "name": order.name, "state": dict(order._fields["state"].selection).get(order.state),
                "promised": promised, "late": bool(promised and promised < today),
                "amount": formatLang(self.env, order.amount_total, currency_obj=order.currency_id),
            })
        self._add_fusion_invoice_summaries(summaries, customers, companies)
        self._add_fusion_stock_summaries(summaries, orders)
        if "helpdesk.ticket" in env:
            for customer, count in env["helpdesk.ticket"]._read_group(
                [("commercial_partner_id", "in", customers.ids), ("stage_id.closed", "=", False),
                 ("company_id", "in", companies)], ["commercial_partner_id"], ["__count"]):
                summaries[customer.id]["open_tickets"] = count
            for summary in summaries.values():
                summary["open_tickets"] = summary["open_tickets"] or 0
        for customer_id, insight in customers._get_fusion_churn_insights().items():
            summaries[customer_id]["churn"] = insight
        return summaries

    def _get_fusion_promised_day(self, order):
        """Hook: the day promised to the customer for ``order`` in the user's time zone, or False.

        The commitment date when one was given, else Odoo's expected date; a
        day, not a time, because the customer was promised a day.
        """
        promised = order.commitment_date or order.expected_date
        return promised and fields.Datetime.context_timestamp(self, promised).date()

    def _add_fusion_invoice_summaries(self, summaries, customers, companies):
        today = fields.Date.context_today(self)
        invoices = customers.env["account.move"].search([
            ("commercial_partner_id", "in", customers.ids), ("company_id", "in", companies),
            ("move_type", "=", "out_invoice"), ("state", "=", "posted"),
            ("invoice_date_due", ">=", today - timedelta(days=365)),
        ])
        delays = defaultdict(list)
        for invoice in invoices:
            summary = summaries[invoice.commercial_partner_id.id]
            if invoice.payment_state in ("not_paid", "partial") and invoice.invoice_date_due < today:
                summary["overdue"].append({
                    "name": invoice.name, "due": format_date(self.env, invoice.invoice_date_due),
                    "residual": formatLang(self.env, invoice.amount_residual, currency_obj=invoice.currency_id),
                })
                summary["overdue_amount"] += invoice.amount_residual_signed
            elif invoice.payment_state in ("paid", "in_payment"):
                receivable = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
                paid_on = max(receivable.matched_credit_ids.mapped("max_date"), default=False)
                if paid_on:
                    delays[invoice.commercial_partner_id.id].append(max((paid_on - invoice.invoice_date_due).days, 0))
        for customer_id, days in delays.items():
            summaries[customer_id]["payment_delay_days"] = sum(days) / len(days)

    def _add_fusion_stock_summaries(self, summaries, orders):
        """Stock of the products of interest: the storable products on the customer's open orders."""
        products = orders.order_line.product_id.filtered("is_storable")
        quantities = {
            row["id"]: row for row in products.read(["display_name", "free_qty", "qty_available", "virtual_available"])
        }
        seen = defaultdict(set)
        for line in orders.order_line.filtered(lambda line: line.product_id.is_storable):
            customer_id = line.order_id.partner_id.commercial_partner_id.id
            if line.product_id.id in seen[customer_id]:
                continue
            seen[customer_id].add(line.product_id.id)
            stock = quantities[line.product_id.id]
            # The forecast already counts every open order, this one included.
            status = "available" if stock["virtual_available"] >= 0 else (
                "short" if stock["qty_available"] > 0 else "out")
            summaries[customer_id]["products"].append({
                "name": stock["display_name"], "free_qty": stock["free_qty"],
                "forecast": stock["virtual_available"], "status": status,
            })

    def _get_fusion_churn_insights(self):
        """Hook: ``{partner id: {"risk": 0..1, "next_best_action": str}}`` for these commercial partners.

        Empty here; an insights addon (``fusion_churn``) fills it, and the panel
        shows its section only then.
        """
        return {}

    def _render_fusion_erp_panel(self, summary):
        return self.env["ir.qweb"]._render("fusion_crm_bridge.erp_panel", {
            "summary": summary,
            "format_date": lambda value: format_date(self.env, value) if value else "",
        })

    @api.model
    def _get_fusion_change_scope(self):
        return SQL("""SELECT r.id, r.company_id, r.commercial_partner_id AS customer_id, NULL::integer AS source_id
                        FROM res_partner r""")
