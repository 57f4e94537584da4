import json
import logging

import numpy as np
import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from crm_bridge.contract.errors import InsufficientDataError
from crm_bridge.tables.backends import OrmBackend
from crm_bridge.tables.odoo import UndeclaredFieldsError, check_declared, customer_segment, read_tables

_logger = logging.getLogger(__name__)

CONSUMER = "demand forecast"
# What the forecast reads of a company (crm_bridge.tables.schema columns), and only that.
COLUMNS = {
    "orders": ("order_id", "customer_id", "warehouse_id", "date_order", "state"),
    "order_lines": ("order_id", "product_id", "qty", "price_unit", "discount"),
    "products": ("product_id", "category", "type", "vendor_lead_days"),
    "warehouses": ("warehouse_id",),
}
# The level of the core's forecast that is stored: totals are the sums of these rows.
BOTTOM = "product_segment_warehouse"


class FusionForecastRun(models.Model):
    """One weekly demand forecast of a company: what it read, how good its backtest was, its card.

    A run reads the company with the one reader of an Odoo company
    (``crm_bridge.tables.odoo.read_tables``, as superuser within the company,
    limited to the fields declared for the consumer "demand forecast"),
    forecasts every product x customer segment x warehouse with
    ``ai_insights.forecast`` and replaces the company's forecast rows
    (``fusion.forecast._replace_company_rows``: two queries, whatever the
    number of products). Services are not forecast, nor
    products never sold: the tables do not say when a product was created, so
    an unsold product cannot be told from a new one. A run with too little
    history is recorded too, with the reason and no rows.
    """

    _name = "fusion.forecast.run"
    _inherit = ["fusion.company.cron.mixin"]
    _description = "ERP-CRM Fusion: demand forecast run"
    _order = "computed_at desc, id desc"
    _rec_name = "computed_at"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    computed_at = fields.Datetime("Computed on", required=True, readonly=True, default=fields.Datetime.now)
    state = fields.Selection([("done", "Forecast"), ("insufficient", "Not enough history")], required=True,
                             readonly=True, default="done")
    message = fields.Char(readonly=True)
    horizon_weeks = fields.Integer(readonly=True)
    service_level = fields.Float("Service level (%)", readonly=True)
    data_start = fields.Date("Data from", readonly=True)
    data_end = fields.Date("Data to", readonly=True)
    product_count = fields.Integer("Products", readonly=True)
    series_count = fields.Integer("Series", readonly=True,
                                  help="Products x customer segments x warehouses, and their totals.")
    mase = fields.Float("MASE", digits=(4, 3), readonly=True,
                        help="Revenue-weighted mean absolute scaled error of the backtest (lower is better).")
    mase_snaive = fields.Float("MASE of seasonal naive", digits=(4, 3), readonly=True)
    fva_pct = fields.Float("Value added (%)", digits=(4, 1), readonly=True,
                           help="How much smaller the backtest error is than that of seasonal naive (same week "
                                "last year).")
    rmsse = fields.Float("RMSSE", digits=(4, 3), readonly=True)
    rmsse_snaive = fields.Float("RMSSE of seasonal naive", digits=(4, 3), readonly=True)
    card_json = fields.Text("Model card", readonly=True)
    forecast_count = fields.Integer("Forecast rows", compute="_compute_forecast_count")

    def _compute_forecast_count(self):
        counts = dict(self.env["fusion.forecast"]._read_group([("run_id", "in", self.ids)], ["run_id"],
                                                              ["__count"]))
        for run in self:
            run.forecast_count = counts.get(run, 0)

    def action_view_forecasts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fusion_forecast.action_fusion_forecast")
        action["domain"] = [("run_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------ reading the company

    @api.model
    def _get_fusion_tables(self, company):
        """{table: DataFrame} of ``company`` for ``ai_insights.forecast.weekly_demand``: goods that sold only.

        The products forecast are the core's ``ai_insights.forecast.sold_goods``
        (not services, on an order that was not cancelled), as ``make demo``
        forecasts them. The customers' segment is the reader's rule (a company
        is B2B, a person B2C), read for the orders' customers only.

        Raises ``InsufficientDataError`` when no good has been sold yet.
        """
        from ai_insights.forecast.history import sold_goods  # the package loads statsforecast: only here

        backend = OrmBackend(self.sudo().env)
        purposes = self.env["fusion.data.purpose"]
        try:
            tables = read_tables(backend, company.id, COLUMNS, allowed_fields={
                model: purposes._get_allowed_fields(CONSUMER, model)
                for model in ("sale.order", "sale.order.line", "res.partner", "product.product", "product.category",
                              "product.supplierinfo")})
            check_declared({"res.partner": {"is_company"}},
                           {"res.partner": purposes._get_allowed_fields(CONSUMER, "res.partner")})
        except UndeclaredFieldsError as error:
            listed = "; ".join(f"{model}: {', '.join(names)}"
                               for model, names in sorted(error.details["undeclared"].items()))
            raise UserError(self.env._(
                "The demand forecast needs fields without a declared purpose (%(fields)s): declare their purpose "
                "in Settings > ERP-CRM Fusion > Declared data uses.", fields=listed)) from error
        partner_ids = sorted(int(i) for i in tables["orders"]["customer_id"].dropna().unique())
        segments = self._get_fusion_segments(
            self.env["res.partner"].sudo().with_context(active_test=False).browse(partner_ids))
        tables["customers"] = pd.DataFrame({"customer_id": list(segments), "segment": list(segments.values())})
        return sold_goods(tables)

    @api.model
    def _get_fusion_segments(self, partners):
        """{partner id: customer segment} as the forecast splits demand: the reader's rule.

        ``crm_bridge.tables.odoo.customer_segment`` ("B2B" for a company, else
        "B2C"); the segment of a contact is its commercial partner's (the
        company tables' customer).
        """
        return {partner.id: customer_segment(partner.commercial_partner_id.is_company) for partner in partners}

    # ------------------------------------------------------------------ forecasting

    @api.model
    def _run(self, company):
        """Forecast ``company`` now and replace its forecast rows; the run record (done or insufficient)."""
        from ai_insights.forecast import DemandForecaster, weekly_demand  # statsforecast loads slowly: only here

        run_vals = {"company_id": company.id, "horizon_weeks": company.fusion_forecast_horizon_weeks,
                    "service_level": company.fusion_forecast_service_level}
        try:
            tables = self._get_fusion_tables(company)
            history = weekly_demand(tables, as_of=fields.Date.context_today(self))
            forecast = DemandForecaster(horizon=company.fusion_forecast_horizon_weeks).fit(history).predict()
        except InsufficientDataError as error:
            run = self.sudo().create(dict(run_vals, state="insufficient", message=self.env._(
                "Not enough sales history to forecast: %(reason)s", reason=error.message)))
            _logger.info("Demand forecast of %s skipped: %s", company.name, error.message)
            return run
        metrics = forecast.metrics
        run = self.sudo().create(dict(
            run_vals, data_start=forecast.card.data_window[0], data_end=forecast.card.data_window[1],
            product_count=len(history.products), series_count=len(forecast.series),
            mase=metrics["mase"], mase_snaive=metrics["mase_snaive"], fva_pct=metrics["fva_pct"],
            rmsse=metrics["rmsse"], rmsse_snaive=metrics["rmsse_snaive"],
            card_json=json.dumps(forecast.card.to_dict(), default=str, sort_keys=True),
            message=self.env._("%(products)d products forecast %(weeks)d weeks ahead; %(fva).1f%% better than "
                               "seasonal naive on the backtest.", products=len(history.products),
                               weeks=company.fusion_forecast_horizon_weeks, fva=metrics["fva_pct"])))
        self.env["fusion.forecast"].sudo()._replace_company_rows(company, run._prepare_forecast_vals(history, forecast))
        run._apply_fusion_forecast(tables["products"], forecast)
        _logger.info("Demand forecast of %s: %d products, value added %.1f%%", company.name,
                     len(history.products), metrics["fva_pct"])
        return run

    def _prepare_forecast_vals(self, history, forecast):
        """Values of the forecast rows (bottom series, weeks ahead) and of the actual rows (as many weeks back).

        ``demand_qty`` is the forecast mean of a forecast row and the actual
        quantity of an actual row, so one chart grouped by ``kind`` shows both.
        A product's week without demand is one actual row of 0.

        A series and week whose 95% bound is 0 (no demand expected, as most
        weeks of intermittent series) has no row, but a product the forecast
        expects none of at all keeps its first row: the readers then know the
        forecast covers it and expects nothing (days of cover
        ``no_forecast_demand``, as the core's ``daily_demand`` says), instead
        of falling back to trailing sales. Rows missing otherwise are zeros.
        """
        self.ensure_one()
        frame = forecast.frame.assign(service=forecast.quantile(self.service_level / 100))
        frame = frame[frame["level"] == BOTTOM]
        expected = frame["hi_95"] > 0
        nothing_expected = ~expected.groupby(frame["product_id"]).transform("any")
        frame = frame[expected | (nothing_expected & ~frame["product_id"].duplicated())]
        common = {"run_id": self.id, "company_id": self.company_id.id}
        vals = [dict(
            common, kind="forecast", product_id=int(row.product_id), segment=row.segment,
            warehouse_id=int(row.warehouse_id), week=row.week.date(), forecast_qty=row.mean, demand_qty=row.mean,
            median_qty=row.median, low_80_qty=row.lo_80, high_80_qty=row.hi_80, low_95_qty=row.lo_95,
            high_95_qty=row.hi_95, service_qty=row.service, method=row.method,
            intermittent="intermittent" in row.flags, short_history="short_history" in row.flags,
            stockouts_masked="stockouts_masked" in row.flags,
        ) for row in frame.itertuples()]
        weeks = self.horizon_weeks
        product, segment, warehouse, week = np.nonzero(history.qty[..., -weeks:] > 0)
        quantity = history.qty[..., -weeks:][product, segment, warehouse, week]
        product_ids = history.products["product_id"].to_numpy()
        vals += [dict(common, kind="actual", product_id=int(product_ids[p]), segment=history.segments[s],
                      warehouse_id=int(history.warehouses[w]),
                      week=history.weeks[history.n_weeks - weeks + t].date(), actual_qty=float(q), demand_qty=float(q))
                 for p, s, w, t, q in zip(product, segment, warehouse, week, quantity)]
        # A week a product sold nothing in is one row of 0 (on its first series), not a missing week: a chart of
        # the product's demand keeps every week in its place and its history runs to the forecast's first week
        quiet_product, quiet_week = np.nonzero(~(history.qty[..., -weeks:] > 0).any(axis=(1, 2)))
        vals += [dict(common, kind="actual", product_id=int(product_ids[p]), segment=history.segments[0],
                      warehouse_id=int(history.warehouses[0]), week=history.weeks[history.n_weeks - weeks + t].date(),
                      actual_qty=0.0, demand_qty=0.0)
                 for p, t in zip(quiet_product, quiet_week)]
        return vals

    def _apply_fusion_forecast(self, products, forecast):
        """Use a new forecast (the core's ``Forecast``) of the goods ``products`` (a products table).

        Here: suggest reordering rules. Glue modules extend it to feed other
        capabilities from the same forecast (e.g. the actions' forecast
        stock-out signals), in batches.
        """
        self.ensure_one()
        self._suggest_reordering(products, forecast)

    def _suggest_reordering(self, products, forecast):
        """Suggested reordering rules of the storable products per warehouse (see ``stock.warehouse.orderpoint``).

        The rule is ``ai_insights.forecast.replenishment.suggest_reorder_points``:
        minimum from the demand over the vendor lead time at the service
        level, maximum one order cycle more.

        Existing rules get the suggestion beside their own quantities; a
        product and warehouse without a rule get a manual one (nothing is
        ordered without a person), created by the forecast. All rules are
        read in one search and created in one batch, named from Odoo's
        sequence in one query (:meth:`stock.warehouse.orderpoint._get_fusion_new_names`);
        the writes of the existing rules differ per rule and reach the
        database as one UPDATE at the flush: the queries do not grow with the
        rules.
        """
        from ai_insights.forecast.replenishment import suggest_reorder_points

        self.ensure_one()
        storable = products[products["type"].astype(str) == "storable"].set_index("product_id")
        suggestion = suggest_reorder_points(forecast, storable["vendor_lead_days"].astype(float),
                                            self.service_level / 100)
        Orderpoint = self.env["stock.warehouse.orderpoint"].sudo().with_company(self.company_id)
        rules = {}
        for rule in Orderpoint.with_context(active_test=False).search(
                [("company_id", "=", self.company_id.id), ("product_id", "in", suggestion["product_id"].tolist()),
                 ("warehouse_id", "in", suggestion["warehouse_id"].unique().tolist())], order="id"):
            rules.setdefault((rule.product_id.id, rule.warehouse_id.id), rule)
        warehouses = self.env["stock.warehouse"].browse(suggestion["warehouse_id"].unique().tolist())
        stock_location = {warehouse.id: warehouse.lot_stock_id.id for warehouse in warehouses}
        to_create = []
        for row in suggestion.itertuples():
            minimum = round(float(row.min_qty), 2)
            maximum = round(minimum + float(row.cycle_qty), 2)
            vals = {"fusion_suggested_min_qty": minimum, "fusion_suggested_max_qty": maximum,
                    "fusion_suggestion_reason": self.env._(
                        "%(minimum).2f for %(lead)d days of lead time at %(level).0f%% service, up to %(maximum).2f "
                        "with a %(cycle)d-day order cycle (forecast of %(date)s)", minimum=minimum,
                        lead=row.lead_days, level=self.service_level, maximum=maximum, cycle=row.cycle_days,
                        date=self.computed_at.date())}
            rule = rules.get((row.product_id, row.warehouse_id))
            if not rule:
                to_create.append(dict(vals, product_id=int(row.product_id), warehouse_id=int(row.warehouse_id),
                                      location_id=stock_location[int(row.warehouse_id)], trigger="manual",
                                      product_min_qty=minimum, product_max_qty=maximum, fusion_created=True,
                                      company_id=self.company_id.id))
            elif rule.fusion_created and (rule.product_min_qty, rule.product_max_qty) == (
                    rule.fusion_suggested_min_qty, rule.fusion_suggested_max_qty):
                rule.write(dict(vals, product_min_qty=minimum, product_max_qty=maximum))  # nobody changed it
            else:
                rule.write(vals)
        for vals, name in zip(to_create, Orderpoint._get_fusion_new_names(len(to_create)) or (), strict=False):
            vals["name"] = name
        Orderpoint.create(to_create)

    # ------------------------------------------------------------------ entry points: button, cron

    @api.model
    def action_run_now(self):
        """Forecast the current company now (managers): a notification with the run's message."""
        if not self.env.user.has_group("fusion_base.group_fusion_manager"):
            raise AccessError(self.env._("Only ERP-CRM Fusion managers may run the demand forecast."))
        run = self._run(self.env.company)
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "title": self.env._("Demand forecast"), "message": run.message,
            "type": "success" if run.state == "done" else "warning", "sticky": False}}

    @api.model
    def _cron_forecast(self):
        self._fusion_run_per_company("_run")
