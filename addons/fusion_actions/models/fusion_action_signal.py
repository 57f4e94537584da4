from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ai_insights.actions import CUSTOMER_TRIGGERS

TRIGGER_SELECTION = [
    ("churn_risk", "Churn risk crosses a threshold"),
    ("negative_ticket", "Very negative ticket"),
    ("late_promise", "A promise turns late"),
    ("scarce_product", "Product becomes scarce"),
    ("overstock_product", "Product is overstocked"),
    ("stockout_forecast", "Forecast stock-out"),
]


class FusionActionSignal(models.Model):
    """A prediction or an event the action rules react to.

    Capabilities push them (the churn scoring, the ticket analyser, the promise
    check, an external CRM through the bridge): one row per prediction or
    event, with the score, the model version and the reasons, so every
    action fired can be traced back to what caused it.
    """

    _name = "fusion.action.signal"
    _description = "ERP-CRM Fusion: prediction or event for the action rules"
    _order = "create_date desc, id desc"

    trigger = fields.Selection(TRIGGER_SELECTION, required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", "Customer", index=True, ondelete="cascade")
    product_id = fields.Many2one("product.product", index=True, ondelete="cascade")
    score = fields.Float(required=True, digits=(16, 3),
                         help="A probability for customer triggers, days of cover for product triggers.")
    event_ref = fields.Char("Event", help="The ticket or order the event is about; each event is its own episode.")
    model_version = fields.Char()
    reasons = fields.Text()
    clv = fields.Float("Lifetime value", help="Lifetime value of the customer when the signal was made, if known.")

    @api.constrains("trigger", "partner_id", "product_id", "score")
    def _check_subject(self):
        for signal in self:
            customer = signal.trigger in CUSTOMER_TRIGGERS
            if customer and not signal.partner_id or not customer and not signal.product_id:
                raise ValidationError(self.env._("A %(trigger)s signal needs a %(subject)s.", trigger=signal.trigger,
                                                 subject=self.env._("customer") if customer else self.env._("product")))
            if customer and not 0 <= signal.score <= 1:
                raise ValidationError(self.env._("A customer signal's score is a probability in [0, 1]."))
