"""Lifetime value: non-negative, sensible, longer horizons expect more."""

from __future__ import annotations

import numpy as np
import pytest
from _customer_fixtures import synthetic_company

from ai_insights.churn.clv import VALUE_COLUMNS, CLVModel, count_median
from ai_insights.churn.datasets import calibration_holdout
from crm_bridge.contract.errors import InsufficientDataError, ValidationError


@pytest.fixture(scope="module")
def fitted():
    tables = synthetic_company(600, seed=2)
    X_train, bought_train = calibration_holdout(tables, "2023-10-01", 180)
    X_eval, bought_eval = calibration_holdout(tables, "2024-04-01", 180)
    return CLVModel(horizon_days=180, anchor="bgnbd").fit(X_train, bought_train), X_eval, bought_eval


def test_values_are_non_negative_and_follow_purchases(fitted):
    model, X, bought = fitted
    value = model.value(X)
    assert list(value.columns) == list(VALUE_COLUMNS)
    assert (value[["expected_purchases", "expected_revenue"]] >= 0).all().all()
    assert value["p_alive"].between(0, 1).all()
    assert np.corrcoef(value["expected_purchases"], bought)[0, 1] > 0.5
    assert value["expected_purchases"].sum() == pytest.approx(bought.sum(), rel=0.5)
    # Margin follows the lines' costs: 60 cost on a 100 price.
    assert (value["expected_margin"] <= value["expected_revenue"]).all()


def test_longer_horizons_expect_more(fitted):
    model, X, _ = fitted
    assert (model.predict(X, 360) >= model.predict(X, 90) - 1e-9).all()


def test_median_is_the_point_forecast_for_absolute_error(fitted):
    model, X, bought = fitted
    median = model.predict_median(X)
    assert np.all(median == np.round(median)) and (median >= 0).all()
    assert (model.predict_median(X, 360) >= median).all()
    assert np.mean(np.abs(median - bought)) <= np.mean(np.abs(model.predict(X) - bought))


def test_count_median_matches_the_mixture():
    # Dead at least half the time: the median is 0 whatever the rate.
    assert count_median([5.0], [0.5], [2.0])[0] == 0
    # Always alive with a huge shape: a Poisson(3.7), whose median is 3 or 4; NaN stays NaN.
    median = count_median([3.7, np.nan], [1.0, 1.0], [1e9, 1.0])
    assert median[0] == 4 and np.isnan(median[1])
    rng = np.random.default_rng(0)
    alive, shape, rate = 0.8, 1.5, 2.0
    counts = rng.negative_binomial(shape, shape / (shape + rate), 200_000)
    draws = np.where(rng.random(200_000) < alive, counts, 0)
    assert count_median([alive * rate], [alive], [shape])[0] == np.median(draws)


def test_refuses_too_few_customers_and_unknown_anchor(fitted):
    _, X, bought = fitted
    with pytest.raises(InsufficientDataError):
        CLVModel(min_customers=100).fit(X.iloc[:30], bought.iloc[:30])
    with pytest.raises(ValidationError):
        CLVModel(anchor="crystal_ball").fit(X, bought)


def test_bgnbd_fit_falls_back_to_bounds_where_bfgs_alone_does_not_converge():
    """Nobody drops out: BFGS in log space walks off to an edge of the parameters and fails; the bounded fit ends."""
    import pandas as pd

    from ai_insights.churn.clv import FIT_ATTEMPTS, fit_rfm_model, rfm_forecast

    rng = np.random.default_rng(5)
    rates = rng.gamma(1.0, 1 / 60, size=800)  # purchases a day, about as the demo company's customers
    T = rng.uniform(50, 450, size=800)
    frequency, recency = [], []
    for rate, tenure in zip(rates, T):
        times = np.cumsum(rng.exponential(1 / rate, size=300))
        times = times[times < tenure]
        frequency.append(max(len(times) - 1, 0))
        recency.append(times[-1] - times[0] if len(times) > 1 else 0.0)
    summary = pd.DataFrame({"frequency": frequency, "recency": recency, "T": T})
    with pytest.raises(InsufficientDataError):  # the unpenalised BFGS fit alone fails here
        fit_rfm_model(summary, "bgnbd", FIT_ATTEMPTS["bgnbd"][:1])
    params = fit_rfm_model(summary, "bgnbd")
    assert all(np.isfinite(value) and value > 0 for value in params.values())
    # A better fit than the penalised one the sequence fell to before: a higher unpenalised likelihood.
    from lifetimes import BetaGeoFitter

    def negative_log_likelihood(fitted):
        log_params = np.log([fitted[name] for name in ("r", "alpha", "a", "b")])
        return BetaGeoFitter._negative_log_likelihood(
            log_params, summary["frequency"].to_numpy(float), summary["recency"].to_numpy(float),
            summary["T"].to_numpy(float), np.ones(len(summary)), 0.0)

    penalised = fit_rfm_model(summary, "bgnbd", FIT_ATTEMPTS["bgnbd"][2:])
    assert negative_log_likelihood(params) < negative_log_likelihood(penalised)
    assert rfm_forecast(summary, params, "bgnbd", 100)["expected"].notna().all()
