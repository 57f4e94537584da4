"""One production training of churn and lifetime value: what `make demo` shows is what the core trains."""

import pandas as pd
import pytest

from ai_insights.churn.datasets import data_end, demo_tables
from ai_insights.churn.features import build_features
from ai_insights.churn.production import churn_and_value_scores, train_production_models, value_horizon
from crm_bridge.contract.errors import InsufficientDataError
from demo_company import generate, main_job
from demo_company.main_job import JobContext, churn_and_value

# The small company has a year of sales: two 90-day horizons fit, two 180-day ones (the demo's) do not.
HORIZON = 90


@pytest.fixture(scope="module")
def small():
    return generate(seed=7, size="small")


@pytest.fixture(scope="module")
def trained(small):
    return train_production_models(demo_tables(small), HORIZON)


def test_demo_section_scores_with_the_models_the_core_trains(small, trained, tmp_path, monkeypatch):
    monkeypatch.setattr(main_job, "CHURN_HORIZON_DAYS", HORIZON)
    ctx = JobContext(company=small, source="test", out_dir=tmp_path)
    churn_and_value(ctx)
    shown = ctx.results["churn"]
    tables = demo_tables(small)
    expected = churn_and_value_scores(trained.churn, trained.value, build_features(tables, data_end(tables)),
                                      trained.value_horizon_days)
    assert len(shown) == len(expected) > 100
    columns = ["churn_probability", "expected_purchases", "expected_revenue", "expected_margin"]
    pd.testing.assert_frame_equal(shown[columns], expected[columns], rtol=1e-9)
    # The card the demo reports is the one that measured these models.
    assert ctx.results["churn_card"].metrics == pytest.approx(trained.card.metrics, nan_ok=True)


def test_card_carries_the_rolling_evaluation_at_the_value_horizon(small, trained):
    # A year of history cannot measure a 365-day value: the value covers the churn horizon, and says so.
    assert trained.value_horizon_days == HORIZON
    extra, metrics = trained.card.extra, trained.card.metrics
    assert extra["value_horizon_days"] == HORIZON and extra["value_train_days"] == trained.value.horizon_days
    assert trained.value.horizon_days <= HORIZON
    rolling = extra["rolling_evaluation"]
    assert rolling["anchor"] == trained.value.anchor == trained.evaluation.anchor
    assert len([fold for fold in rolling["folds"] if fold["horizon_days"] == HORIZON]) == 4
    assert metrics["rolling_auc"] == pytest.approx(rolling["summary"]["auc"])
    assert metrics["clv_total_ratio"] == pytest.approx(rolling["summary"]["total_ratio_model_13w"])
    assert metrics["rolling_auc_baseline"] == max(rolling["summary"]["auc_bgnbd_expected"],
                                                  rolling["summary"]["auc_pnbd_alive"])
    # Trained with the parameters the evaluation chose on its earlier folds, and the notes say which.
    value = trained.value
    assert {"correction": value.correction, "learn_spend_scale": value.learn_spend_scale} == rolling["clv_params"]
    assert (f"times {value.spend_scale_:.3f}" in trained.card.notes) == value.learn_spend_scale
    assert ("corrected by the same features" in trained.card.notes) == value.correction
    # The churn model is the one the held-out window measured, not a refit on a later window.
    assert trained.churn.horizon_days == HORIZON
    assert extra["train_cutoff"] == str(trained.train_cutoff.date())
    assert extra["eval_cutoff"] == str(trained.eval_cutoff.date())
    assert trained.eval_cutoff == data_end(demo_tables(small)) - pd.Timedelta(days=HORIZON)


def test_value_horizon_is_the_wanted_one_when_the_history_measures_it(small):
    tables = demo_tables(small)
    assert value_horizon(tables, HORIZON) == HORIZON, "a year of data has no full year after a cut-off"
    assert value_horizon(tables, HORIZON, 180) == 180


def test_no_order_is_a_clear_error():
    tables = demo_tables(generate(seed=3, size="tiny"))
    tables["orders"] = tables["orders"].iloc[0:0]
    with pytest.raises(InsufficientDataError, match="no sale order yet") as raised:
        train_production_models(tables, HORIZON)
    assert raised.value.code == "insufficient_data"


def test_too_short_a_history_is_a_clear_error_and_the_demo_keeps_nothing(tmp_path):
    tiny = generate(seed=3, size="tiny")  # six months of 30 customers
    with pytest.raises(InsufficientDataError) as raised:
        train_production_models(demo_tables(tiny), 180)
    assert raised.value.message
    ctx = JobContext(company=tiny, source="test", out_dir=tmp_path)
    with pytest.raises(InsufficientDataError):
        churn_and_value(ctx)
    assert "churn" not in ctx.results and "churn_card" not in ctx.results
