"""The hidden truth's churn chances are the ones the outcome simulation draws from (the oracle's ceiling), and a
customer already gone answers a retention offer less the longer ago they left."""

import numpy as np
import pandas as pd
import pytest

from crm_bridge.contract.errors import ValidationError
from demo_company import generate, simulate_outcomes
from demo_company.response import WIN_BACK_HALF_LIFE_DAYS, WIN_BACK_SHARE, churn_chances, offer_response


def test_simulated_churn_rates_match_the_stated_chances():
    company = generate(size="small")
    ids = company.truth["customer_id"].to_numpy()[:300]
    p0, p1 = churn_chances(company, ids, 10.0, company.reference_date, 90)
    assert ((p1 >= 0) & (p1 <= 1) & (p0 >= 0) & (p0 <= 1)).all()
    nobody = np.mean([simulate_outcomes(company, ids, np.zeros(len(ids), bool), 0.0, company.reference_date, 90,
                                        seed)["churned"].to_numpy() for seed in range(200)], axis=0)
    offered = np.mean([simulate_outcomes(company, ids, np.ones(len(ids), bool), 10.0, company.reference_date, 90,
                                         seed)["churned"].to_numpy() for seed in range(200)], axis=0)
    assert np.abs(nobody - p0).max() < 0.2 and abs(nobody.mean() - p0.mean()) < 0.02
    assert np.abs(offered - p1).max() < 0.2 and abs(offered.mean() - p1.mean()) < 0.02
    with pytest.raises(ValidationError):
        churn_chances(company, [ids[0], ids[0]], 10.0, company.reference_date, 90)


def test_a_customer_long_gone_is_hardly_won_back_one_just_gone_still_can_be():
    company = generate(size="small")
    today = pd.Timestamp(company.reference_date)
    truth = company.truth.merge(offer_response(company, today.date()), on="customer_id")
    gone = truth[(truth["kind"] == "gone") & (truth["offer_uplift"] > 0)]
    days_gone = (today - gone["churn_date"]).dt.days.to_numpy()
    # The win-back keeps WIN_BACK_SHARE of the disposition the day they leave, halving every half-life since.
    share = WIN_BACK_SHARE * 0.5 ** (days_gone / WIN_BACK_HALF_LIFE_DAYS)
    np.testing.assert_allclose(gone["uplift"], gone["offer_uplift"] * share, atol=1e-9)
    p0, p1 = churn_chances(company, gone["customer_id"].to_numpy(), 10.0, today.date(), 90)
    assert (p0 == 1.0).all()  # without an offer, a customer who has gone stays gone
    long_gone, recently_gone = days_gone > 2 * WIN_BACK_HALF_LIFE_DAYS, days_gone < WIN_BACK_HALF_LIFE_DAYS
    assert long_gone.sum() >= 5 and recently_gone.sum() >= 3
    assert (p0 - p1)[long_gone].max() < 0.1  # at most a quarter of the 0.75 share of an effect below 1
    assert (p0 - p1)[recently_gone].mean() > 3 * (p0 - p1)[long_gone].mean()
