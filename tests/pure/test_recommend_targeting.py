"""Targeting comparison on an experiment: uplift against risk against random at the same budget."""

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from ai_insights.recommend.uplift import TARGETING_POLICIES, TLearner, targeting_comparison
from crm_bridge.contract.errors import ValidationError


def _world(n, seed=0):
    """Risk rises with x1; only customers with x0 > 0 respond to the offer (uplift is not risk)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    risk = 1 / (1 + np.exp(-2 * X[:, 1]))
    treated = rng.random(n) < 0.5
    stay = 1 - 0.6 * risk + treated * np.where(X[:, 0] > 0, 0.3, 0.0)
    return X, treated, rng.random(n) < np.clip(stay, 0, 1), risk


def test_uplift_targeting_retains_more_than_risk_and_random_with_intervals():
    X, treated, stayed, risk = _world(4000)
    learner = TLearner(HistGradientBoostingClassifier(max_iter=30, max_depth=3), n_bootstrap=1)
    table = targeting_comparison(X, treated, stayed, risk, budget_share=0.2, learner=learner,
                                 n_bootstrap=100).set_index("policy")
    assert list(table.index) == list(TARGETING_POLICIES)
    # The true effect among the picked: 300 per 1,000 where x0 > 0, 0 elsewhere; risk and random pick half of them.
    assert table.loc["uplift", "per_1000"] > 200
    assert table.loc["uplift", "per_1000"] > table.loc["risk", "per_1000"] + 60
    assert table.loc["uplift", "per_1000"] > table.loc["random", "per_1000"] + 60
    assert (table["ci_low"] <= table["per_1000"]).all() and (table["per_1000"] <= table["ci_high"]).all()
    assert (table["targeted"] == 800).all() and (table["treated"] + table["control"] == 800).all()


def test_too_small_an_experiment_or_a_bad_budget_is_refused():
    X, treated, stayed, risk = _world(300)
    with pytest.raises(ValidationError) as caught:
        targeting_comparison(X, treated, stayed, risk)
    assert caught.value.code == "insufficient_data"
    X, treated, stayed, risk = _world(1000)
    with pytest.raises(ValidationError) as caught:
        targeting_comparison(X, treated, stayed, risk, budget_share=0)
    assert caught.value.code == "invalid_value"
    with pytest.raises(ValidationError) as caught:
        targeting_comparison(X, treated, stayed, risk[:10])
    assert caught.value.code == "length_mismatch"
