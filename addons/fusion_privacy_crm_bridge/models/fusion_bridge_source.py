from odoo import api, fields, models

# Public consent operations -> the source's switch that allows them.
CONSENT_OPERATIONS = ("push_consents", "read_consents")


class FusionBridgeSource(models.Model):
    _inherit = "fusion.bridge.source"

    allow_consents = fields.Boolean(
        "Push and read consents", help="Record its customers' consents and refusals by channel and purpose, "
                                       "and read what the consent register holds and decides for them.")

    @api.model
    def _get_fusion_operation_flags(self):
        return {**super()._get_fusion_operation_flags(), **dict.fromkeys(CONSENT_OPERATIONS, "allow_consents")}
