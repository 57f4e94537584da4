from odoo import api, fields, models
from odoo.exceptions import ValidationError

from crm_bridge.contract.errors import ValidationError as CoreValidationError
from crm_bridge.promise.allocation import parse_priority


class ResCompany(models.Model):
    _inherit = "res.company"

    fusion_forecast_allocation = fields.Boolean(
        "Allocate stock to segments",
        help="A quotation may not take the stock that the forecast demand of the customer segments served before "
             "its customer's needs until the product can be replenished.")
    fusion_forecast_segment_priority = fields.Char(
        "Segments served first", default="B2B, B2C",
        help="Customer segments in the order they are served, separated by commas (B2B: companies, B2C: "
             "individuals).")

    @api.constrains("fusion_forecast_segment_priority")
    def _check_fusion_forecast_segment_priority(self):
        for company in self:
            try:
                parse_priority(company.fusion_forecast_segment_priority)
            except CoreValidationError as error:
                raise ValidationError(self.env._("Each customer segment may be named once in the priority.")) \
                    from error
