import logging
import time

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.fusion_base.tests.common import web_client_path

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestHelpdeskTour(HttpCase):
    """Issue 11 in a real browser: an agent answers a Spanish double-charge complaint with the suggested reply."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(cls.env, "tour_agent", name="Tour agent", groups="helpdesk_mgmt.group_helpdesk_user")
        customer = cls.env["res.partner"].create({"name": "Tour cliente", "email": "cliente@example.com"})
        product = cls.env["product.product"].create({"name": "Tour silla", "type": "consu", "list_price": 45.9})
        order = cls.env["sale.order"].create({
            "name": "Tour order 1", "partner_id": customer.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})]})
        order.action_confirm()
        billing = cls.env["helpdesk.ticket.category"]._get_fusion_categories(cls.env.company)["billing"]
        cls.ticket = cls.env["helpdesk.ticket"].with_user(cls.agent).create({
            "name": "Cobro duplicado del pedido Tour order 1",
            "description": "<p>Me habéis cobrado dos veces 45,90 € por el pedido Tour order 1. Es la tercera vez que "
                           "escribo y nadie me responde. Quiero que me devolváis el dinero ya.</p>",
            "partner_id": customer.id, "category_id": billing.id, "user_id": cls.agent.id,
        })
        for text in ("¿Hay novedades?", "Sigo esperando."):
            cls.ticket.sudo().message_post(body=text, author_id=customer.id, message_type="comment")

    def test_agent_sends_the_suggested_reply(self):
        started = time.perf_counter()
        self.start_tour(web_client_path(self, f"/helpdesk-tickets/{self.ticket.id}"), "fusion_helpdesk_reply",
                        login="tour_agent", timeout=300)
        _logger.info("Tour timing: agent reads the analysis and the context and sends the reply %.1f s",
                     time.perf_counter() - started)
        sent = self.ticket.message_ids.filtered(lambda message: "45,90 €" in (message.body or ""))
        self.assertTrue(sent.filtered(lambda message: message.author_id == self.agent.partner_id))
