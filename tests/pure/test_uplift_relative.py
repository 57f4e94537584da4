"""The relative-effect uplift learner, the learner chooser, the cross-sell margin and the delivery notice candidate."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from ai_insights.recommend import (
    LEARNERS,
    ActionEconomics,
    RelativeEffectLearner,
    TLearner,
    UpliftEstimate,
    check_wave,
    next_best_actions,
    qini,
    select_learner,
    slipped_promises,
)
from ai_insights.recommend.complements import cross_sell_margins
from crm_bridge.contract.errors import ValidationError

TODAY = date(2026, 10, 31)


def _retention_experiment(n: int, seed: int = 0):
    """Loss chance q0 rises with x1 (the risk); the offer removes 60 % of it where x0 > 0, none elsewhere.

    The true effect ``q0 * cut`` is neither the risk (x1) nor the responsiveness (x0) alone.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    treated = rng.random(n) < 0.5
    lost_untreated = 0.05 + 0.8 / (1 + np.exp(-2.5 * X[:, 1]))
    cut = np.where(X[:, 0] > 0, 0.6, 0.0)
    stayed = rng.random(n) >= lost_untreated * (1 - treated * cut)
    return X, treated, stayed, lost_untreated * cut, lost_untreated


def _true_gain(score: np.ndarray, effect: np.ndarray, share: float = 0.2) -> float:
    return float(effect[np.argsort(-score)[: int(share * len(score))]].mean())


def test_relative_effect_learner_recovers_known_uplift_and_beats_risk_targeting():
    X, treated, stayed, _, _ = _retention_experiment(6000)
    X_test, treated_test, stayed_test, effect, risk = _retention_experiment(6000, seed=1)
    model = RelativeEffectLearner(n_bootstrap=2).fit(X, treated, stayed)
    estimate, low, high = model.predict_interval(X_test)
    assert np.corrcoef(estimate, effect)[0, 1] > 0.7
    assert (low <= estimate).all() and (estimate <= high).all() and (high - low).mean() > 0
    # Targeting a fifth of the customers: the estimate keeps far more than the true risk would, and at
    # least as many as the T-learner on the same experiment.
    gain = _true_gain(estimate, effect)
    assert gain > 1.5 * _true_gain(risk, effect)
    assert gain >= _true_gain(TLearner(n_bootstrap=1).fit(X, treated, stayed).predict(X_test), effect)
    assert qini(estimate, treated_test, stayed_test) > 0.01


def test_relative_effect_learner_refuses_a_one_armed_experiment():
    X, treated, stayed, _, _ = _retention_experiment(500)
    with pytest.raises(ValidationError) as err:
        RelativeEffectLearner().fit(X, np.zeros(500, bool), stayed)
    assert err.value.code == "insufficient_data"


PRODUCTS = pd.DataFrame({"product_id": [1, 2, 3], "cost": [10.0, 40.0, 5.0]})


def test_cross_sell_margin_comes_from_the_offered_price_and_the_cost():
    honoured = pd.DataFrame({
        "customer_id": [7, 7, 7, 7, 8, 9],
        "product_id": [1, 2, 3, 1, 3, 2],
        "available": [True, False, True, True, False, True],
        "price": [30.0, 50.0, 9.0, 30.0, 9.0, 60.0],
    })
    margins = cross_sell_margins(honoured, PRODUCTS, qty=2.0, top=2)
    # Customer 7: the first two it can honour (20 and 4 per unit, twice): 24; 8: nothing honoured; 9: 20 x 2.
    assert margins.to_dict() == {7: pytest.approx(24.0), 8: 0.0, 9: pytest.approx(40.0)}
    with pytest.raises(ValidationError) as err:
        cross_sell_margins(honoured.drop(columns="price"), PRODUCTS)
    assert err.value.code == "missing_column"


def _customers(**columns) -> pd.DataFrame:
    base = {"customer_id": [1, 2, 3], "value": [3000.0, 3000.0, 3000.0], "churn_risk": [0.3, 0.3, 0.3],
            "revenue": [1000.0, 1000.0, 1000.0], "email": ["a@x.com", "b@x.com", "c@x.com"],
            "consent_email": [True, True, False]}
    base.update(columns)
    return pd.DataFrame(base)


def test_cross_sell_with_its_real_margin_wins_by_the_same_expected_value_rule():
    none = np.zeros(3)
    margins = cross_sell_margins(pd.DataFrame({"customer_id": [1, 2, 3], "product_id": [2, 3, 2],
                                               "available": True, "price": [540.0, 6.0, 540.0]}), PRODUCTS)
    customers = _customers(cross_sell_margin=margins.loc[[1, 2, 3]].to_numpy())
    result = next_best_actions(customers, UpliftEstimate(none, none, none), TODAY,
                               ActionEconomics(exploration_share=0.0)).set_index("customer_id")
    # 4 % of a 500 margin = 20 > the email; 4 % of 1 does not pay the email; customer 3 refused marketing mail.
    assert result.loc[1, "action"] == "cross_sell" and result.loc[1, "expected_value"] == pytest.approx(19.95)
    assert result.loc[2, "action"] == "nothing"
    assert result.loc[3, "action"] == "nothing" and "cross_sell" in result.loc[3, "not_allowed"]


