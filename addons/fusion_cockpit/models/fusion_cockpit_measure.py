import json
import logging
from datetime import timedelta

import pandas as pd
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from crm_bridge.cockpit.measures import MEASURES, NEEDED_COLUMNS, PAIRS, cockpit_figures, cockpit_records
from crm_bridge.tables.backends import OrmBackend
from crm_bridge.tables.odoo import UndeclaredFieldsError, check_declared, read_tables

_logger = logging.getLogger(__name__)

CONSUMER = "cockpit"
READ_MODELS = ("crm.lead", "res.partner", "res.users", "product.product", "product.category", "stock.quant",
               "stock.location", "sale.order", "sale.order.line", "account.move", "helpdesk.ticket",
               "helpdesk.ticket.category")
# The order's promise verdict recorded at confirmation or cancellation, as crm_bridge.cockpit reads it.
PROMISE_VERDICTS = {"on_time": "feasible", "partial": "late", "late": "late", "impossible": "impossible"}
# What the hours a ticket stayed open are read from (declared for the consumer "cockpit").
ELAPSED_FIELDS = ("create_date", "closed_date")
# The summary's headline measures, in its order.
SUMMARY_MEASURES = ("lost_to_late_promise", "lost_to_stock_out", "margin_above_guardrail", "discount_on_scarce",
                    "conflict_tickets", "credit_notes", "promise_accuracy")


