from odoo.tests import tagged

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
