import pandas as pd

from odoo import api, models

from ai_insights.forecast.demand import demand_from_weekly
from crm_bridge.promise.allocation import allocated_qty, parse_priority

KEYS = ("product_id", "segment", "warehouse_id")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model
    def _get_fusion_allocated_qty(self, warehouse, partners, specs, today):
        """Per ``LineSpec``, units it may not take (product's unit): stock kept for the segments served before.

        None when the company does not allocate. The demand of each product,
        segment and warehouse over the product's replenishment lead time
        (``product.product._get_fusion_replenish_lead_days``; the forecast's
        horizon for a product that cannot be replenished) comes from the
        stored forecast rows (``ai_insights.forecast.demand.demand_from_weekly``),
        the quantity per line from ``crm_bridge.promise.allocation.allocated_qty``.
        ``partners`` are indexed by ``LineSpec.key``, as in ``_fusion_evaluate``.
        One grouped read whatever the number of lines.
        """
        company = warehouse.company_id
        if not company.fusion_forecast_allocation or not specs:
            return None
        products = self.env["product.product"].sudo().with_company(company).browse(
            dict.fromkeys(spec.product.id for spec in specs))
        groups = self.env["fusion.forecast"].sudo()._read_group(
            [("company_id", "=", company.id), ("kind", "=", "forecast"), ("product_id", "in", products.ids),
             ("warehouse_id", "=", warehouse.id)],
            ["product_id", "segment", "warehouse_id", "week:day"], ["forecast_qty:sum"])
        if not groups:
            return None
        weekly = pd.DataFrame([(product.id, segment, wh.id, week, qty) for product, segment, wh, week, qty in groups],
                              columns=[*KEYS, "week", "qty"])
        horizon_days = 7 * weekly["week"].nunique()
        lead = products._get_fusion_replenish_lead_days(company)
        demand = demand_from_weekly(weekly, {product.id: min(lead.get(product.id, horizon_days), horizon_days)
                                             for product in products}, KEYS).rename(columns={"mean": "qty"})
        segments = self.env["fusion.forecast.run"]._get_fusion_segments(
            self.env["res.partner"].union(*partners).sudo())
        return allocated_qty(
            demand, parse_priority(company.fusion_forecast_segment_priority),
            [spec.product.id for spec in specs], [warehouse.id] * len(specs),
            [segments[partners[spec.key].id] for spec in specs],
        )
