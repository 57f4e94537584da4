from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import FusionPrivacyCommon


@tagged("post_install", "-at_install")
class TestRetention(FusionPrivacyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now()
        cls.notes = cls.env["mail.message"].create([{
            "model": "res.partner", "res_id": cls.debtor.id, "message_type": "comment", "body": f"note {age}",
            "date": now - timedelta(days=age)} for age in (400, 200, 10)])

    def _notes_left(self):
        return self.env["mail.message"].search([("id", "in", self.notes.ids)])

    def test_cron_removes_exactly_what_the_dry_run_listed(self):
        policy = self.env["fusion.privacy.retention.policy"].create(
            {"data_class": "interaction_notes", "period_days": 100, "action": "delete"})
        before = set(self.env["mail.message"].search([("model", "=", "res.partner"),
                                                      ("message_type", "=", "comment")]).ids)
        planned = set(policy._get_fusion_retention_plan()["res_id"].astype(int))
        policy.action_dry_run()
        self.assertEqual(policy.dry_run_count, len(planned))
        self.assertEqual(set(self.notes[:2].ids), planned & set(self.notes.ids))
        self.assertEqual(self._notes_left(), self.notes, "a dry run removes nothing")
        self.env["fusion.privacy.retention.policy"]._cron_apply_retention()
        after = set(self.env["mail.message"].search([("model", "=", "res.partner"),
                                                     ("message_type", "=", "comment")]).ids)
        self.assertEqual(before - after, planned)
        self.assertEqual(policy.last_run_count, len(planned))

    def test_anonymise_keeps_the_record_and_drops_its_content(self):
        self.env["fusion.privacy.retention.policy"].create(
            {"data_class": "interaction_notes", "period_days": 300, "action": "anonymise"}).action_run()
        self.assertEqual(self._notes_left(), self.notes)
        self.assertEqual([bool(note.body) for note in self.notes], [False, True, True])

    def test_legal_hold_and_bad_periods(self):
        self.env["fusion.privacy.retention.policy"].create(
            {"data_class": "interaction_notes", "period_days": 1, "action": "delete", "legal_hold": True})
        self.env["fusion.privacy.retention.policy"]._cron_apply_retention()
        self.assertEqual(self._notes_left(), self.notes, "nothing goes under a legal hold")
        for period in (0, -30):
            with self.assertRaises(ValidationError):
                self.env["fusion.privacy.retention.policy"].create(
                    {"data_class": "score_history", "period_days": period})

    def test_suite_classes_are_offered_where_their_modules_are_installed(self):
        targets = self.env["fusion.privacy.retention.policy"]._get_fusion_retention_targets()
        self.assertIn("interaction_notes", targets)
        self.assertEqual("helpdesk.ticket" in self.env, "ticket_bodies" in targets)
        self.assertEqual("fusion.bridge.request" in self.env, "bridge_payloads" in targets)
