import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ai_insights.churn.features import FEATURES
from ai_insights.registry.store import UntrustedModelError, dumps_model

from .common import ChurnDemoCommon


class _Untrusted:
    """A type no model needs: its skops bytes must be refused."""


@tagged("post_install", "-at_install")
class TestChurnRegistry(ChurnDemoCommon):
    def test_first_version_is_trained_with_its_card_and_in_use(self):
        version = self.version
        self.assertEqual((version.state, version.name, version.is_active), ("trained", "v0001", True))
        self.assertGreater(version.roc_auc, 0.5, "better than chance on the held-out window")
        self.assertEqual(version.horizon_days, 90)
        self.assertLess(version.train_cutoff, version.eval_cutoff)
        self.assertLessEqual(version.data_end, version.train_cutoff)
        card = json.loads(version.card_json)
        self.assertTrue(card["features"])
        for name, purpose in card["features"].items():
            self.assertEqual(purpose, FEATURES[name].purpose)
        self.assertIn("calibration_table", card["extra"])
        self.assertIn("Features and their purpose", version.card_html)
        self.assertIn("Calibration on the held-out window", version.card_html)

    def test_card_stores_the_rolling_origin_evaluation_at_the_value_horizon(self):
        version = self.version
        # A year of sales: too short to measure a 365-day value, so the value covers the churn horizon.
        self.assertEqual(version.value_horizon_days, 90)
        rolling = json.loads(version.card_json)["extra"]["rolling_evaluation"]
        self.assertEqual(json.loads(version.card_json)["extra"]["value_horizon_days"], 90)
        folds = [fold for fold in rolling["folds"] if fold["horizon_days"] == 90]
        self.assertEqual(len(folds), 4, "four cut-offs at the value horizon")
        self.assertIn(rolling["anchor"], ("pareto", "bgnbd"))
        # The anchor's note says it was chosen before the last cut-off; folds that could not be fitted add theirs.
        self.assertTrue(any("before the last cut-off" in note for note in rolling["notes"]), rolling["notes"])
        self.assertAlmostEqual(version.rolling_auc, rolling["summary"]["auc"], places=3)
        self.assertAlmostEqual(version.clv_total_ratio, rolling["summary"]["total_ratio_model_13w"], places=3)
        self.assertAlmostEqual(version.rolling_auc_baseline, max(
            rolling["summary"]["auc_bgnbd_expected"], rolling["summary"]["auc_pnbd_alive"]), places=3)
        self.assertGreater(version.clv_total_ratio, 0.5)
        self.assertIn("Rolling-origin evaluation", version.card_html)
        churn, clv = version._load()
        self.assertEqual(clv.anchor, rolling["anchor"])
        # The lifetime value is trained as each fold trained it for the value horizon: the card names its window.
        self.assertEqual(clv.horizon_days, json.loads(version.card_json)["extra"]["value_train_days"])
        self.assertAlmostEqual(clv.spend_scale_, json.loads(version.card_json)["extra"]["value_spend_scale"])
        # Trained with the parameters the evaluation chose on its earlier folds, and the card says which.
        self.assertEqual({"correction": clv.correction, "learn_spend_scale": clv.learn_spend_scale},
                         rolling["clv_params"])
        self.assertEqual(f"times {clv.spend_scale_:.3f}" in version.card_json, clv.learn_spend_scale)
        self.assertLessEqual(clv.horizon_days, version.value_horizon_days)
        self.assertEqual(churn.horizon_days, 90)
        self.assertTrue(hasattr(clv, "regressor_"))

    def test_retrain_registers_a_new_version_and_rollback_restores_the_old_one(self):
        second = self.Version._train(self.company)
        self.assertEqual(second.name, "v0002")
        self.assertEqual(second.state, "trained")
        second.sudo()._activate()
        self.assertFalse(self.version.is_active)
        self.version.with_user(self.manager).action_activate()
        self.assertTrue(self.version.is_active)
        self.assertFalse(second.is_active)
        self.assertEqual(self.Version._get_active(self.company), self.version)
        summary = self.Version.with_user(self.manager).score_customers()
        self.assertEqual(summary["version"], "v0001")
        self.assertEqual(self.Score.search([("company_id", "=", self.company.id)]).model_id, self.version)

    def test_a_clearly_worse_retraining_waits_for_review(self):
        self.version.roc_auc = 0.99  # the version in use looks excellent
        second = self.Version._train(self.company)
        self.assertFalse(second.is_active)
        self.assertTrue(self.version.is_active)
        self.assertIn("Kept for review", second.message)

    def test_version_in_use_cannot_be_deleted(self):
        with self.assertRaises(UserError):
            self.version.with_user(self.manager).unlink()

    def test_untrusted_model_bytes_are_refused(self):
        self.version.sudo().model_data = dumps_model(_Untrusted())
        with self.assertRaises(UntrustedModelError):
            self.version._load()

    def test_salesperson_reads_cards_but_cannot_train_score_or_roll_back(self):
        as_salesperson = self.Version.with_user(self.salesperson)
        self.assertEqual(as_salesperson.search([]), self.version)
        self.assertTrue(self.version.with_user(self.salesperson).roc_auc)
        with self.assertRaises(AccessError):
            self.version.with_user(self.salesperson).read(["model_data"])  # the skops bytes are managers' only
        for method in ("action_train_now", "score_customers"):
            with self.assertRaises(AccessError):
                getattr(as_salesperson, method)()
        with self.assertRaises(AccessError):
            self.version.with_user(self.salesperson).action_activate()

    def test_api_user_sees_no_model(self):
        with self.assertRaises(AccessError):
            self.Version.with_user(self.api_user).search([])
