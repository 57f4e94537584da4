from collections import defaultdict
from datetime import datetime, time

from odoo import models

from crm_bridge.pricing.cover import DEMAND_WINDOW_DAYS, days_of_cover, demand_window


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _get_fusion_promise_kind(self):
        """How the promise core treats the product: "storable", "consumable" or "service"."""
        self.ensure_one()
        if self.type == "service":
            return "service"
        return "storable" if self.is_storable else "consumable"

    def _get_fusion_replenish_lead_days(self, company):
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

    def _get_fusion_cover(self, company, today):
        """Days of cover of these products in ``company`` (``crm_bridge.pricing.cover.days_of_cover``), in their order.

        Free stock (on hand less reserved, in the internal locations of the
        company's warehouses) over the quantity sold on the company's
        confirmed orders of the demand window (``demand_window``), in each
        product's unit: two grouped reads whatever the number of products.
        Company-wide facts, read as superuser within the company, so that
        every viewer gets the same cover whatever the orders they may see.
        """
        products = self.sudo().with_company(company)
        free = defaultdict(float)
        for product, quantity, reserved in products.env["stock.quant"]._read_group(
            [("product_id", "in", products.ids), ("company_id", "=", company.id),
             ("location_id.usage", "=", "internal"), ("location_id.warehouse_id", "!=", False)],
            ["product_id"], ["quantity:sum", "reserved_quantity:sum"],
        ):
            free[product.id] = quantity - reserved
        sold = products._get_fusion_sold_qty(company, today)
        return days_of_cover([free[product.id] for product in products], [sold[product.id] for product in products],
                             DEMAND_WINDOW_DAYS, [product.is_storable for product in products])

    def _get_fusion_sold_qty(self, company, today):
        """{product id: quantity sold in the demand window ending ``today``}, in the product's unit.

        Lines of ``company``'s confirmed orders dated in the window (UTC days),
        whoever sold them.
        """
        first, end = demand_window(today, DEMAND_WINDOW_DAYS)
        groups = self.env["sale.order.line"].sudo()._read_group(
            [("product_id", "in", self.ids), ("state", "=", "sale"), ("company_id", "=", company.id),
             ("order_id.date_order", ">=", datetime.combine(first, time.min)),
             ("order_id.date_order", "<", datetime.combine(end, time.min))],
            ["product_id", "product_uom"], ["product_uom_qty:sum"],
        )
        sold = defaultdict(float)
        for product, uom, qty in groups:
            sold[product.id] += qty / uom.factor * product.uom_id.factor
        return sold

    def _get_fusion_cover_message(self, cover, i):
        """The reason of product ``i``'s cover (``Cover.reason``), in the user's language."""
        reason = cover.reason(i)
        params = reason.params
        if reason.code == "from_sales":
            return self.env._("%(free)s free, %(daily)s sold a day: %(days)s days of cover",
                              free=round(params["free_qty"], 1), daily=round(params["daily_demand"], 2),
                              days=round(params["cover_days"]))
        if reason.code == "unsold_stock":
            return self.env._("%(free)s free and none sold in the last %(window)s days: overstock",
                              free=round(params["free_qty"], 1), window=params["window_days"])
        if reason.code == "no_stock":
            return self.env._("Nothing free and none sold in the last %(window)s days: no cover",
                              window=params["window_days"])
        return self.env._("Not a stocked product: no days of cover")
