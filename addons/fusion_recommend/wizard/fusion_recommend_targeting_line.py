from odoo import fields, models

POLICY_SELECTION = [
    ("uplift", "By estimated uplift"),
    ("risk", "By churn risk"),
    ("random", "At random"),
]


class FusionRecommendTargetingLine(models.TransientModel):
    _name = "fusion.recommend.targeting.line"
    _description = "ERP-CRM Fusion: targeting comparison figure"

    targeting_id = fields.Many2one("fusion.recommend.targeting", required=True, ondelete="cascade")
    policy = fields.Selection(POLICY_SELECTION, "Targeting", required=True)
    per_1000 = fields.Float("Kept per 1,000", digits=(16, 1))
    ci_low = fields.Float("Low (95%)", digits=(16, 1))
    ci_high = fields.Float("High (95%)", digits=(16, 1))
    targeted = fields.Integer("Customers targeted")
    treated = fields.Integer("Of them offered")
    control = fields.Integer("Of them held out")
