from odoo import models


class FusionBridge(models.AbstractModel):
    _inherit = "fusion.bridge"

    def _fusion_bridge_check_orders(self, orders):
        """The promise and pricing check of each order: ok unless it has exceptions no approval covers.

        One batched evaluation for all the orders (see ``sale.order._get_fusion_evaluation``);
        the reasons are the exceptions a manager must approve.
        """
        checks = super()._fusion_bridge_check_orders(orders)
        for order in orders.sudo():  # the bridge user may not read stock
            blocked = order.fusion_needs_approval and not order.fusion_approval_valid
            checks[order.id] = {
                "ok": not blocked,
                "status": order.fusion_promise_status or False,
                "promised_date": order.fusion_promised_date and order.fusion_promised_date.isoformat(),
                "reasons": [{"code": "needs_approval", "message": text, "params": {}}
                            for text in (order.fusion_promise_alert or "").splitlines()] if blocked else [],
            }
        return checks
