from odoo.tests import tagged

from .common import RecommendCommon


@tagged("post_install", "-at_install")
class TestTargeting(RecommendCommon):
    def test_uplift_risk_and_random_targeting_measured_with_intervals(self):
        rule = self._rule()
        self._experiment(rule, per_arm=300)
        action = rule.with_user(self.salesperson).action_fusion_compare_targeting()
        comparison = self.env["fusion.recommend.targeting"].browse(action["res_id"])
        figures = {line.policy: line for line in comparison.line_ids}
        self.assertEqual(set(figures), {"uplift", "risk", "random"})
        for line in figures.values():
            self.assertLessEqual(line.ci_low, line.per_1000)
            self.assertLessEqual(line.per_1000, line.ci_high)
            self.assertEqual(line.treated + line.control, line.targeted)
        # Only high-risk customers respond here: both informed policies beat random targeting.
        self.assertGreater(figures["uplift"].per_1000, figures["random"].per_1000)
        self.assertGreater(figures["risk"].per_1000, figures["random"].per_1000)
        # The paired differences: uplift against each of the others, on the same resampled customers.
        differences = {line.baseline: line for line in comparison.difference_line_ids}
        self.assertEqual(set(differences), {"risk", "random"})
        for baseline, line in differences.items():
            self.assertEqual(line.policy, "uplift")
            self.assertAlmostEqual(line.per_1000, figures["uplift"].per_1000 - figures[baseline].per_1000, places=1)
            self.assertLessEqual(line.ci_low, line.ci_high)
            self.assertEqual(line.verdict, "shown" if line.ci_low > 0 else "not_shown")
            self.assertIn(f"than {baseline} targeting (from ", comparison.summary)
        self.assertFalse(comparison.difference_line_ids & comparison.line_ids)
        arch = comparison.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="difference_line_ids"', arch)
        comparison.budget_share = 50.0
        comparison.action_refresh()
        self.assertEqual(comparison.line_ids[0].targeted, 300)

    def test_too_small_an_experiment_says_so(self):
        comparison = self.env["fusion.recommend.targeting"].with_user(self.salesperson).create({})
        self.assertFalse(comparison.line_ids)
        self.assertIn("Not measured yet: 0 offered", comparison.summary)

    def test_the_menu_measures_the_current_company(self):
        action = self.env.ref("fusion_recommend.action_fusion_recommend_targeting").with_user(self.salesperson).run()
        comparison = self.env["fusion.recommend.targeting"].browse(action["res_id"])
        self.assertEqual((action["res_model"], comparison.company_id), ("fusion.recommend.targeting", self.company))
        self.assertTrue(comparison.summary)
