from odoo import fields, models


class FusionPromiseApprovalRequest(models.TransientModel):
    """A salesperson asks the managers to approve an order's exceptions, which are listed for them."""

    _name = "fusion.promise.approval.request"
    _description = "ERP-CRM Fusion: request approval of promise and pricing exceptions"

    order_id = fields.Many2one("sale.order", required=True, readonly=True, ondelete="cascade")
    exceptions = fields.Text(related="order_id.fusion_promise_alert")
    note = fields.Text(string="Why", help="What the managers should know, e.g. a competing offer or a key account.")

    def action_request(self):
        """Schedule an approval activity for every manager and note the request in the chatter."""
        self.ensure_one()
        self.order_id._fusion_request_approval(self.note)
        return {"type": "ir.actions.act_window_close"}
