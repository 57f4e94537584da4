"""Model registry: versions, activation and rollback, bytes roundtrip, tampering refused."""

from __future__ import annotations

import numpy as np
import pytest
from _customer_fixtures import synthetic_company

from ai_insights.churn.model import train_churn_model
from ai_insights.churn.datasets import calibration_holdout
from ai_insights.registry.store import UntrustedModelError, dumps_model, loads_model
from ai_insights.registry.versions import CHURN_TRUSTED_TYPES, ModelRegistry
from crm_bridge.contract.errors import NotFoundError


@pytest.fixture(scope="module")
def trained():
    tables = synthetic_company(300, seed=3)
    model, card = train_churn_model(tables, "2023-10-01", "2024-04-01", horizon_days=180, min_per_class=10)
    return model, card, calibration_holdout(tables, "2024-04-01", 180)[0]


def test_register_activate_rollback_and_load(tmp_path, trained):
    model, card, X = trained
    registry = ModelRegistry(tmp_path / "churn")
    assert registry.versions() == [] and registry.active() is None
    first = registry.register(model, card)
    second = registry.register(model, card)
    assert registry.versions() == [first, second] == ["v0001", "v0002"]
    assert registry.active() == first  # a new version waits for review
    registry.activate(second)
    loaded, loaded_card = registry.load()
    assert loaded_card.version == second and loaded_card.metrics == card.metrics
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X))
    registry.activate(first)  # rollback
    assert registry.load()[1].version == first
    with pytest.raises(NotFoundError):
        registry.activate("v0009")


def test_bytes_roundtrip_for_database_storage(trained):
    model, _, X = trained
    restored = loads_model(dumps_model(model), trusted=CHURN_TRUSTED_TYPES)
    assert restored.score(X.iloc[:20]).equals(model.score(X.iloc[:20]))


def test_tampered_model_is_refused(tmp_path, trained):
    model, card, _ = trained
    registry = ModelRegistry(tmp_path / "churn")
    version = registry.register(model, card)
    model_file = tmp_path / "churn" / version / "model.skops"
    model_file.write_bytes(model_file.read_bytes() + b"\0")
    with pytest.raises(UntrustedModelError):
        registry.load()
    with pytest.raises(UntrustedModelError):
        loads_model(dumps_model(model), trusted=())
