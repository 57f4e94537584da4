from odoo.tests import tagged

from odoo.addons.fusion_actions.tests.common import FusionActionsCommon


@tagged("post_install", "-at_install")
class TestChurnSignals(FusionActionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scored = cls.risky[:5]
        cls.env["fusion.churn.score"].create([
            {"partner_id": partner.id, "company_id": cls.env.company.id, "probability": 0.95,
             "lifetime_value": 1200.0, "reason_1": "Orders are getting further apart", "reason_2": "Pays late"}
            for partner in cls.scored
        ] + [{"partner_id": cls.safe.id, "company_id": cls.env.company.id, "probability": 0.05}])

    def test_rules_read_churn_scores_and_keep_pushed_signals_of_unscored_customers(self):
        rule = self.make_rule(control_share=0.0)
        signals = rule._get_fusion_action_signals("churn_risk", self.env.company, self.env.cr.now().date())
        by_partner = signals.set_index("subject_id")
        self.assertEqual(set(by_partner.loc[self.scored.ids, "churn_risk"]), {0.95})
        self.assertEqual(set(by_partner.loc[self.scored.ids, "clv"]), {1200.0})
        self.assertEqual(by_partner.loc[self.safe.id, "churn_risk"], 0.05, "the score wins over the pushed signal")
        self.assertIn(self.risky[-1].id, by_partner.index, "pushed signals still count for unscored customers")

        rule._run_rules()
        logs = self.env["fusion.action.log"].search([("rule_id", "=", rule.id), ("partner_id", "in", self.scored.ids)])
        self.assertEqual(set(logs.mapped("status")), {"act"})
        self.assertTrue(all("Orders are getting further apart" in log.reasons for log in logs))
        self.assertNotIn(self.safe, self.env["fusion.action.log"].search([("rule_id", "=", rule.id)]).partner_id)
