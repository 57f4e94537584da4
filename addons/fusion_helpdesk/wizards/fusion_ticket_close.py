from odoo import api, fields, models

from ..models.helpdesk_ticket import RATINGS


class FusionTicketClose(models.TransientModel):
    """Close a ticket with its resolution and the customer's feedback.

    Both stay on the ticket: the resolution documents the case, the rating
    feeds the churn features, and the closed ticket with its final labels
    joins the analyzer's next training set.
    """

    _name = "fusion.ticket.close"
    _description = "ERP-CRM Fusion: close a ticket with resolution and feedback"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade")
    stage_id = fields.Many2one(
        "helpdesk.ticket.stage", "Closing stage", required=True, domain="[('closed', '=', True)]",
        default=lambda self: self._default_stage_id())
    resolution = fields.Text(required=True, help="What was done to solve the customer's problem.")
    feedback_rating = fields.Selection(RATINGS, "Customer feedback", help="How satisfied the customer said they are.")

    @api.model
    def _default_stage_id(self):
        ticket = self.env["helpdesk.ticket"].browse(self.env.context.get("default_ticket_id"))
        return ticket.team_id._get_applicable_stages().filtered("closed")[:1]

    def action_close(self):
        self.ensure_one()
        self.ticket_id.write({"stage_id": self.stage_id.id, "fusion_resolution": self.resolution,
                              "fusion_feedback_rating": self.feedback_rating})
        self.ticket_id.message_post(body=self.env._("Resolution: %(resolution)s", resolution=self.resolution),
                                    subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}
