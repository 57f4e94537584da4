from odoo import Command, api, fields, models
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
    # The currency of the unit price and of the amounts in the reasons: the quotation's when suggested
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id", store=True, precompute=True)
    price_unit = fields.Monetary("Unit price", readonly=True)
    reason_data = fields.Json(
        "Reasons (codes)", readonly=True,
        help="Why the product is suggested and whether it can be offered, as codes and figures: rendered in the "
             "reader's language when read.")
    reason = fields.Char(
        "Why (as written then)", readonly=True,
        help="The reason in words of a suggestion made before the reasons were kept as codes.")
    reason_text = fields.Char(
        "Why", compute="_compute_reason_text",
        help="Why the product is suggested and whether it can be offered, in your language.")

    @api.depends("order_id")
    def _compute_currency_id(self):
        # On the order only, not its currency: a suggestion keeps the currency it was priced in.
        for suggestion in self:
            suggestion.currency_id = suggestion.order_id.currency_id

    @api.depends("reason_data", "reason", "currency_id")
    @api.depends_context("lang")
    def _compute_reason_text(self):
        coded = self.filtered("reason_data")
        texts = dict(zip(coded, self._get_fusion_suggestion_reason_texts(
            [suggestion.reason_data for suggestion in coded], [suggestion.currency_id for suggestion in coded]),
            strict=True))
        for suggestion in self:
            suggestion.reason_text = texts.get(suggestion, suggestion.reason)

    @api.model
    def _get_fusion_suggestion_reason_texts(self, reason_lists, currencies):
        """Each suggestion's reasons (its ``reason_data``) as one sentence in the user's language and formats.

        The phrases are the core's (``crm_bridge.contract.reasons.PHRASES``, ``suggestion_*``) rendered by
        ``fusion.reason`` in one batch per currency (amounts in ``currencies[i]`` for ``reason_lists[i]``); a
        product named in a reason (``product_id``) is named as the user reads products. One read for the names,
        none per suggestion. Serves the list on the quotation and the suggestions the bridge returns.
        """
        named = {reason["params"]["product_id"] for reasons in reason_lists for reason in reasons
                 if reason["params"].get("product_id")}
        # A name is no secret, and the bridge's technical user reads suggestions it may not read products of
        names = {product.id: product.display_name
                 for product in self.env["product.product"].sudo().browse(sorted(named)).exists()}
        named_lists = [[dict(reason, params=dict(reason["params"], product=names[reason["params"]["product_id"]]))
                        if reason["params"].get("product_id") in names else reason for reason in reasons]
                       for reasons in reason_lists]
        return [". ".join(sentences) + "." for sentences in
                self.env["fusion.reason"]._get_fusion_reason_text_lists(named_lists, currencies)]

    def action_fusion_add_line(self):
        """Add the suggested product to its quotation (one unit) and drop the suggestion."""
        unavailable = self.filtered(lambda suggestion: not suggestion.available)
        if unavailable:
            raise UserError(self.env._("%(product)s cannot be offered: %(why)s", product=unavailable[0].product_id
                                       .display_name, why=unavailable[0].reason_text))
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
