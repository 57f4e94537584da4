from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from ai_insights.churn.features import build_features
from ai_insights.churn.production import churn_and_value_scores, train_production_models

from .common import ChurnDemoCommon

SCORE_MODULE = "odoo.addons.fusion_churn.models.fusion_churn_score"


@tagged("post_install", "-at_install")
class TestChurnScoring(ChurnDemoCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"fusion_churn_medium_threshold": 30.0, "fusion_churn_high_threshold": 60.0})
        cls.env["fusion.churn.model"]._cron_score()
        cls.scores = cls.Score.search([("company_id", "=", cls.company.id)])
        cls.high = cls.scores.filtered(lambda score: score.risk_level == "high")

    def test_cron_scores_every_customer_with_a_purchase_in_batches(self):
        self.assertEqual(self.scores.partner_id, self.buyers)
        self.assertTrue(self.high, "the demo company has customers drifting away")
        create = type(self.Score).create
        with patch(f"{SCORE_MODULE}.BATCH", 50), \
                patch.object(type(self.Score), "create", autospec=True, side_effect=create) as created:
            self.env["fusion.churn.model"]._cron_score()
        self.assertEqual(created.call_count, -(-len(self.buyers) // 50))
        rescored = self.Score.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(rescored), len(self.buyers), "scoring again replaces the scores")

    def test_customers_keep_their_figures_stored_written_in_batches(self):
        cursor = type(self.env.cr)
        execute = cursor.execute
        with patch(f"{SCORE_MODULE}.BATCH", 50), \
                patch.object(cursor, "execute", autospec=True, side_effect=execute) as executed:
            self.env["fusion.churn.model"]._cron_score()
        statements = [str(call.args[1]) for call in executed.call_args_list]
        partner_updates = [sql for sql in statements
                           if "UPDATE res_partner" in sql and "fusion_churn_probability" in sql]
        # One statement clears the company's figures, then one per batch of scores: no query per customer.
        self.assertEqual(len(partner_updates), 1 + -(-len(self.buyers) // 50))
        partners = self.env["res.partner"].with_user(self.salesperson)
        by_risk = partners.search([("id", "in", self.buyers.ids)], order="fusion_churn_probability desc, id")
        probabilities = by_risk.mapped("fusion_churn_probability")
        self.assertEqual(probabilities, sorted(probabilities, reverse=True), "the list sorts by churn probability")
        self.assertEqual(by_risk.sorted("fusion_lifetime_value").mapped("fusion_lifetime_value"),
                         partners.search([("id", "in", self.buyers.ids)], order="fusion_lifetime_value, id")
                         .mapped("fusion_lifetime_value"))

    def test_risk_levels_group_in_the_badges_order(self):
        levels = [level for level, _count in self.Score._read_group([], ["risk_level"], ["__count"])]
        self.assertEqual(levels, [level for level in ("low", "medium", "high") if level in levels])
        self.assertGreaterEqual(len(levels), 2, "the demo company has customers at several levels")
        groups = self.env["res.partner"].with_user(self.salesperson)._read_group(
            [("id", "in", self.buyers.ids)], ["fusion_churn_level"], ["__count"])
        self.assertEqual([level for level, _count in groups], levels)
        self.assertEqual(sum(count for _level, count in groups), len(self.buyers))

    def test_scores_carry_probability_level_reasons_and_value(self):
        for score in self.scores:
            self.assertTrue(0 <= score.probability <= 1)
            self.assertEqual(score.risk_level, self.company._get_fusion_churn_level(score.probability))
        for score in self.high:
            self.assertTrue(score.reason_1, "a high risk is explained")
        self.assertTrue(any(self.scores.mapped("lifetime_value")))
        self.assertEqual(set(self.scores.mapped("segment")), {"b2b", "b2c"})

    def test_value_shown_is_the_cards_at_the_horizon_it_names(self):
        version = self.Version._get_active(self.company)
        churn, clv = version._load()
        X = build_features(self.env["fusion.churn.dataset"]._get_fusion_tables(self.company), self.scores[0].scored_at)
        expected = clv.rebase(X).value(X, horizon_days=version.value_horizon_days)
        by_partner = {score.partner_id.id: score for score in self.scores}
        for partner_id, row in expected.head(20).iterrows():
            self.assertAlmostEqual(by_partner[partner_id].expected_orders, row["expected_purchases"], places=1)
            # Revenue and margin carry the spend scale the version learnt on its training window.
            self.assertAlmostEqual(by_partner[partner_id].expected_revenue, row["expected_revenue"], places=0)
            self.assertAlmostEqual(by_partner[partner_id].lifetime_value, row["expected_margin"], places=0)
        self.assertGreater(clv.spend_scale_, 0)
        partner = self.env["res.partner"].with_user(self.salesperson).browse(self.scores[0].partner_id.id)
        self.assertEqual(partner.fusion_lifetime_value_days, version.value_horizon_days)
        self.assertEqual(partner.fusion_lifetime_value, self.scores[0].lifetime_value)
        # A year's value from a model trained at 90 days would be about four times larger: it is not.
        year = clv.value(X, horizon_days=365)["expected_purchases"].sum()
        self.assertGreater(year, 2 * sum(self.scores.mapped("expected_orders")))

    def test_partner_shows_what_the_core_production_training_gives(self):
        # make demo trains and scores with the same core functions: the same tables give the same figures.
        version = self.Version._get_active(self.company)
        tables = self.env["fusion.churn.dataset"]._get_fusion_tables(self.company)
        trained = train_production_models(tables, self.company.fusion_churn_horizon_days)
        self.assertEqual(version.value_horizon_days, trained.value_horizon_days)
        self.assertEqual(version.train_cutoff, trained.train_cutoff.date())
        # Stored to three decimals.
        self.assertAlmostEqual(version.roc_auc, trained.card.metrics["roc_auc"], places=3)
        self.assertAlmostEqual(version.clv_total_ratio, trained.card.metrics["clv_total_ratio"], places=3)
        expected = churn_and_value_scores(trained.churn, trained.value,
                                          build_features(tables, self.scores[0].scored_at), trained.value_horizon_days)
        partners = self.env["res.partner"].with_user(self.salesperson).browse(self.scores.partner_id.ids)
        self.assertEqual(len(partners), len(expected))
        for partner in partners:
            row = expected.loc[partner.id]
            self.assertAlmostEqual(partner.fusion_churn_probability, row["churn_probability"], delta=1e-3)
            self.assertAlmostEqual(partner.fusion_lifetime_value, row["expected_margin"], places=0)
            self.assertEqual(partner.fusion_lifetime_value_days, trained.value_horizon_days)

    def test_probability_shown_is_the_models_on_the_customers_as_of_scoring(self):
        version = self.Version._get_active(self.company)
        churn, _clv = version._load()
        self.assertTrue(churn.baseline_params_, "the version learnt on BG/NBD's probability of no purchase")
        X = build_features(self.env["fusion.churn.dataset"]._get_fusion_tables(self.company), self.scores[0].scored_at)
        # BG/NBD as fitted on the training customers, on each customer's history as of the scoring.
        expected = dict(zip(X.index, churn.predict_proba(X)[:, 1]))
        for score in self.scores[:20]:
            self.assertAlmostEqual(score.probability, expected[score.partner_id.id], delta=1e-3)  # stored to 3 decimals

    def test_salesperson_sees_risk_on_partner_list_filter_order_and_lead(self):
        partners = self.env["res.partner"].with_user(self.salesperson)
        at_risk = partners.search([("fusion_churn_level", "=", "high"), ("ref", "=like", "DEMO-C%")])
        self.assertEqual(at_risk, self.high.partner_id)
        self.assertEqual(partners.search([("fusion_churn_level", "!=", "high"), ("id", "in", self.customers.ids)]),
                         self.customers - self.high.partner_id)
        self.assertEqual(partners.search([("fusion_churn_level", "=", False), ("id", "in", self.customers.ids)]),
                         self.customers - self.scores.partner_id)
        score = self.high[0]
        customer = at_risk.browse(score.partner_id.id)
        self.assertEqual(customer.fusion_churn_level, "high")
        self.assertAlmostEqual(customer.fusion_churn_probability, score.probability)
        # The partner reads the score's reasons as rendered in the user's language and formats
        top_reason = score.reasons_text.split("\n")[0]
        self.assertEqual(customer.fusion_churn_top_reason, top_reason)
        self.assertIn(top_reason, customer.fusion_churn_reasons)
        self.assertEqual(customer.fusion_churn_scored_at, score.scored_at)
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": score.partner_id.id})
        self.assertEqual(contact.with_user(self.salesperson).fusion_churn_level, "high",
                         "a contact shows its company's risk")

        order = self.env["sale.order"].search([("partner_id", "=", score.partner_id.id)], limit=1)
        self.assertEqual(order.with_user(self.salesperson).fusion_churn_level, "high")
        self.assertEqual(order.with_user(self.salesperson).fusion_churn_top_reason, top_reason)
        lead = self.env["crm.lead"].create({"name": "Renewal", "partner_id": contact.id})
        self.assertEqual(lead.with_user(self.salesperson).fusion_churn_top_reason, top_reason)

    def test_thresholds_relevel_the_scores(self):
        self.company.fusion_churn_high_threshold = 99.9
        self.assertFalse(self.scores.filtered(lambda score: score.risk_level == "high"))
        self.assertEqual(self.high.mapped("risk_level"), ["medium"] * len(self.high))
        self.assertEqual(self.high.partner_id.mapped("fusion_churn_level"), ["medium"] * len(self.high),
                         "the customers' stored level follows the thresholds too")

    def test_risk_report_groups_by_segment_and_salesperson(self):
        groups = self.Score.with_user(self.salesperson)._read_group(
            [], ["segment", "user_id", "risk_level"], ["__count", "probability:avg"])
        self.assertEqual(sum(count for *_, count, _avg in groups), len(self.scores))
        self.assertTrue(all(0 <= avg <= 1 for *_, avg in groups))

    def test_settings_show_the_model_in_use_and_the_declared_uses(self):
        admin = new_test_user(self.env, "churn_settings_admin", company_id=self.company.id,
                              groups="base.group_system,fusion_base.group_fusion_manager")
        settings = Form(self.env["res.config.settings"].with_user(admin))  # as the settings page loads
        active = self.Version._get_active(self.company)
        self.assertTrue(active)
        self.assertEqual(settings.fusion_churn_active_model_id, active)
        self.assertEqual(settings.fusion_data_purpose_count, self.env["fusion.data.purpose"].search_count([]))
        self.assertGreater(settings.fusion_data_purpose_count, 0)

    def test_api_user_sees_no_risk(self):
        with self.assertRaises(AccessError):
            self.Score.with_user(self.api_user).search([])
        with self.assertRaises(AccessError):
            self.high[0].partner_id.with_user(self.api_user).read(["fusion_churn_level"])
