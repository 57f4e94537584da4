from odoo import api, fields, models
from odoo.tools import SQL


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

    @api.model
    def _get_fusion_new_names(self, count):
        """``count`` names for new rules from Odoo's own ``stock.orderpoint`` sequence, in one query.

        Odoo names each rule as it is created (``next_by_code``: a search and
        a ``nextval``, two queries a rule). A standard (gaps allowed)
        sequence is a PostgreSQL sequence, so ``count`` numbers come from one
        ``nextval`` over a series, written as the sequence writes them
        (``get_next_char``); a gap-less or dated sequence is drawn one name at
        a time, as Odoo draws it. None when the company has no such sequence
        (Odoo's default then names the rules).
        """
        sequence = self.env["ir.sequence"].sudo().search(
            [("code", "=", "stock.orderpoint"), ("company_id", "in", (self.env.company.id, False))],
            order="company_id", limit=1)
        if not sequence or count <= 0:
            return None
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence._next() for _ in range(count)]
        numbers = self.env.execute_query(SQL("SELECT nextval(%s) FROM generate_series(1, %s)",
                                             f"ir_sequence_{sequence.id:03d}", count))
        return [sequence.get_next_char(number) for (number,) in numbers]

    def action_fusion_apply_suggestion(self):
        """Set the rules' minimum and maximum to the forecast's suggestion."""
        for rule in self.filtered("fusion_suggestion_reason"):
            rule.write({"product_min_qty": rule.fusion_suggested_min_qty,
                        "product_max_qty": rule.fusion_suggested_max_qty})
        return True
