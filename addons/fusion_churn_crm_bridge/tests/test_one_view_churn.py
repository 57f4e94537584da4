from odoo.tests import tagged

from odoo.addons.fusion_churn.tests.common import ChurnCommon


@tagged("post_install", "-at_install")
class TestOneViewChurn(ChurnCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Drifting Ltd", "is_company": True})
        cls.Score.create({"partner_id": cls.customer.id, "company_id": cls.company.id, "probability": 0.8,
                          "reason_1": "No order for 200 days (typical customer: 40)"})

    def test_panel_shows_the_risk_and_its_main_reason(self):
        # With fusion_recommend, a share of customers drawn from their id gets a random action (exploration):
        # none here, whatever id this partner got. Set before the panel is computed.
        self.env["ir.config_parameter"].sudo().set_param("fusion_recommend.exploration_share", "0")
        partner = self.customer.with_user(self.salesperson)
        self.assertAlmostEqual(partner.fusion_churn_risk, 0.8)
        if self.env["ir.module.module"]._get("fusion_recommend_crm_bridge").state == "installed":
            # The recommendation proposes the action, from the same churn risk
            self.assertIn("churn risk 80", partner.fusion_next_best_action)
        else:
            self.assertEqual(partner.fusion_next_best_action, "No order for 200 days (typical customer: 40)")
        self.assertIn("next best action", partner.fusion_erp_panel)

    def test_unscored_customer_shows_no_risk(self):
        other = self.env["res.partner"].create({"name": "New Co"}).with_user(self.salesperson)
        self.assertEqual(other.fusion_churn_risk, 0.0)
