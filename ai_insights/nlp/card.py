"""Held-out evaluation of the ticket classifiers, in the shape a ModelCard stores."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score

__all__ = ["evaluate_task", "expected_calibration_error"]


def expected_calibration_error(correct: np.ndarray, confidence: np.ndarray, bins: int = 10) -> float:
    """Mean gap between stated confidence and accuracy, weighted over confidence bins."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    gap = 0.0
    for index in range(bins):
        in_bin = which == index
        if in_bin.any():
            gap += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(gap)


def evaluate_task(
    task: str,
    y_true: Sequence[str],
    y_pred: Sequence[str],
    confidence: Sequence[float],
    languages: Sequence[str],
    labels: Sequence[str],
) -> tuple[dict[str, float], dict]:
    """Macro-F1 overall and per language, calibration error and confusion matrix of one task.

    Returns
    -------
    metrics : dict
        ``macro_f1_<task>``, ``macro_f1_<task>_<language>`` for each language
        present, ``ece_<task>`` (expected calibration error of the confidence).
    extra : dict
        ``{"labels": [...], "matrix": [[...]]}``, rows true labels, columns predictions.
    """
    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    languages = np.asarray(languages, dtype=object)
    labels = list(labels)
    metrics = {f"macro_f1_{task}": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0))}
    for language in sorted(set(languages)):
        mask = languages == language
        present = sorted(set(y_true[mask]))
        metrics[f"macro_f1_{task}_{language}"] = float(
            f1_score(y_true[mask], y_pred[mask], labels=present, average="macro", zero_division=0)
        )
    metrics[f"ece_{task}"] = expected_calibration_error(y_true == y_pred, np.asarray(confidence, dtype=float))
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    return metrics, {"labels": labels, "matrix": matrix.tolist()}
