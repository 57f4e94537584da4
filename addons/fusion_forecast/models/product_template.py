from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    fusion_forecast_qty = fields.Float(
        "Forecast demand", compute="_compute_fusion_forecast_qty", digits="Product Unit of Measure",
        help="Demand expected over the forecast horizon, every segment and warehouse.")

    def _compute_fusion_forecast_qty(self):
        totals = dict(self.env["fusion.forecast"]._read_group(
            [("product_tmpl_id", "in", self.ids), ("kind", "=", "forecast")], ["product_tmpl_id"],
            ["forecast_qty:sum"]))
        for template in self:
            template.fusion_forecast_qty = totals.get(template, 0.0)

    def action_view_fusion_forecast(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fusion_forecast.action_fusion_forecast")
        # Grouped as the chart says (each week, history then forecast): a default group-by would replace its groups
        action["domain"] = [("product_tmpl_id", "=", self.id)]
        return action
