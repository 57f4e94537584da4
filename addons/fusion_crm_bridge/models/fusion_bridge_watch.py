from odoo import api, fields, models
from odoo.tools import SQL


class FusionBridgeWatch(models.Model):
    """A product a source watches, with the availability last published to it.

    The changes feed refreshes these rows; a row whose quantities moved is
    written, and so published to its source in the feed.
    """

    _name = "fusion.bridge.watch"
    _inherit = ["fusion.bridge.change.mixin"]
    _fusion_change_stream = "availability"
    _description = "ERP-CRM Fusion: product watched by a CRM bridge source"
    _order = "source_id, product_id"

    source_id = fields.Many2one("fusion.bridge.source", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="source_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")
    free_qty = fields.Float("Free quantity", digits="Product Unit of Measure")
    qty_available = fields.Float("On hand", digits="Product Unit of Measure")
    virtual_available = fields.Float("Forecasted", digits="Product Unit of Measure")

    _sql_constraints = [
        ("product_unique", "unique(source_id, product_id)", "A source watches a product once."),
    ]

    def _refresh_availability(self):
        """Store current quantities where they moved (computed in one batch per company)."""
        for company in self.company_id:
            watches = self.filtered_domain([("company_id", "=", company.id)])
            products = watches.product_id.with_company(company).with_context(allowed_company_ids=company.ids)
            # Quantities are computed from quants, which their dependencies do not cover: read them afresh.
            products.invalidate_recordset(["free_qty", "qty_available", "virtual_available"])
            quantities = {row["id"]: row for row in products.read(["free_qty", "qty_available", "virtual_available"])}
            for watch in watches:
                current = quantities[watch.product_id.id]
                vals = {name: current[name] for name in ("free_qty", "qty_available", "virtual_available")}
                if any(watch[name] != value for name, value in vals.items()):
                    watch.write(vals)

    @api.model
    def _get_fusion_change_scope(self):
        """Published to the watching source only."""
        return SQL("SELECT w.id, w.company_id, NULL::integer AS customer_id, w.source_id FROM fusion_bridge_watch w")
