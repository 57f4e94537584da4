from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import BridgeCommon


@tagged("post_install", "-at_install")
class TestBridgeSecurity(BridgeCommon):
    def test_refused_calls_write_nothing(self):
        internal = new_test_user(self.env, "not_api", groups="base.group_user")
        lead = self.record("k", "L", name="Lead")
        count = self.env["crm.lead"].search_count([])
        no_group = self.env["fusion.bridge"].with_user(internal).upsert_leads([lead])
        self.assertEqual((no_group["ok"], no_group["error"]["code"]), (False, "access_denied"))
        self.source.allow_leads = False
        self.assertEqual(self.bridge.upsert_leads([lead])["error"]["code"], "operation_not_allowed")
        self.source.allow_leads = True
        oversized = self.bridge.upsert_leads([lead] * 501)
        self.assertEqual(oversized["error"]["code"], "batch_too_large")
        self.assertEqual(self.bridge.upsert_leads({"not": "a list"})["error"]["code"], "invalid_batch")
        self.assertEqual(self.env["crm.lead"].search_count([]), count)
        self.assertFalse(self.env["fusion.bridge.request"].search([]))

    def test_records_of_another_company_are_refused(self):
        foreign = self.env["crm.lead"].create({"name": "Theirs", "company_id": self.other_company.id})
        result = self.bridge.upsert_leads([{"idempotency_key": "k", "external_id": "X", "id": foreign.id,
                                            "values": {"name": "Mine now"}}])["results"][0]
        self.assertEqual(result["error"]["code"], "other_company")
        self.assertEqual(foreign.name, "Theirs")

    def test_api_user_has_no_direct_access(self):
        for model in ("fusion.bridge.source", "fusion.bridge.binding", "fusion.bridge.request", "crm.lead"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.api_user).search([])

    def test_sources_are_company_bound(self):
        other_manager = new_test_user(self.env, "other_mgr", groups="base.group_user,fusion_base.group_fusion_manager",
                                      company_id=self.other_company.id, company_ids=[self.other_company.id])
        self.assertFalse(self.env["fusion.bridge.source"].with_user(other_manager).search([]))
        self.assertEqual(self.env["fusion.bridge.source"].with_user(self.manager).search([]), self.source)

    def test_technical_user_and_api_key(self):
        source = self.env["fusion.bridge.source"].with_user(self.manager).create({"name": "Other CRM", "code": "other"})
        source.action_create_technical_user()
        self.assertEqual(source.user_id.groups_id, self.env.ref("fusion_base.group_fusion_api"))
        action = source.action_generate_api_key()
        key = action["context"]["default_key"]
        self.assertEqual(self.env["res.users.apikeys"]._check_credentials(scope="rpc", key=key), source.user_id.id)
