from datetime import timedelta

import pandas as pd

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.fusion_recommend.tests.common import RecommendCommon

from ai_insights.churn.features import FEATURES


@tagged("post_install", "-at_install")
class TestUpliftFeatures(RecommendCommon):
    """Customers at the same churn risk, of whom only those who bought before respond to the offer."""

    @classmethod
    def _buy(cls, customers, days_ago):
        orders = cls.env["sale.order"].create([{
            "partner_id": customer.id, "order_line": [Command.create({"product_id": cls.chair.id,
                                                                      "product_uom_qty": 1})],
        } for customer in customers])
        orders.write({"state": "sale", "date_order": fields.Datetime.now() - timedelta(days=days_ago)})

    def test_the_uplift_model_reads_the_customer_s_history_not_only_the_risk(self):
        rule = self._rule()
        tried = self.env["res.partner"].create([{"name": f"Same risk {i}"} for i in range(440)])
        self._buy(tried.filtered(lambda partner: partner.id % 2), days_ago=200)
        decided = self.today - timedelta(days=20)
        self.env["fusion.action.log"].create([{
            "rule_id": rule.id, "company_id": self.company.id, "date": decided, "partner_id": customer.id,
            "episode": f"same-risk-{i}", "status": "act" if i % 4 < 2 else "control", "score": 0.5,
            "outcome_measured": True,
            # Past buyers stay when offered and leave otherwise; the others leave one time in three either way.
            "outcome_churned": int(i % 4 >= 2 if customer.id % 2 else i % 3 == 0),
        } for i, customer in enumerate(tried)])
        loyal, newcomer = self.env["res.partner"].create([{"name": "Bought before", "email": "loyal@example.com"},
                                                          {"name": "Never bought", "email": "new@example.com"}])
        self._buy(loyal, days_ago=200)
        self.env["fusion.action.signal"].create([{"trigger": "churn_risk", "partner_id": partner.id, "score": 0.5,
                                                  "clv": 5000.0} for partner in (loyal, newcomer)])
        self.assertEqual(loyal.fusion_nba_basis, "uplift_model")
        self.assertGreater(loyal.fusion_nba_uplift, 0.5)
        self.assertLess(newcomer.fusion_nba_uplift, 0.2)
        self.assertEqual(loyal.fusion_nba_action, "retention_offer")
        features = self.env["res.partner"]._get_fusion_uplift_features(
            self.company, self.env["res.partner"]._get_fusion_recommend_experiment(self.company))
        self.assertEqual(features.shape, (440, 1 + len(FEATURES)), "the risk, then the churn model's features")

    def test_a_decision_reads_the_customer_as_of_its_own_day(self):
        """Two decisions on the same customer a few days apart see what was known on each day, not the month's."""
        buyer = self.env["res.partner"].create({"name": "Bought twice"})
        self._buy(buyer, days_ago=200)
        self._buy(buyer, days_ago=10)
        days = [self.today - timedelta(days=ago) for ago in (3, 6, 30)]
        subjects = pd.DataFrame({"customer_id": buyer.id, "as_of": pd.to_datetime(days), "churn_risk": 0.5})
        features = self.env["res.partner"]._get_fusion_uplift_features(self.company, subjects)
        column = {name: 1 + i for i, name in enumerate(FEATURES)}
        # Three days after the last order, then six; 30 days ago only the order of 200 days ago was known.
        self.assertEqual(list(features[:, column["recency_days"]]), [7.0, 4.0, 170.0])
        self.assertEqual(list(features[:, column["frequency"]]), [2.0, 2.0, 1.0])
