from odoo.tests import new_test_user

from odoo.addons.fusion_base.tests.common import FusionCommon


class FusionActionsCommon(FusionCommon):
    """Customers with and without consent, churn signals, a template, and least-privilege users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = new_test_user(cls.env, "fa_owner", groups="base.group_user")
        Partner = cls.env["res.partner"]
        cls.risky = Partner.create([{"name": f"Risky {i}", "email": f"risky{i}@example.com", "user_id": cls.owner.id}
                                    for i in range(40)])
        cls.no_email = Partner.create({"name": "No email"})
        cls.blacklisted = Partner.create({"name": "Blacklisted", "email": "gone@example.com"})
        cls.env["mail.blacklist"]._add("gone@example.com")
        cls.opted_out = Partner.create({"name": "Opted out", "email": "no@example.com",
                                        "fusion_marketing_opt_out": True})
        cls.safe = Partner.create({"name": "Safe", "email": "safe@example.com"})
        cls.refusers = cls.no_email | cls.blacklisted | cls.opted_out
        cls.env["fusion.action.signal"].create(
            [{"trigger": "churn_risk", "partner_id": p.id, "score": 0.9, "model_version": "churn 3",
              "reasons": "No order for 120 days (usually every 30)\nPays 20 days late"}
             for p in cls.risky | cls.refusers]
            + [{"trigger": "churn_risk", "partner_id": cls.safe.id, "score": 0.1, "model_version": "churn 3"}])
        cls.template = cls.env["mail.template"].create({
            "name": "We miss you", "model_id": cls.env["ir.model"]._get_id("res.partner"),
            "subject": "We miss you", "body_html": "<p>Hello {{ object.name }}</p>", "email_to": "{{ object.email }}",
        })
        cls.product = cls.env["product.product"].create({"name": "Offer widget", "type": "consu", "lst_price": 100.0,
                                                         "standard_price": 60.0})

    @classmethod
    def make_rule(cls, **values):
        vals = {"name": "Retention", "trigger": "churn_risk", "threshold": 0.6, "control_share": 25.0,
                "do_activity": True, "user_id": cls.fusion_manager.id, **values}
        return cls.env["fusion.action.rule"].create(vals)
