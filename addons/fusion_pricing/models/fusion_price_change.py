from odoo import fields, models


class FusionPriceChange(models.Model):
    """One change of a price by the dynamic pricing: applied, reverted or replaced, by whom and when."""

    _name = "fusion.price.change"
    _description = "ERP-CRM Fusion price change log"
    _order = "date desc, id desc"

    proposal_id = fields.Many2one("fusion.price.proposal", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="proposal_id.company_id", store=True, index=True)
    product_id = fields.Many2one(related="proposal_id.product_id", store=True)
    pricelist_id = fields.Many2one(related="proposal_id.pricelist_id", store=True)
    currency_id = fields.Many2one(related="proposal_id.currency_id")
    action = fields.Selection(
        [("applied", "Applied"), ("auto_applied", "Applied automatically"), ("reverted", "Reverted"),
         ("replaced", "Replaced by a newer proposal")],
        required=True,
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    user_id = fields.Many2one("res.users", string="By", default=lambda self: self.env.user, required=True)
    price_before = fields.Monetary(string="Price before")
    price_after = fields.Monetary(string="Price after")
