"""Versioned model registry on disk, on top of :mod:`ai_insights.registry.store`.

Layout under ``root``::

    v0001/   model.skops, card.json, SHA256SUMS   (save_model's directory)
    v0002/   ...
    ACTIVE   the version label in use

Registering a version puts it in use when the promotion policy
(:mod:`ai_insights.registry.promotion`, the rule the Odoo registries follow
too) says so: when nothing is in use, or when its held-out quality is not
lower than the active version's by more than the tolerance. Otherwise it is
kept for review (its card) and can be switched on by hand; ``activate`` of an
older version is the rollback. Each version's bytes are what
:func:`~ai_insights.registry.store.dumps_model` returns, so the Odoo addon can
store the same bytes and card in its database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ai_insights.registry.promotion import PromotionDecision, PromotionPolicy
from ai_insights.registry.store import CARD_FILE, ModelCard, load_model, save_model
from crm_bridge.contract.errors import NotFoundError

__all__ = ["CHURN_TRUSTED_TYPES", "ModelRegistry"]

# Types the churn and lifetime-value models need beyond skops' defaults: trusted on load.
CHURN_TRUSTED_TYPES = (
    "ai_insights.churn.model.ChurnModel",
    "ai_insights.churn.clv.CLVModel",
    "numpy.dtype",
    "scipy.interpolate._bsplines.BSpline",
    "scipy._lib.array_api_compat.numpy._aliases.asarray",  # a harmless function SplineTransformer keeps
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
)

DEFAULT_POLICY = PromotionPolicy()
_VERSION = re.compile(r"^v(\d{4,})$")
_ACTIVE_FILE = "ACTIVE"


class ModelRegistry:
    """Numbered versions of one model family in a directory, one of them active.

    Parameters
    ----------
    root : path
        Directory of the family (created on first registration).
    trusted : sequence of str
        Types to trust when loading, beyond skops' defaults.
    quality_metric : str
        The card metric (higher is better) the promotion policy compares.
    policy : PromotionPolicy
        When a registered version replaces the active one.
    """

    def __init__(
        self,
        root: str | Path,
        trusted: Sequence[str] = CHURN_TRUSTED_TYPES,
        quality_metric: str = "roc_auc",
        policy: PromotionPolicy = DEFAULT_POLICY,
    ) -> None:
        self.root = Path(root)
        self.trusted = tuple(trusted)
        self.quality_metric = quality_metric
        self.policy = policy

    def versions(self) -> list[str]:
        """Registered version labels, oldest first."""
        if not self.root.is_dir():
            return []
        found = [path.name for path in self.root.iterdir() if path.is_dir() and _VERSION.match(path.name)]
        return sorted(found, key=lambda name: int(name[1:]))

    def register(self, estimator: Any, card: ModelCard) -> tuple[str, PromotionDecision]:
        """Save a new version (its card's ``version`` becomes the label) and put it in use if the policy says so.

        Returns
        -------
        version : str
            The new version's label.
        decision : PromotionDecision
            Whether it went into use, and why.
        """
        existing = self.versions()
        version = f"v{int(existing[-1][1:]) + 1 if existing else 1:04d}"
        save_model(estimator, self.root / version, replace(card, version=version))
        active = self.active()
        decision = self.policy.decide(
            card.metrics.get(self.quality_metric),
            None if active is None else self._card(active).metrics.get(self.quality_metric, float("nan")),
        )
        if decision.promote:
            self.activate(version)
        return version, decision

    def active(self) -> str | None:
        """The active version label, or None when nothing was registered."""
        marker = self.root / _ACTIVE_FILE
        return marker.read_text().strip() if marker.is_file() else None

    def activate(self, version: str) -> None:
        """Make ``version`` the one :meth:`load` returns by default (also the rollback)."""
        self._check(version)
        temporary = self.root / (_ACTIVE_FILE + ".tmp")
        temporary.write_text(version + "\n")
        temporary.replace(self.root / _ACTIVE_FILE)  # atomic: readers never see a half-written marker

    def load(self, version: str | None = None) -> tuple[Any, ModelCard]:
        """Load ``version`` (default: the active one) after checking its checksums and types.

        Raises
        ------
        NotFoundError
            When the version does not exist or nothing is active.
        UntrustedModelError
            When the files were altered or need untrusted types.
        """
        version = version or self.active()
        if version is None:
            raise NotFoundError(f"no active model in {self.root}", field="version")
        self._check(version)
        return load_model(self.root / version, trusted=self.trusted)

    def _card(self, version: str) -> ModelCard:
        """The card of a registered version (read to compare qualities; :meth:`load` checks its checksum)."""
        return ModelCard.from_dict(json.loads((self.root / version / CARD_FILE).read_text()))

    def _check(self, version: str) -> None:
        if version not in self.versions():
            raise NotFoundError(f"model version {version!r} is not registered in {self.root}", field="version")
