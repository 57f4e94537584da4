from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import FusionPrivacyCommon


@tagged("post_install", "-at_install")
class TestConsent(FusionPrivacyCommon):
    def _decide(self, partners, channel, purpose):
        frame = self.env["fusion.privacy.consent"]._get_fusion_consent(partners.ids, channel, purpose)
        return dict(zip(frame["partner_id"], frame["reason"], strict=True))

    def test_refusing_marketing_blacklists_the_address_and_granting_lifts_it(self):
        Consent = self.env["fusion.privacy.consent"]
        Blacklist = self.env["mail.blacklist"]
        self.assertFalse(Blacklist.search([("email", "=", self.EMAIL)]))
        Consent.create({"partner_id": self.customer.id, "channel": "email", "purpose": "marketing",
                        "granted": False, "source": "portal"})
        self.assertTrue(Blacklist.search([("email", "=", self.EMAIL)]), "on Odoo's blacklist, which mailings obey")
        self.assertEqual(self._decide(self.customer, "email", "marketing"), {self.customer.id: "blacklisted"})
        self.assertEqual(self._decide(self.customer, "email", "service"), {self.customer.id: "contract"})
        Consent.create({"partner_id": self.customer.id, "channel": "email", "purpose": "marketing", "granted": True,
                        "source": "form", "proof": "preference centre"})
        self.assertFalse(Blacklist.search([("email", "=", self.EMAIL)]))
        self.assertEqual(self._decide(self.customer, "email", "marketing"), {self.customer.id: "granted"})

    def test_sms_refusal_uses_the_phone_blacklist(self):
        self.env["fusion.privacy.consent"].create({"partner_id": self.customer.id, "channel": "sms",
                                                   "purpose": "marketing", "granted": False, "source": "bridge"})
        self.assertTrue(self.customer.phone_sanitized_blacklisted)
        self.assertEqual(self._decide(self.customer, "sms", "retention"), {self.customer.id: "blacklisted"})

    def test_legal_basis_decides_where_nothing_is_recorded(self):
        prospect = self.env["res.partner"].create({"name": "Prospect", "email": "p@example.com"})
        partners = self.debtor | prospect
        self.assertEqual(self._decide(partners, "email", "retention"),
                         {self.debtor.id: "soft_opt_in", prospect.id: "no_consent"})
        self.assertEqual(self._decide(partners, "email", "marketing"),
                         {self.debtor.id: "no_consent", prospect.id: "no_consent"})

    def test_expired_consent_no_longer_allows(self):
        today = fields.Date.today()
        self.env["fusion.privacy.consent"].create({
            "partner_id": self.debtor.id, "channel": "messaging", "purpose": "marketing", "granted": True,
            "source": "import", "proof": "signed form", "date": today - timedelta(days=400),
            "expiry": today - timedelta(days=35)})
        self.assertEqual(self._decide(self.debtor, "messaging", "marketing"), {self.debtor.id: "expired"})

    def test_bad_input_is_refused(self):
        Consent = self.env["fusion.privacy.consent"]
        base = {"partner_id": self.debtor.id, "channel": "email", "purpose": "marketing", "source": "form"}
        with self.assertRaises(ValidationError):
            Consent.create({**base, "granted": True})  # no proof
        with self.assertRaises(ValidationError):
            Consent.create({**base, "granted": False, "date": fields.Date.today() + timedelta(days=3)})
        with self.assertRaises(ValidationError):
            Consent._get_fusion_consent(self.debtor.ids, "fax", "marketing")
        with self.assertRaises(ValidationError):
            Consent._get_fusion_consent(self.debtor.ids, "email", "profiling")

    def test_users_read_consents_only_managers_record_them(self):
        values = {"partner_id": self.debtor.id, "channel": "email", "purpose": "retention", "granted": False,
                  "source": "form"}
        self.assertTrue(self.env["fusion.privacy.consent"].with_user(self.fusion_user).search([]))
        with self.assertRaises(AccessError):
            self.env["fusion.privacy.consent"].with_user(self.fusion_user).create(values)
        with self.assertRaises(AccessError):
            self.env["fusion.privacy.consent"].with_user(self.api_user).search([])
        self.env["fusion.privacy.consent"].with_user(self.fusion_manager).create(values)
