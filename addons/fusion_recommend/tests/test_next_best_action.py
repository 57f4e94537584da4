from datetime import timedelta

import numpy as np

from odoo.tests import tagged

from ai_insights.recommend import LEARNERS, select_learner

from .common import RecommendCommon


@tagged("post_install", "-at_install")
class TestNextBestAction(RecommendCommon):
    def test_rule_based_when_the_experiment_is_too_small_and_labelled_so(self):
        self._rule()
        risky, safe = self.risky.with_user(self.salesperson), self.safe.with_user(self.salesperson)
        self.assertEqual(risky.fusion_nba_action, "retention_offer")
        self.assertEqual(risky.fusion_nba_basis, "rule")
        self.assertIn("rule-based", risky.fusion_nba_reason)
        self.assertIn("0 offered", risky.fusion_nba_reason)
        self.assertNotEqual(safe.fusion_nba_action, "retention_offer")  # below the rule's threshold

    def test_uplift_learned_from_the_measured_control_groups(self):
        self._experiment(self._rule(), per_arm=300)
        risky, safe = self.risky.with_user(self.salesperson), self.safe.with_user(self.salesperson)
        self.assertEqual(risky.fusion_nba_basis, "uplift_model")
        self.assertGreater(risky.fusion_nba_uplift, 0.3)
        self.assertLessEqual(risky.fusion_nba_uplift_low, risky.fusion_nba_uplift)
        self.assertLessEqual(risky.fusion_nba_uplift, risky.fusion_nba_uplift_high)
        self.assertLess(safe.fusion_nba_uplift, 0.15)
        self.assertEqual(risky.fusion_nba_action, "retention_offer")
        self.assertIn("estimated to change the chance of staying", risky.fusion_nba_reason)
        # Every decision of one day: no older wave to train on before a check, so the T-learner, labelled so.
        self.assertIn("T-learner, not chosen", risky.fusion_nba_model)

    def test_the_uplift_learner_is_chosen_on_the_latest_wave_of_the_experiment(self):
        rule = self._rule()
        customers = self.env["res.partner"].create([{"name": f"Wave {i}"} for i in range(880)])
        self.env["fusion.action.log"].create([{
            "rule_id": rule.id, "company_id": self.company.id, "partner_id": customer.id, "episode": f"wave-{i}",
            # Two waves of 440 decisions, a month apart: high-risk customers stay when offered.
            "date": self.today - timedelta(days=60 if i < 440 else 30), "status": "act" if i % 2 == 0 else "control",
            "score": 0.9 if i % 4 < 2 else 0.2, "outcome_measured": True,
            "outcome_churned": int((i % 2 == 1 and i % 4 < 2) or i % 3 == 0),
        } for i, customer in enumerate(customers)])
        risky = self.risky.with_user(self.salesperson)
        self.assertEqual(risky.fusion_nba_basis, "uplift_model")
        Partner = self.env["res.partner"]
        experiment = Partner._get_fusion_recommend_experiment(self.company)
        _model, learner, scores = Partner._get_fusion_uplift_fit(self.company, experiment)
        # The core's chooser, trained on the older wave and judged on the latest one only.
        X = Partner._get_fusion_uplift_features(self.company, experiment)
        treated, stayed = experiment["treated"].to_numpy(bool), experiment["stayed"].to_numpy(bool)
        latest = (experiment["as_of"] == experiment["as_of"].max()).to_numpy()
        expected_learner, expected = select_learner([(X[~latest], treated[~latest], stayed[~latest]),
                                                     (X[latest], treated[latest], stayed[latest])])
        self.assertEqual(learner, expected_learner)
        self.assertEqual(set(scores), set(LEARNERS))
        np.testing.assert_allclose([scores[name] for name in LEARNERS], [expected[name] for name in LEARNERS])
        self.assertGreater(scores[learner], 0.0)
        self.assertIn("chosen by its Qini", risky.fusion_nba_model)
        self.assertGreater(risky.fusion_nba_uplift, 0.3)

    def test_a_cross_sell_with_a_real_margin_is_chosen_and_opens_the_suggested_quotation(self):
        # Below the retention threshold, no debt, no late order: the complements the ERP can deliver bring
        # their margin (price 100, cost 50), so an email offering them pays for itself.
        safe = self.safe.with_user(self.salesperson)
        self.assertEqual(safe.fusion_nba_action, "cross_sell")
        self.assertEqual(safe.fusion_nba_basis, "prior")
        self.assertGreater(safe.fusion_nba_expected_value, 0.0)
        self.assertIn("Cross-sell", safe.fusion_nba_reason)
        action = safe.action_fusion_nba_do()
        order = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(order.partner_id, self.safe)
        self.assertTrue(order.fusion_suggestion_ids.filtered("available"))

    def test_no_cross_sell_when_nothing_can_be_honoured(self):
        # Every product the company sells is out of stock or below the margin floor: no margin, no cross-sell.
        (self.desk | self.chair | self.screws).write({"standard_price": 99.0})
        safe = self.safe.with_user(self.salesperson)
        self.assertEqual(safe.fusion_nba_action, "nothing")

    def test_exploration_is_labelled(self):
        self.env["ir.config_parameter"].set_param("fusion_recommend.exploration_share", "1")
        safe = self.safe.with_user(self.salesperson)
        self.assertEqual(safe.fusion_nba_basis, "exploration")
        self.assertIn("at random", safe.fusion_nba_reason)

    def test_do_it_schedules_the_retention_call_for_the_owner(self):
        self._rule()
        risky = self.risky.with_user(self.salesperson)
        risky.action_fusion_nba_do()
        activity = self.risky.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertIn("rule-based", activity.note)

    def test_a_salesperson_sees_the_actions_of_own_customers_only(self):
        self._rule()
        self.assertFalse(self.others_customer.with_user(self.salesperson).fusion_nba_action)
        self.assertEqual(self.others_customer.with_user(self.manager).fusion_nba_action, "retention_offer")

    def test_the_form_reads_a_constant_number_of_queries(self):
        self._rule()
        partners = self.env["res.partner"].create([{"name": f"Many {i}", "user_id": self.salesperson.id}
                                                  for i in range(20)])
        partners[0].with_user(self.salesperson).mapped("fusion_nba_action")  # warm the caches of rights and rules
        counts = []
        for group in (partners[1:2], partners):
            group.invalidate_recordset()
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            group.with_user(self.salesperson).mapped("fusion_nba_action")
            counts.append(self.env.cr.sql_log_count - before)
        # Twenty partners take no more queries than one: nothing is read per partner (the first group pays for
        # caches the second finds warm, so the counts need not be equal).
        self.assertLessEqual(counts[1], counts[0])

    def test_a_slipped_promise_makes_the_delivery_notice_and_do_it_drafts_the_mail(self):
        order = self._make_order([(self.lamp, 1)], commitment_days=3, partner_id=self.safe.id,
                                 user_id=self.salesperson.id)
        order.write({"state": "sale"})  # the lamp has no stock and no supplier: the promised day cannot be kept
        safe = self.safe.with_user(self.salesperson)
        self.assertEqual(safe.fusion_nba_action, "delivery_notice")
        self.assertEqual(safe.fusion_nba_basis, "prior")
        self.assertIn(order.name, safe.fusion_nba_reason)
        action = safe.action_fusion_nba_do()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer = self.env["mail.compose.message"].with_user(self.salesperson).with_context(
            **action["context"]).create({})
        self.assertEqual((composer.model, composer.res_ids), ("sale.order", str(order.ids)))
        self.assertIn(order.name, composer.subject)
        self.assertIn("later than promised", composer.subject)
        self.assertIn("we will not make it", composer.body)
        self.assertIn(self.safe.name, composer.body)
        # Delivered on time again: no notice is suggested, and the button says why instead of drafting.
        order.commitment_date = False
        safe.invalidate_recordset()
        self.assertNotEqual(safe.fusion_nba_action, "delivery_notice")
