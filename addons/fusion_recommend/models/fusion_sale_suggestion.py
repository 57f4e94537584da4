from odoo import Command, fields, models
from odoo.exceptions import UserError

from ai_insights.recommend.complements import FILTER_REASONS, SOURCES

SOURCE_SELECTION = [
    ("repurchase", "Due again"),
    ("complement", "Bought together"),
    ("category", "Same kind of products"),
    ("segment", "Popular with similar customers"),
]
FILTER_SELECTION = [
    ("available", "Available"),
    ("not_deliverable", "Not deliverable in time"),
    ("below_floor", "Below the margin floor"),
    ("out_of_stock", "Out of stock"),
    ("recently_refused", "Returned or complained about"),
    ("unknown_product", "Not sold here"),
]
assert [key for key, _label in SOURCE_SELECTION] == list(SOURCES)
assert [key for key, _label in FILTER_SELECTION] == list(FILTER_REASONS)


class FusionSaleSuggestion(models.Model):
    """A line suggested for a quotation: why, and whether the company can honour it (date, margin, stock)."""

    _name = "fusion.sale.suggestion"
    _description = "ERP-CRM Fusion: suggested quotation line"
    _order = "available desc, sequence, id"

    order_id = fields.Many2one("sale.order", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    sequence = fields.Integer(readonly=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade", readonly=True)
    source = fields.Selection(SOURCE_SELECTION, "Suggested because", readonly=True)
    available = fields.Boolean(readonly=True)
    filter_reason = fields.Selection(FILTER_SELECTION, "Availability", readonly=True)
    promised_date = fields.Date("Can be delivered", readonly=True)
    price_unit = fields.Float("Unit price", digits="Product Price", readonly=True)
    reason = fields.Char("Why", readonly=True)

    def action_fusion_add_line(self):
        """Add the suggested product to its quotation (one unit) and drop the suggestion."""
        unavailable = self.filtered(lambda suggestion: not suggestion.available)
        if unavailable:
            raise UserError(self.env._("%(product)s cannot be offered: %(why)s", product=unavailable[0].product_id
                                       .display_name, why=unavailable[0].reason))
        for order in self.order_id:
            if order.state not in ("draft", "sent"):
                raise UserError(self.env._("Lines can only be added to a quotation."))
            mine = self.filtered(lambda suggestion, order=order: suggestion.order_id == order)
            order.order_line = [Command.create(suggestion._prepare_fusion_order_line()) for suggestion in mine]
        self.unlink()
        return True

    def _prepare_fusion_order_line(self):
        """Values of the quotation line that adds this suggestion."""
        self.ensure_one()
        return {"product_id": self.product_id.id, "product_uom_qty": 1.0}
