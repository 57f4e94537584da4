from datetime import timedelta

from odoo import api, fields, models


class FusionPriceImpact(models.TransientModel):
    """The impact report: volume and margin of the repriced products against the control, before and after.

    One row per group (products whose price changed, products kept at the old
    price by the randomised control): units sold and margin (net sales less
    cost) on confirmed orders since the first proposal, against as long a
    period before it (at least the proposals' validity). Sales volume
    against margin, side by side.
    """

    _name = "fusion.price.impact"
    _description = "ERP-CRM Fusion dynamic pricing impact"
    _order = "sequence"

    sequence = fields.Integer()
    group = fields.Selection([("treated", "New prices"), ("control", "Control (old prices)")], required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    products = fields.Integer()
    date_from = fields.Date(string="Since")
    volume_before = fields.Float(string="Units before")
    volume_after = fields.Float(string="Units after")
    volume_change = fields.Float(string="Volume change (%)", digits=(16, 1))
    margin_before = fields.Monetary(string="Margin before")
    margin_after = fields.Monetary(string="Margin after")
    margin_change = fields.Float(string="Margin change (%)", digits=(16, 1))

    @api.model
    def _get_fusion_sales(self, products, company, start, end):
        """{product id: (units, margin)} on ``company``'s confirmed orders dated in ``[start, end)``.

        One grouped read; the margin is net sales less units at the product's current cost.
        """
        groups = self.env["sale.order.line"].sudo()._read_group(
            [("product_id", "in", products.ids), ("state", "=", "sale"), ("company_id", "=", company.id),
             ("order_id.date_order", ">=", start), ("order_id.date_order", "<", end)],
            ["product_id"], ["product_uom_qty:sum", "price_subtotal:sum"],
        )
        return {product.id: (qty, subtotal - qty * product.with_company(company).standard_price)
                for product, qty, subtotal in groups}

    @api.model
    def action_open_report(self):
        """Compute the report for the current company and open it."""
        company = self.env.company
        proposals = self.env["fusion.price.proposal"].search([
            ("company_id", "=", company.id), ("state", "in", ("applied", "replaced", "reverted", "control"))])
        self.search([("company_id", "=", company.id), ("create_uid", "=", self.env.uid)]).unlink()
        rows = []
        if proposals:
            start = min(proposals.mapped("date"))
            end = fields.Datetime.now()
            span = max(end - start, timedelta(days=company.fusion_pricing_validity_days))
            groups = (("treated", proposals.filtered(lambda p: p.state != "control").product_id),
                      ("control", proposals.filtered(lambda p: p.state == "control").product_id))
            for sequence, (group, products) in enumerate(groups):
                before = self._get_fusion_sales(products, company, start - span, start)
                after = self._get_fusion_sales(products, company, start, end)
                volume_before = sum(qty for qty, _margin in before.values())
                volume_after = sum(qty for qty, _margin in after.values())
                margin_before = sum(margin for _qty, margin in before.values())
                margin_after = sum(margin for _qty, margin in after.values())
                rows.append({
                    "sequence": sequence, "group": group, "company_id": company.id, "products": len(products),
                    "date_from": start.date(),
                    "volume_before": volume_before, "volume_after": volume_after,
                    "volume_change": _change(volume_before, volume_after),
                    "margin_before": margin_before, "margin_after": margin_after,
                    "margin_change": _change(margin_before, margin_after),
                })
        self.create(rows)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dynamic pricing impact"),
            "res_model": self._name,
            "view_mode": "list",
            "domain": [("company_id", "=", company.id), ("create_uid", "=", self.env.uid)],
            "target": "current",
        }


def _change(before, after):
    """Change from ``before`` to ``after`` in percent; 0 when there was nothing before."""
    return (after - before) / abs(before) * 100 if before else 0.0
