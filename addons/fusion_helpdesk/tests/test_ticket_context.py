from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.tests import Form, tagged
from odoo.tools import format_date

from .common import FusionHelpdeskCommon


@tagged("post_install", "-at_install")
class TestTicketContext(FusionHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Silla ergonómica", "type": "consu", "is_storable": True, "list_price": 120.0})
        cls.promised = datetime.now().replace(microsecond=0) + timedelta(days=5)
        cls.order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id, "commitment_date": cls.promised,
            "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 2})],
        })
        cls.order.action_confirm()

    def _ticket_about_the_order(self, language):
        text, _expected = self._probe(language=language, category="delivery")
        title, _, body = text.partition("\n\n")
        return self._create_ticket(f"{title} {self.order.name}\n\n{body}")

    def test_context_panel(self):
        ticket = self._ticket_about_the_order("es")
        html = str(ticket.fusion_context_html)
        self.assertIn(self.order.name, html)
        promised_day = fields.Datetime.context_timestamp(ticket, self.promised).date()
        self.assertIn(format_date(self.env, promised_day), html, "the promised delivery date, in the user's format")
        self.assertNotIn(promised_day.isoformat(), html, "no ISO date")
        picking = self.order.picking_ids
        state = dict(picking._fields["state"]._description_selection(self.env))[picking.state]
        self.assertIn(f"{picking.name} ({state})", html, "the delivery and its state in words")
        self.assertFalse(ticket.fusion_customer_churn, "no churn figure without fusion_churn")

    def test_suggested_reply_in_spanish_and_english(self):
        spanish, english = self._ticket_about_the_order("es"), self._ticket_about_the_order("en")
        self.assertEqual((spanish.fusion_reply_language, english.fusion_reply_language), ("es", "en"))
        self.assertTrue(spanish.fusion_reply_suggestion.startswith("Hola Lucía Pérez"))
        self.assertTrue(english.fusion_reply_suggestion.startswith("Dear Lucía Pérez"))
        for ticket in spanish | english:
            self.assertIn(self.order.name, ticket.fusion_reply_suggestion)
        self.assertIn(f"{self.promised.day} de ", spanish.fusion_reply_suggestion, "promised date, in Spanish")
        self.assertIn(f"{self.promised.day} {self.promised:%B} {self.promised.year}", english.fusion_reply_suggestion)

    def test_send_suggested_reply(self):
        ticket = self._ticket_about_the_order("en")
        action = ticket.with_user(ticket.user_id).action_fusion_send_reply()
        composer = Form(self.env["mail.compose.message"].with_user(ticket.user_id).with_context(**action["context"]))
        composer.save().action_send_mail()
        message = ticket.message_ids.filtered(lambda m: m.message_type == "comment" and self.order.name in m.body)
        self.assertEqual(len(message), 1)
        self.assertIn(self.customer, message.partner_ids)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))

    def test_close_with_resolution_and_feedback(self):
        ticket = self._ticket_about_the_order("es")
        agent = ticket.user_id
        action = ticket.with_user(agent).action_fusion_close()
        wizard = Form(self.env[action["res_model"]].with_user(agent).with_context(**action["context"]))
        wizard.resolution = "Reenviado con mensajería urgente; llegó al día siguiente."
        wizard.feedback_rating = "4"
        wizard.save().action_close()
        self.assertTrue(ticket.closed)
        self.assertTrue(ticket.closed_date)
        self.assertEqual(ticket.fusion_feedback_rating, "4")
        self.assertIn("mensajería urgente", ticket.fusion_resolution)
        self.assertIn("Resolution", ticket.message_ids[0].body)
        texts, labels, _dates = self.env["fusion.ticket.model"]._get_training_set(self.company)
        self.assertEqual(len(texts), 1, "the closed ticket joins the training set")
        self.assertEqual(labels.iloc[0]["category"], "delivery")

    def test_billing_reply_holds_only_known_facts_and_uses_them(self):
        """A double charge about an order without an invoice, the customer's third message (issue 11)."""
        ticket = self._create_ticket(
            f"Charged twice\n\nYou charged me twice 45.90 EUR for order {self.order.name}.",
            category_id=self.categories["billing"].id)
        for n in range(2):  # the description was the first message
            ticket.message_post(body=f"Any news? ({n})", author_id=self.customer.id, message_type="comment")
        ticket.invalidate_recordset(["fusion_reply_suggestion"])
        reply = ticket.fusion_reply_suggestion
        self.assertIn("45.90 EUR", reply)
        self.assertIn(self.order.name, reply)
        self.assertIn("3 times", reply)
        self.assertNotIn("invoice", reply.lower(), "the customer has no invoice")

    def test_an_unpaid_invoice_past_due_is_overdue_in_the_reply(self):
        """The reply context is the core's (ai_insights.nlp.replies.reply_context): its overdue rule included."""
        today = fields.Date.context_today(self.customer)
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.customer.id, "invoice_date": today - timedelta(days=40),
            "invoice_date_due": today - timedelta(days=10),
            "invoice_line_ids": [Command.create({"name": "Silla", "quantity": 1.0, "price_unit": 99.0,
                                                 "tax_ids": [Command.clear()]})]})
        invoice.action_post()
        ticket = self._create_ticket(f"Invoice {invoice.name}\n\nWhere is my invoice {invoice.name}?",
                                     category_id=self.categories["billing"].id)
        context = ticket._get_fusion_operational_context()[ticket.id]["reply"]
        self.assertEqual((context["invoice_name"], context["invoice_state"]), (invoice.name, "overdue"))
        self.assertEqual(context["order_name"], self.order.name)
        self.assertNotIn("delivery_date", context, "what is not known is left out")

    def test_urgency_a_person_sets_flows_into_priority_and_escalation(self):
        text, _expected = self._probe(language="en", category="delivery", urgency="normal")
        ticket = self._create_ticket(text)
        self.assertFalse(ticket.fusion_escalated)
        ticket.with_user(ticket.user_id).write({"fusion_urgency": "low"})
        self.assertEqual(ticket.priority, "0")
        ticket.with_user(ticket.user_id).write({"fusion_urgency": "high"})
        self.assertTrue(ticket.fusion_escalated)
        self.assertEqual(ticket.priority, "3")
        self.assertIn("set by", ticket.fusion_escalation_reason)
