from odoo import fields, models


class FusionPromiseApproval(models.TransientModel):
    """A manager approves an order's promise and pricing exceptions, says why, and confirms it."""

    _name = "fusion.promise.approval"
    _description = "ERP-CRM Fusion: approve promise and pricing exceptions"

    order_id = fields.Many2one("sale.order", required=True, readonly=True, ondelete="cascade")
    exceptions = fields.Text(related="order_id.fusion_promise_alert")
    reason = fields.Text(required=True, help="Why the exceptions are accepted; recorded in the order's chatter.")

    def action_approve(self):
        """Record the approval and its reason in the chatter, then confirm the order."""
        self.ensure_one()
        self.order_id._fusion_record_approval(self.reason)
        return self.order_id.action_confirm()
