from odoo import fields, models

TASKS = [("category", "Category"), ("urgency", "Urgency"), ("sentiment", "Sentiment")]


class FusionTicketLabel(models.Model):
    """A person's correction of the ticket analyzer: the prediction, and the label chosen instead.

    The ticket keeps the corrected value, which is what the retraining reads;
    these rows say how often and where the analyzer is wrong.
    """

    _name = "fusion.ticket.label"
    _description = "ERP-CRM Fusion: corrected ticket analysis"
    _order = "create_date desc, id desc"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    task = fields.Selection(TASKS, required=True)
    predicted = fields.Char(help="What the analyzer predicted (empty when it had no prediction).")
    confidence = fields.Float(digits=(3, 2), help="The analyzer's confidence in its prediction.")
    label = fields.Char(required=True, help="The value the person chose.")
    model_version = fields.Char("Analyzer version")
    user_id = fields.Many2one("res.users", "Corrected by", required=True, default=lambda self: self.env.user)
