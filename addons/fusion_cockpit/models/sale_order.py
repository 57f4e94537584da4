from odoo import fields, models

from odoo.addons.fusion_sale_promise.models.sale_order_line import PROMISE_STATUS_SELECTION


class SaleOrder(models.Model):
    _inherit = "sale.order"

    fusion_cockpit_promise_status = fields.Selection(
        PROMISE_STATUS_SELECTION, string="Promise when decided", readonly=True, copy=False,
        help="The promise check's verdict when the order was confirmed or cancelled: the cockpit counts the "
             "revenue cancelled after a late or impossible promise from it.",
    )

    def _record_fusion_cockpit_promise(self):
        """Keep the promise verdict of the orders not yet recorded, one write per verdict."""
        pending = self.filtered(lambda order: not order.fusion_cockpit_promise_status)
        by_status = {}
        for order in pending:
            if order.fusion_promise_status:
                by_status.setdefault(order.fusion_promise_status, self.browse())
                by_status[order.fusion_promise_status] |= order
        for status, orders in by_status.items():
            orders.write({"fusion_cockpit_promise_status": status})

    def action_confirm(self):
        self._record_fusion_cockpit_promise()
        return super().action_confirm()

    def _action_cancel(self):
        self._record_fusion_cockpit_promise()
        return super()._action_cancel()
