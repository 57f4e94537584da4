"""Ticket routing: the agent who resolves this kind of ticket fastest and best, within load limits.

Routing by load alone sends a billing dispute in Spanish to whoever has the
fewest open tickets. Here each agent's resolution hours and customer rating
per category and language are learned from closed tickets (shrunk towards
the agent's overall figures and the team's, so a thin history still counts),
and the open tickets are assigned to maximise speed and rating together
without pushing anyone past their limit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ai_insights.routing.assignment import UNASSIGNED, assign, chosen_people, language_allowed
from ai_insights.routing.skills import PersonSkillModel
from crm_bridge.contract.errors import ValidationError
from crm_bridge.contract.reasons import Reason

__all__ = ["TICKET_FEATURES", "TicketSkills", "route_tickets"]

TICKET_FEATURES = ("category", "lang")
#: How many hours of resolution one star of customer rating is worth when they pull apart.
HOURS_PER_STAR = 4.0


class TicketSkills:
    """Resolution hours and rating per agent and kind of ticket, learned from closed tickets.

    Parameters
    ----------
    closed : pandas.DataFrame
        ``category``, ``lang``, ``agent``, ``hours`` (open to close) and
        ``rating`` (1-5, may be empty) of closed tickets.
    """

    def __init__(self, closed: pd.DataFrame):
        missing = [c for c in (*TICKET_FEATURES, "agent", "hours", "rating") if c not in closed.columns]
        if missing:
            raise ValidationError(f"closed tickets lack columns {missing}.", code="missing_columns", field="closed",
                                  details={"missing": missing})
        hours = closed["hours"].to_numpy(dtype=float)
        if (hours <= 0).any() or not np.isfinite(hours).all():
            raise ValidationError("Resolution hours must be positive numbers.", code="invalid_value", field="hours")
        # Hours are skewed: learn their logarithm.
        self.hours = PersonSkillModel(TICKET_FEATURES, "continuous").fit(closed, closed["agent"], np.log(hours))
        rated = closed[closed["rating"].notna()]
        self.rating = (PersonSkillModel(TICKET_FEATURES, "continuous").fit(rated, rated["agent"], rated["rating"])
                       if len(rated) >= 30 else None)

    def predict(self, tickets: pd.DataFrame, agents: Sequence) -> tuple[np.ndarray, np.ndarray | None]:
        """(expected hours, expected rating or None) per (ticket, agent)."""
        frame = tickets.reset_index(drop=True)
        hours = np.exp(self.hours.predict_matrix(frame, agents))
        rating = None if self.rating is None else np.clip(self.rating.predict_matrix(frame, agents), 1.0, 5.0)
        return hours, rating


def route_tickets(tickets: pd.DataFrame, agents: pd.DataFrame, skills: TicketSkills | None) -> pd.DataFrame:
    """Choose an agent for each open ticket.

    Parameters
    ----------
    tickets : pandas.DataFrame
        ``ticket_id`` and the ``TICKET_FEATURES`` columns.
    agents : pandas.DataFrame
        ``person``, ``langs`` (set or comma-separated text), ``limit`` and
        ``load`` (open tickets now).
    skills : TicketSkills or None
        ``None`` (no closed tickets yet): the least loaded agent who speaks
        the language, said in the reason.

    Returns
    -------
    pandas.DataFrame
        ``ticket_id``, ``person`` (None when nobody has room),
        ``expected_hours`` (NaN without skills) and ``reasons``.
    """
    missing = [c for c in ("ticket_id", *TICKET_FEATURES) if c not in tickets.columns] + [
        c for c in ("person", "langs", "limit", "load") if c not in agents.columns]
    if missing:
        raise ValidationError(f"Missing columns {missing}.", code="missing_columns", field="tickets",
                              details={"missing": missing})
    people = agents["person"].to_numpy()
    allowed = language_allowed(tickets["lang"].astype(str).tolist(), agents["langs"])
    load = agents["load"].to_numpy(dtype=float)
    free = agents["limit"].to_numpy(dtype=float) - load
    if skills is None:
        hours, rating = np.full(allowed.shape, np.nan), None
        # Less loaded is better; ties go to the first agent.
        value = np.broadcast_to(-load, allowed.shape).astype(float)
    else:
        hours, rating = skills.predict(tickets, people)
        value = -hours + (0.0 if rating is None else HOURS_PER_STAR * rating)
    chosen = assign(value, free, allowed).person
    rows = np.arange(len(tickets))
    expected = np.where(chosen >= 0, hours[rows, np.maximum(chosen, 0)], np.nan)
    reasons = []
    for i in rows:
        if chosen[i] == UNASSIGNED:
            reason = Reason("routing_no_room", f"Nobody speaking {tickets['lang'].iloc[i]} has room",
                            {"lang": tickets["lang"].iloc[i]})
        elif skills is None:
            reason = Reason("routing_least_loaded", "No closed tickets to learn from yet: least loaded agent", {})
        else:
            reason = Reason("routing_fastest", f"Resolves tickets like this in about {expected[i]:.0f} h "
                            f"(team {np.nanmean(hours[i]):.0f} h)",
                            {"hours": round(float(expected[i]), 1), "team_hours": round(float(np.mean(hours[i])), 1)})
        reasons.append([reason.to_dict()])
    return pd.DataFrame({
        "ticket_id": tickets["ticket_id"].to_numpy(),
        "person": chosen_people(people, chosen),
        "expected_hours": expected,
        "reasons": reasons,
    })
