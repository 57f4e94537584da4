import json
from collections import defaultdict
from datetime import timedelta

import pandas as pd

from odoo import api, fields, models, tools

from ai_insights.routing.assignment import ANY_LANGUAGE
from ai_insights.routing.leads import LEAD_FEATURES, open_load, route_leads
from ai_insights.routing.skills import PersonSkillModel
from crm_bridge.contract.errors import ValidationError
from crm_bridge.tables.odoo import customer_segment

# Won and lost leads of this many days teach the router who sells what.
HISTORY_DAYS = 730
# Odoo has no product of interest on a lead: every lead is of the same category until an addon says otherwise.
NO_CATEGORY = "none"


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "fusion.routing.mixin"]

    fusion_routing_summary = fields.Text(string="Why this salesperson")

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads.filtered(lambda lead: not lead.user_id and lead.active
                       and (lead.company_id or self.env.company).fusion_routing_enabled)._fusion_route()
        return leads

    def action_fusion_route(self):
        """Route the selected leads again, whoever holds them now (a manager's action)."""
        self._fusion_route()

    def _fusion_route(self):
        """Give each lead to the salesperson the core chooses (``ai_insights.routing.leads.route_leads``).

        Routing is a company decision, not the creating user's: a lead created through the
        bridge or the website is routed with the team's whole history, so the reads run as
        superuser; only these leads are written.
        """
        for (company, team), leads in self.grouped(lambda lead: (lead.company_id or self.env.company,
                                                                 lead.team_id)).items():
            members = leads._get_fusion_routing_members(company, team)
            if members:
                leads.sudo()._fusion_route_to(members, company)

    @api.model
    def _get_fusion_routing_members(self, company, team):
        """Hook: the sales team members a lead of ``team`` may go to (every team of the company without one)."""
        domain = [("user_id.active", "=", True), ("user_id.share", "=", False),
                  ("crm_team_id.company_id", "in", [company.id, False])]
        if team:
            domain.append(("crm_team_id", "=", team.id))
        return self.env["crm.team.member"].sudo().search(domain)

    def _fusion_route_to(self, members, company):
        users = members.user_id
        team = self._prepare_fusion_routing_team(members, company)
        routes = route_leads(self._prepare_fusion_routing_leads(), team,
                             self._get_fusion_routing_model(users, company))
        groups = defaultdict(list)  # leads alike (same salesperson, same reasons) are written at once
        for lead_id, person, reasons in zip(routes["lead_id"], routes["person"], routes["reasons"]):
            groups[person, json.dumps(reasons, sort_keys=True, default=str)].append((int(lead_id), reasons))
        # As Odoo's own assignment (crm.team._assign_and_convert_leads): the salesperson follows the lead
        # without an "assigned to you" mail per lead.
        leads = self.with_context(mail_auto_subscribe_no_notify=True)
        # Leads of one team keep it (see _prepare_fusion_routing_write): what depends only on it stays.
        keeps_team = len(self.team_id) == 1 and all(lead.team_id for lead in self)
        kept = self.filtered("stage_id") if keeps_team else self.browse()
        with self.env.protecting(self._get_fusion_routing_kept_fields(), kept):
            for (person, _key), rows in groups.items():
                alike = leads.browse([lead_id for lead_id, _reasons in rows])
                alike.write(alike._prepare_fusion_routing_write(person, rows[0][1]))

    @api.model
    def _get_fusion_routing_kept_fields(self):
        """Hook: the fields routing cannot change on a lead that keeps its team and has a stage.

        Writing the salesperson marks every field that depends on the team, even when the team is
        written unchanged, and Odoo computes them again to the values they had: the properties
        (defined by the team), the predictive probability (of the team, stage and lead-scoring fields)
        and the prorated revenues from it, about a fifth of routing 1,000 leads. They do not depend on
        the salesperson, unless the lead-scoring fields (``crm.pls_fields``) name it: then the
        probabilities are left to Odoo.
        """
        names = ["lead_properties"]
        if not {"user_id", "date_open", "company_id"} & set(self._pls_get_safe_fields()):
            names += ["automated_probability", "probability", "prorated_revenue", "recurring_revenue_prorated",
                      "recurring_revenue_monthly_prorated"]
        return [self._fields[name] for name in names]

    def _prepare_fusion_routing_write(self, person, reasons):
        """Hook: the values written on these leads, routed to ``person`` (None: nobody) with these ``reasons``.

        Leads of a team keep it, and it is written with the salesperson (one of its members), as
        ``_handle_salesmen_assignment`` writes both: that spares Odoo checking the team lead by
        lead. Leads without a team get the salesperson's default team from Odoo.
        """
        vals = {"fusion_routing_reasons": reasons}
        if person is not None:
            vals["user_id"] = int(person)
            if len(self.team_id) == 1 and all(lead.team_id for lead in self):
                vals["team_id"] = self.team_id.id
        return vals

    def _prepare_fusion_routing_team(self, members, company):
        """The core's team table: one row per salesperson, with languages, limit and current open work."""
        first = {}
        for member in members:
            first.setdefault(member.user_id.id, member)
        people = list(first)
        langs = [{lang.code[:2] for lang in member.fusion_lang_ids} or {ANY_LANGUAGE} for member in first.values()]
        limits = [member.fusion_open_limit or company.fusion_routing_open_limit for member in first.values()]
        return pd.DataFrame({"person": people, "langs": langs, "limit": limits,
                             "load": self._get_fusion_routing_load(people)})

    @api.model
    def _get_fusion_routing_load(self, user_ids):
        """Open work per user, in the order of ``user_ids``: open leads weighted by stage, open quotations."""
        groups = self.env["crm.lead"].sudo()._read_group(
            [("user_id", "in", user_ids), ("active", "=", True), ("stage_id.is_won", "=", False),
             ("id", "not in", self.ids)],
            ["user_id", "stage_id"], ["__count"])
        quotations = self.env["sale.order"].sudo()._read_group(
            [("user_id", "in", user_ids), ("state", "in", ("draft", "sent"))], ["user_id"], ["__count"])
        rows = [(user.id, stage.with_context(lang="en_US").name or "new", count) for user, stage, count in groups]
        rows += [(user.id, "quotation", count) for user, count in quotations]
        if not rows:
            return [0.0] * len(user_ids)
        owners, stages, counts = zip(*rows)
        return open_load(pd.Series(stages), pd.Series(owners), user_ids, pd.Series(counts)).tolist()

    def _prepare_fusion_routing_leads(self, with_outcome=False):
        """The core's lead table: language, segment, category, source and value of each lead."""
        company_lang = (self.env.company.partner_id.lang or "en_US")[:2]
        rows = []
        for lead in self:
            partner = lead.partner_id.commercial_partner_id
            row = {
                "lead_id": lead.id,
                "lang": (lead.lang_id.code or lead.partner_id.lang or company_lang)[:2],
                "segment": customer_segment(partner.is_company) if partner else "prospect",
                "category": NO_CATEGORY,
                "source": lead.source_id.name or "unknown",
                "expected_revenue": lead.expected_revenue,
            }
            if with_outcome:
                row.update(person=lead.user_id.id, won=bool(lead.stage_id.is_won))
            rows.append(row)
        return pd.DataFrame(rows, columns=["lead_id", *LEAD_FEATURES, "expected_revenue",
                                           *(("person", "won") if with_outcome else ())])

    @api.model
    def _get_fusion_routing_model(self, users, company):
        """The skill model fitted on the users' decided leads; None while there are too few to learn from.

        Fitting is the costly part of routing, so the fitted model is kept (in this worker's registry
        cache) until the decided leads change: their number or their last write. A day of new leads
        fits once, and a lead won or lost is learnt from at the next routing.
        """
        [(count, last_write)] = self.env["crm.lead"].sudo().with_context(active_test=False)._read_group(
            self._get_fusion_routing_history_domain(users, company), [], ["__count", "write_date:max"])
        return self._get_fusion_routing_fitted(company.id, tuple(users.ids), count, last_write)

    @api.model
    def _get_fusion_routing_history_domain(self, users, company):
        """The decided (won or lost) leads of ``users`` in ``company`` of the last ``HISTORY_DAYS`` days."""
        since = fields.Datetime.now() - timedelta(days=HISTORY_DAYS)
        return [
            ("user_id", "in", users.ids), ("company_id", "in", [company.id, False]), ("create_date", ">=", since),
            "|", ("stage_id.is_won", "=", True), "&", ("active", "=", False), ("probability", "=", 0),
        ]

    @api.model
    @tools.ormcache("company_id", "user_ids", "count", "last_write")
    def _get_fusion_routing_fitted(self, company_id, user_ids, count, last_write):
        """Fit the skill model; ``count`` and ``last_write`` only key the cache."""
        users, company = self.env["res.users"].browse(user_ids), self.env["res.company"].browse(company_id)
        decided = self.env["crm.lead"].sudo().with_context(active_test=False).search(
            self._get_fusion_routing_history_domain(users, company))
        history = decided._prepare_fusion_routing_leads(with_outcome=True)
        try:
            return PersonSkillModel(LEAD_FEATURES, "binary").fit(history, history["person"], history["won"])
        except ValidationError as error:
            if error.code != "insufficient_data":
                raise
            return None
