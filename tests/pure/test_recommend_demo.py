"""The demo's recommendation truth: basket affinities and cycles the recommender finds, uplift that is not risk."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from ai_insights.recommend.complements import CoPurchase
from demo_company import generate
from demo_company.baskets import generate_baskets
from demo_company.response import WIN_BACK_SHARE, offer_response


@pytest.fixture(scope="module")
def small():
    return generate(size="small")


@pytest.fixture(scope="module")
def history(small):
    return generate_baskets(small)


def _digest(company) -> dict[str, str]:
    tables = {**company.public_tables(), **company.hidden_tables()}
    return {name: hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest() for name, frame in tables.items()}


def test_baskets_are_deterministic_and_leave_the_company_unchanged(small, history):
    before = _digest(small)
    again = generate_baskets(small)
    pd.testing.assert_frame_equal(history.lines, again.lines)
    assert _digest(small) == before
    assert set(history.lines["customer_id"]) <= set(small.customers["customer_id"])
    assert set(history.lines["product_id"]) <= set(small.products["product_id"])
    assert history.lines["date"].max() <= pd.Timestamp(small.reference_date)


def test_baskets_follow_their_cycles(history):
    lines = history.lines.merge(history.cycles, on=["customer_id", "product_id"])
    bought = lines.drop_duplicates(["customer_id", "product_id", "order_id"]).sort_values("date")
    gaps = bought.groupby(["customer_id", "product_id"])["date"].diff().dt.days
    ratio = (gaps / bought["cycle_days"]).dropna()
    # Bought again when the cycle came round (a visit later), seldom before it.
    assert 0.95 < ratio.median() < 1.6
    assert (ratio < 0.8).mean() < 0.3  # off-cycle buys, complements and exploration


def test_recommender_recovers_the_known_affinities(small, history):
    model = CoPurchase().fit(history.lines, small.products, small.customers, today=small.reference_date)
    strong = history.affinities[history.affinities["chance"] >= 0.5]
    bought = set(history.lines["product_id"])
    strong = strong[strong["product_id"].isin(bought)]
    found = [complement in model.suggest([anchor], k=3)["product_id"].tolist()
             for anchor, complement in zip(strong["product_id"], strong["complement_id"])]
    assert len(found) >= 5 and np.mean(found) > 0.6


def test_uplift_differs_from_risk(small):
    response = offer_response(small, small.reference_date).merge(small.truth, on="customer_id")
    gone = response[response["kind"] == "gone"]
    assert (gone["uplift"] <= WIN_BACK_SHARE * gone["offer_uplift"].clip(lower=0) + 1e-9).all()
    high_risk = response[response["churn_propensity"] > 0.35]
    medium_risk = response[response["churn_propensity"].between(0.1, 0.35)]
    # Some high-risk customers do not respond, some medium-risk ones do.
    assert (high_risk["uplift"] < 0.1).sum() > 0 and (medium_risk["uplift"] > 0.5).sum() > 0
    assert set(response["kind"]) >= {"disposition", "gone", "deal_seeker"}
    deal = response[response["kind"] == "deal_seeker"]
    assert (deal["uplift"] >= 0.6).all()
