from odoo import api, fields, models
from odoo.exceptions import ValidationError

from crm_bridge.pricing.guardrail import PricingPolicy

# Days of stock cover at which the policy gives its base discount room (crm_bridge.pricing.guardrail).
TARGET_COVER_DAYS = 60.0


class ResCompany(models.Model):
    _inherit = "res.company"

    fusion_margin_floor = fields.Float(
        string="Margin floor (%)", default=15.0,
        help="No line is priced below cost / (1 - floor) without a manager's approval.",
    )
    fusion_max_discount = fields.Float(
        string="Maximum discount (%)", default=30.0,
        help="Never more discount than this, whatever the stock or the customer.",
    )
    fusion_overstock_cover_days = fields.Integer(
        string="Overstock threshold (days)", default=180,
        help="Days of stock cover (free stock over average daily sales of the last 90 days) "
        "from which the full maximum discount is allowed. A product in stock that did not sell is overstock.",
    )
    fusion_buffer_days = fields.Integer(
        string="Promise buffer (days)", default=0,
        help="Safety days added to every product's customer lead time when promising a date.",
    )

    @api.constrains("fusion_margin_floor", "fusion_max_discount", "fusion_overstock_cover_days", "fusion_buffer_days")
    def _check_fusion_pricing_settings(self):
        for company in self:
            if not 0 <= company.fusion_margin_floor < 100 or not 0 <= company.fusion_max_discount < 100:
                raise ValidationError(self.env._("Margin floor and maximum discount are percentages from 0 to 99."))
            if company.fusion_overstock_cover_days <= TARGET_COVER_DAYS:
                raise ValidationError(
                    self.env._("The overstock threshold must exceed the %(days)d-day target cover.",
                               days=TARGET_COVER_DAYS)
                )
            if company.fusion_buffer_days < 0:
                raise ValidationError(self.env._("The promise buffer cannot be negative."))

    def _get_fusion_pricing_policy(self, categories):
        """The company's discount policy, with the floors of ``categories`` that override it."""
        self.ensure_one()
        max_discount = self.fusion_max_discount / 100
        return PricingPolicy(
            margin_floor=self.fusion_margin_floor / 100,
            category_floors={str(categ.id): categ.fusion_margin_floor / 100
                             for categ in categories if categ.fusion_margin_floor},
            base_discount=min(PricingPolicy.base_discount, max_discount),
            max_discount=max_discount,
            target_cover_days=TARGET_COVER_DAYS,
            overstock_cover_days=float(self.fusion_overstock_cover_days),
        )
