from odoo.tests import new_test_user, tagged

from odoo.addons.fusion_actions.tests.common import FusionActionsCommon


@tagged("post_install", "-at_install")
class TestConsentInActions(FusionActionsCommon):
    def test_a_refusal_in_the_register_stops_the_email_and_is_logged(self):
        refuser = self.risky[0]
        self.env["fusion.privacy.consent"].create({"partner_id": refuser.id, "channel": "email",
                                                   "purpose": "retention", "granted": False, "source": "portal"})
        rule = self.make_rule(do_email=True, mail_template_id=self.template.id, control_share=0.0)
        rule.with_user(self.fusion_manager).action_run()
        logs = self.env["fusion.action.log"].search([("rule_id", "=", rule.id)])
        by_partner = {log.partner_id: log for log in logs}
        self.assertEqual((by_partner[refuser].status, by_partner[refuser].skip_reason), ("skipped", "no_consent_email"))
        self.assertEqual(by_partner[self.risky[1]].status, "act", "no refusal: the soft opt-in of a customer")

    def test_marketing_needs_a_recorded_consent(self):
        granted = self.risky[0]
        self.env["fusion.privacy.consent"].create({"partner_id": granted.id, "channel": "email", "purpose": "marketing",
                                                   "granted": True, "source": "form", "proof": "signup form"})
        data = self.env["fusion.action.rule"]._get_fusion_action_partner_data(self.risky[:2].ids, "marketing")
        self.assertEqual(dict(zip(data["subject_id"], data["consent_email"], strict=True)),
                         {granted.id: True, self.risky[1].id: False})

    def test_refuses_offers_is_a_view_of_the_register(self):
        # fusion_actions' common data checks the box on create: the register holds the refusal, not the partner.
        refusal = self.env["fusion.privacy.consent"].search([("partner_id", "=", self.opted_out.id)])
        self.assertEqual([(c.channel, c.purpose, c.granted) for c in refusal], [("email", "retention", False)])
        self.assertTrue(self.opted_out.fusion_marketing_opt_out)
        self.assertFalse(self.env["mail.blacklist"].search_count([("email", "=", "no@example.com")]),
                         "a refusal of offers leaves service emails alone")
        customer = self.risky[2]
        self.env["fusion.privacy.consent"].create({"partner_id": customer.id, "channel": "email",
                                                   "purpose": "retention", "granted": False, "source": "portal"})
        customer.invalidate_recordset(["fusion_marketing_opt_out"])
        self.assertTrue(customer.fusion_marketing_opt_out, "a refusal recorded anywhere checks the box")
        editor = new_test_user(self.env, "fap_editor", groups="base.group_user,base.group_partner_manager")
        customer.with_user(editor).fusion_marketing_opt_out = False  # a contact editor, not a privacy manager
        latest = self.env["fusion.privacy.consent"].search([("partner_id", "=", customer.id)], limit=1)
        self.assertEqual((latest.purpose, latest.granted), ("retention", True))
        self.assertIn(editor.name, latest.proof)
        data = self.env["fusion.action.rule"]._get_fusion_action_partner_data([customer.id], "retention")
        self.assertTrue(data["consent_email"].iloc[0])
        before = self.env["fusion.privacy.consent"].search_count([])
        customer.fusion_marketing_opt_out = False
        self.assertEqual(self.env["fusion.privacy.consent"].search_count([]), before, "nothing to record")
