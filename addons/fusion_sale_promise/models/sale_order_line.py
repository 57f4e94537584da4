from odoo import api, fields, models

from crm_bridge.promise.engine import STATUSES

PROMISE_STATUS_SELECTION = [
    ("on_time", "On time"),
    ("partial", "Partial"),
    ("late", "Late"),
    ("impossible", "Impossible"),
]
assert [key for key, _label in PROMISE_STATUS_SELECTION] == list(STATUSES)


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # Not stored: stock, capacity and prices move all the time; a quotation shows them as of now.
    fusion_atp_qty = fields.Float(
        string="Available to promise", compute="_compute_fusion_promise", digits="Product Unit of Measure",
        help="Quantity available to promise to this line on the day it must ship, in the line's unit.",
    )
    fusion_promised_date = fields.Date(
        string="Promised", compute="_compute_fusion_promise",
        help="Day the whole quantity can be delivered; empty when it cannot.",
    )
    fusion_promise_status = fields.Selection(
        PROMISE_STATUS_SELECTION, string="Promise", compute="_compute_fusion_promise",
        help="Against the delivery date asked (the order's commitment date, or the earliest "
        "date the product's lead time allows).",
    )
    fusion_max_discount = fields.Float(
        string="Max. disc. %", compute="_compute_fusion_promise", digits="Discount",
        help="Largest discount the pricing guardrail allows: margin floor, stock cover, customer value.",
    )
    fusion_discount_ok = fields.Boolean(
        string="Within guardrail", compute="_compute_fusion_promise",
        help="The discount and the net price respect the margin floor and the maximum discount.",
    )
    fusion_promise_reasons = fields.Text(string="Why", compute="_compute_fusion_promise")
    fusion_exception = fields.Text(
        string="Exception", compute="_compute_fusion_promise",
        help="What a manager must approve for this line: a broken commitment or an out-of-bounds price.",
    )

    @api.depends("order_id.fusion_promise_data")
    def _compute_fusion_promise(self):
        # The lines of an order compete for stock and capacity: the order evaluates them all at once.
        results = {}
        for order in self.order_id:
            results.update(zip(order.order_line, (order.fusion_promise_data or {}).get("lines", [])))
        for line in self:
            result = results.get(line)
            if not result:
                line.update({
                    "fusion_atp_qty": 0.0, "fusion_promised_date": False, "fusion_promise_status": False,
                    "fusion_max_discount": 0.0, "fusion_discount_ok": True, "fusion_promise_reasons": False,
                    "fusion_exception": False,
                })
                continue
            line.update({
                "fusion_atp_qty": result["atp_qty"],
                "fusion_promised_date": result["promised_date"],
                "fusion_promise_status": result["status"],
                "fusion_max_discount": result["max_discount"] or 0.0,
                "fusion_discount_ok": result["discount_ok"],
                "fusion_promise_reasons": "\n".join(line.order_id._get_fusion_line_reason_texts(result)),
                "fusion_exception": "\n".join(result["exceptions"]) or False,
            })

    def _fusion_is_promised(self):
        """Whether the line takes part in the promise: a product line with something left to deliver."""
        self.ensure_one()
        return bool(
            not self.display_type and self.product_id and self.product_id.type != "combo"
            and not self.is_downpayment and self._get_fusion_open_qty() > 0
        )

    def _get_fusion_open_qty(self):
        """Quantity still to deliver, in the line's unit."""
        self.ensure_one()
        return self.product_uom_qty - (self.qty_delivered if self.state == "sale" else 0.0)
