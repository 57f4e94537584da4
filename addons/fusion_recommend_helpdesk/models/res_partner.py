import pandas as pd

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _get_fusion_recommend_complaints(self, company, since):
        """The customers' tickets of ``company`` opened since ``since`` that name the product concerned."""
        complaints = super()._get_fusion_recommend_complaints(company, since)
        tickets = self.env["helpdesk.ticket"].sudo().search_read(
            [("commercial_partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", company.id),
             ("fusion_product_id", "!=", False), ("create_date", ">=", fields.Datetime.to_datetime(since))],
            ["commercial_partner_id", "create_date", "fusion_product_id"])
        if not tickets:
            return complaints
        own = pd.DataFrame({
            "customer_id": [ticket["commercial_partner_id"][0] for ticket in tickets],
            "created_at": [ticket["create_date"] for ticket in tickets],
            "product_id": [ticket["fusion_product_id"][0] for ticket in tickets],
        })
        # An empty table (no other complaints) would only set the dtypes: pandas deprecates concatenating it.
        return pd.concat([complaints, own], ignore_index=True) if len(complaints) else own
