"""Every task's probabilities from one sparse product, without sklearn's per-call checks.

A fitted analyzer has one linear head per task: a logistic regression, or a
linear SVM whose scores per class are calibrated into probabilities
(``CalibratedClassifierCV``, sigmoid or isotonic). sklearn's
``predict_proba`` checks its input, encodes the labels and calls one
calibrator per class, each checking its input again: for a single ticket
those checks were 9 ms of the 10 the three heads took, and the form
analyses one ticket at a time.

:class:`LinearHeads` reads the fitted coefficients once and scores every
task with one product of the feature matrix with their coefficients side
by side (a task's unread columns are zero rows, which add exact zeros), then
turns the scores into probabilities with the fitted calibrators (isotonic:
their interpolation function; sigmoid: their ``predict``) and sklearn's
normalisation, step for step. The probabilities equal sklearn's
``predict_proba`` (``tests/pure/test_nlp_heads.py`` pins it for binary and
multi-class, sigmoid, isotonic and logistic heads). A head of any other kind
is left to its own ``predict_proba``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.extmath import softmax

__all__ = ["LinearHeads"]


def _calibrate(calibrator: BaseEstimator, scores: np.ndarray) -> np.ndarray:
    """``calibrator.predict(scores)``; an isotonic one's interpolation is called directly (same result)."""
    if isinstance(calibrator, IsotonicRegression) and calibrator.out_of_bounds == "clip":
        return calibrator.f_(np.clip(scores, calibrator.X_min_, calibrator.X_max_))
    return calibrator.predict(scores)


class LinearHeads:
    """The probabilities of every task's fitted head (see the module's description).

    Parameters
    ----------
    heads : mapping
        Task -> fitted ``LogisticRegression`` or ``CalibratedClassifierCV``
        (any other estimator with ``predict_proba`` is called as it is).
    task_columns : mapping
        Task -> the feature matrix's columns its head reads; a task missing
        from it reads every column.
    n_features : int
        Columns of the feature matrix.
    """

    def __init__(self, heads: Mapping[str, BaseEstimator], task_columns: Mapping[str, np.ndarray],
                 n_features: int) -> None:
        self.heads = dict(heads)
        self.columns = {task: task_columns.get(task) for task in self.heads}
        coefficients, intercepts = [], []
        # Task -> how to read its block of scores: ("logistic", first, width) or
        # ("calibrated", [(first, width, calibrators, class positions), ...] per calibrated classifier).
        self.readers: dict[str, tuple] = {}
        for task, head in self.heads.items():
            if isinstance(head, LogisticRegression):
                self.readers[task] = ("logistic", sum(map(len, intercepts)), len(head.intercept_))
                linear = [head]
            elif isinstance(head, CalibratedClassifierCV) and head.method in ("sigmoid", "isotonic") and all(
                    hasattr(part.estimator, "coef_") for part in head.calibrated_classifiers_):
                parts, linear, first = [], [], sum(map(len, intercepts))
                for part in head.calibrated_classifiers_:
                    width = len(np.atleast_1d(part.estimator.intercept_))
                    positions = LabelEncoder().fit(part.classes).transform(part.estimator.classes_)
                    parts.append((first, width, part.calibrators, positions))
                    linear.append(part.estimator)
                    first += width
                self.readers[task] = ("calibrated", parts)
            else:
                continue
            for estimator in linear:
                coefficients.append(self._full_width(np.atleast_2d(estimator.coef_), self.columns[task], n_features))
                intercepts.append(np.atleast_1d(estimator.intercept_).astype(np.float64))
        self.coefficients = np.hstack(coefficients) if coefficients else np.zeros((n_features, 0))
        self.intercepts = np.concatenate(intercepts) if intercepts else np.zeros(0)

    @staticmethod
    def _full_width(coef: np.ndarray, columns: np.ndarray | None, n_features: int) -> np.ndarray:
        """``coef`` (outputs x columns read) as a (n_features x outputs) block, zero where unread."""
        if columns is None:
            return np.asarray(coef, dtype=np.float64).T.copy()
        block = np.zeros((n_features, coef.shape[0]))
        block[columns] = coef.T
        return block

    def predict_proba(self, matrix: sp.csr_matrix) -> dict[str, np.ndarray]:
        """Task -> (rows x classes) probabilities, classes in the order of the head's ``classes_``."""
        scores = matrix @ self.coefficients + self.intercepts
        probabilities = {}
        for task, head in self.heads.items():
            reader = self.readers.get(task)
            if reader is None:
                columns = self.columns[task]
                probabilities[task] = head.predict_proba(matrix if columns is None else matrix[:, columns])
            elif reader[0] == "logistic":
                _, first, width = reader
                probabilities[task] = self._logistic(scores[:, first:first + width].copy())
            else:
                probabilities[task] = self._calibrated(scores, reader[1], len(head.classes_))
        return probabilities

    @staticmethod
    def _logistic(decision: np.ndarray) -> np.ndarray:
        """``LogisticRegression.predict_proba`` from its decision scores (binary: one column)."""
        if decision.shape[1] > 1:
            return softmax(decision, copy=False)
        positive = expit(decision[:, 0])
        return np.stack([1 - positive, positive], axis=1)

    @staticmethod
    def _calibrated(scores: np.ndarray, parts: list, n_classes: int) -> np.ndarray:
        """``CalibratedClassifierCV.predict_proba``: each calibrated classifier's probabilities, averaged."""
        mean = np.zeros((scores.shape[0], n_classes))
        for first, width, calibrators, positions in parts:
            proba = np.zeros((scores.shape[0], n_classes))
            for position, column, calibrator in zip(positions, range(first, first + width), calibrators):
                proba[:, position + (n_classes == 2)] = _calibrate(calibrator, scores[:, column])
            if n_classes == 2:
                proba[:, 0] = 1.0 - proba[:, 1]
            else:
                denominator = np.sum(proba, axis=1)[:, np.newaxis]
                uniform = np.full_like(proba, 1 / n_classes)
                proba = np.divide(proba, denominator, out=uniform, where=denominator != 0)
            mean += proba
        mean /= len(parts)
        return mean
