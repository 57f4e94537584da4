from odoo.tests import tagged

from .common import RoutingCommon


@tagged("post_install", "-at_install")
class TestLeadRouting(RoutingCommon):
    def _new_lead(self, partner, **vals):
        return self.env["crm.lead"].create({"name": "New lead", "type": "opportunity", "team_id": self.team.id,
                                            "partner_id": partner.id, "user_id": False, **vals})

    def test_a_new_lead_goes_to_who_wins_that_kind_of_lead(self):
        company_lead = self._new_lead(self.firm)
        private_lead = self._new_lead(self.person)
        self.assertEqual(company_lead.user_id, self.ana)
        self.assertEqual(private_lead.user_id, self.bob)
        self.assertEqual(company_lead.fusion_routing_reasons[0]["code"], "routing_skill")
        self.assertIn("%", company_lead.fusion_routing_summary)

    def test_language_and_room_come_before_skill(self):
        english = self.env["res.lang"]._lang_get("en_US")
        lead = self._new_lead(self.firm, lang_id=english.id)
        self.assertEqual(lead.user_id, self.bob, "Ana sells in Spanish only")
        self.member_ana.fusion_open_limit = 1
        self._new_lead(self.person, user_id=self.ana.id)  # Ana's one unit of open work
        full = self._new_lead(self.firm)
        self.assertEqual(full.user_id, self.bob)
        self.assertIn("routing_load", [reason["code"] for reason in full.fusion_routing_reasons])

    def test_routing_off_or_a_chosen_salesperson_is_left_alone(self):
        chosen = self._new_lead(self.person, user_id=self.ana.id)
        self.assertEqual(chosen.user_id, self.ana)
        self.assertFalse(chosen.fusion_routing_reasons)
        self.company.fusion_routing_enabled = False
        self.assertFalse(self._new_lead(self.firm).user_id)

    def test_a_salesperson_with_own_documents_creates_a_lead_that_is_routed(self):
        # The creator cannot read the team's history; routing still uses all of it.
        created = self.env["crm.lead"].with_user(self.salesperson).create({
            "name": "From the website form", "type": "opportunity", "partner_id": self.firm.id,
            "team_id": self.team.id, "user_id": False})
        self.assertEqual(created.user_id, self.ana)

    def test_without_history_routing_balances_load_and_says_so(self):
        self.env["crm.lead"].with_context(active_test=False).search([("name", "like", "Past lead")]).unlink()
        lead = self._new_lead(self.firm)
        self.assertTrue(lead.user_id)
        self.assertEqual(lead.fusion_routing_reasons[0]["code"], "routing_no_history")

    def test_a_batch_beyond_the_team_s_room_leaves_the_rest_unassigned_and_says_why(self):
        self.company.fusion_routing_open_limit = 2
        leads = self.env["crm.lead"].create([{"name": f"Fair contact {i}", "type": "opportunity", "user_id": False,
                                              "team_id": self.team.id, "partner_id": self.firm.id} for i in range(5)])
        assigned = leads.filtered("user_id")
        self.assertEqual(len(assigned), 4, "two each: the team's room")
        rest = leads - assigned
        self.assertEqual(rest.fusion_routing_reasons[0]["code"], "routing_no_room")
        self.assertTrue(rest.fusion_routing_summary)

    def test_the_skill_model_is_fitted_again_only_when_the_decided_leads_change(self):
        Lead = self.env["crm.lead"]
        users = self.ana | self.bob
        first = Lead._get_fusion_routing_model(users, self.company)
        self._new_lead(self.firm)  # a new, open lead teaches nothing yet
        self.assertIs(Lead._get_fusion_routing_model(users, self.company), first)
        reopened = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        Lead.search([("name", "=", "Past lead 0")]).stage_id = reopened  # a won lead reopened
        self.env.flush_all()
        self.assertIsNot(Lead._get_fusion_routing_model(users, self.company), first)

    def test_routing_a_batch_costs_no_queries_per_lead(self):
        def queries(n, routed):
            self.company.fusion_routing_enabled = routed
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            self.env["crm.lead"].create([{"name": f"Batch {i}", "type": "opportunity", "user_id": False,
                                          "team_id": self.team.id, "partner_id": self.firm.id} for i in range(n)])
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        queries(3, True)  # warm the caches
        small = queries(5, True) - queries(5, False)
        large = queries(40, True) - queries(40, False)
        self.assertLess(large, small + 10, f"routing 5 leads took {small} queries, 40 leads {large}")

    def test_a_batch_is_written_per_salesperson_with_each_lead_s_own_reasons(self):
        in_team = self.env["crm.lead"].with_context(tracking_disable=False).create([
            {"name": f"Batch {i}", "type": "opportunity", "user_id": False, "team_id": self.team.id,
             "partner_id": (self.firm, self.person)[i % 2].id} for i in range(6)])
        self.assertEqual(in_team.filtered(lambda lead: lead.partner_id == self.firm).user_id, self.ana)
        self.assertEqual(in_team.filtered(lambda lead: lead.partner_id == self.person).user_id, self.bob)
        self.assertEqual(in_team.team_id, self.team)
        for lead in in_team:
            self.assertIn(lead.user_id.partner_id, lead.message_partner_ids, "the salesperson follows the lead")
            skill = lead.fusion_routing_reasons[0]
            self.assertEqual(skill["code"], "routing_skill")
            self.assertGreater(skill["params"]["probability"], 0.5, "each lead carries its salesperson's figure")
        without_team = self.env["crm.lead"].create([
            {"name": f"No team {i}", "type": "opportunity", "user_id": False, "team_id": False,
             "partner_id": self.firm.id} for i in range(3)])
        for lead in without_team:
            self.assertTrue(lead.user_id)
            self.assertIn(lead.user_id, lead.team_id.member_ids, "Odoo gives it its salesperson's team")

    def test_what_routing_does_not_recompute_is_what_odoo_would_compute(self):
        """The team's probability and prorated revenue are kept, not computed again: they must be Odoo's."""
        self.env["crm.lead"]._cron_update_automated_probabilities()  # the team's lead scoring from its history
        leads = self.env["crm.lead"].create([
            {"name": f"Scored {i}", "type": "opportunity", "user_id": False, "team_id": self.team.id,
             "expected_revenue": 1000, "partner_id": (self.firm, self.person)[i % 2].id} for i in range(4)])
        self.assertTrue(all(leads.mapped("user_id")))
        expected = leads._pls_get_naive_bayes_probabilities()
        for lead in leads:
            self.assertAlmostEqual(lead.automated_probability, expected[lead.id], places=2)
            self.assertAlmostEqual(lead.probability, expected[lead.id], places=2)
            self.assertAlmostEqual(lead.prorated_revenue, round(1000 * lead.probability / 100, 2), places=2)
