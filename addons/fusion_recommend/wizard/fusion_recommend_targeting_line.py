from odoo import fields, models

POLICY_SELECTION = [
    ("uplift", "By estimated uplift"),
    ("risk", "By churn risk"),
    ("random", "At random"),
]
VERDICT_SELECTION = [
    ("shown", "Measured"),
    ("not_shown", "Not measured yet"),
]


class FusionRecommendTargetingLine(models.TransientModel):
    """A figure of the targeting comparison: a policy's, or (``baseline`` set) a paired difference between two."""

    _name = "fusion.recommend.targeting.line"
    _description = "ERP-CRM Fusion: targeting comparison figure"

    targeting_id = fields.Many2one("fusion.recommend.targeting", required=True, ondelete="cascade")
    policy = fields.Selection(POLICY_SELECTION, "Targeting", required=True)
    baseline = fields.Selection(POLICY_SELECTION, "Compared with",
                                help="Set on a difference: the targeting the first one is compared with, on the same "
                                     "resampled customers.")
    per_1000 = fields.Float("Kept per 1,000", digits=(16, 1))
    ci_low = fields.Float("Low (95%)", digits=(16, 1))
    ci_high = fields.Float("High (95%)", digits=(16, 1))
    targeted = fields.Integer("Customers targeted")
    treated = fields.Integer("Of them offered")
    control = fields.Integer("Of them held out")
    verdict = fields.Selection(VERDICT_SELECTION, help="Measured: the 95% interval of the difference lies above 0.")
