from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from ai_insights.nlp.escalation import NEGATIVE_SCORE_THRESHOLD, VALUABLE_CUSTOMER_VALUE, escalations

from .common import FusionHelpdeskCommon


@tagged("post_install", "-at_install")
class TestTicketRouting(FusionHelpdeskCommon):
    def _open_tickets(self, user, count):
        stage = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        self.env["helpdesk.ticket"].create([
            {"name": f"Open {n}", "description": "<p>open</p>", "team_id": self.team.id, "user_id": user.id,
             "stage_id": stage.id} for n in range(count)])

    def test_least_loaded_member_gets_the_ticket(self):
        self._open_tickets(self.agent_a, 2)
        text, _expected = self._probe(language="es", category="delivery", urgency="normal")
        ticket = self._create_ticket(text)
        self.assertEqual(ticket.user_id, self.agent_b)
        self.assertEqual(ticket.team_id, self.team)

    def test_batch_spreads_the_load(self):
        self._open_tickets(self.agent_a, 1)
        texts = [self._probe(language="en", category="billing", urgency="normal")[0]] * 3
        tickets = self.env["helpdesk.ticket"].with_user(self.agent_a).create([
            {"name": f"Ticket {n}", "description": text, "team_id": self.team.id} for n, text in enumerate(texts)
        ]).with_env(self.env)
        # agent_b starts with no open ticket and agent_a with one: 1 + 1 + 2 = 2 + 2 open tickets each at the end.
        self.assertEqual(len(tickets.filtered(lambda t: t.user_id == self.agent_b)), 2)
        self.assertEqual(len(tickets.filtered(lambda t: t.user_id == self.agent_a)), 1)

    def test_team_is_chosen_by_category(self):
        returns_desk = self.env["helpdesk.ticket.team"].create({
            "name": "Returns desk", "sequence": 1, "category_ids": [(6, 0, self.categories["returns"].ids)],
            "user_ids": [(6, 0, self.agent_a.ids)]})
        dispatcher = new_test_user(self.env, "fusion_dispatcher", groups="helpdesk_mgmt.group_helpdesk_user")
        text, _expected = self._probe(category="returns", urgency="normal")
        title, _, body = text.partition("\n\n")
        ticket = self.env["helpdesk.ticket"].with_user(dispatcher).create(
            {"name": title, "description": body, "partner_id": self.customer.id}).with_env(self.env)
        self.assertEqual((ticket.team_id, ticket.user_id), (returns_desk, self.agent_a))

    def test_high_urgency_is_escalated_to_the_team_leader(self):
        text, _expected = self._probe(urgency="high")
        ticket = self._create_ticket(text)
        self.assertTrue(ticket.fusion_escalated)
        self.assertEqual(ticket.fusion_escalation_code, "urgency_predicted")
        self.assertIn("high urgency", ticket.fusion_escalation_reason)
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.user_id, self.leader)
        self.assertEqual(ticket.activity_ids.user_id, self.leader)
        self.assertIn("Escalated", ticket.message_ids[0].body)

    def test_very_negative_valuable_customer_is_escalated(self):
        text, _expected = self._probe(sentiment="negative", urgency="normal", sentiment_below=-0.5)
        escalation_user = new_test_user(self.env, "fusion_escalation", groups="helpdesk_mgmt.group_helpdesk_user")
        self.company.fusion_helpdesk_escalation_user_id = escalation_user
        self.team.user_id = False
        values = {self.customer.id: {"clv": 5000.0, "churn": "High (70%)"}}
        with patch.object(type(self.env["helpdesk.ticket"]), "_get_fusion_customer_values", return_value=values):
            ticket = self._create_ticket(text)
        self.assertTrue(ticket.fusion_escalated)
        self.assertEqual(ticket.fusion_escalation_code, "negative_valuable")
        self.assertIn("valuable customer", ticket.fusion_escalation_reason)
        self.assertNotIn("5000", ticket.fusion_escalation_reason, "the value stays with those allowed to see it")
        self.assertEqual((ticket.priority, ticket.user_id), ("3", escalation_user))
        self.assertEqual(ticket.activity_ids.user_id, escalation_user)
        # The urgency is the analysis's (the training label): the escalation does not make it a label of its own.
        self.assertEqual(ticket.fusion_urgency, "normal")
        self.assertFalse(ticket.fusion_label_ids, "an escalation is no correction")
        self.assertTrue(ticket.fusion_priority_escalated, "the form says why the priority is above the urgency")

    def test_escalation_reason_is_read_in_the_readers_language(self):
        text, _expected = self._probe(urgency="high")
        ticket = self._create_ticket(text)
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["fusion_base", "fusion_helpdesk"], ["es_ES"])
        english = ticket.fusion_escalation_reason
        spanish = ticket.with_context(lang="es_ES").fusion_escalation_reason
        self.assertTrue(english.startswith("high urgency (confidence "), english)
        self.assertTrue(spanish.startswith("urgencia alta (confianza "), spanish)
        self.assertRegex(spanish, r"\(confianza \d+(,\d)?\s?%\)$", "a percentage as Spanish writes it")

    def test_negative_ordinary_customer_is_not_escalated(self):
        text, _expected = self._probe(sentiment="negative", urgency="normal", sentiment_below=-0.5)
        values = {self.customer.id: {"clv": 50.0, "churn": False}}
        with patch.object(type(self.env["helpdesk.ticket"]), "_get_fusion_customer_values", return_value=values):
            ticket = self._create_ticket(text)
        self.assertFalse(ticket.fusion_escalated)
        self.assertIn(ticket.user_id, self.agent_a | self.agent_b)

    def test_escalations_are_the_core_rule_with_the_company_thresholds(self):
        """A batch escalates exactly as ai_insights.nlp.escalation.escalations says on the tickets' stored labels."""
        defaults = self.env["res.company"].default_get(["fusion_helpdesk_negative_score",
                                                        "fusion_helpdesk_valuable_clv"])
        self.assertEqual((defaults["fusion_helpdesk_negative_score"], defaults["fusion_helpdesk_valuable_clv"]),
                         (NEGATIVE_SCORE_THRESHOLD, VALUABLE_CUSTOMER_VALUE))
        self.company.write({"fusion_helpdesk_negative_score": -0.3, "fusion_helpdesk_valuable_clv": 200.0})
        texts = [self._probe(urgency="high")[0], self._probe(sentiment="negative", urgency="normal")[0],
                 self._probe(sentiment="neutral", urgency="low")[0]]
        values = {self.customer.id: {"clv": 250.0, "churn": False}}
        with patch.object(type(self.env["helpdesk.ticket"]), "_get_fusion_customer_values", return_value=values):
            tickets = self.env["helpdesk.ticket"].with_user(self.agent_a).create([
                {"name": text.partition("\n\n")[0], "description": text.partition("\n\n")[2],
                 "partner_id": self.customer.id, "team_id": self.team.id} for text in texts]).with_env(self.env)
        expected = escalations(tickets.mapped("fusion_urgency"), tickets.mapped("fusion_sentiment"),
                               tickets.mapped("fusion_sentiment_score"), [250.0] * 3,
                               negative_score=-0.3, valuable_value=200.0)
        self.assertEqual([ticket.fusion_escalation_code or "" for ticket in tickets], expected.tolist())
        self.assertEqual(expected.tolist()[0], "urgency_predicted")
        self.assertEqual(expected.tolist()[2], "")
