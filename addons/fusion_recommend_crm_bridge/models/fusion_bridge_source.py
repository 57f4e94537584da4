from odoo import api, fields, models


class FusionBridgeSource(models.Model):
    _inherit = "fusion.bridge.source"

    allow_recommend = fields.Boolean(
        "Ask for recommendations", help="A customer's next best action and the products to offer them or with a "
                                        "basket, deliverable in time and above the margin floor.")

    @api.model
    def _get_fusion_operation_flags(self):
        return {**super()._get_fusion_operation_flags(), "recommend": "allow_recommend"}
