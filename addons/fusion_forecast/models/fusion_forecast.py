import json

from psycopg2.extras import Json

from odoo import api, fields, models
from odoo.tools import float_round

METHODS = [
    ("ses", "Exponential smoothing"),
    ("croston_sba", "Croston (SBA)"),
    ("tsb", "TSB"),
    ("adida", "ADIDA"),
    ("category_prior", "Category prior"),
    ("category_prior_blend", "Category prior and own history"),
]

# Columns written by ``FusionForecast._replace_company_rows``, with their SQL types (the stored fields).
ROW_COLUMNS = {
    "run_id": "int4", "company_id": "int4", "product_id": "int4", "segment": "varchar", "warehouse_id": "int4",
    "week": "date", "kind": "varchar", "actual_qty": "float8", "demand_qty": "float8", "forecast_qty": "float8",
    "median_qty": "float8", "low_80_qty": "float8", "high_80_qty": "float8", "low_95_qty": "float8",
    "high_95_qty": "float8", "service_qty": "float8", "method": "varchar", "intermittent": "bool",
    "short_history": "bool", "stockouts_masked": "bool",
}
INSERT_ROWS = f"""
    INSERT INTO fusion_forecast ({", ".join(ROW_COLUMNS)}, product_tmpl_id, categ_id,
                                 create_uid, create_date, write_uid, write_date)
    SELECT {", ".join(f"row.{name}" for name in ROW_COLUMNS)}, product.product_tmpl_id, template.categ_id,
           %(uid)s, %(now)s, %(uid)s, %(now)s
      FROM jsonb_to_recordset(%(rows)s) AS row({", ".join(f"{name} {kind}" for name, kind in ROW_COLUMNS.items())})
      JOIN product_product product ON product.id = row.product_id
      JOIN product_template template ON template.id = product.product_tmpl_id
"""


class FusionForecast(models.Model):
    """Demand of one product for one customer segment from one warehouse in one week: forecast or actual.

    Rows are the bottom series of the forecast (product x segment x
    warehouse), so every total a pivot shows, per product, segment or
    warehouse, is the sum of its rows, as the forecast's totals are. The
    weeks ahead carry the forecast, its median, its 80% and 95% intervals
    and the demand at the company's service level (these do not add up and
    are not summed); the same number of weeks back carry the actual demand,
    to compare. Each run replaces the company's rows.
    """

    _name = "fusion.forecast"
    _description = "ERP-CRM Fusion: demand forecast"
    _order = "week, product_id, segment, warehouse_id"

    run_id = fields.Many2one("fusion.forecast.run", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True, index=True)
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id", string="Product template", store=True,
                                      index=True)
    categ_id = fields.Many2one(related="product_id.categ_id", string="Product category", store=True)
    segment = fields.Char("Customer segment", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True, index=True)
    week = fields.Date(required=True, readonly=True, help="Monday of the week.")
    kind = fields.Selection(
        [("actual", "History"), ("forecast", "Forecast")], required=True, readonly=True,
        help="History: the demand ordered in the weeks back; forecast: the demand expected in the weeks ahead, from "
             "the week after the history's last.")
    actual_qty = fields.Float("Actual demand", readonly=True, digits="Product Unit of Measure",
                              help="Quantity ordered in the week (orders that were not cancelled).")
    demand_qty = fields.Float(
        "Demand", readonly=True, digits="Product Unit of Measure",
        help="Actual demand in the weeks back, forecast demand in the weeks ahead: one measure for a chart of both, "
             "grouped by kind.")
    forecast_qty = fields.Float("Forecast demand", readonly=True, digits="Product Unit of Measure",
                                help="Expected quantity ordered in the week.")
    median_qty = fields.Float("Median", readonly=True, aggregator=None, digits="Product Unit of Measure")
    low_80_qty = fields.Float("80% low", readonly=True, aggregator=None, digits="Product Unit of Measure")
    high_80_qty = fields.Float("80% high", readonly=True, aggregator=None, digits="Product Unit of Measure")
    low_95_qty = fields.Float("95% low", readonly=True, aggregator=None, digits="Product Unit of Measure")
    high_95_qty = fields.Float("95% high", readonly=True, aggregator=None, digits="Product Unit of Measure")
    service_qty = fields.Float(
        "Demand at service level", readonly=True, aggregator=None, digits="Product Unit of Measure",
        help="Weekly demand not exceeded with the company's service level.")
    method = fields.Selection(METHODS, readonly=True, help="Forecasting method the backtest chose for the series.")
    intermittent = fields.Boolean(readonly=True, help="Weeks without demand are common for this series.")
    short_history = fields.Boolean(
        readonly=True, help="Too little history for a backtest: forecast from the category's demand, blended "
                            "with the product's own.")
    stockouts_masked = fields.Boolean("Stock-outs masked", readonly=True,
                                      help="Weeks without stock were left out instead of counted as no demand.")

    @api.model
    def _replace_company_rows(self, company, vals_list):
        """Replace every row of ``company`` by ``vals_list`` in two queries, whatever the number of rows.

        The ORM would unlink in chunks and insert about a hundred rows per
        query (the query count would grow with the products). Here: one
        ``DELETE`` and one ``INSERT ... SELECT FROM jsonb_to_recordset``, which
        also fills the stored related fields (template, category) and the
        log columns, and rounds the quantities to their fields' digits as the
        ORM does; then the ORM cache of the model is invalidated. The rows
        are the run's own output (no user values), written as superuser.

        Parameters
        ----------
        company : res.company
            Whose rows are replaced.
        vals_list : list of dict
            Values of the new rows (keys among ``ROW_COLUMNS``).
        """
        digits = {name: self._fields[name].get_digits(self.env)[1]
                  for name, kind in ROW_COLUMNS.items() if kind == "float8"}
        rows = [{name: float_round(value, precision_digits=digits[name]) if name in digits and value is not None
                 else value for name, value in vals.items()} for vals in vals_list]
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM fusion_forecast WHERE company_id = %s", [company.id])
        self.env.cr.execute(INSERT_ROWS, {"uid": self.env.uid, "now": self.env.cr.now(), "rows": Json(
            rows, dumps=lambda rows: json.dumps(rows, default=str))})
        self.invalidate_model()