def test_delivery_notice_for_customers_whose_promise_slipped():
    open_lines = pd.DataFrame({
        "customer_id": [1, 1, 2, 3],
        "commitment_date": pd.to_datetime(["2026-11-05", "2026-11-10", "2026-11-05", "2026-11-05"]),
        "promised_date": pd.to_datetime(["2026-11-04", "2026-11-14", "2026-11-05", None]),
    })
    slipped = slipped_promises(open_lines).set_index("customer_id")
    assert slipped["late_promise"].to_dict() == {1: True, 2: False, 3: True}
    assert slipped.loc[1, "days_late"] == 4 and slipped.loc[2, "days_late"] == 0
    assert np.isnan(slipped.loc[3, "days_late"])
    none = np.zeros(3)
    customers = _customers(late_promise=slipped.loc[[1, 2, 3], "late_promise"].to_numpy())
    result = next_best_actions(customers, UpliftEstimate(none, none, none), TODAY,
                               ActionEconomics(exploration_share=0.0)).set_index("customer_id")
    # 2 % of 3,000 - the email: chosen by expected value, a service message (sent without marketing consent).
    assert result.loc[1, "action"] == "delivery_notice" and result.loc[1, "expected_value"] == pytest.approx(59.95)
    assert result.loc[3, "action"] == "delivery_notice" and result.loc[3, "reason_code"] == "delivery_notice"
    assert result.loc[2, "action"] == "nothing"
    with pytest.raises(ValidationError) as err:
        slipped_promises(open_lines.drop(columns="promised_date"))
    assert err.value.code == "missing_column"


class _AntiLearner(TLearner):
    """A T-learner that ranks backwards: its Qini on any wave with a real effect is below the T-learner's."""

    def predict(self, X):
        return -super().predict(X)


class _SpyLearner(TLearner):
    """Records the rows it is fitted on and the rows it scores."""

    fitted: list = []
    scored: list = []

    def fit(self, X, treatment, y):
        type(self).fitted.append(np.asarray(X)[:, -1].copy())
        return super().fit(X, treatment, y)

    def predict(self, X):
        type(self).scored.append(np.asarray(X)[:, -1].copy())
        return super().predict(X)


def _waves(sizes=(1500, 1500, 1500)):
    """Waves of the known-uplift experiment, the wave's number in the last column (a feature that never varies
    within a wave, so it cannot help the ranking)."""
    waves = []
    for number, size in enumerate(sizes):
        X, treated, stayed, _, _ = _retention_experiment(size, seed=10 + number)
        waves.append((np.column_stack([X, np.full(size, number)]), treated, stayed))
    return waves


def test_the_chooser_picks_the_learner_with_the_higher_check_wave_qini():
    waves = _waves()
    name, scores = select_learner(waves, {"backwards": _AntiLearner, "t_learner": TLearner})
    assert name == "t_learner" and scores["t_learner"] > 0.01 > scores["backwards"]
    # Each score is the learner trained on the older waves, judged on the last one.
    X, treated, stayed = (np.concatenate([wave[i] for wave in waves[:2]]) for i in range(3))
    expected = qini(TLearner(n_bootstrap=1).fit(X, treated, stayed).predict(waves[2][0]), waves[2][1], waves[2][2])
    assert scores["t_learner"] == pytest.approx(expected)
    # The core's three learners on the same waves: the one chosen is the one with the best check-wave Qini.
    name, scores = select_learner(waves)
    assert set(scores) == set(LEARNERS) and scores[name] == max(scores.values())


def test_the_chooser_trains_on_older_waves_and_scores_on_the_check_wave_only():
    _SpyLearner.fitted, _SpyLearner.scored = [], []
    select_learner(_waves(), {"spy": _SpyLearner})
    assert set(np.unique(np.concatenate(_SpyLearner.fitted))) == {0, 1}
    assert set(np.unique(np.concatenate(_SpyLearner.scored))) == {2}
    with pytest.raises(ValidationError) as err:
        select_learner(_waves()[:1])
    assert err.value.code == "insufficient_data"


def test_the_check_wave_is_the_latest_days_that_measure_on_their_own():
    rng = np.random.default_rng(3)
    days = pd.to_datetime("2026-01-01") + pd.to_timedelta(np.repeat(np.arange(10) * 30, 300), unit="D")
    treated, stayed = rng.random(len(days)) < 0.5, rng.random(len(days)) < 0.7
    check = check_wave(days, treated, stayed, min_per_arm=100)
    # One day of 300 decisions holds about 150 per arm: the last day alone is the check wave.
    assert check.sum() == 300 and (days[check] == days.max()).all()
    check = check_wave(days, treated, stayed, min_per_arm=400)
    # 400 per arm need three days (about 450 per arm), whole days, the latest ones.
    assert check.sum() == 900 and days[check].min() == days.max() - pd.Timedelta(days=60)
    with pytest.raises(ValidationError) as err:
        check_wave(days[:300], treated[:300], stayed[:300], min_per_arm=100)  # one day: nothing to train on
    assert err.value.code == "insufficient_data"
