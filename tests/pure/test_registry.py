"""Model registry: the promotion policy, versions, activation and rollback, bytes roundtrip, tampering refused."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from _customer_fixtures import synthetic_company

from ai_insights.churn.datasets import calibration_holdout
from ai_insights.churn.model import train_churn_model
from ai_insights.registry.promotion import DEFAULT_PROMOTION_TOLERANCE, PromotionPolicy
from ai_insights.registry.store import UntrustedModelError, dumps_model, loads_model
from ai_insights.registry.versions import CHURN_TRUSTED_TYPES, ModelRegistry
from crm_bridge.contract.errors import NotFoundError


@pytest.fixture(scope="module")
def trained():
    tables = synthetic_company(300, seed=3)
    model, card = train_churn_model(tables, "2023-10-01", "2024-04-01", horizon_days=180, min_per_class=10)
    return model, card, calibration_holdout(tables, "2024-04-01", 180)[0]


@pytest.mark.parametrize("candidate, current, promote, code", [
    (0.70, None, True, "nothing_in_use"),
    (float("nan"), None, True, "nothing_in_use"),
    (0.70, float("nan"), True, "current_unmeasured"),
    (0.75, 0.70, True, "not_worse"),
    (0.70, 0.70, True, "not_worse"),
    (0.69, 0.70, True, "not_worse"),  # within the tolerance: measured on other data, noise
    (0.67, 0.70, False, "worse"),
    (float("nan"), 0.70, False, "candidate_unmeasured"),
    (None, 0.70, False, "candidate_unmeasured"),
])
def test_promotion_policy(candidate, current, promote, code):
    decision = PromotionPolicy().decide(candidate, current)
    assert (decision.promote, decision.code) == (promote, code)
    assert decision.reason
    if code in ("not_worse", "worse"):
        assert f"{candidate:.3f} against {current:.3f}" in decision.reason


def test_promotion_tolerance():
    assert PromotionPolicy().tolerance == DEFAULT_PROMOTION_TOLERANCE == 0.02
    assert not PromotionPolicy(tolerance=0.0).decide(0.699, 0.70).promote
    assert PromotionPolicy(tolerance=0.1).decide(0.61, 0.70).promote
    for bad in (-0.01, float("nan")):
        with pytest.raises(ValueError):
            PromotionPolicy(tolerance=bad)


def test_register_activate_rollback_and_load(tmp_path, trained):
    model, card, X = trained
    registry = ModelRegistry(tmp_path / "churn")
    assert registry.versions() == [] and registry.active() is None
    first, decision = registry.register(model, card)
    assert decision.promote and decision.code == "nothing_in_use" and registry.active() == first
    worse = replace(card, metrics={**card.metrics, "roc_auc": card.metrics["roc_auc"] - 0.05})
    second, decision = registry.register(model, worse)
    assert registry.versions() == [first, second] == ["v0001", "v0002"]
    assert not decision.promote and decision.code == "worse"
    assert registry.active() == first  # a clearly worse version waits for review
    registry.activate(second)
    loaded, loaded_card = registry.load()
    assert loaded_card.version == second and loaded_card.metrics == worse.metrics
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X))
    registry.activate(first)  # rollback
    assert registry.load()[1].version == first
    with pytest.raises(NotFoundError):
        registry.activate("v0009")
    # About as good as the version in use: the fresher one goes into use, by the same policy as in Odoo.
    third, decision = registry.register(model, card)
    assert decision.promote and decision.code == "not_worse" and registry.active() == third


def test_bytes_roundtrip_for_database_storage(trained):
    model, _, X = trained
    restored = loads_model(dumps_model(model), trusted=CHURN_TRUSTED_TYPES)
    assert restored.score(X.iloc[:20]).equals(model.score(X.iloc[:20]))


def test_tampered_model_is_refused(tmp_path, trained):
    model, card, _ = trained
    registry = ModelRegistry(tmp_path / "churn")
    version, _decision = registry.register(model, card)
    model_file = tmp_path / "churn" / version / "model.skops"
    model_file.write_bytes(model_file.read_bytes() + b"\0")
    with pytest.raises(UntrustedModelError):
        registry.load()
    with pytest.raises(UntrustedModelError):
        loads_model(dumps_model(model), trusted=())
