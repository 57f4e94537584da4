"""Churn model: beats a trivial baseline, calibrated, reasons in words, refuses too little data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _customer_fixtures import synthetic_company
from sklearn.metrics import brier_score_loss, roc_auc_score

from ai_insights.churn.clv import no_purchase_probability
from ai_insights.churn.datasets import calibration_holdout
from ai_insights.churn.model import EXPLAIN_COLUMNS, ChurnModel, train_churn_model
from crm_bridge.contract.errors import InsufficientDataError, ValidationError
from crm_bridge.contract.reasons import days_text

TRAIN_CUTOFF, EVAL_CUTOFF, HORIZON = "2023-10-01", "2024-04-01", 180


@pytest.fixture(scope="module")
def tables():
    return synthetic_company(600, seed=1)


@pytest.fixture(scope="module")
def trained(tables):
    return train_churn_model(tables, TRAIN_CUTOFF, EVAL_CUTOFF, horizon_days=HORIZON, version="7")


@pytest.fixture(scope="module")
def held_out(tables):
    X, bought = calibration_holdout(tables, EVAL_CUTOFF, HORIZON)
    return X, (bought == 0).to_numpy()


def test_beats_trivial_and_recency_baselines(trained, held_out):
    model, card = trained
    X, churned = held_out
    probability = model.predict_proba(X)[:, 1]
    assert roc_auc_score(churned, probability) > max(0.8, roc_auc_score(churned, X["recency_days"]))
    assert brier_score_loss(churned, probability) < brier_score_loss(churned, np.full(len(X), churned.mean()))
    assert card.metrics["roc_auc"] > card.metrics["roc_auc_baseline_bgnbd"]


@pytest.mark.xfail(strict=True, reason="issue 12: against the honest baseline (BG/NBD's expected purchases as a"
                   " ranking) the churn model loses on the small demo company: ROC-AUC 0.748 against 0.765 at 120"
                   " days (0.739 before it learnt on BG/NBD's probability of no purchase), on about 200"
                   " customers, where an AUC's standard error is about 0.035. Strict: the day it wins, this fails"
                   " and is turned back into a plain test.")
def test_beats_baselines_on_the_small_demo_company():
    from ai_insights.churn.datasets import demo_tables, latest_cutoffs
    from demo_company import generate

    demo = demo_tables(generate(seed=7, size="small"))  # 200 customers, one year of orders
    model, card = train_churn_model(demo, *latest_cutoffs(demo, 120), horizon_days=120)
    assert card.metrics["roc_auc"] > max(0.65, card.metrics["roc_auc_baseline_bgnbd"])
    assert card.metrics["brier"] < card.metrics["churn_rate"] * (1 - card.metrics["churn_rate"])


def test_card_describes_window_features_metrics_and_calibration(trained):
    _, card = trained
    assert card.name == "churn" and card.version == "7" and card.data_window[1] == "2023-10-01"
    assert set(card.features) == set(trained[0].features_used_) and all(card.features.values())
    assert {"roc_auc", "pr_auc", "brier", "roc_auc_baseline_bgnbd"} <= set(card.metrics)
    table = card.extra["calibration_table"]
    assert sum(row["customers"] for row in table) == card.extra["eval_customers"]
    assert all(0 <= row["predicted"] <= 1 for row in table)


def test_calibration_keeps_brier_reasonable(tables, held_out):
    X_train, bought = calibration_holdout(tables, TRAIN_CUTOFF, HORIZON)
    X, churned = held_out
    briers = {
        method: brier_score_loss(churned, ChurnModel(method=method).fit(X_train, bought == 0).predict_proba(X)[:, 1])
        for method in ("sigmoid", "isotonic")
    }
    assert max(briers.values()) < 0.5 * churned.mean() * (1 - churned.mean())


def test_reasons_are_words_pointing_the_right_way(trained, held_out):
    model, _ = trained
    X, _ = held_out
    lapsed = X["recency_days"].idxmax()  # the customer gone quiet for the longest
    explained = model.explain(X.iloc[:50], top=6)
    assert list(explained.columns) == list(EXPLAIN_COLUMNS)
    lapse = model.explain(X.loc[[lapsed]], top=len(model.features_used_)).set_index("feature").loc["recency_days"]
    assert lapse["direction"] == "raises risk" and lapse["impact"] > 0
    days, typical = X.loc[lapsed, "recency_days"], lapse["typical"]
    assert lapse["reason"] == f"No order for {days_text(days)} (typical customer: {days_text(typical)})"
    assert ((explained["impact"] > 0) == (explained["direction"] == "raises risk")).all()
    assert not explained["reason"].str.contains(r"\{|nan", regex=True).any()

    scores = model.score(X)
    assert list(scores.columns) == ["churn_probability", "reason_1", "reason_2", "reason_3", "reasons"]
    assert scores["churn_probability"].between(0, 1).all()
    riskiest = scores["churn_probability"].idxmax()
    top = model.explain(X.loc[[riskiest]], top=1).iloc[0]
    assert top["direction"] == "raises risk" and scores.loc[riskiest, "reason_1"] == top["reason"]


def test_too_little_history_scores_nothing(tables):
    few = dict(tables)
    few["orders"] = tables["orders"][tables["orders"]["customer_id"] <= 40]
    with pytest.raises(InsufficientDataError) as error:
        train_churn_model(few, TRAIN_CUTOFF, EVAL_CUTOFF, horizon_days=HORIZON)
    assert "40 customers" in error.value.message
    with pytest.raises(InsufficientDataError) as error:  # the evaluation window runs past the data
        train_churn_model(tables, "2024-06-01", "2024-12-01", horizon_days=HORIZON)
    assert error.value.code == "window_too_short"


def test_overlapping_windows_are_refused(tables):
    with pytest.raises(ValidationError):
        train_churn_model(tables, "2024-01-01", "2024-03-01", horizon_days=HORIZON)


def test_undeclared_feature_is_refused(held_out):
    X, churned = held_out
    with pytest.raises(ValidationError) as error:
        ChurnModel().fit(X.assign(customer_email_length=1.0), churned)
    assert error.value.code == "undeclared_feature"


def test_baseline_probability_of_no_purchase_is_the_models_own():
    from lifetimes import BetaGeoFitter

    params = {"r": 0.8, "alpha": 40.0, "a": 0.7, "b": 2.5}
    newcomer = pd.DataFrame({"frequency": [0.0], "recency": [0.0], "T": [0.0]})
    for days in (30, 180):
        # A customer with no history, under BG/NBD: the model's unconditional chance of no purchase in the days.
        fitter = BetaGeoFitter()
        fitter.params_ = pd.Series(params)
        assert no_purchase_probability(newcomer, params, "bgnbd", days)[0] == pytest.approx(
            fitter.probability_of_n_purchases_up_to_time(days, 0))
    summary = pd.DataFrame({"frequency": [0.0, 3.0, 3.0], "recency": [0.0, 100.0, 20.0], "T": [120.0] * 3})
    for anchor, anchor_params in (("bgnbd", params), ("pareto", {"r": 0.6, "alpha": 30.0, "s": 0.6, "beta": 60.0})):
        short, long = (no_purchase_probability(summary, anchor_params, anchor, days) for days in (30, 365))
        assert ((long > 0) & (long < short) & (short < 1)).all()
        assert long[2] > long[1]  # the same orders, the last one long ago: less likely to buy again


def test_the_baseline_is_an_input_and_carries_the_probability_to_another_horizon(trained, held_out):
    model, _ = trained
    X, churned = held_out
    assert model.baseline_params_ and len(model.typical_) > len(model.features_used_)
    own = model.predict_proba(X)[:, 1]
    assert np.array_equal(own, model.predict_proba(X, horizon_days=HORIZON)[:, 1])
    assert np.allclose(own, model.score(X)["churn_probability"])  # what a partner shows is what the card measured
    longer = model.predict_proba(X, horizon_days=2 * HORIZON)[:, 1]
    bought = X["frequency"].to_numpy() >= 1
    assert (longer[bought] < own[bought]).all() and np.array_equal(longer[~bought], own[~bought])
    buyers = bought & ~np.isnan(X["recency_days"].to_numpy())
    assert roc_auc_score(churned[buyers], longer[buyers]) > 0.8
