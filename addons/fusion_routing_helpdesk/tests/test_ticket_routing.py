from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.fusion_helpdesk.tests.common import FusionHelpdeskCommon


@tagged("post_install", "-at_install")
class TestTicketRouting(FusionHelpdeskCommon):
    """Agent A closes billing tickets in 2 hours and delivery ones in 20; agent B the reverse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.fusion_helpdesk_auto_route = True
        billing, delivery = cls.categories["billing"], cls.categories["delivery"]
        Ticket = cls.env["helpdesk.ticket"]
        history = Ticket.create([{
            "name": f"Past ticket {i}", "description": "-", "team_id": cls.team.id,
            "category_id": (billing, delivery)[i % 2].id, "user_id": (cls.agent_a, cls.agent_b)[(i // 2) % 2].id,
        } for i in range(80)])
        now = fields.Datetime.now()
        closed = cls.env["helpdesk.ticket.stage"].search([("closed", "=", True)], limit=1)
        for i, ticket in enumerate(history):
            fast = (i % 2 == 0) == ((i // 2) % 2 == 0)
            opened = now - timedelta(days=30 + i % 20)
            cls.env.cr.execute(
                "UPDATE helpdesk_ticket SET create_date = %s, assigned_date = %s, closed_date = %s, stage_id = %s, "
                "fusion_language = 'es' WHERE id = %s",
                (opened, opened, opened + timedelta(hours=2 if fast else 20), closed.id, ticket.id))
        Ticket.invalidate_model()

    def test_tickets_go_to_the_agent_who_resolves_them_fastest(self):
        text, _result = self._probe(category="billing", language="es")
        billing = self._create_ticket(text, user=self.leader)
        text, _result = self._probe(category="delivery", language="es")
        delivery = self._create_ticket(text, user=self.leader)
        self.assertEqual(billing.user_id, self.agent_a)
        self.assertEqual(delivery.user_id, self.agent_b)
        self.assertEqual(billing.fusion_routing_reasons[0]["code"], "routing_fastest")
        self.assertTrue(billing.fusion_routing_summary)

    def test_the_load_limit_comes_before_speed(self):
        self.company.fusion_routing_ticket_limit = 1
        text, _result = self._probe(category="billing", language="es")
        first = self._create_ticket(text, user=self.leader)
        second = self._create_ticket(text, user=self.leader)
        self.assertEqual(first.user_id, self.agent_a)
        self.assertEqual(second.user_id, self.agent_b, "agent A already holds their one open ticket")

    def test_a_chosen_agent_stays(self):
        text, _result = self._probe(category="billing", language="es")
        ticket = self._create_ticket(text, user=self.leader, user_id=self.agent_b.id)
        self.assertEqual(ticket.user_id, self.agent_b)
        self.assertFalse(ticket.fusion_routing_reasons)
