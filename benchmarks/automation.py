"""Automation: leads and tickets routed by skill and capacity, against the rules companies use today.

Lead routing (``ai_insights.routing.leads``) learns each salesperson's win
rate by product category, segment, language and source from a history that
the demo's hidden truth generated (``demo_company.routing``), then routes a
new batch of 1,000 leads. The truth scores it against round robin and
against Odoo's rule-based assignment (language domain and a quota per
member, random among members with quota left). Figures are means over five
worlds with their standard deviation; the router never sees the truth.

Ticket routing (``ai_insights.routing.tickets``) learns each agent's hours
and rating per category and language from closed tickets and is scored
against routing by load alone (least loaded agent who speaks the language).

Not measured yet: dynamic pricing, warehouse selection, and the Odoo-side
figures (``routing_1000_leads_s`` inside Odoo with its query count): the
Odoo adapter is not built. ``routing_1000_leads_core_s`` is the core alone.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ai_insights.routing.leads import LEAD_FEATURES, route_leads
from ai_insights.routing.skills import PersonSkillModel
from ai_insights.routing.tickets import TicketSkills, route_tickets
from benchmarks._common import best_seconds
from demo_company.routing import lead_world, odoo_rule_assignment, round_robin, ticket_world

SEEDS = range(5)


def _lead_figures(seed: int) -> dict[str, float]:
    world = lead_world(seed)
    model = PersonSkillModel(LEAD_FEATURES, "binary").fit(world.history, world.history["person"],
                                                          world.history["won"])
    routed = route_leads(world.new, world.team, model)
    index = {person: i for i, person in enumerate(world.team["person"])}
    policies = {
        "": routed["person"].map(index).fillna(-1).astype(int).to_numpy(),
        "_odoo_rules": odoo_rule_assignment(np.random.default_rng(seed), world.new["lang"], world.team),
        "_round_robin": round_robin(len(world.new), len(world.team)),
    }
    revenue = world.new["expected_revenue"].to_numpy()
    figures = {}
    for suffix, people in policies.items():
        won = world.conversion(people)
        held = world.team["load"].to_numpy() + np.bincount(people[people >= 0], minlength=len(world.team))
        figures[f"routing_conversion{suffix}"] = won.mean()
        figures[f"routing_revenue{suffix}"] = (won * revenue).sum()
        figures[f"routing_max_load_ratio{suffix}"] = (held / world.team["limit"].to_numpy()).max()
        figures[f"routing_unassigned{suffix}"] = float((people < 0).sum())
    return figures


def _ticket_figures(seed: int) -> dict[str, float]:
    world = ticket_world(seed)
    index = {person: i for i, person in enumerate(world.agents["person"])}
    figures = {}
    for suffix, skills in (("", TicketSkills(world.closed)), ("_load_only", None)):
        people = route_tickets(world.open, world.agents, skills)["person"].map(index).fillna(-1).astype(int)
        figures[f"ticket_routing_resolution_hours{suffix}"] = np.nanmean(world.true_hours(people.to_numpy()))
    return figures


def _summarise(rows: list[dict[str, float]]) -> Iterator[tuple[str, float]]:
    for name in rows[0]:
        values = np.array([row[name] for row in rows])
        yield name, float(values.mean())
        yield f"{name}_sd", float(values.std(ddof=1))


def run() -> Iterator[tuple[str, object]]:
    lead_rows = [_lead_figures(seed) for seed in SEEDS]
    yield from _summarise(lead_rows)
    for base in ("odoo_rules", "round_robin"):
        ratios = [row["routing_revenue"] / row[f"routing_revenue_{base}"] for row in lead_rows]
        yield f"routing_revenue_vs_{base}_ratio", float(np.mean(ratios))
    yield from _summarise([_ticket_figures(seed) for seed in SEEDS])
    world = lead_world(0)
    model = PersonSkillModel(LEAD_FEATURES, "binary").fit(world.history, world.history["person"],
                                                          world.history["won"])
    yield "routing_1000_leads_core_s", best_seconds(lambda: route_leads(world.new, world.team, model))
    yield "worlds", len(SEEDS)
