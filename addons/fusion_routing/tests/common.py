from odoo.tests import new_test_user

from odoo.addons.fusion_base.tests.common import FusionCommon


class RoutingCommon(FusionCommon):
    """A sales team of two: Ana sells in Spanish only, Bob in any language.

    Their history (decided leads) says Ana wins leads from companies and Bob wins
    leads from private customers; routing is on for the company.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_ES")
        cls.spanish = cls.env["res.lang"]._lang_get("es_ES")
        cls.ana = new_test_user(cls.env, "routing_ana", groups="sales_team.group_sale_salesman")
        cls.bob = new_test_user(cls.env, "routing_bob", groups="sales_team.group_sale_salesman")
        cls.team = cls.env["crm.team"].create({"name": "Routing team", "company_id": cls.company.id})
        cls.member_ana = cls.env["crm.team.member"].create({
            "crm_team_id": cls.team.id, "user_id": cls.ana.id, "fusion_lang_ids": [(6, 0, cls.spanish.ids)]})
        cls.member_bob = cls.env["crm.team.member"].create({"crm_team_id": cls.team.id, "user_id": cls.bob.id})
        cls.firm = cls.env["res.partner"].create({"name": "Ferretería Norte SL", "is_company": True, "lang": "es_ES"})
        cls.person = cls.env["res.partner"].create({"name": "Lucía Gómez", "lang": "es_ES"})
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.company.write({"fusion_routing_enabled": True, "fusion_routing_open_limit": 30})
        cls._history()

    @classmethod
    def _history(cls):
        """120 decided leads: each salesperson wins 3 in 4 of their kind of customer and 1 in 8 of the other."""
        Lead = cls.env["crm.lead"].with_context(mail_create_nolog=True)
        vals = []
        for i in range(120):
            user = (cls.ana, cls.bob)[i % 2]
            partner = (cls.firm, cls.person)[(i // 2) % 2]
            good = (user == cls.ana) == partner.is_company
            won = (i // 4) % 8 < (6 if good else 1)
            vals.append({"name": f"Past lead {i}", "type": "opportunity", "user_id": user.id, "team_id": cls.team.id,
                         "partner_id": partner.id, "expected_revenue": 1000})
            vals[-1]["stage_id" if won else "probability"] = cls.won_stage.id if won else 0
        leads = Lead.create(vals)
        leads.filtered(lambda lead: not lead.stage_id.is_won).action_set_lost()
