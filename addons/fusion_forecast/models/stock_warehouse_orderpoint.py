from odoo import fields, models


class StockWarehouseOrderpoint(models.Model):
    """Reordering rules with the demand forecast's suggestion beside them.

    The forecast never changes a rule a person set: it writes its suggested
    minimum and maximum, and why, next to the rule's own, for a person to
    apply. Rules the forecast created (manual trigger: nothing is ordered
    without a person) follow the next suggestion for as long as nobody
    changed their quantities.
    """

    _inherit = "stock.warehouse.orderpoint"

    fusion_suggested_min_qty = fields.Float("Suggested minimum", readonly=True, digits="Product Unit of Measure")
    fusion_suggested_max_qty = fields.Float("Suggested maximum", readonly=True, digits="Product Unit of Measure")
    fusion_suggestion_reason = fields.Char("Why this suggestion", readonly=True)
    fusion_created = fields.Boolean(
        "Created by the demand forecast", readonly=True, copy=False,
        help="The rule follows the forecast's suggestions until a person changes its quantities.")

    def action_fusion_apply_suggestion(self):
        """Set the rules' minimum and maximum to the forecast's suggestion."""
        for rule in self.filtered("fusion_suggestion_reason"):
            rule.write({"product_min_qty": rule.fusion_suggested_min_qty,
                        "product_max_qty": rule.fusion_suggested_max_qty})
        return True
