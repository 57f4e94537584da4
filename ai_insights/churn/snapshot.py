"""Churn from a snapshot table: one row per customer, its attributes and a churn flag.

Some companies (telecoms, subscriptions) keep no order history the feature
builder could read, only a table of customers as they are now with whether
they left. :class:`SnapshotChurnModel` learns from such a table: numeric
columns through the same spline logistic regression as
:class:`~ai_insights.churn.model.ChurnModel` (median imputation with a
missing indicator, cubic splines at quantile knots), categorical columns one-hot
encoded; and gradient boosting on the same columns. Which of the two serves is
chosen by ROC-AUC on a validation share of the training rows only, then the chosen
one is calibrated on out-of-fold predictions.

:func:`snapshot_from_table` checks and splits a table;
:func:`evaluate_snapshot` measures the model next to logistic regression and
gradient boosting on the same stratified folds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, SplineTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted

from crm_bridge.contract.errors import InsufficientDataError, ValidationError

__all__ = ["SnapshotChurnModel", "snapshot_from_table", "evaluate_snapshot", "SNAPSHOT_BASELINES"]

# The baselines every snapshot figure is reported next to.
SNAPSHOT_BASELINES = ("lr", "gbm")
_NUMERIC = make_column_selector(dtype_include="number")
_CATEGORICAL = make_column_selector(dtype_exclude="number")


def snapshot_from_table(
    table: pd.DataFrame, churn_column: str = "churn", positive=("yes", "Yes", 1, True), id_column: str | None = None
) -> tuple[pd.DataFrame, pd.Series]:
    """Split a snapshot table into attributes and a 0/1 churn flag.

    Parameters
    ----------
    table : DataFrame
        One row per customer.
    churn_column : str
        The column saying whether the customer left.
    positive : sequence
        Values of ``churn_column`` that mean "left"; any other value means stayed.
    id_column : str, optional
        A customer identifier: becomes the index, never an attribute.

    Raises
    ------
    ValidationError
        When the churn column is missing, has empty values, or an identifier
        repeats.
    """
    if churn_column not in table.columns:
        raise ValidationError(f"the snapshot has no {churn_column!r} column", code="missing_column",
                              field=churn_column)
    if table[churn_column].isna().any():
        raise ValidationError(f"{int(table[churn_column].isna().sum())} rows have no churn flag",
                              code="missing_value", field=churn_column)
    X = table.drop(columns=[churn_column])
    if id_column is not None:
        if X[id_column].duplicated().any():
            raise ValidationError(f"{id_column!r} repeats: a snapshot has one row per customer",
                                  code="duplicate", field=id_column)
        X = X.set_index(id_column)
    churned = table[churn_column].isin(list(positive)).astype(int)
    churned.index = X.index
    return X, churned.rename("churned")


def _spline_logit(n_knots: int, C: float) -> Pipeline:
    numeric = make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True),
        SplineTransformer(n_knots=n_knots, knots="quantile", extrapolation="constant"),
    )
    categorical = OneHotEncoder(handle_unknown="ignore", min_frequency=5)
    return make_pipeline(
        ColumnTransformer([("numeric", numeric, _NUMERIC), ("categorical", categorical, _CATEGORICAL)]),
        LogisticRegression(C=C, max_iter=3000),
    )


def _boosting(random_state: int) -> Pipeline:
    categorical = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1)
    return make_pipeline(
        ColumnTransformer([("categorical", categorical, _CATEGORICAL)], remainder="passthrough",
                          verbose_feature_names_out=False),
        HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=random_state),
    ).set_output(transform="pandas")


def baseline_estimator(name: str, random_state: int = 0) -> Pipeline:
    """The plain baselines: ``"lr"`` (one-hot and standardised logistic regression) or ``"gbm"``."""
    if name == "lr":
        numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
        return make_pipeline(
            ColumnTransformer([("numeric", numeric, _NUMERIC),
                               ("categorical", OneHotEncoder(handle_unknown="ignore"), _CATEGORICAL)]),
            LogisticRegression(max_iter=3000),
        )
    if name == "gbm":
        return _boosting(random_state)
    raise ValidationError(f"unknown baseline {name!r}; one of {SNAPSHOT_BASELINES}", field="name")


class SnapshotChurnModel(ClassifierMixin, BaseEstimator):
    """Calibrated churn probability from a snapshot's attributes (numeric and categorical columns).

    Parameters
    ----------
    candidates : sequence of {"splines", "boosting"}
        Learners compared by ROC-AUC on a stratified ``validation_size``
        share of the training rows, having learnt on the rest; the best is
        refitted on them all and calibrated.
    validation_size : float
        Share of the training rows the choice is judged on.
    n_knots, C : int, float
        The spline logistic regression's knots per numeric column and inverse
        regularisation.
    cv : int
        Folds of the calibration.
    method : {"sigmoid", "isotonic"}
        Calibration.
    min_customers, min_per_class : int
        Fewer rows, or fewer churners or stayers, raise :class:`InsufficientDataError`.
    random_state : int
        Seed of the folds and of the boosting.
    """

    def __init__(
        self,
        candidates: Sequence[str] = ("splines", "boosting"),
        validation_size: float = 0.25,
        n_knots: int = 6,
        C: float = 1.0,
        cv: int = 3,
        method: str = "sigmoid",
        min_customers: int = 100,
        min_per_class: int = 20,
        random_state: int = 0,
    ) -> None:
        self.candidates = candidates
        self.validation_size = validation_size
        self.n_knots = n_knots
        self.C = C
        self.cv = cv
        self.method = method
        self.min_customers = min_customers
        self.min_per_class = min_per_class
        self.random_state = random_state

    def _candidate(self, name: str) -> Pipeline:
        if name == "splines":
            return _spline_logit(self.n_knots, self.C)
        if name == "boosting":
            return _boosting(self.random_state)
        raise ValidationError(f"unknown candidate {name!r}; use 'splines' or 'boosting'", field="candidates")

    def fit(self, X: pd.DataFrame, y) -> SnapshotChurnModel:
        """Choose the learner on ``X`` and ``y`` (1 = churned) by cross-validation, then fit and calibrate it."""
        y = np.asarray(y, dtype=int)
        churners = int(y.sum())
        if len(y) < self.min_customers or min(churners, len(y) - churners) < self.min_per_class:
            raise InsufficientDataError(
                f"{len(y)} customers, {churners} churned: at least {self.min_customers} customers and"
                f" {self.min_per_class} of each kind are needed", field="X")
        X = _typed(X)
        fit_rows, check_rows = train_test_split(np.arange(len(y)), test_size=self.validation_size, stratify=y,
                                                random_state=self.random_state)
        self.validation_auc_ = {
            name: float(roc_auc_score(y[check_rows], self._candidate(name).fit(X.iloc[fit_rows], y[fit_rows])
                                      .predict_proba(X.iloc[check_rows])[:, 1]))
            for name in self.candidates
        }
        self.chosen_ = max(self.validation_auc_, key=self.validation_auc_.get)
        self.calibrated_ = CalibratedClassifierCV(clone(self._candidate(self.chosen_)), method=self.method,
                                                  cv=self.cv, ensemble=False).fit(X, y)
        self.classes_ = self.calibrated_.classes_
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Columns: probability of staying, probability of churning."""
        check_is_fitted(self, "calibrated_")
        return self.calibrated_.predict_proba(_typed(X)[list(self.feature_names_in_)])


