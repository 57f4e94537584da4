from datetime import timedelta

import pandas as pd

from odoo import api, fields, models

from ai_insights.routing.assignment import ANY_LANGUAGE
from ai_insights.routing.tickets import TICKET_FEATURES, TicketSkills, route_tickets
from crm_bridge.contract.errors import ValidationError

# Closed tickets of this many days teach the router who resolves what.
HISTORY_DAYS = 365


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "fusion.routing.mixin"]

    fusion_routing_summary = fields.Text(string="Why this agent")

    def _fusion_route(self, chosen=None):
        """The team as fusion_helpdesk chooses it; the agent by skill when the team's history allows.

        The core (``ai_insights.routing.tickets.route_tickets``) weighs each agent's learned
        hours and rating for the ticket's category and language against their open tickets;
        without enough closed tickets the least loaded agent fusion_helpdesk chose stays.
        """
        result = super()._fusion_route(chosen)
        chosen = chosen or {}
        todo = self.filtered(lambda ticket: "user_id" not in chosen.get(ticket.id, ()) and ticket.team_id)
        for (company, team), tickets in todo.grouped(lambda ticket: (ticket.company_id, ticket.team_id)).items():
            members = team.user_ids.filtered_domain([("share", "=", False), ("company_ids", "in", company.ids)])
            skills = self._get_fusion_ticket_skills(members, company)
            if members and skills:
                tickets._fusion_route_by_skill(members, skills, company)
        return result

    def _fusion_route_by_skill(self, members, skills, company):
        load = self._get_fusion_open_load(members, exclude=self)
        agents = pd.DataFrame({"person": members.ids, "langs": [{ANY_LANGUAGE}] * len(members),
                               "limit": company.fusion_routing_ticket_limit,
                               "load": [load[user_id] for user_id in members.ids]})
        routes = route_tickets(self._prepare_fusion_routing_tickets(), agents, skills)
        by_id = dict(zip(routes["ticket_id"], zip(routes["person"], routes["reasons"])))
        self._fusion_write_grouped({ticket: {"user_id": int(by_id[ticket.id][0])} for ticket in self
                                    if by_id[ticket.id][0] is not None})
        for ticket in self:
            ticket.fusion_routing_reasons = by_id[ticket.id][1]

    def _prepare_fusion_routing_tickets(self, with_outcome=False):
        """The core's ticket table: category and language (and, closed, hours, agent and rating)."""
        rows = []
        for ticket in self:
            row = {"ticket_id": ticket.id, "category": ticket.category_id.fusion_code or "other",
                   "lang": ticket.fusion_language or "other"}
            if with_outcome:
                opened = ticket.assigned_date or ticket.create_date
                row.update(agent=ticket.user_id.id, rating=float(ticket.fusion_feedback_rating or "nan"),
                           hours=max((ticket.closed_date - opened).total_seconds() / 3600.0, 0.1))
            rows.append(row)
        columns = ["ticket_id", *TICKET_FEATURES, *(("agent", "hours", "rating") if with_outcome else ())]
        return pd.DataFrame(rows, columns=columns)

    @api.model
    def _get_fusion_ticket_skills(self, users, company):
        """Hours and ratings learned from the users' closed tickets; None while there are too few."""
        closed = self.sudo().search([
            ("user_id", "in", users.ids), ("company_id", "=", company.id), ("closed_date", "!=", False),
            ("closed_date", ">=", fields.Datetime.now() - timedelta(days=HISTORY_DAYS))])
        try:
            return TicketSkills(closed._prepare_fusion_routing_tickets(with_outcome=True))
        except ValidationError as error:
            if error.code != "insufficient_data":
                raise
            return None
