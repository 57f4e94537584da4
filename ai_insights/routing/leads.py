"""Lead routing by operational capacity: the salesperson who can best convert and serve each lead.

A lead goes to the salesperson with the highest expected value for it (the
probability that *this* salesperson wins *this kind* of lead, learned from the
team's history, times the lead's value), among those who speak its language
and still have room (their limit minus their open work weighted by stage).
Whether operations can deliver what the lead asks for is not a reason to
route it elsewhere: the lead's own delivery warning tells the salesperson the
earliest date before the first call (``fusion_routing_sale_promise``), so
the routing reasons say only why this salesperson.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ai_insights.routing.assignment import UNASSIGNED, assign, chosen_people, language_allowed
from ai_insights.routing.skills import PersonSkillModel
from crm_bridge.contract.errors import ValidationError
from crm_bridge.contract.reasons import Reason

__all__ = ["LEAD_FEATURES", "STAGE_LOAD", "open_load", "route_leads"]

#: What a lead is, for the skill model: the customer's language, segment, product category and source.
LEAD_FEATURES = ("lang", "segment", "category", "source")
#: Work an open lead or quotation weighs on its owner, by stage (a proposal needs more than a new lead).
STAGE_LOAD = {"new": 1.0, "qualified": 1.5, "proposition": 2.0, "quotation": 2.0}


def open_load(stages: pd.Series, owners: pd.Series, people: Sequence, counts: pd.Series | None = None) -> np.ndarray:
    """Weighted open work per person, in the order of ``people``.

    ``stages`` and ``owners`` describe open items (or groups of ``counts``
    items); a stage of our own not in ``STAGE_LOAD`` weighs as a new lead.
    """
    weights = stages.astype(str).str.lower().map(STAGE_LOAD).fillna(STAGE_LOAD["new"])
    if counts is not None:
        weights = weights * counts.to_numpy(dtype=float)
    return weights.groupby(owners.to_numpy()).sum().reindex(list(people), fill_value=0.0).to_numpy()


def _check_columns(frame: pd.DataFrame, required: Sequence[str], name: str) -> None:
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValidationError(f"{name} lacks columns {missing}.", code="missing_columns", field=name,
                              details={"missing": missing})


def route_leads(leads: pd.DataFrame, team: pd.DataFrame, model: PersonSkillModel | None) -> pd.DataFrame:
    """Choose a salesperson for each new lead.

    Parameters
    ----------
    leads : pandas.DataFrame
        One row per lead: ``lead_id``, the ``LEAD_FEATURES`` columns and
        ``expected_revenue``.
    team : pandas.DataFrame
        One row per salesperson: ``person``, ``langs`` (the languages they
        sell in, as a set or comma-separated text, ``"*"`` for any), ``limit`` (the most open
        weighted work they should carry) and ``load`` (what they carry now,
        see :func:`open_load`).
    model : PersonSkillModel or None
        Fitted on the team's past leads (won or lost). ``None``: no history
        to learn from, every salesperson counts as equally good and the
        routing balances load by value alone (said in each reason).

    Returns
    -------
    pandas.DataFrame
        ``lead_id``, ``person`` (None when nobody who speaks the language
        has room), ``win_probability``, ``expected_value`` and ``reasons``
        (list of :class:`Reason` dicts: why this salesperson).
    """
    _check_columns(leads, ("lead_id", "expected_revenue", *LEAD_FEATURES), "leads")
    _check_columns(team, ("person", "langs", "limit", "load"), "team")
    people = team["person"].to_numpy()
    revenue = leads["expected_revenue"].fillna(0.0).clip(lower=0.0).to_numpy(dtype=float)
    if model is None:
        probability = np.full((len(leads), len(people)), 0.5)
    else:
        probability = model.predict_matrix(leads.reset_index(drop=True), people)
    allowed = language_allowed(leads["lang"].astype(str).tolist(), team["langs"])
    free = (team["limit"].to_numpy(dtype=float) - team["load"].to_numpy(dtype=float)).round()
    # Revenue-weighted probability; +1 keeps zero-revenue leads ranked by probability.
    chosen = assign(probability * (revenue[:, None] + 1.0), free, allowed).person
    rows = np.arange(len(leads))
    win = np.where(chosen >= 0, probability[rows, np.maximum(chosen, 0)], np.nan)
    team_mean = probability.mean(axis=1)
    langs, loads, limits = leads["lang"].to_numpy(), team["load"].to_numpy(float), team["limit"].to_numpy(float)
    reasons = []
    for i in rows:
        person = chosen[i]
        lead_reasons = []
        if person == UNASSIGNED:
            lead_reasons.append(Reason("routing_no_room", f"Nobody selling in {langs[i]} has room",
                                       {"lang": langs[i]}))
        elif model is None:
            lead_reasons.append(Reason("routing_no_history", "No won or lost leads to learn from yet: assigned by "
                                       "free capacity", {}))
        else:
            lead_reasons.append(Reason(
                "routing_skill",
                f"Wins {win[i]:.0%} of leads like this (team average {team_mean[i]:.0%})",
                {"probability": round(float(win[i]), 3), "team_probability": round(float(team_mean[i]), 3)}))
        if person != UNASSIGNED:
            lead_reasons.append(Reason(
                "routing_load", f"{loads[person]:.0f} of {limits[person]:.0f} open work",
                {"load": float(loads[person]), "limit": float(limits[person])}))
        reasons.append([reason.to_dict() for reason in lead_reasons])
    return pd.DataFrame({
        "lead_id": leads["lead_id"].to_numpy(),
        "person": chosen_people(people, chosen),
        "win_probability": win,
        "expected_value": win * revenue,
        "reasons": reasons,
    })
