"""The hidden truth's churn chances are the ones the outcome simulation draws from (the oracle's ceiling)."""

import numpy as np
import pytest

from crm_bridge.contract.errors import ValidationError
from demo_company import generate, simulate_outcomes
from demo_company.response import churn_chances


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
