from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    fusion_pricing_pricelist_id = fields.Many2one(
        "product.pricelist", string="Priced pricelist", check_company=True,
        help="The pricelist the dynamic pricing proposes rules for.",
    )
    fusion_pricing_segment_pricelist_ids = fields.Many2many(
        "product.pricelist", "fusion_pricing_company_segment_pricelist_rel", "company_id", "pricelist_id",
        string="Segment and customer pricelists", check_company=True,
        help="Pricelists of a customer segment or of one customer, priced too: each learns how its own customers' "
        "orders respond to price (the company's orders when it has too few).",
    )
    fusion_pricing_control_share = fields.Float(
        string="Control share (%)", default=20.0,
        help="Share of products that keep their old price, chosen at random once and for all, "
        "so that the effect of the new prices can be measured against them.",
    )
    fusion_pricing_validity_days = fields.Integer(
        string="Proposal validity (days)", default=14,
        help="An applied price ends after this many days unless a new proposal replaces it.",
    )
    fusion_pricing_auto_apply = fields.Boolean(
        string="Apply small changes automatically",
        help="Proposals whose discount is within the band apply without a manager's approval.",
    )
    fusion_pricing_auto_band = fields.Float(
        string="Automatic band (%)", default=5.0,
        help="Largest discount that applies automatically when automatic application is on.",
    )

    def _get_fusion_priced_pricelists(self):
        """The pricelists the dynamic pricing proposes rules for: the priced one first, then the segments'."""
        self.ensure_one()
        return self.fusion_pricing_pricelist_id | self.fusion_pricing_segment_pricelist_ids

    @api.constrains("fusion_pricing_control_share", "fusion_pricing_validity_days", "fusion_pricing_auto_band")
    def _check_fusion_pricing_settings(self):
        for company in self:
            if not 0 <= company.fusion_pricing_control_share < 100 or not 0 <= company.fusion_pricing_auto_band < 100:
                raise ValidationError(self.env._("The control share and the automatic band are percentages "
                                                 "from 0 to 99."))
            if company.fusion_pricing_validity_days < 1:
                raise ValidationError(self.env._("A proposal is valid for at least one day."))
