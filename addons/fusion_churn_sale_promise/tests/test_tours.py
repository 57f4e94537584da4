import logging
import time

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.fusion_base.tests.common import web_client_path

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestChurnTour(HttpCase):
    """Issue 11 in a real browser: a sales manager filters the customers at high churn risk and opens one.

    Here rather than in fusion_churn: the tour runs on the Sales app's customer list, which this glue's
    dependencies (sale_management through the promise addon) bring.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, "tour_sales_manager", name="Tour sales manager", groups="sales_team.group_sale_manager")
        Partner = cls.env["res.partner"]
        risky = Partner.create({"name": "Tour risky customer", "is_company": True, "customer_rank": 1})
        loyal = Partner.create({"name": "Tour loyal customer", "is_company": True, "customer_rank": 1})
        cls.env["fusion.churn.score"].create([
            {"partner_id": partner.id, "company_id": cls.env.company.id, "probability": probability,
             "reason_1": "No order in the last 200 days" if probability > 0.5 else False, "lifetime_value": 1500.0}
            for partner, probability in ((risky, 0.9), (loyal, 0.05))
        ])

    def test_manager_filters_high_risk_customers(self):
        started = time.perf_counter()
        self.start_tour(web_client_path(self, "/customers"), "fusion_churn_high_risk", login="tour_sales_manager",
                        timeout=300)
        _logger.info("Tour timing: manager filters high churn risk and opens a customer %.1f s",
                     time.perf_counter() - started)
