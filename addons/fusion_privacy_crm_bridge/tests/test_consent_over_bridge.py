from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.fusion_crm_bridge.tests.common import BridgeCommon


@tagged("post_install", "-at_install")
class TestConsentOverBridge(BridgeCommon):
    """Consents pushed and read by a source's technical user, for the customers it upserted only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source.allow_consents = True
        cls.Consent = cls.env["fusion.privacy.consent"]

    def consent(self, **values):
        return {"partner": "P1", "channel": "email", "purpose": "marketing", "granted": True,
                "date": fields.Date.to_string(fields.Date.today() - timedelta(days=28)),
                "proof": "CRM signup form v3", **values}

    def test_pushed_consents_are_in_the_register_and_read_back_with_its_decisions(self):
        customer = self.upsert_partner("P1", email="p1.consent@example.com")
        response = self.bridge.push_consents([
            self.consent(), self.consent(channel="sms", purpose="retention", granted=False, proof="")])
        self.assertTrue(response["ok"], response)
        stored = self.Consent.browse(response["ids"])
        self.assertEqual(stored.partner_id, customer)
        self.assertEqual(set(stored.mapped("source")), {"bridge"})
        read = self.bridge.read_consents(["P1"])
        self.assertTrue(read["ok"], read)
        self.assertEqual({(c["partner"], c["channel"], c["granted"]) for c in read["consents"]},
                         {("P1", "email", True), ("P1", "sms", False)})
        decisions = {(d["channel"], d["purpose"]): (d["allowed"], d["reason"]) for d in read["decisions"]}
        self.assertEqual(decisions[("email", "marketing")], (True, "granted"))
        self.assertEqual(decisions[("sms", "retention")], (False, "refused"))
        self.assertEqual(decisions[("phone", "service")], (True, "contract"))

    def test_one_bad_consent_writes_nothing(self):
        self.upsert_partner("P1")
        before = self.Consent.search_count([])
        for bad, code in (({"channel": "fax"}, "unknown_channel"), ({"purpose": "profiling"}, "unknown_purpose"),
                          ({"partner": "NOT-MINE"}, "unknown_partner"), ({"proof": ""}, "missing_proof")):
            response = self.bridge.push_consents([self.consent(), self.consent(**bad)])
            self.assertFalse(response["ok"])
            self.assertEqual(response["error"]["code"], code)
            self.assertEqual(response["error"]["details"]["index"], 1)
        self.assertEqual(self.Consent.search_count([]), before)

    def test_another_company_partner_and_a_source_not_allowed_are_refused(self):
        stranger = self.env["res.partner"].create({"name": "Other company customer",
                                                   "company_id": self.other_company.id})
        self.env["fusion.bridge.binding"].create({"source_id": self.source.id, "model_name": "res.partner",
                                                  "res_id": stranger.id, "external_id": "X1"})
        response = self.bridge.read_consents(["X1"])
        self.assertEqual(response["error"]["code"], "unknown_partner")
        self.source.allow_consents = False
        response = self.bridge.read_consents(["X1"])
        self.assertEqual(response["error"]["code"], "operation_not_allowed")
