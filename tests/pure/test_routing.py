"""Routing by skill and capacity: the solver, the skill model, leads and tickets, and the demo's hidden truth."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from ai_insights.routing.assignment import assign
from ai_insights.routing.leads import LEAD_FEATURES, open_load, route_leads
from ai_insights.routing.skills import PersonSkillModel, _pair_rows
from ai_insights.routing.tickets import TicketSkills, route_tickets
from crm_bridge.contract.errors import ValidationError
from demo_company.routing import lead_world, odoo_rule_assignment, ticket_world


def _brute_force(value, capacity, allowed):
    """Best total over every way to give each item to a person or nobody (tiny cases only)."""
    best = -np.inf
    for choice in itertools.product(range(-1, value.shape[1]), repeat=value.shape[0]):
        choice = np.array(choice)
        if any((choice == j).sum() > capacity[j] for j in range(value.shape[1])):
            continue
        if any(c >= 0 and not allowed[i, c] for i, c in enumerate(choice)):
            continue
        # The solver assigns as many items as it can, then maximises value: compare the same way.
        score = ((choice >= 0).sum(), sum(value[i, c] for i, c in enumerate(choice) if c >= 0))
        best = max(best, score) if best != -np.inf else score
    return best


@pytest.mark.parametrize("seed", range(6))
def test_assignment_is_optimal_within_capacity_and_permissions(seed):
    rng = np.random.default_rng(seed)
    value = rng.normal(0, 10, (5, 3))
    capacity = rng.integers(0, 3, 3)
    allowed = rng.random((5, 3)) < 0.7
    result = assign(value, capacity, allowed)
    chosen = result.person
    assert all((chosen == j).sum() <= capacity[j] for j in range(3))
    assert all(allowed[i, c] for i, c in enumerate(chosen) if c >= 0)
    got = ((chosen >= 0).sum(), sum(value[i, c] for i, c in enumerate(chosen) if c >= 0))
    expected = _brute_force(value, capacity, allowed)
    assert got[0] == expected[0]
    assert got[1] == pytest.approx(expected[1])


def test_assignment_leaves_items_out_rather_than_overload():
    result = assign(np.ones((4, 2)), np.array([1, 1]))
    assert result.unassigned == 2
    assert np.isnan(result.value[result.person < 0]).all()


@pytest.mark.parametrize("value, capacity", [(np.ones(3), np.ones(3)), (np.ones((2, 2)), np.ones(3)),
                                             (np.array([[np.nan, 1.0]]), np.ones(2))])
def test_assignment_refuses_bad_input(value, capacity):
    with pytest.raises(ValidationError):
        assign(value, capacity)


def _history(rng, n=600):
    """Person P1 wins Garden leads far more often than P2; P2 is better at Tools."""
    category = rng.choice(["Garden", "Tools"], n)
    person = rng.choice(["P1", "P2"], n)
    good = (category == "Garden") == (person == "P1")
    return pd.DataFrame({"lang": "es", "segment": "B2B", "category": category, "source": "web",
                         "person": person, "won": rng.random(n) < np.where(good, 0.6, 0.15)})


def test_skill_model_recovers_who_is_better_at_what():
    history = _history(np.random.default_rng(1))
    model = PersonSkillModel(LEAD_FEATURES, "binary").fit(history, history["person"], history["won"])
    leads = pd.DataFrame({"lang": ["es", "es"], "segment": ["B2B", "B2B"], "category": ["Garden", "Tools"],
                          "source": ["web", "web"]})
    probability = model.predict_matrix(leads, ["P1", "P2"])
    assert probability[0, 0] > probability[0, 1] + 0.2
    assert probability[1, 1] > probability[1, 0] + 0.2


def test_skill_model_says_when_history_is_too_thin():
    history = _history(np.random.default_rng(2), n=10)
    with pytest.raises(ValidationError) as error:
        PersonSkillModel(LEAD_FEATURES, "binary").fit(history, history["person"], history["won"])
    assert error.value.code == "insufficient_data"


def _team(limit=(10, 10), load=(0, 0), langs=("es", "es,en")):
    return pd.DataFrame({"person": ["P1", "P2"], "langs": list(langs), "limit": list(limit), "load": list(load)})


def _leads(categories, langs=None):
    n = len(categories)
    return pd.DataFrame({"lead_id": np.arange(1, n + 1), "lang": langs or ["es"] * n, "segment": "B2B",
                         "category": categories, "source": "web", "expected_revenue": 1000.0})


def test_leads_go_to_the_salesperson_who_wins_them_within_language_and_room():
    history = _history(np.random.default_rng(3))
    model = PersonSkillModel(LEAD_FEATURES, "binary").fit(history, history["person"], history["won"])
    routed = route_leads(_leads(["Garden", "Tools", "Garden"], ["es", "es", "en"]), _team(), model)
    # The English lead can only go to P2, who speaks English, even though P1 sells Garden better.
    assert list(routed["person"]) == ["P1", "P2", "P2"]
    assert routed["reasons"][0][0]["code"] == "routing_skill"
    # P1 has no room left: its Garden lead goes to P2 and the load is in the reasons.
    full = route_leads(_leads(["Garden"]), _team(limit=(3, 10), load=(3, 0)), model)
    assert full["person"].iloc[0] == "P2"
    assert full["reasons"][0][1]["code"] == "routing_load"


def test_a_lead_nobody_can_take_says_so():
    routed = route_leads(_leads(["Garden", "Tools"], ["en", "es"]), _team(langs=("es", "es")), None)
    assert routed["person"].iloc[0] is None
    assert routed["reasons"][0][0]["code"] == "routing_no_room"
    codes = [reason["code"] for reason in routed["reasons"][1]]
    assert codes == ["routing_no_history", "routing_load"]


def test_with_integer_ids_a_lead_nobody_has_room_for_is_none_not_nan():
    """Odoo's salespeople are user ids: the unassigned lead's person stays None and the others stay ints."""
    team = _team(limit=(1, 0), langs=("es", "es")).assign(person=[7, 9])
    routed = route_leads(_leads(["Garden", "Tools"]), team, None)
    assert list(routed["person"]) == [7, None]
    assert isinstance(routed["person"].iloc[0], (int, np.integer))
    tickets = pd.DataFrame({"ticket_id": [1, 2], "category": "billing", "lang": "es"})
    assert list(route_tickets(tickets, team, None)["person"]) == [7, None]


def test_open_load_weighs_by_stage():
    load = open_load(pd.Series(["New", "proposition", "Negotiation", "qualified"]),
                     pd.Series(["P1", "P1", "P1", "P2"]), ["P1", "P2", "P3"])
    assert list(load) == [4.0, 1.5, 0.0]
    grouped = open_load(pd.Series(["quotation", "new"]), pd.Series(["P2", "P2"]), ["P1", "P2"], pd.Series([3, 2]))
    assert list(grouped) == [0.0, 8.0]


def test_any_language_takes_every_lead():
    routed = route_leads(_leads(["Garden", "Tools"], ["en", "fr"]), _team(langs=("es", "*")), None)
    assert list(routed["person"]) == ["P2", "P2"]


def test_tickets_go_to_the_fastest_agent_and_fall_back_to_load():
    rng = np.random.default_rng(4)
    n = 400
    agent = rng.choice(["P1", "P2"], n)
    category = rng.choice(["billing", "delivery"], n)
    fast = (agent == "P1") == (category == "billing")
    closed = pd.DataFrame({"category": category, "lang": "es", "agent": agent,
                           "hours": np.where(fast, 2.0, 12.0) * rng.lognormal(0, 0.3, n), "rating": 4.0})
    tickets = pd.DataFrame({"ticket_id": [1, 2], "category": ["billing", "delivery"], "lang": ["es", "es"]})
    routed = route_tickets(tickets, _team(), TicketSkills(closed))
    assert list(routed["person"]) == ["P1", "P2"]
    assert routed["expected_hours"].max() < 4
    by_load = route_tickets(tickets, _team(limit=(5, 5), load=(4, 0)), None)
    assert list(by_load["person"]) == ["P2", "P2"]
    assert by_load["reasons"][0][0]["code"] == "routing_least_loaded"


def test_routing_beats_odoo_rules_on_the_hidden_truth():
    world = lead_world(seed=11, n_history=2000, n_new=400)
    model = PersonSkillModel(LEAD_FEATURES, "binary").fit(world.history, world.history["person"],
                                                          world.history["won"])
    index = {person: i for i, person in enumerate(world.team["person"])}
    routed = route_leads(world.new, world.team, model)["person"].map(index).fillna(-1).astype(int).to_numpy()
    rules = odoo_rule_assignment(np.random.default_rng(0), world.new["lang"], world.team)
    revenue = world.new["expected_revenue"].to_numpy()
    assert (world.conversion(routed) * revenue).sum() > 1.2 * (world.conversion(rules) * revenue).sum()


def test_ticket_routing_beats_load_only_on_the_hidden_truth():
    world = ticket_world(seed=5)
    index = {person: i for i, person in enumerate(world.agents["person"])}
    hours = {}
    for name, skills in (("skills", TicketSkills(world.closed)), ("load", None)):
        people = route_tickets(world.open, world.agents, skills)["person"].map(index).fillna(-1).astype(int)
        hours[name] = np.nanmean(world.true_hours(people.to_numpy()))
    assert hours["skills"] < 0.8 * hours["load"]


def test_the_pair_matrix_is_the_vectorizer_s_without_a_dict_per_pair():
    """predict_matrix builds its matrix from the vocabulary: the same as the vectorizer, unseen values left out."""
    history = _history(np.random.default_rng(3))
    model = PersonSkillModel(LEAD_FEATURES, "binary").fit(history, history["person"], history["won"])
    items = _leads(["Garden", "Tools", "Kitchen"], ["es", "fr", "en"])
    people = np.array(["P1", "P2", "P9"])
    repeated = items.loc[items.index.repeat(len(people))]
    expected = model.vectorizer_.transform(_pair_rows(repeated, LEAD_FEATURES, np.tile(people, len(items))))
    assert (model._pair_matrix(items, people) != expected).nnz == 0
