from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.fusion_base.tests.common import FusionCommon


@tagged("post_install", "-at_install")
class TestRecordOfProcessing(FusionCommon):
    def test_record_lists_every_declaration_with_its_basis_and_use(self):
        Purpose = self.env["fusion.data.purpose"]
        Purpose.create({"consumer": "privacy test", "model_name": "res.partner", "field_name": "email",
                        "purpose": "send receipts", "personal_data": True, "fusion_legal_basis": "contract",
                        "fusion_retention_days": 730})
        record = Purpose._get_fusion_processing_record()
        row = record[(record["consumer"] == "privacy test")].iloc[0]
        self.assertEqual((row["legal_basis"], row["retention_days"]), ("contract", 730))
        self.assertEqual(len(record), Purpose.search_count([]))

    def test_a_field_used_without_declaration_fails(self):
        if "fusion.churn.dataset" not in self.env:
            self.skipTest("fusion_churn, the consumer whose uses are known, is not installed")
        Purpose = self.env["fusion.data.purpose"]
        record = Purpose._get_fusion_processing_record()
        churn = record[record["consumer"] == "churn model"]
        self.assertTrue((churn["used"] == True).any())  # noqa: E712  (True, False or NA)
        Purpose.search([("consumer", "=", "churn model"), ("model_name", "=", "sale.order"),
                        ("field_name", "=", "date_order")]).active = False
        with self.assertRaises(ValidationError):
            Purpose._get_fusion_processing_record()

    def test_forecast_and_cockpit_uses_are_known_and_declared(self):
        record = self.env["fusion.data.purpose"]._get_fusion_processing_record()
        for consumer, model in (("demand forecast", "fusion.forecast.run"), ("cockpit", "fusion.cockpit.measure")):
            if model not in self.env:
                continue
            rows = record[record["consumer"] == consumer]
            self.assertTrue((rows["used"] == True).any(), consumer)  # noqa: E712  (True, False or NA)
            self.assertFalse(rows["used"].isna().any(), f"{consumer}: every declaration's use is known")
