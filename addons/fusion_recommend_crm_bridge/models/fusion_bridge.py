from datetime import timedelta

from odoo import api, fields, models

from ai_insights.actions.offers import OFFER_DAYS
from crm_bridge.contract.errors import FusionError
from crm_bridge.contract.recommend_query import validate_recommend_query


class FusionBridge(models.AbstractModel):
    _inherit = "fusion.bridge"

    @api.model
    def recommend(self, partner_id=False, product_ids=False, limit=10):
        """Suggestions for a customer, a basket of products or both, for a source allowed to ask.

        ``partner_id``: a customer the source created or is bound to
        (``False``: a basket alone); ``product_ids``: the basket's products;
        ``limit``: how many suggestions. Returns ``next_best_action``
        (``action``, ``basis``, ``reason``, ``expected_value``, ``uplift`` with
        ``uplift_low``/``uplift_high`` when learned; ``False`` without a
        customer) and ``suggestions``: each ``product_id``, ``source``,
        ``available``, ``filter_reason``, ``promised_date``, ``price_unit``
        and ``reason``, the same as the quotation's suggested lines, in the
        caller's language.
        """

        def work(bridge, source):
            query = validate_recommend_query(partner_id, product_ids, limit)
            company = source.company_id
            customer = bridge.env["res.partner"].browse(query.partner_id or [])
            if customer:
                bridge._check_fusion_recommend_customer(source, customer)
            today = fields.Date.context_today(bridge)
            warehouse = bridge.env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
            suggestions = bridge.env["sale.order"]._get_fusion_line_suggestions(
                company, warehouse, customer.commercial_partner_id, list(query.product_ids),
                today + timedelta(days=OFFER_DAYS), today, k=query.limit)
            nba = customer._get_fusion_nba().get(customer.id, False) if customer else False
            return {
                "next_best_action": nba,
                "suggestions": [dict(row, promised_date=fields.Date.to_string(row["promised_date"]))
                                for row in suggestions],
            }

        return self._call("recommend", work)

    @api.model
    def _check_fusion_recommend_customer(self, source, customer):
        """``not_owned`` unless the customer (or its company) was created by the source or bound to it."""
        candidates = customer.exists() | customer.exists().commercial_partner_id
        if not self.env["fusion.bridge.binding"]._get_external_ids(source, "res.partner", candidates.ids):
            raise FusionError(self.env._("Customer %s was neither created by this source nor bound to it by a "
                                         "manager.", customer.id), code="not_owned", field="partner_id")
