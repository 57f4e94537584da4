from odoo import fields, models

METHODS = [
    ("ses", "Exponential smoothing"),
    ("croston_sba", "Croston (SBA)"),
    ("tsb", "TSB"),
    ("adida", "ADIDA"),
    ("category_prior", "Category prior"),
    ("category_prior_blend", "Category prior and own history"),
]


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
    kind = fields.Selection([("actual", "Actual"), ("forecast", "Forecast")], required=True, readonly=True)
    actual_qty = fields.Float("Actual demand", readonly=True, digits="Product Unit of Measure",
                              help="Quantity ordered in the week (orders that were not cancelled).")
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
