from odoo import fields, models


class FusionPromiseApproval(models.TransientModel):
    """A manager approves an order's promise and pricing exceptions and confirms it, or rejects them; says why."""

    _name = "fusion.promise.approval"
    _description = "ERP-CRM Fusion: approve promise and pricing exceptions"

    order_id = fields.Many2one("sale.order", required=True, readonly=True, ondelete="cascade")
    exceptions = fields.Text(related="order_id.fusion_promise_alert")
    requested_by_id = fields.Many2one(related="order_id.fusion_approval_requested_by_id")
    reason = fields.Text(required=True, help="Why the exceptions are accepted or refused; recorded in the order's "
                         "chatter and sent to the salesperson who asked.")

    def action_approve(self):
        """Record the approval and its reason in the chatter, then confirm the order."""
        self.ensure_one()
        self.order_id._fusion_record_approval(self.reason)
        return self.order_id.action_confirm()

    def action_reject(self):
        """Refuse the exceptions: the reason goes to the chatter and, as an activity, to the salesperson."""
        self.ensure_one()
        self.order_id._fusion_reject_approval(self.reason)
        return {"type": "ir.actions.act_window_close"}