class FusionCockpitMeasure(models.Model):
    """One figure of the cockpit: a measure of ``crm_bridge.cockpit`` for a month, segment and salesperson.

    Rows are replaced, one company at a time, by :meth:`_refresh` (monthly
    cron, or the Refresh button): the company is read with the one reader of
    an Odoo company, limited to the fields declared for the consumer
    "cockpit", the core computes every measure, and the rows are written in
    one batch. A row keeps the ids of the records behind it (drill-down).
    ``value`` and ``base`` are sums that add up across rows; ``figure`` is
    the row's own figure (``value`` for a sum, ``value / base`` for a ratio).
    """

    _name = "fusion.cockpit.measure"
    _inherit = ["fusion.company.cron.mixin"]
    _description = "ERP-CRM Fusion: cockpit figure"
    _order = "month desc, measure, segment, salesperson"
    _rec_name = "measure"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    measure = fields.Selection([(key, m.label) for key, m in MEASURES.items()], required=True, readonly=True,
                               index=True)
    side = fields.Selection([("conflict", "Cost of disconnection"), ("sales", "Sales"),
                             ("operations", "Operations")], readonly=True)
    evidence = fields.Selection([("measured", "Measured"), ("estimated", "Estimated")], readonly=True,
                                help="Measured: counted from the records. Estimated: the records with a stated "
                                     "correction (see the measure's definition).")
    definition = fields.Char(compute="_compute_definition")
    month = fields.Date(readonly=True, index=True)
    segment = fields.Char(readonly=True)
    salesperson = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson user", readonly=True, index=True)
    figure = fields.Float(readonly=True, aggregator=False, digits=(16, 4))
    value = fields.Float(readonly=True, help="Sum over the records (numerator of a ratio).")
    base = fields.Float(readonly=True, help="Denominator of a ratio measure; records otherwise.")
    record_count = fields.Integer("Records", readonly=True)
    res_model = fields.Char("Records of", readonly=True)
    res_ids = fields.Text(readonly=True)
    computed_at = fields.Datetime("Computed on", readonly=True, default=fields.Datetime.now)

    @api.depends("measure")
    @api.depends_context("lang")
    def _compute_definition(self):
        # One definition per measure, the core's (crm_bridge.cockpit.measures.MEASURES), translated through
        # this addon's i18n (its es.po carries every definition).
        for row in self:
            row.definition = self.env._(MEASURES[row.measure].definition) if row.measure else False

    def action_open_records(self):
        """The records behind this figure."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": dict(self._fields["measure"]._description_selection(self.env))[self.measure],
            "res_model": self.res_model,
            "domain": [("id", "in", json.loads(self.res_ids or "[]"))],
            "view_mode": "list,form",
            "target": "current",
        }

    # ------------------------------------------------------------------ reading and computing

    @api.model
    def _get_fusion_tables(self, company):
        """{table: DataFrame} of ``company`` as the cockpit reads it, with the record tables Odoo keeps.

        Read as superuser within the company (record rules decide who sees the rows, not what they count),
        limited to the fields declared for the consumer "cockpit". The products' ``category`` is the category
        id (as text), the key of the pricing guardrail's category floors as the sale order passes it: a name
        may be shared by two categories.
        """
        purposes = self.env["fusion.data.purpose"]
        try:
            tables = read_tables(OrmBackend(self.sudo().env), company.id, NEEDED_COLUMNS, allowed_fields={
                model: purposes._get_allowed_fields(CONSUMER, model) for model in READ_MODELS})
            check_declared({"helpdesk.ticket": ELAPSED_FIELDS},
                           {"helpdesk.ticket": purposes._get_allowed_fields(CONSUMER, "helpdesk.ticket")})
        except UndeclaredFieldsError as error:
            listed = "; ".join(f"{model}: {', '.join(names)}"
                               for model, names in sorted(error.details["undeclared"].items()))
            raise UserError(self.env._(
                "The cockpit needs fields without a declared purpose (%(fields)s): declare their purpose in "
                "Settings > ERP-CRM Fusion > Declared data uses.", fields=listed)) from error
        tables["products"] = tables["products"].assign(
            category=[str(product.categ_id.id) for product in self._get_fusion_products(tables)])
        checks = self._get_fusion_promise_checks(company)
        if len(checks):
            tables["promise_checks"] = checks
        tables["ticket_elapsed"] = self._get_fusion_ticket_elapsed(company)
        return tables

    @api.model
    def _get_fusion_products(self, tables):
        """The ``product.product`` records of the ``products`` table (any company reader sees them: superuser)."""
        return self.env["product.product"].sudo().with_context(active_test=False).browse(
            [int(i) for i in tables["products"]["product_id"]])

    @api.model
    def _get_fusion_pricing_policy(self, company, tables):
        """The company's pricing guardrail, as the sale order checks its lines: its policy and category floors.

        ``company._get_fusion_pricing_policy`` (``fusion_sale_promise``) with
        the floors of the categories of the ``products`` table, keyed by
        category id as that table's ``category`` is (:meth:`_get_fusion_tables`).
        """
        return company._get_fusion_pricing_policy(self._get_fusion_products(tables).categ_id)

    @api.model
    def _get_fusion_forecast_daily(self, company, tables):
        """Demand per day the company's demand forecast expects for the products of ``tables`` (their cover).

        Hook: ``None`` here (every days of cover from the trailing sales);
        with the demand forecast installed (glue ``fusion_cockpit_forecast``)
        a pandas Series, product id to the daily demand the sale order's days
        of cover read.
        """
        return None

    @api.model
    def _get_fusion_ticket_elapsed(self, company):
        """The ``ticket_elapsed`` record table: hours from opening to closing of the company's closed tickets.

        Elapsed time, not effort: Odoo keeps when a ticket was opened and closed, not the hours worked on it.
        """
        tickets = self.env["helpdesk.ticket"].sudo().with_context(active_test=False).search_read(
            [("company_id", "=", company.id), ("closed_date", "!=", False)], list(ELAPSED_FIELDS))
        frame = pd.DataFrame(tickets, columns=["id", *ELAPSED_FIELDS])
        hours = (pd.to_datetime(frame["closed_date"]) - pd.to_datetime(frame["create_date"])).dt.total_seconds() / 3600
        return pd.DataFrame({"ticket_id": frame["id"].astype(int), "hours_open": hours.clip(lower=0.0)})

    @api.model
    def _get_fusion_promise_checks(self, company):
        """The ``promise_checks`` record table: the verdict recorded on the company's orders (one grouped read)."""
        groups = self.env["sale.order"].sudo()._read_group(
            [("company_id", "=", company.id), ("fusion_cockpit_promise_status", "!=", False)],
            ["fusion_cockpit_promise_status"], ["id:array_agg"])
        rows = [(order_id, PROMISE_VERDICTS[status]) for status, ids in groups for order_id in ids]
        return pd.DataFrame(rows, columns=["order_id", "promise_status"])

    @api.model
    def _prepare_fusion_rows(self, company, cells, users):
        """Values of the report rows of ``company`` from the core's figures (``cockpit_figures`` with record ids).

        ``users`` maps a salesperson's name to their ``res.users`` id. Override to add columns.
        """
        now = fields.Datetime.now()
        rows = []
        for cell in cells.itertuples(index=False):
            measure = MEASURES[cell.measure]
            rows.append({
                "company_id": company.id, "measure": cell.measure, "side": measure.side,
                "evidence": measure.evidence,
                "month": cell.month.date() if pd.notna(cell.month) else False,
                "segment": cell.segment or False, "salesperson": cell.salesperson or False,
                "user_id": users.get(cell.salesperson, False),
                "figure": float(cell.figure) if pd.notna(cell.figure) else 0.0,
                "value": float(cell.value), "base": float(cell.base), "record_count": int(cell.records),
                "res_model": cell.model, "res_ids": json.dumps([int(i) for i in cell.record_ids]),
                "computed_at": now,
            })
        return rows

    @api.model
    def _refresh(self, company, today=None):
        """Recompute ``company``'s figures and replace its rows in one batch; the core's records.

        The core judges the discounts with the company's pricing policy and its category floors, and scarcity
        with the days of cover the sale order prices with (the demand forecast's where there is one).
        """
        today = today or fields.Date.context_today(self)
        tables = self._get_fusion_tables(company)
        result = cockpit_records(tables, today, policy=self._get_fusion_pricing_policy(company, tables),
                                 forecast_daily=self._get_fusion_forecast_daily(company, tables))
        cells = cockpit_figures(result.records, by=("month", "segment", "salesperson"), record_ids=True)
        names = sorted(set(cells["salesperson"]) - {""})
        users = {user.name: user.id for user in self.env["res.users"].sudo().with_context(active_test=False)
                 .search([("name", "in", names)])}
        self.sudo().search([("company_id", "=", company.id)]).unlink()
        self.sudo().create(self._prepare_fusion_rows(company, cells, users))
        return result

    # ------------------------------------------------------------------ buttons and cron

    def action_refresh(self):
        """Refresh the current company's figures (Refresh button): sales and inventory managers only."""
        if not (self.env.user.has_group("sales_team.group_sale_manager")
                or self.env.user.has_group("stock.group_stock_manager")):
            raise AccessError(self.env._("Only sales and inventory managers refresh the cockpit."))
        self._refresh(self.env.company)
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.model
    def _get_fusion_summary(self, company, month):
        """The monthly summary of ``company`` for ``month`` (its first day), as HTML, from the stored rows."""
        rows = self.sudo().search([("company_id", "=", company.id), ("month", "=", month)])
        labels = dict(self._fields["measure"]._description_selection(self.env))
        totals = {}
        for row in rows:
            value, base = totals.get(row.measure, (0.0, 0.0))
            totals[row.measure] = (value + row.value, base + row.base)
        keys = dict.fromkeys((*SUMMARY_MEASURES, *(key for pair in PAIRS for key in pair)))
        items = Markup()
        for key in keys:
            if key not in totals:
                continue
            value, base = totals[key]
            figure = value / base if MEASURES[key].aggregation == "ratio" and base else value
            shown = f"{figure:.1%}" if MEASURES[key].unit == "share" else f"{figure:,.2f}"
            items += Markup("<li>%s: %s</li>") % (labels[key], shown)
        title = self.env._("Cockpit of %(month)s", month=month.strftime("%Y-%m"))
        return Markup("<p><b>%s</b></p><ul>%s</ul>") % (title, items)

    @api.model
    def _cron_refresh(self):
        """Monthly: refresh every company's figures and post last month's summary to its sales managers."""
        self._fusion_run_per_company("_refresh_and_notify")

    @api.model
    def _refresh_and_notify(self, company):
        """Refresh ``company``'s figures and post last month's summary to its sales managers."""
        today = fields.Date.context_today(self)
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        self._refresh(company, today)
        managers = self.env.ref("sales_team.group_sale_manager").users
        partners = managers.filtered(lambda user: company in user.company_ids).partner_id
        if partners:
            self.env["mail.thread"].message_notify(
                partner_ids=partners.ids, subject=self.env._("ERP-CRM Fusion cockpit"),
                body=self._get_fusion_summary(company, last_month), model=False, res_id=False)
