"""Safe persistence of trained models, each with its model card.

A saved model is a directory holding ``model.skops`` (scikit-learn objects
serialised by skops, which refuses to instantiate any type that is not
explicitly trusted), ``card.json`` and ``SHA256SUMS``. Loading checks the
checksums first and then the types, so a file swapped on disk or a model that
needs an unexpected type is refused instead of executed. Nothing here ever
unpickles.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import skops.io as sio

from crm_bridge.contract.errors import FusionError

__all__ = ["ModelCard", "UntrustedModelError", "dumps_model", "load_model", "loads_model", "save_model"]

MODEL_FILE = "model.skops"
CARD_FILE = "card.json"
SUMS_FILE = "SHA256SUMS"


class UntrustedModelError(FusionError):
    """The model file was altered or needs types nobody declared as trusted."""

    default_code = "untrusted_model"


@dataclass
class ModelCard:
    """What a model is, what it was trained on and how well it does.

    Parameters
    ----------
    name : str
        Model family, e.g. ``"churn"``.
    version : str
        Version label, unique within the family.
    data_window : tuple of str
        First and last date (ISO) of the training data.
    features : dict
        Feature name -> the purpose it serves (minimum viable data).
    metrics : dict
        Metric name -> value on the held-out set.
    trained_at : str
        ISO timestamp, UTC; filled when omitted.
    notes : str
        Anything a reviewer should know (baselines, caveats).
    extra : dict
        JSON-serialisable details (confusion matrices, calibration tables).
    """

    name: str
    version: str
    data_window: tuple[str, str]
    features: dict[str, str]
    metrics: dict[str, float]
    trained_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> ModelCard:
        payload = dict(payload)
        payload["data_window"] = tuple(payload["data_window"])
        return cls(**payload)


def dumps_model(estimator: Any) -> bytes:
    """Serialise an estimator to skops bytes (for storage in a database)."""
    return sio.dumps(estimator)


def loads_model(data: bytes, trusted: Sequence[str] = ()) -> Any:
    """Load skops bytes, refusing any type outside skops' defaults and ``trusted``."""
    untrusted = set(sio.get_untrusted_types(data=data)) - set(trusted)
    if untrusted:
        raise UntrustedModelError(
            "the model needs types that are not trusted: " + ", ".join(sorted(untrusted)),
            details={"untrusted_types": sorted(untrusted)},
        )
    return sio.loads(data, trusted=sorted(set(trusted)) or None)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_model(estimator: Any, directory: str | Path, card: ModelCard) -> Path:
    """Write ``estimator`` and its ``card`` into ``directory`` (created if needed)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MODEL_FILE).write_bytes(dumps_model(estimator))
    (directory / CARD_FILE).write_text(json.dumps(card.to_dict(), indent=2, sort_keys=True, default=str))
    sums = "".join(f"{_digest(directory / name)}  {name}\n" for name in (MODEL_FILE, CARD_FILE))
    (directory / SUMS_FILE).write_text(sums)
    return directory


def load_model(directory: str | Path, trusted: Sequence[str] = ()) -> tuple[Any, ModelCard]:
    """Load a model saved by :func:`save_model`, after checking checksums and types."""
    directory = Path(directory)
    try:
        expected = dict(
            reversed(line.split("  ", 1)) for line in (directory / SUMS_FILE).read_text().splitlines() if line
        )
    except FileNotFoundError as exc:
        raise UntrustedModelError(f"no checksum file in {directory}") from exc
    for name in (MODEL_FILE, CARD_FILE):
        if expected.get(name) != _digest(directory / name):
            raise UntrustedModelError(f"{name} in {directory} does not match its checksum", field=name)
    card = ModelCard.from_dict(json.loads((directory / CARD_FILE).read_text()))
    return loads_model((directory / MODEL_FILE).read_bytes(), trusted), card
