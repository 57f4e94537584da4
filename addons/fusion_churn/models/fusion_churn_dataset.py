import pandas as pd

from odoo import api, models
from odoo.exceptions import UserError

CONSUMER = "churn model"
# Sale order states as the feature builder names them (purchases are confirmed or delivered).
ORDER_STATES = {"draft": "quotation", "sent": "quotation", "sale": "confirmed", "cancel": "cancelled"}
PAID_STATES = ("paid", "in_payment")
ORDER_COLUMNS = ["order_id", "customer_id", "date_order", "state", "commitment_date", "delivery_date"]
LINE_COLUMNS = ["order_id", "qty", "price_unit", "discount", "cost", "qty_returned"]
INVOICE_COLUMNS = ["customer_id", "date_invoice", "date_due", "amount", "date_paid"]
TICKET_COLUMNS = ["customer_id", "created_at", "closed_at", "sentiment", "feedback_score"]


class FusionChurnDataset(models.AbstractModel):
    """The churn and lifetime value models' view of a company: the feature builder's tables.

    Every read goes through :meth:`_read_declared`, so only fields declared for
    the consumer "churn model" in ``fusion.data.purpose`` ever reach a model.
    Reads are one query per table (no per-customer query) and run as superuser
    within the company: the declared purpose is the authorisation.
    """

    _name = "fusion.churn.dataset"
    _description = "ERP-CRM Fusion: churn and lifetime value data"

    @api.model
    def _read_declared(self, model, domain, fnames, required=True):
        """Rows of ``model`` (many2ones as ids), or None when optional and not all ``fnames`` are declared."""
        undeclared = set(fnames) - self.env["fusion.data.purpose"]._get_allowed_fields(CONSUMER, model)
        if undeclared:
            if not required:
                return None
            raise UserError(self.env._(
                "The churn model needs %(model)s fields %(fields)s: declare their purpose in Settings > "
                "ERP-CRM Fusion > Declared data uses.", model=model, fields=", ".join(sorted(undeclared))))
        records = self.env[model].sudo().with_context(active_test=False)
        return records.search_read(domain, fnames, load=None, order="id")

    @api.model
    def _get_tables(self, company):
        """{table name: DataFrame} of ``company`` for ``ai_insights.churn.features.build_features``.

        Customers are commercial partners: orders of a contact count for its company.
        """
        orders = self._read_declared(
            "sale.order", [("company_id", "=", company.id)],
            ["partner_id", "date_order", "state", "commitment_date", "effective_date"])
        commercial = self._get_commercial_partners({order["partner_id"] for order in orders})
        order_frame = pd.DataFrame([{
            "order_id": order["id"], "customer_id": commercial[order["partner_id"]],
            "date_order": order["date_order"], "state": ORDER_STATES[order["state"]],
            "commitment_date": order["commitment_date"] or None, "delivery_date": order["effective_date"] or None,
        } for order in orders], columns=ORDER_COLUMNS)
        lines = self._read_declared(
            "sale.order.line", [("company_id", "=", company.id), ("display_type", "=", False)],
            ["order_id", "product_id", "product_uom_qty", "price_unit", "discount"])
        costs = self._get_product_costs(company, {line["product_id"] for line in lines if line["product_id"]})
        line_frame = pd.DataFrame([{
            "order_id": line["order_id"], "qty": line["product_uom_qty"], "price_unit": line["price_unit"],
            "discount": line["discount"], "cost": costs.get(line["product_id"], float("nan")), "qty_returned": 0.0,
        } for line in lines], columns=LINE_COLUMNS)
        tables = {"orders": order_frame, "order_lines": line_frame, "invoices": self._get_invoices(company)}
        tickets = self._get_tickets(company)
        if tickets is not None:
            tables["tickets"] = tickets
        return tables

    @api.model
    def _get_commercial_partners(self, partner_ids):
        rows = self._read_declared("res.partner", [("id", "in", list(partner_ids))], ["commercial_partner_id"])
        return {row["id"]: row["commercial_partner_id"] for row in rows}

    @api.model
    def _get_product_costs(self, company, product_ids):
        """Current unit cost of each product in ``company`` (the cost at sale time is not kept without sale_margin)."""
        rows = self.with_company(company)._read_declared(
            "product.product", [("id", "in", list(product_ids))], ["standard_price"])
        return {row["id"]: row["standard_price"] for row in rows}

    @api.model
    def _get_invoices(self, company):
        """Posted customer invoices with the date the last payment met them (from their reconciliations)."""
        moves = self._read_declared(
            "account.move", [("company_id", "=", company.id), ("move_type", "=", "out_invoice"),
                             ("state", "=", "posted")],
            ["commercial_partner_id", "invoice_date", "invoice_date_due", "amount_total_signed", "payment_state"])
        partials = self._read_declared(
            "account.partial.reconcile", [("company_id", "=", company.id),
                                          ("debit_move_id.move_id.move_type", "=", "out_invoice")],
            ["debit_move_id", "max_date"])
        line_moves = {row["id"]: row["move_id"] for row in self._read_declared(
            "account.move.line", [("id", "in", list({p["debit_move_id"] for p in partials}))], ["move_id"])}
        paid_on = {}
        for partial in partials:
            move_id = line_moves[partial["debit_move_id"]]
            paid_on[move_id] = max(paid_on.get(move_id, partial["max_date"]), partial["max_date"])
        return pd.DataFrame([{
            "customer_id": move["commercial_partner_id"], "date_invoice": move["invoice_date"] or None,
            "date_due": move["invoice_date_due"] or None, "amount": move["amount_total_signed"],
            # Paid without a reconciliation (e.g. settled by a credit note elsewhere): the due date stands in.
            "date_paid": (paid_on.get(move["id"]) or move["invoice_date_due"])
            if move["payment_state"] in PAID_STATES else None,
        } for move in moves], columns=INVOICE_COLUMNS)

    @api.model
    def _get_ticket_fields(self):
        """{tickets column: helpdesk.ticket field} to read; glue modules add sentiment and feedback."""
        return {"customer_id": "commercial_partner_id", "created_at": "create_date", "closed_at": "closed_date"}

    @api.model
    def _get_tickets(self, company):
        """Helpdesk tickets when a helpdesk is installed and its fields are declared, else None.

        Columns without a field (sentiment, feedback) stay empty: their features are unknown.
        """
        if "helpdesk.ticket" not in self.env:
            return None
        columns = self._get_ticket_fields()
        tickets = self._read_declared("helpdesk.ticket", [("company_id", "=", company.id)], list(columns.values()),
                                      required=False)
        if tickets is None:
            return None
        frame = pd.DataFrame({column: [ticket[fname] or None for ticket in tickets]
                              for column, fname in columns.items()}, columns=TICKET_COLUMNS)
        frame["feedback_score"] = pd.to_numeric(frame["feedback_score"], errors="coerce")
        return frame
