from unittest.mock import patch

from odoo.tests import tagged

from ai_insights.nlp import TicketAnalyzer

from .common import FusionHelpdeskCommon


@tagged("post_install", "-at_install")
class TestTicketAnalysis(FusionHelpdeskCommon):
    def test_analysis_on_create(self):
        text, expected = self._probe(language="es", category="delivery")
        ticket = self._create_ticket(text)
        self.assertEqual(ticket.fusion_analysis_state, "done")
        self.assertEqual(ticket.fusion_model_version, self.version.name)
        self.assertEqual(ticket.fusion_language, "es")
        self.assertEqual(ticket.category_id, self.categories["delivery"])
        self.assertEqual(ticket.fusion_urgency, expected["urgency"])
        self.assertEqual(ticket.fusion_sentiment, expected["sentiment"])
        self.assertGreaterEqual(ticket.fusion_category_confidence, 0.6)
        self.assertTrue(ticket.fusion_key_phrases)
        self.assertFalse(ticket.fusion_needs_review)

    def test_batch_create_predicts_once(self):
        texts = [self._probe(language=lang, category=category)[0]
                 for lang, category in [("es", "billing"), ("en", "delivery"), ("es", "returns"), ("en", "billing")]]
        with patch.object(TicketAnalyzer, "predict_many", autospec=True,
                          side_effect=TicketAnalyzer.predict_many) as predict_many:
            tickets = self.env["helpdesk.ticket"].with_user(self.agent_a).create([
                {"name": text.partition("\n\n")[0], "description": text.partition("\n\n")[2],
                 "team_id": self.team.id} for text in texts]).with_env(self.env)
        self.assertEqual(predict_many.call_count, 1)
        self.assertEqual([t.category_id.fusion_code for t in tickets], ["billing", "delivery", "returns", "billing"])
        self.assertEqual(set(tickets.mapped("fusion_analysis_state")), {"done"})

    def test_low_confidence_leaves_fields_to_a_person(self):
        self.company.fusion_helpdesk_confidence = 1.01  # nothing is confident enough
        text, expected = self._probe(language="en", urgency="high")
        ticket = self._create_ticket(text)
        self.assertEqual(ticket.fusion_analysis_state, "review")
        self.assertEqual(ticket.fusion_needs_review, "category, sentiment, urgency")
        self.assertEqual(ticket.fusion_needs_review_text, "Category, Sentiment, Urgency", "in words, not codes")
        self.assertFalse(ticket.category_id)
        self.assertFalse(ticket.fusion_sentiment)
        self.assertFalse(ticket.fusion_urgency)
        self.assertEqual(ticket.priority, "1", "the default priority stays")
        self.assertFalse(ticket.fusion_escalated)
        # Predictions are kept for the person to see.
        self.assertEqual(ticket.fusion_predicted_category, expected["category"])
        self.assertEqual(ticket.fusion_predicted_urgency, "high")

    def test_creator_choice_is_kept(self):
        text, _expected = self._probe(language="es", category="delivery")
        ticket = self._create_ticket(text, category_id=self.categories["billing"].id, priority="0")
        self.assertEqual(ticket.category_id, self.categories["billing"])
        self.assertEqual(ticket.priority, "0")
        self.assertEqual(ticket.fusion_urgency, "low", "the chosen priority is the urgency label")
        self.assertEqual(ticket.fusion_predicted_category, "delivery")
        self.assertEqual(ticket.fusion_predicted_category_name, self.categories["delivery"].name,
                         "the agent reads the category's name, not the analysis code")

    def test_correction_becomes_a_label(self):
        text, expected = self._probe(language="es", category="delivery", urgency="normal")
        ticket = self._create_ticket(text)
        agent = ticket.user_id
        ticket.with_user(agent).write({"category_id": self.categories["billing"].id, "priority": "0"})
        labels = ticket.fusion_label_ids
        self.assertEqual(sorted(labels.mapped("task")), ["category", "urgency"])
        category = labels.filtered(lambda label: label.task == "category")
        self.assertEqual((category.predicted, category.label, category.user_id), ("delivery", "billing", agent))
        self.assertEqual(category.model_version, self.version.name)
        self.assertEqual(ticket.fusion_urgency, "low")
        # The corrected values are what the retraining reads once the ticket is closed.
        ticket.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        texts, frame, _dates = self.env["fusion.ticket.model"]._get_training_set(self.company)
        row = frame.iloc[next(i for i, t in enumerate(texts) if ticket.name in t)]
        self.assertEqual((row["category"], row["urgency"], row["sentiment"]), ("billing", "low", expected["sentiment"]))

    def test_review_is_cleared_by_the_person(self):
        self.company.fusion_helpdesk_confidence = 1.01
        ticket = self._create_ticket(self._probe(language="en")[0])
        ticket.with_user(ticket.user_id).write({"fusion_sentiment": "negative"})
        self.assertEqual(ticket.fusion_needs_review, "category, urgency")
        self.assertEqual(ticket.fusion_label_ids.task, "sentiment")
        self.assertEqual(ticket.fusion_label_ids.predicted, ticket.fusion_predicted_sentiment)

    def test_bad_inputs(self):
        paragraph = "<p>Mi pedido no ha llegado y necesito ayuda, por favor revisen el envío.</p>\n"
        huge = "<html><body>" + paragraph * (1_000_000 // len(paragraph)) + "<p>END-OF-BODY</p></body></html>"
        cases = {
            "huge": ("Pedido sin llegar", huge),
            "empty": (" ", "<p><br></p>"),
            "emoji": ("😡😡😡", "<p>😡😡😡 👎👎</p>"),
            "french": ("Remboursement", "<p>Bonjour, je voudrais être remboursé de ma commande, merci.</p>"),
            "mixed": ("Pedido / order", "<p>Hola, my order no ha llegado todavía, please help me con el envío.</p>"),
        }
        tickets = self.env["helpdesk.ticket"].with_user(self.agent_a).create([
            {"name": name, "description": body, "team_id": self.team.id} for name, body in cases.values()
        ]).with_env(self.env)
        by_case = dict(zip(cases, tickets))
        self.assertTrue(all(tickets.mapped("fusion_model_version")), "every ticket was analysed")
        self.assertIn("END-OF-BODY", by_case["huge"].description, "the description is kept whole")
        self.assertGreater(len(by_case["huge"].description), 900_000)
        self.assertIn("truncated", by_case["huge"].fusion_analysis_flags)
        self.assertIn("html_stripped", by_case["huge"].fusion_analysis_flags)
        self.assertIn("formatting (HTML) removed", by_case["huge"].fusion_analysis_flag_text)
        self.assertEqual(by_case["huge"].fusion_language, "es")
        for case in ("empty", "emoji", "french"):
            ticket = by_case[case]
            self.assertEqual(ticket.fusion_analysis_state, "review", case)
            self.assertEqual(ticket.fusion_needs_review, "category, sentiment, urgency", case)
            self.assertFalse(ticket.category_id, case)
            self.assertFalse(ticket.fusion_sentiment, case)
            self.assertEqual(ticket.fusion_language, "other", case)
        self.assertIn("empty", by_case["empty"].fusion_analysis_flags)
        self.assertIn("other_language", by_case["french"].fusion_analysis_flags)
        self.assertIn("😡😡😡", by_case["emoji"].name)
        self.assertIn(by_case["mixed"].fusion_language, ("es", "en"))

    def test_fields_the_churn_features_read(self):
        tickets = self.env["helpdesk.ticket"]
        for name in ("commercial_partner_id", "create_date", "closed_date", "fusion_sentiment",
                     "fusion_feedback_rating"):
            self.assertIn(name, tickets._fields)
        declared = self.env["fusion.data.purpose"]._get_allowed_fields("churn model", "helpdesk.ticket")
        self.assertLessEqual({"fusion_sentiment", "fusion_feedback_rating"}, declared)

    def test_negative_ticket_signal(self):
        if "fusion.action.signal" not in self.env:
            self.skipTest("fusion_actions is not installed")
        text, _expected = self._probe(sentiment="negative")
        ticket = self._create_ticket(text)
        signal = self.env["fusion.action.signal"].search([("event_ref", "=", f"helpdesk.ticket,{ticket.id}")])
        self.assertEqual((signal.trigger, signal.partner_id), ("negative_ticket", self.customer))
        self.assertAlmostEqual(signal.score, ticket.fusion_sentiment_confidence)
