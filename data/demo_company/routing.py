"""Hidden truth for routing: how well each salesperson sells and each agent resolves, by kind of work.

The router never sees these numbers. It learns from a history the truth
generated under the company's old assignment, and its choices for a new
batch are scored with the truth, against round robin and against Odoo's own
rule-based assignment (members limited to leads matching their domain, here
the language, and to a maximum per period, chosen at random among those
with quota left).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from demo_company.catalog import CATEGORIES

__all__ = ["LeadWorld", "TicketWorld", "lead_world", "odoo_rule_assignment", "round_robin", "ticket_world"]

_SEGMENTS = ("B2B", "B2C", "prospect")
_SOURCES = ("web", "referral", "campaign", "trade_show", "external_crm")
_TICKET_CATEGORIES = ("billing", "delivery", "product_defect", "returns", "account_access", "other")
_BASE_HOURS = {"billing": 10.0, "delivery": 8.0, "product_defect": 20.0, "returns": 12.0, "account_access": 3.0,
               "other": 6.0}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class LeadWorld:
    """A sales team, its past leads with outcomes, and a new batch to route."""

    team: pd.DataFrame
    history: pd.DataFrame
    new: pd.DataFrame
    skill: dict[str, np.ndarray]
    overload_penalty: float = 0.8

    def conversion(self, people: np.ndarray) -> np.ndarray:
        """True win probability of each new lead with the person given (index into team; -1: nobody)."""
        leads = self.new
        assigned = people >= 0
        index = np.maximum(people, 0)
        logit = (leads["base_logit"].to_numpy()
                 + self.skill["category"][index, leads["category_index"].to_numpy()]
                 + self.skill["segment"][index, leads["segment_index"].to_numpy()])
        # Overloaded people convert less: every lead they hold beyond their limit costs them all.
        # Selling in a language one does not speak rarely works.
        logit = logit - 2.0 * ~_speaks(leads["lang"], self.team)[np.arange(len(leads)), index]
        held = self.team["load"].to_numpy() + np.bincount(index[assigned], minlength=len(self.team))
        over = np.maximum(held / self.team["limit"].to_numpy() - 1.0, 0.0)
        logit = logit - self.overload_penalty * over[index]
        return np.where(assigned, _sigmoid(logit), 0.0)


def lead_world(seed: int, n_people: int = 8, n_history: int = 3000, n_new: int = 1000) -> LeadWorld:
    """Draw a team whose skills differ by product category and segment, its history and a new batch."""
    rng = np.random.default_rng([seed, 2026, 15])
    categories = list(CATEGORIES)
    speaks_en = rng.random(n_people) < 0.6
    speaks_en[0] = True
    team = pd.DataFrame({
        "person": [f"S{i + 1}" for i in range(n_people)],
        "langs": ["es,en" if both else "es" for both in speaks_en],
    })
    skill = {"category": rng.normal(0.0, 0.7, (n_people, len(categories))),
             "segment": rng.normal(0.0, 0.4, (n_people, len(_SEGMENTS)))}

    def leads(n: int) -> pd.DataFrame:
        category_index = rng.integers(0, len(categories), n)
        segment_index = rng.choice(len(_SEGMENTS), n, p=[0.35, 0.25, 0.40])
        source = rng.choice(np.array(_SOURCES), n, p=[0.4, 0.15, 0.2, 0.1, 0.15])
        return pd.DataFrame({
            "lead_id": np.arange(1, n + 1),
            "lang": rng.choice(np.array(["es", "en"]), n, p=[0.7, 0.3]),
            "segment": np.array(_SEGMENTS)[segment_index],
            "category": np.array(categories)[category_index],
            "source": source,
            "expected_revenue": np.round(rng.lognormal(np.log(3000), 0.9, n), -1),
            "base_logit": rng.normal(-1.2, 0.6, n) + np.where(source == "referral", 0.6, 0.0),
            "category_index": category_index,
            "segment_index": segment_index,
        })

    history = leads(n_history)
    allowed = _speaks(history["lang"], team)
    who = np.array([rng.choice(np.flatnonzero(row)) for row in allowed])
    logit = (history["base_logit"].to_numpy() + skill["category"][who, history["category_index"].to_numpy()]
             + skill["segment"][who, history["segment_index"].to_numpy()])
    history = history.assign(person=team["person"].to_numpy()[who], won=rng.random(n_history) < _sigmoid(logit))
    # Limits leave ~25% spare capacity over the batch; some people start busier than others.
    team["limit"] = np.full(n_people, np.ceil(1.25 * n_new / n_people))
    team["load"] = np.round(team["limit"] * rng.uniform(0.0, 0.3, n_people))
    return LeadWorld(team=team, history=history, new=leads(n_new), skill=skill)


def _speaks(langs: pd.Series, team: pd.DataFrame) -> np.ndarray:
    spoken = [set(value.split(",")) for value in team["langs"]]
    return np.array([[lang in s for s in spoken] for lang in langs.astype(str)], dtype=bool)


def round_robin(n_items: int, n_people: int) -> np.ndarray:
    """Each item to the next person in turn, whatever the item or the person's load."""
    return np.arange(n_items) % n_people


