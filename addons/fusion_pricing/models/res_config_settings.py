from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_pricing_pricelist_id = fields.Many2one(related="company_id.fusion_pricing_pricelist_id", readonly=False)
    fusion_pricing_segment_pricelist_ids = fields.Many2many(
        related="company_id.fusion_pricing_segment_pricelist_ids", readonly=False)
    fusion_pricing_control_share = fields.Float(related="company_id.fusion_pricing_control_share", readonly=False)
    fusion_pricing_validity_days = fields.Integer(related="company_id.fusion_pricing_validity_days", readonly=False)
    fusion_pricing_auto_apply = fields.Boolean(related="company_id.fusion_pricing_auto_apply", readonly=False)
    fusion_pricing_auto_band = fields.Float(related="company_id.fusion_pricing_auto_band", readonly=False)

    def set_values(self):
        """Dynamic prices live in pricelists: pricing a pricelist turns Odoo's *Pricelists* feature on.

        With that feature off, saving the settings archives every pricelist (``product``'s
        ``set_values``), the priced ones included: the company's segment pricelists then read
        empty and the proposals' rules apply nowhere.
        """
        if self.fusion_pricing_pricelist_id or self.fusion_pricing_segment_pricelist_ids:
            self.group_product_pricelist = True
        return super().set_values()
