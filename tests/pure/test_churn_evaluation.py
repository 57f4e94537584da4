"""Rolling-origin evaluation and the lifetime value fixes it checks: origins, outcomes, choices, totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _customer_fixtures import synthetic_company
from test_features import tiny_tables

from ai_insights.churn.clv import (
    FIT_ATTEMPTS,
    CLVModel,
    expected_order_value,
    fit_rfm_model,
    population_order_value,
    rfm_forecast,
    rfm_from_features,
    spend_scale,
)
from ai_insights.churn.datasets import calibration_holdout, data_end, load_cdnow
from ai_insights.churn.evaluation import (
    VALUE_VARIANTS,
    choose_anchor,
    choose_value_params,
    future_purchases,
    future_revenue,
    rolling_evaluation,
    rolling_origins,
    train_value_model,
    training_days,
)
from ai_insights.churn.features import build_features
from ai_insights.churn.model import honest_churn_baselines
from crm_bridge.contract.errors import InsufficientDataError, ValidationError


@pytest.fixture(scope="module")
def tables():
    return synthetic_company(600, seed=3)


@pytest.fixture(scope="module")
def evaluation(tables):
    return rolling_evaluation(tables, (90, 180), folds=4)


def test_origins_end_one_horizon_before_the_data_and_keep_history(tables):
    origins = rolling_origins(tables, 180, 4)
    assert len(origins) == 4 and origins == sorted(origins)
    assert origins[-1] == data_end(tables) - pd.Timedelta(days=180)
    assert {(later - earlier).days for earlier, later in zip(origins, origins[1:])} == {91}
    first_purchase = pd.to_datetime(tables["orders"]["date_order"]).min().normalize()
    assert origins[0] >= first_purchase + pd.Timedelta(days=90)
    # Little room: the origins come closer rather than reaching into the first 90 days.
    close = rolling_origins(tables, 550, 4)
    assert close[0] >= first_purchase + pd.Timedelta(days=90) and len(set(close)) == 4
    with pytest.raises(InsufficientDataError):
        rolling_origins(tables, 700, 4)
    with pytest.raises(ValidationError):
        rolling_origins(tables, 90, 0)


def test_future_revenue_counts_net_purchases_in_the_window_only():
    revenue = future_revenue(tiny_tables(), "2024-01-15", 40, [1, 2, 9])
    # Customer 1: the 2024-01-21 order (90 net) and the confirmed 2024-02-10 one (100); 9 is unknown: 0.
    assert revenue.to_dict() == {1: pytest.approx(190.0), 2: 0.0, 9: 0.0}


def test_every_fold_has_model_and_baseline_figures(evaluation):
    folds = evaluation.folds
    assert len(folds) == 8 and set(folds["horizon_days"]) == {90, 180}
    for column in ("auc", "auc_bgnbd_expected", "auc_pnbd_alive", "mae_model", "mae_bgnbd", "mae_pnbd",
                   "rmse_model", "r_model", "total_ratio_model", "total_ratio_bgnbd", "count_ratio_pnbd"):
        assert folds[column].notna().all(), column
    assert (folds["train_days"] <= folds["horizon_days"]).all()
    assert folds["auc"].between(0.5, 1).all()
    summary = evaluation.summary
    assert summary["mae_model_13w"] == pytest.approx(folds.loc[folds["horizon_days"] == 90, "mae_model"].mean())
    assert summary["total_ratio_model_26w_sd"] == pytest.approx(
        folds.loc[folds["horizon_days"] == 180, "total_ratio_model"].std(ddof=1))
    own = folds[folds["train_days"] == folds["horizon_days"]]
    assert summary["auc"] == pytest.approx(own["auc"].mean()) and summary["auc_folds"] == len(own)
    record = evaluation.to_dict()
    assert record["anchor"] in ("pareto", "bgnbd") and len(record["folds"]) == 8
    assert "before the last cut-off" in record["notes"][-1]


def test_value_totals_are_calibrated_on_this_company(evaluation):
    """The synthetic customers buy at a steady rate: the totals must land near what happened."""
    ratios = evaluation.folds["total_ratio_model"]
    assert ratios.between(0.7, 1.3).all(), ratios.tolist()


def test_anchor_is_chosen_by_calibration_on_the_folds_given():
    folds = pd.DataFrame({"total_ratio_bgnbd": [0.95, 1.02], "total_ratio_pnbd": [0.6, 0.7],
                          "mae_bgnbd": [2.0, 2.0], "mae_pnbd": [1.0, 1.0]})
    assert choose_anchor(folds) == "bgnbd"
    assert choose_anchor(folds.assign(total_ratio_pnbd=[1.0, 1.0])) == "pareto"


def test_value_variant_is_chosen_by_calibration_on_the_earlier_folds_and_passed_on(tables, evaluation):
    folds = pd.DataFrame({"total_ratio_corrected": [1.18, 0.88], "total_ratio_uncorrected": [0.98, 0.9],
                          "total_ratio_corrected_unscaled": [0.7, 0.6], "total_ratio_uncorrected_unscaled": [0.6, 0.6],
                          "mae_corrected": [1.0, 1.0], "mae_uncorrected": [2.0, 2.0],
                          "mae_corrected_unscaled": [1.0, 1.0], "mae_uncorrected_unscaled": [1.0, 1.0]})
    assert choose_value_params(folds) == {"correction": False, "learn_spend_scale": True}
    assert choose_value_params(folds.assign(total_ratio_uncorrected_unscaled=[1.0, 1.01])) == {
        "correction": False, "learn_spend_scale": False}
    assert choose_value_params(folds, ["corrected", "corrected_unscaled"]) == {
        "correction": True, "learn_spend_scale": True}
    # Nothing measured: the first variant, the model as it was before the choice existed.
    assert choose_value_params(folds.iloc[:0]) == {"correction": True, "learn_spend_scale": True}
    # The evaluation trained every variant on every fold, chose on the earlier ones, and reports it as "model".
    frame = evaluation.folds
    outcomes_end = pd.to_datetime(frame["origin"]) + pd.to_timedelta(frame["horizon_days"], unit="D")
    earlier = frame[outcomes_end <= pd.Timestamp(frame["origin"].max())]
    assert 0 < len(earlier) < len(frame)
    assert evaluation.clv_params == choose_value_params(earlier)
    chosen = next(name for name, params in VALUE_VARIANTS.items() if params == evaluation.clv_params)
    for figure in ("mae", "rmse", "r", "total_ratio", "count_ratio"):
        assert frame[f"{figure}_model"].tolist() == frame[f"{figure}_{chosen}"].tolist()
    assert evaluation.to_dict()["clv_params"] == evaluation.clv_params
    # Parameters fixed by the caller are not chosen, and variants that disagree with them are not trained.
    fixed = rolling_evaluation(tables, (90,), folds=2, clv_params={"correction": False})
    assert fixed.clv_params["correction"] is False and "total_ratio_corrected" not in fixed.folds
    assert "total_ratio_uncorrected_unscaled" in fixed.folds


def test_without_correction_the_forecast_is_the_anchors_valued_with_the_spend_scale(tables):
    X_train, bought = calibration_holdout(tables, data_end(tables) - pd.Timedelta(days=180), 90)
    revenue = future_revenue(tables, data_end(tables) - pd.Timedelta(days=180), 90, X_train.index)
    model = CLVModel(horizon_days=90, anchor="bgnbd", correction=False).fit(X_train, bought, revenue=revenue)
    assert model.regressor_ is None and not model.correction_used_ and model.correction_note_ == ""
    later = build_features(tables, data_end(tables) - pd.Timedelta(days=90))
    buyers = later[later["frequency"] >= 1]
    model.rebase(buyers)
    anchor = rfm_forecast(rfm_from_features(buyers), model.anchor_params_, "bgnbd", 60)["expected"].to_numpy()
    value = model.value(buyers, 60)
    assert value["expected_purchases"].to_numpy() == pytest.approx(anchor)
    assert model.spend_scale_ != 1.0
    order_value = expected_order_value(buyers, model.population_order_value_) * model.spend_scale_
    assert value["expected_revenue"].to_numpy() == pytest.approx(anchor * order_value)


def test_correction_reranks_without_moving_the_total_and_rebase_refits_the_anchor(tables):
    X_train, bought = calibration_holdout(tables, "2023-10-01", 90)
    model = CLVModel(horizon_days=90, anchor="bgnbd").fit(X_train, bought)
    buyers = X_train[X_train["frequency"] >= 1]
    for horizon in (90, 360):
        anchor = rfm_forecast(rfm_from_features(buyers), model.anchor_params_, "bgnbd", horizon)["expected"].sum()
        assert np.nansum(model.predict(buyers, horizon)) == pytest.approx(anchor, rel=0.1 if horizon != 90 else 1e-6)
    X_later, _ = calibration_holdout(tables, "2024-04-01", 90)
    model.rebase(X_later)
    later = X_later[X_later["frequency"] >= 1]
    assert model.anchor_params_ == pytest.approx(fit_rfm_model(rfm_from_features(later), "bgnbd"))


def test_correction_stays_within_its_bounds_around_the_anchor(tables):
    X_train, bought = calibration_holdout(tables, "2023-10-01", 90)
    model = CLVModel(horizon_days=90, anchor="bgnbd").fit(X_train, bought)
    buyers = X_train[X_train["frequency"] >= 1]
    anchor = rfm_forecast(rfm_from_features(buyers), model.anchor_params_, "bgnbd", 90)["expected"].to_numpy()
    ratio = model.predict(buyers) / anchor
    assert model.correction_used_ and model.correction_note_ == ""
    assert ratio.min() >= model.correction_scale_ / 10 - 1e-9 and ratio.max() <= model.correction_scale_ * 10 + 1e-9


def test_degenerate_anchor_on_a_short_history_falls_back_to_the_anchor_not_to_zero():
    # CDNOW's first 42 days: BG/NBD fits a = 0.023, b = 0.095 and forecasts ~0 for many buyers; the boosting's
    # correction then reached 3e28 and its scale 1.7e-24, so every customer was forecast ~1e-21 purchases.
    tables = load_cdnow()
    cutoff, horizon = pd.Timestamp("1997-02-12"), 140
    X = build_features(tables, cutoff)
    X = X[X["frequency"] >= 1]
    bought = future_purchases(tables, cutoff, horizon, X.index)
    model = CLVModel(horizon_days=horizon, anchor="bgnbd").fit(X, bought)
    anchor = rfm_forecast(rfm_from_features(X), model.anchor_params_, "bgnbd", horizon)["expected"].to_numpy()
    forecast = model.predict(X)
    assert not model.correction_used_ and "diverged" in model.correction_note_
    assert forecast == pytest.approx(anchor)
    assert 0.5 < forecast.sum() / bought.sum() < 2


def test_pareto_fit_is_a_function_of_its_customers(tables):
    X_train, _ = calibration_holdout(tables, "2023-10-01", 90)
    summary = rfm_from_features(X_train[X_train["frequency"] >= 1])
    fitted = [fit_rfm_model(summary, "pareto", FIT_ATTEMPTS["pareto"]) for _ in range(2)]  # fitted, not memoised
    assert fitted[0] == fitted[1]
    assert fit_rfm_model(summary, "pareto") == fitted[0]


def test_population_order_value_is_the_mean():
    X = pd.DataFrame({"avg_order_value": [10.0, 10.0, 40.0, np.nan]})
    assert population_order_value(X) == pytest.approx(20.0)


def test_honest_baselines_rank_churners(tables):
    X, bought = calibration_holdout(tables, "2024-04-01", 180)
    scores = honest_churn_baselines(X, 180)
    from sklearn.metrics import roc_auc_score

    for name in ("bgnbd_expected", "pnbd_alive"):
        assert roc_auc_score(bought == 0, scores[name]) > 0.6, name


def test_value_model_learns_wholly_before_its_origin_for_its_horizon(tables):
    first_purchase = pd.to_datetime(tables["orders"]["date_order"]).min().normalize()
    end = data_end(tables)
    # Room for the whole horizon at the end of the data; shortened near the start, never into the first 42 days.
    assert training_days(tables, end, 180) == 180
    early = first_purchase + pd.Timedelta(days=142)
    assert training_days(tables, early, 180) == 100
    model = train_value_model(tables, early, 180, "bgnbd")
    assert model.horizon_days == 100
    with pytest.raises(InsufficientDataError) as raised:
        train_value_model(tables, first_purchase + pd.Timedelta(days=60), 180, "bgnbd")
    assert raised.value.code == "window_too_short"


def test_spend_scale_turns_the_forecast_value_of_a_purchase_into_the_realised_one():
    # Two customers forecast one purchase each, valued 10 and 30 (20 a purchase on average); only the second
    # buys, twice, for 35 each: a purchase that happens is worth 35 / 20 of what the forecast valued it.
    assert spend_scale([1.0, 1.0], [10.0, 30.0], [0, 2], [0.0, 70.0]) == pytest.approx(35 / 20)
    # Nothing bought, or nothing forecast: no evidence, no scale.
    assert spend_scale([1.0, 1.0], [10.0, 30.0], [0, 0], [0.0, 0.0]) == 1.0
    assert spend_scale([0.0, 0.0], [10.0, 30.0], [0, 2], [0.0, 70.0]) == 1.0


def test_value_model_learns_its_spend_scale_on_its_training_window_and_values_purchases_with_it(tables):
    end = data_end(tables)
    model = train_value_model(tables, end, 180, "bgnbd")
    cutoff = end - pd.Timedelta(days=model.horizon_days)
    X = build_features(tables, cutoff)
    X = X[X["frequency"] >= 1]
    bought = future_purchases(tables, cutoff, model.horizon_days, X.index)
    revenue = future_revenue(tables, cutoff, model.horizon_days, X.index)
    forecast = model.predict(X)
    order_value = expected_order_value(X, model.population_order_value_, model.prior_orders)
    assert model.spend_scale_ == pytest.approx(spend_scale(forecast, order_value, bought, revenue), rel=1e-6)
    value = model.value(X)
    assert value["expected_revenue"].to_numpy() == pytest.approx(forecast * order_value * model.spend_scale_)
    # On its own training window the realised value per purchase is met exactly.
    realised = revenue.sum() / bought.sum()
    assert value["expected_revenue"].sum() / value["expected_purchases"].sum() == pytest.approx(realised, rel=1e-6)
    # Without the purchases' value there is nothing to learn it from.
    assert CLVModel(horizon_days=180, anchor="bgnbd").fit(X, bought).spend_scale_ == 1.0
