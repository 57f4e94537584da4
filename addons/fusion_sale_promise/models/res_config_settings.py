from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_margin_floor = fields.Float(related="company_id.fusion_margin_floor", readonly=False)
    fusion_max_discount = fields.Float(related="company_id.fusion_max_discount", readonly=False)
    fusion_overstock_cover_days = fields.Integer(related="company_id.fusion_overstock_cover_days", readonly=False)
    fusion_buffer_days = fields.Integer(related="company_id.fusion_buffer_days", readonly=False)
