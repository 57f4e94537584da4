from odoo import fields, models

# Public consent operations -> the source's switch that allows them.
CONSENT_OPERATIONS = ("push_consents", "read_consents")


class FusionBridgeSource(models.Model):
    _inherit = "fusion.bridge.source"

    allow_consents = fields.Boolean(
        "Push and read consents", help="Record its customers' consents and refusals by channel and purpose, "
                                       "and read what the consent register holds and decides for them.")

    def _allows(self, operation):
        if operation in CONSENT_OPERATIONS:
            self.ensure_one()
            return self.allow_consents
        return super()._allows(operation)
