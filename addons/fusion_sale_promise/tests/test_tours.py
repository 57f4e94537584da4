import logging
import time

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.fusion_base.tests.common import web_client_path

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestApprovalTours(HttpCase):
    """Issue 11 in a real browser: a salesperson asks, a manager approves from the activity, the order is confirmed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"fusion_margin_floor": 20.0, "fusion_max_discount": 30.0})
        # Only their job's groups: the suite's user features come with the sales group.
        cls.seller = new_test_user(cls.env, "tour_seller", name="Tour seller", groups="sales_team.group_sale_salesman")
        cls.manager = new_test_user(
            cls.env, "tour_manager", name="Tour manager",
            groups="sales_team.group_sale_salesman_all_leads,fusion_base.group_fusion_manager")
        cls.customer = cls.env["res.partner"].create({"name": "Tour customer"})
        chair = cls.env["product.product"].create({
            "name": "Tour chair", "type": "consu", "is_storable": True, "list_price": 100.0, "standard_price": 50.0,
        })
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(chair, warehouse.lot_stock_id, 100)

    def test_salesperson_requests_and_manager_approves(self):
        started = time.perf_counter()
        # A generous timeout: the first page builds the test assets, slow on a loaded machine.
        self.start_tour(web_client_path(self, "/sales/new"), "fusion_promise_request_approval", login="tour_seller",
                        timeout=300)
        requested = time.perf_counter()
        order = self.env["sale.order"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(order.fusion_approval_requested_by_id, self.seller)
        self.assertEqual(order.state, "draft")
        self.start_tour(web_client_path(self, ""), "fusion_promise_approve_from_activity", login="tour_manager",
                        timeout=300)
        approved = time.perf_counter()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.fusion_approved_by_id, self.manager)
        _logger.info("Tour timings: salesperson builds and requests %.1f s, manager approves %.1f s",
                     requested - started, approved - requested)
