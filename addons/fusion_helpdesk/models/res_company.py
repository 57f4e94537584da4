from odoo import fields, models

from ai_insights.nlp.escalation import NEGATIVE_SCORE_THRESHOLD, VALUABLE_CUSTOMER_VALUE
from ai_insights.nlp.training import DEFAULT_CONFIDENCE


class ResCompany(models.Model):
    _inherit = "res.company"

    fusion_helpdesk_confidence = fields.Float(
        "Ticket analysis confidence", default=DEFAULT_CONFIDENCE,
        help="Below this confidence a predicted category, urgency or sentiment is not applied: "
             "the field is left to a person and the ticket is flagged for review.")
    fusion_helpdesk_auto_route = fields.Boolean(
        "Route tickets", default=True,
        help="Give new tickets the team that handles their category and its member with the fewest open tickets.")
    fusion_helpdesk_negative_score = fields.Float(
        "Very negative below", default=NEGATIVE_SCORE_THRESHOLD,
        help="Sentiment score (-1 to 1) under which a negative ticket of a valuable customer is escalated.")
    fusion_helpdesk_valuable_clv = fields.Float(
        "Valuable customer from", default=VALUABLE_CUSTOMER_VALUE,
        help="Lifetime value (from the churn model, when installed) from which a customer counts as valuable.")
    fusion_helpdesk_escalation_user_id = fields.Many2one(
        "res.users", "Escalation user", domain=[("share", "=", False)],
        help="Who takes escalated tickets when their team has no leader.")
