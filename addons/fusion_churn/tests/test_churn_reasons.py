import pandas as pd

from odoo.tests import new_test_user, tagged

from ai_insights.churn.features import churn_reasons

from .common import ChurnCommon, ChurnDemoCommon

# A customer paying late and buying large orders, next to the typical customer's values
CUSTOMER = {"avg_payment_delay_days": 8.3, "avg_order_value": 1234.567}


@tagged("post_install", "-at_install")
class TestChurnReasonsInTheReaderLanguage(ChurnCommon):
    """A churn reason is stored as a code and figures and read in the reader's language and number formats."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.load_spanish("fusion_churn")
        cls.spanish_salesperson = new_test_user(
            cls.env, "churn_vendedora", groups="sales_team.group_sale_salesman,fusion_base.group_fusion_user",
            lang="es_ES")
        cls.late, cls.large = churn_reasons(pd.DataFrame([CUSTOMER] * 2), ["avg_payment_delay_days", "avg_order_value"],
                                            [1.0, 800.0])
        cls.customer = cls.env["res.partner"].create({"name": "Pagos Lentos S.L.", "is_company": True})
        cls.score = cls.Score.create({
            "partner_id": cls.customer.id, "company_id": cls.company.id, "probability": 0.8,
            "reason_1": cls.late["message"], "reason_2": cls.large["message"], "reason_data": [cls.late, cls.large]})

    def test_spanish_user_reads_the_reason_in_spanish_with_spanish_numbers(self):
        customer = self.as_reader(self.customer, self.spanish_salesperson)
        self.assertEqual(customer.fusion_churn_top_reason, "Paga con 8 días de retraso de media (lo típico: 1 día)")
        second = customer.fusion_churn_reasons.split("\n")[1]
        self.assertTrue(second.startswith("Pedidos grandes: "), second)
        self.assertIn("1.234,57", second, "a Spanish thousands separator and decimal comma")
        self.assertIn(self.company.currency_id.symbol, second, "an amount in the company's currency")
        self.assertEqual(self.as_reader(self.score, self.spanish_salesperson).reasons_text,
                         customer.fusion_churn_reasons)

    def test_english_user_reads_the_core_sentence(self):
        customer = self.customer.with_user(self.salesperson)
        self.assertEqual(customer.fusion_churn_top_reason, "Pays 8 days late on average (typical: 1 day)")
        self.assertEqual(customer.fusion_churn_top_reason, self.late["message"])

    def test_text_stored_before_the_codes_shows_until_the_next_scoring(self):
        old = self.env["res.partner"].create({"name": "Old Score Ltd", "is_company": True})
        self.Score.create({"partner_id": old.id, "company_id": self.company.id, "probability": 0.7,
                           "reason_1": "No order for 120 days", "reason_2": "Pays late"})
        self.assertEqual(self.as_reader(old, self.spanish_salesperson).fusion_churn_reasons,
                         "No order for 120 days\nPays late")


@tagged("post_install", "-at_install")
class TestScoringStoresReasonCodes(ChurnDemoCommon):
    def test_each_stored_reason_has_its_code_and_figures(self):
        self.Version._score(self.company)
        scores = self.Score.search([("company_id", "=", self.company.id), ("reason_1", "!=", False)])
        self.assertTrue(scores)
        for score in scores:
            stored = [text for text in (score.reason_1, score.reason_2, score.reason_3) if text]
            self.assertEqual([reason["message"] for reason in score.reason_data], stored)
            self.assertTrue(all(reason["code"].startswith("churn_") for reason in score.reason_data))
        self.assertEqual(len(scores[0].reasons_text.split("\n")), len(scores[0].reason_data))
