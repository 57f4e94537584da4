from odoo import Command, fields
from odoo.tests import tagged

from .common import RecommendCommon


@tagged("post_install", "-at_install")
class TestRecommenderCache(RecommendCommon):
    """The co-purchases are learnt once per company and day, and again only when the orders or products change."""

    def _queries(self, work):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = work()
        return result, self.env.cr.sql_log_count - before

    def test_a_second_suggestion_does_not_relearn(self):
        self.env.registry.clear_cache()
        SaleOrder = self.env["sale.order"]
        today = fields.Date.context_today(SaleOrder)
        first, learning = self._queries(lambda: SaleOrder._get_fusion_recommender(self.company, today))
        second, cached = self._queries(lambda: SaleOrder._get_fusion_recommender(self.company, today))
        self.assertIs(second, first)
        self.assertEqual(cached, 2, "the data stamp only: orders and products, one grouped read each")
        self.assertGreater(learning, cached)
        order = self._make_order([(self.desk, 1)], partner_id=self.buyers[0].id)
        self.env.registry.clear_cache()
        _done, first_click = self._queries(order.action_fusion_suggest_lines)
        _done, second_click = self._queries(order.action_fusion_suggest_lines)
        self.assertLess(second_click, first_click, "the second click does not read the order history again")
        # A new confirmed order is new data: the next suggestion relearns, and sees it.
        self.env["sale.order"].create({"partner_id": self.buyers[1].id, "order_line": [
            Command.create({"product_id": self.screws.id, "product_uom_qty": 1})]}).write({"state": "sale"})
        relearnt = SaleOrder._get_fusion_recommender(self.company, today)
        self.assertIsNot(relearnt, first)
        self.assertIs(SaleOrder._get_fusion_recommender(self.company, today), relearnt)

    def test_each_company_has_its_own_recommender(self):
        SaleOrder = self.env["sale.order"]
        today = fields.Date.context_today(SaleOrder)
        other = self.env["res.company"].create({"name": "Recommend other company"})
        self.assertIsNotNone(SaleOrder._get_fusion_recommender(self.company, today))
        self.assertIsNone(SaleOrder._get_fusion_recommender(other, today), "the other company sold nothing")