def _typed(X: pd.DataFrame) -> pd.DataFrame:
    """Text columns as pandas categories (the boosting reads them natively); numbers unchanged."""
    text = [column for column in X.columns if not pd.api.types.is_numeric_dtype(X[column])]
    return X.astype(dict.fromkeys(text, "category")) if text else X


def evaluate_snapshot(X: pd.DataFrame, y, folds: int = 3, random_state: int = 0, **params) -> dict[str, object]:
    """ROC-AUC of :class:`SnapshotChurnModel` and of the baselines on the same stratified folds.

    Returns
    -------
    dict
        ``auc``, ``auc_lr``, ``auc_gbm`` (means over the folds), each with
        ``_sd`` and ``_folds`` (the list of fold values), and
        ``chosen_splines`` (folds on which the spline model was chosen).
    """
    y = np.asarray(y, dtype=int)
    X = _typed(X)
    scores: dict[str, list[float]] = {"auc": [], **{f"auc_{name}": [] for name in SNAPSHOT_BASELINES}}
    chosen = 0
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=random_state).split(X, y):
        model = SnapshotChurnModel(random_state=random_state, **params).fit(X.iloc[train], y[train])
        chosen += model.chosen_ == "splines"
        scores["auc"].append(roc_auc_score(y[test], model.predict_proba(X.iloc[test])[:, 1]))
        for name in SNAPSHOT_BASELINES:
            baseline = baseline_estimator(name, random_state).fit(X.iloc[train], y[train])
            scores[f"auc_{name}"].append(roc_auc_score(y[test], baseline.predict_proba(X.iloc[test])[:, 1]))
    result: dict = {}
    for name, values in scores.items():
        result[name] = float(np.mean(values))
        result[f"{name}_sd"] = float(np.std(values, ddof=1))
        result[f"{name}_folds"] = [float(value) for value in values]
    result["chosen_splines"] = float(chosen)
    return result
