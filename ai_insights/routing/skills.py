"""How well each person handles each kind of item, learned from their history.

One model serves leads (does this salesperson win this kind of lead?) and
tickets (how many hours does this agent need for this kind of ticket?): a
regularised linear model on the item's features, the person, and the person
crossed with each feature. The penalty shrinks a person's skill on a kind of
item they rarely saw towards their overall skill and the team's average for
that kind, which is what makes thin histories usable.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, clone
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegressionCV, RidgeCV
from threadpoolctl import threadpool_limits

from crm_bridge.contract.errors import ValidationError

__all__ = ["PersonSkillModel"]

MIN_HISTORY = 30


def _neg_log_loss(estimator, matrix, y) -> float:
    """Cross-validation's score: the mean log-likelihood of the held-out outcomes (scikit-learn's
    ``neg_log_loss``, clipped as it clips), without its input checks, which cost as much as the fits here."""
    won = np.clip(estimator.predict_proba(matrix)[:, 1], np.finfo(float).eps, 1 - np.finfo(float).eps)
    return float(np.mean(np.where(y == 1, np.log(won), np.log1p(-won))))


def _pair_rows(items: pd.DataFrame, features: Sequence[str], people: np.ndarray) -> list[dict[str, float]]:
    """One feature dict per (item, person) pair: the item's kinds, the person, and both crossed."""
    values = items[list(features)].astype(str).to_numpy()
    rows = []
    for item_values, person in zip(values, people):
        row = {f"person={person}": 1.0}
        for name, value in zip(features, item_values):
            row[f"{name}={value}"] = 1.0
            row[f"person={person}|{name}={value}"] = 1.0
        rows.append(row)
    return rows


class PersonSkillModel(BaseEstimator):
    """Predict an outcome for every (item, person) pair.

    Parameters
    ----------
    features : sequence of str
        Categorical columns of the items (language, segment, product category...).
    outcome : {"binary", "continuous"}
        ``"binary"``: probability of success (won lead), by cross-validated
        logistic regression. ``"continuous"``: expected value of a number
        (log resolution hours), by cross-validated ridge regression.

    Attributes
    ----------
    people_ : numpy.ndarray
        The people seen in training.
    history_ : int
        Number of training rows.
    """

    def __init__(self, features: Sequence[str] = ("lang",), outcome: str = "binary"):
        self.features = features
        self.outcome = outcome

    def _estimator(self):
        if self.outcome == "binary":
            return LogisticRegressionCV(Cs=np.logspace(-2, 1, 6), cv=3, scoring=_neg_log_loss, max_iter=2000)
        if self.outcome == "continuous":
            return RidgeCV(alphas=np.logspace(-1, 3, 9))
        raise ValidationError(f"Unknown outcome {self.outcome!r}: use 'binary' or 'continuous'.",
                              code="invalid_value", field="outcome")

    def fit(self, items: pd.DataFrame, people: Sequence, y: Sequence) -> PersonSkillModel:
        """Learn from past items, who handled each, and what came of it.

        Raises
        ------
        ValidationError
            With fewer than ``MIN_HISTORY`` rows, a missing feature column, or
            (binary) outcomes of a single class: too little to learn a skill from.
        """
        missing = [name for name in self.features if name not in items.columns]
        if missing:
            raise ValidationError(f"Missing columns {missing}.", code="missing_columns", field="items",
                                  details={"missing": missing})
        people, y = np.asarray(people), np.asarray(y, dtype=float)
        if len(items) != len(people) or len(items) != len(y):
            raise ValidationError("items, people and y must have the same length.", code="invalid_shape",
                                  field="items")
        if len(items) < MIN_HISTORY or (self.outcome == "binary" and len(np.unique(y)) < 2):
            raise ValidationError(f"Too little history to learn skills ({len(items)} rows, at least "
                                  f"{MIN_HISTORY} with both outcomes).", code="insufficient_data", field="items",
                                  details={"rows": len(items)})
        self.vectorizer_ = DictVectorizer()
        matrix = self.vectorizer_.fit_transform(_pair_rows(items, self.features, people))
        # One thread: a few thousand rows are less work than waking BLAS and OpenMP threads, which on a
        # busy machine wait for a core (the refit took 5.2 s with two threads at a load of 10, 1.4 s with one).
        with warnings.catch_warnings(), threadpool_limits(limits=1):
            # scikit-learn announces future defaults of LogisticRegressionCV; ours are set explicitly.
            warnings.simplefilter("ignore", FutureWarning)
            self.estimator_ = clone(self._estimator()).fit(matrix, y.astype(int) if self.outcome == "binary" else y)
        self.people_ = np.unique(people)
        self.history_ = len(items)
        return self

    def _pair_matrix(self, items: pd.DataFrame, people: np.ndarray) -> sparse.csr_matrix:
        """The fitted vectorizer's matrix of every (item, person) pair, row ``i * len(people) + j``.

        What ``vectorizer_.transform(_pair_rows(...))`` gives, built from the vocabulary with
        array lookups (one per distinct value, not one dict per pair): features unseen in training
        are left out, as the vectorizer does.
        """
        vocabulary = self.vectorizer_.vocabulary_
        n_items, n_people = len(items), len(people)
        person_text = np.array([str(person) for person in people], dtype=object)
        columns = [np.broadcast_to(np.array([vocabulary.get(f"person={p}", -1) for p in person_text]),
                                   (n_items, n_people))]
        for name in self.features:
            values, index = np.unique(items[name].astype(str).to_numpy(), return_inverse=True)
            own = np.array([vocabulary.get(f"{name}={value}", -1) for value in values])
            crossed = np.array([[vocabulary.get(f"person={p}|{name}={value}", -1) for p in person_text]
                                for value in values]).reshape(len(values), n_people)
            columns += [np.broadcast_to(own[index][:, None], (n_items, n_people)), crossed[index]]
        cols = np.stack([np.asarray(column).reshape(-1) for column in columns], axis=1)
        rows = np.repeat(np.arange(n_items * n_people), cols.shape[1])
        cols = cols.reshape(-1)
        known = cols >= 0
        return sparse.csr_matrix((np.ones(int(known.sum())), (rows[known], cols[known])),
                                 shape=(n_items * n_people, len(vocabulary)))

    def predict_matrix(self, items: pd.DataFrame, people: Sequence) -> np.ndarray:
        """The predicted outcome of every item with every person, shape (items, people).

        A person absent from training gets the team's average for the item.
        """
        matrix = self._pair_matrix(items, np.asarray(people))
        if self.outcome == "binary":
            predicted = self.estimator_.predict_proba(matrix)[:, 1]
        else:
            predicted = self.estimator_.predict(matrix)
        return predicted.reshape(len(items), len(people))
