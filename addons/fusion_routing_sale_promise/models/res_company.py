from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    fusion_split_cost = fields.Float(
        string="Cost of an extra shipment", digits="Product Price",
        help="What each shipment of an order after the first costs, in the company's currency: the warehouse "
        "proposal prefers, at the same delivery date, the warehouse whose shipping and extra shipments cost least.")

    @api.constrains("fusion_split_cost")
    def _check_fusion_split_cost(self):
        if any(company.fusion_split_cost < 0 for company in self):
            raise ValidationError(self.env._("The cost of an extra shipment cannot be negative."))
