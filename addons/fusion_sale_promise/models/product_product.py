from collections import defaultdict
from datetime import timedelta

from odoo import fields, models

# Sales of this many past days give the average daily demand behind the stock cover.
DEMAND_WINDOW_DAYS = 90


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _fusion_get_promise_kind(self):
        """How the promise core treats the product: "storable", "consumable" or "service"."""
        self.ensure_one()
        if self.type == "service":
            return "service"
        return "storable" if self.is_storable else "consumable"

    def _fusion_get_replenish_lead_days(self, company):
        """{product id: days to buy or make more}; products missing cannot be replenished.

        The vendor lead time is the shortest ``delay`` of the product's vendor
        prices in ``company`` (variant-specific prices first). Glue modules
        extend this hook, e.g. with the manufacturing lead time when mrp is
        installed.
        """
        template_delay, variant_delay = {}, {}
        groups = self.env["product.supplierinfo"]._read_group(
            [("product_tmpl_id", "in", self.product_tmpl_id.ids), ("company_id", "in", [company.id, False])],
            ["product_tmpl_id", "product_id"], ["delay:min"],
        )
        for template, variant, delay in groups:
            target, key = (variant_delay, variant.id) if variant else (template_delay, template.id)
            target[key] = min(delay, target.get(key, delay))
        lead_days = {}
        for product in self:
            delay = variant_delay.get(product.id, template_delay.get(product.product_tmpl_id.id))
            if delay is not None:
                lead_days[product.id] = int(delay)
        return lead_days

    def _fusion_get_daily_demand(self, company):
        """{product id: average quantity sold per day}, in the product's unit, over the last 90 days."""
        since = fields.Datetime.now() - timedelta(days=DEMAND_WINDOW_DAYS)
        groups = self.env["sale.order.line"]._read_group(
            [("product_id", "in", self.ids), ("state", "=", "sale"), ("company_id", "=", company.id),
             ("order_id.date_order", ">=", since)],
            ["product_id", "product_uom"], ["product_uom_qty:sum"],
        )
        sold = defaultdict(float)
        for product, uom, qty in groups:
            sold[product.id] += qty / uom.factor * product.uom_id.factor
        return {product_id: qty / DEMAND_WINDOW_DAYS for product_id, qty in sold.items()}