def odoo_rule_assignment(rng: np.random.Generator, langs: pd.Series, team: pd.DataFrame) -> np.ndarray:
    """Odoo's rule-based assignment: among members whose domain matches (the language) and
    who have quota left (limit minus load), one at random weighted by the quota left."""
    allowed = _speaks(langs, team)
    quota = (team["limit"] - team["load"]).to_numpy(dtype=float)
    chosen = np.full(len(langs), -1)
    for i in range(len(langs)):
        weights = np.where(allowed[i], np.maximum(quota, 0.0), 0.0)
        if weights.sum() > 0:
            chosen[i] = rng.choice(len(quota), p=weights / weights.sum())
            quota[chosen[i]] -= 1
    return chosen


@dataclass
class TicketWorld:
    """Support agents, closed tickets with hours and ratings, and open tickets to route."""

    agents: pd.DataFrame
    closed: pd.DataFrame
    open: pd.DataFrame
    hours_factor: np.ndarray  # agent x category
    rating: np.ndarray  # agent

    def true_hours(self, people: np.ndarray) -> np.ndarray:
        """Expected resolution hours of each open ticket with the agent given (NaN: nobody)."""
        return np.where(people >= 0, self._hours(self.open, np.maximum(people, 0)), np.nan)

    def _hours(self, tickets: pd.DataFrame, who: np.ndarray) -> np.ndarray:
        base = tickets["category"].map(_BASE_HOURS).to_numpy()
        category = tickets["category"].map({c: i for i, c in enumerate(_TICKET_CATEGORIES)}).to_numpy()
        # Writing in a second language takes longer.
        second = np.array([lang != first for lang, first in
                           zip(tickets["lang"], self.agents["langs"].str.split(",").str[0].to_numpy()[who])])
        return base * self.hours_factor[who, category] * np.where(second, 1.3, 1.0)


def ticket_world(seed: int, n_agents: int = 6, n_closed: int = 2000, n_open: int = 300) -> TicketWorld:
    """Draw agents who are fast on some categories and slow on others, their history and open tickets."""
    rng = np.random.default_rng([seed, 2026, 151])
    first = np.where(rng.random(n_agents) < 0.7, "es", "en")
    both = rng.random(n_agents) < 0.6
    agents = pd.DataFrame({
        "person": [f"A{i + 1}" for i in range(n_agents)],
        "langs": [f"{f},{'en' if f == 'es' else 'es'}" if b else f for f, b in zip(first, both)],
    })
    agents.loc[0, "langs"], agents.loc[1, "langs"] = "es,en", "en,es"

    def tickets(n: int) -> pd.DataFrame:
        return pd.DataFrame({
            "ticket_id": np.arange(1, n + 1),
            "category": rng.choice(np.array(_TICKET_CATEGORIES), n, p=[0.25, 0.25, 0.15, 0.15, 0.1, 0.1]),
            "lang": rng.choice(np.array(["es", "en"]), n, p=[0.65, 0.35]),
        })

    world = TicketWorld(agents=agents, closed=tickets(n_closed), open=tickets(n_open),
                        hours_factor=np.exp(rng.normal(0.0, 0.5, (n_agents, len(_TICKET_CATEGORIES)))),
                        rating=rng.uniform(3.4, 4.8, n_agents))
    allowed = _speaks(world.closed["lang"], agents)
    who = np.array([rng.choice(np.flatnonzero(row)) for row in allowed])
    hours = world._hours(world.closed, who) * rng.lognormal(0.0, 0.6, n_closed)
    rating = np.clip(np.round(world.rating[who] + rng.normal(0.0, 0.8, n_closed)), 1, 5)
    world.closed = world.closed.assign(agent=agents["person"].to_numpy()[who], hours=hours,
                                       rating=np.where(rng.random(n_closed) < 0.6, rating, np.nan))
    agents["limit"] = np.full(n_agents, np.ceil(1.3 * n_open / n_agents))
    agents["load"] = np.round(agents["limit"] * rng.uniform(0.0, 0.3, n_agents))
    return world
