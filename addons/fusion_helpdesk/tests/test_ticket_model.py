from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import FusionHelpdeskCommon

# A small corpus keeps the training in the tests to a few seconds.
SMALL_CORPUS = 400


@tagged("post_install", "-at_install")
class TestTicketModel(FusionHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, "fusion_ticket_manager",
                                    groups="base.group_user,fusion_base.group_fusion_manager")
        cls.fusion_user = new_test_user(cls.env, "fusion_ticket_user",
                                        groups="base.group_user,fusion_base.group_fusion_user")

    def test_installed_version(self):
        self.assertTrue(self.version.is_active)
        self.assertEqual(self.version.state, "trained")
        self.assertEqual(self.version.source, "demo_corpus")
        self.assertIn("demo corpus", self.version.card_html)
        for section in ("Macro-F1 on held-out tickets", "Confusion matrices", "Features and their purpose"):
            self.assertIn(section, self.version.card_html)
        for task in ("category", "urgency", "sentiment"):
            self.assertGreater(self.version[f"macro_f1_{task}"], 0.4, task)

    def test_train_now_falls_back_to_the_demo_corpus_and_rollback(self):
        Model = self.env["fusion.ticket.model"]
        with patch.object(type(Model), "_get_demo_corpus_size", return_value=SMALL_CORPUS):
            action = Model.with_user(self.manager).action_train_now()
        new = Model.browse(action["res_id"])
        self.assertEqual((new.state, new.source, new.ticket_count), ("trained", "demo_corpus", SMALL_CORPUS))
        self.assertIn("too few", new.message)
        self.assertEqual(new.version, self.version.version + 1)
        # Whichever is in use now, a manager can put the other one back.
        other = self.version if new.is_active else new
        other.with_user(self.manager).action_activate()
        self.assertTrue(other.is_active)
        self.assertEqual(Model._get_active(self.company), other)
        with self.assertRaises(AccessError):
            (new | self.version).filtered(lambda v: not v.is_active).with_user(self.fusion_user).action_activate()
        with self.assertRaises(UserError):
            other.with_user(self.manager).unlink()
        # Tickets are analysed with the version in use.
        ticket = self._create_ticket(self._probe(language="en")[0])
        self.assertEqual(ticket.fusion_model_version, other.name)

    def test_stored_analyzer_round_trip(self):
        analyzer = self.version._load_model()
        text, expected = self._probe(language="es")
        self.assertEqual(analyzer.predict(text)["category"], expected["category"])

    def test_no_model_is_said(self):
        self.version.is_active = False
        ticket = self._create_ticket(self._probe(language="es")[0])
        self.assertEqual(ticket.fusion_analysis_state, "no_model")
        self.assertFalse(ticket.category_id)

    def test_helpdesk_agent_cannot_train(self):
        with self.assertRaises(AccessError):
            self.env["fusion.ticket.model"].with_user(self.agent_a).action_train_now()
