from odoo import fields, models


class FusionBridgeSource(models.Model):
    _inherit = "fusion.bridge.source"

    allow_recommend = fields.Boolean(
        "Ask for recommendations", help="A customer's next best action and the products to offer them or with a "
                                        "basket, deliverable in time and above the margin floor.")

    def _allows(self, operation):
        if operation == "recommend":
            self.ensure_one()
            return self.allow_recommend
        return super()._allows(operation)
