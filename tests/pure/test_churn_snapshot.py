"""Churn from a snapshot table: checked input, a model that learns numbers and categories, fair comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from ai_insights.churn.snapshot import SnapshotChurnModel, evaluate_snapshot, snapshot_from_table
from crm_bridge.contract.errors import InsufficientDataError, ValidationError


def snapshot(n: int = 800, seed: int = 0) -> pd.DataFrame:
    """Month-to-month contracts and many service calls churn; a U-shaped effect of tenure."""
    rng = np.random.default_rng(seed)
    contract = rng.choice(["month", "year", "two years"], n)
    calls = rng.poisson(1.5, n)
    tenure = rng.uniform(0, 72, n)
    logit = -2 + 2.0 * (contract == "month") + 0.6 * calls + 0.002 * (tenure - 36) ** 2 - 1.0
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame({"customer": np.arange(n), "contract": contract, "service_calls": calls,
                         "tenure": tenure, "churn": np.where(churned, "Yes", "No")})


def test_table_is_split_and_checked():
    table = snapshot(50)
    X, churned = snapshot_from_table(table, id_column="customer")
    assert list(X.columns) == ["contract", "service_calls", "tenure"] and X.index.name == "customer"
    assert churned.tolist() == (table["churn"] == "Yes").astype(int).tolist()
    with pytest.raises(ValidationError) as missing:
        snapshot_from_table(table.drop(columns=["churn"]))
    assert missing.value.code == "missing_column"
    with pytest.raises(ValidationError):
        snapshot_from_table(table.assign(churn=table["churn"].where(table.index > 0)))
    with pytest.raises(ValidationError):
        snapshot_from_table(table.assign(customer=0), id_column="customer")


def test_model_learns_categories_and_curves_with_calibrated_probabilities():
    X, churned = snapshot_from_table(snapshot(1500), id_column="customer")
    train, test = slice(0, 1000), slice(1000, None)
    model = SnapshotChurnModel().fit(X.iloc[train], churned.iloc[train])
    assert model.chosen_ in ("splines", "boosting") and set(model.validation_auc_) == {"splines", "boosting"}
    probability = model.predict_proba(X.iloc[test])[:, 1]
    assert ((probability >= 0) & (probability <= 1)).all()
    assert roc_auc_score(churned.iloc[test], probability) > 0.75
    assert abs(probability.mean() - churned.iloc[test].mean()) < 0.05
    with pytest.raises(InsufficientDataError):
        SnapshotChurnModel().fit(X.iloc[:50], churned.iloc[:50])


def test_comparison_uses_the_same_folds_for_every_learner():
    X, churned = snapshot_from_table(snapshot(600, seed=1), id_column="customer")
    figures = evaluate_snapshot(X, churned, folds=3)
    for name in ("auc", "auc_lr", "auc_gbm"):
        assert len(figures[f"{name}_folds"]) == 3 and 0.5 < figures[name] <= 1
        assert figures[f"{name}_sd"] == pytest.approx(np.std(figures[f"{name}_folds"], ddof=1))
    assert 0 <= figures["chosen_splines"] <= 3
