from odoo.tests import tagged

from odoo.addons.fusion_churn.tests.common import ChurnCommon


@tagged("post_install", "-at_install")
class TestCustomerValue(ChurnCommon):
    def test_guardrail_sees_risk_and_lifetime_value(self):
        customer = self.env["res.partner"].create({"name": "Loyal Ltd", "is_company": True})
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": customer.id})
        self.Score.create({"partner_id": customer.id, "company_id": self.company.id, "probability": 0.7,
                           "lifetime_value": 1500.0})
        unscored = self.env["res.partner"].create({"name": "New Co"})
        values = self.env["sale.order"].with_user(self.salesperson)._get_fusion_customer_value(contact | unscored)
        self.assertEqual(values, {customer.id: {"churn_risk": 0.7, "clv": 1500.0}})
