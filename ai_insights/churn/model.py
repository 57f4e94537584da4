"""Churn risk per customer: calibrated probabilities with reasons in words.

A customer *churns* when they make no purchase within ``horizon_days`` after
the cut-off. :class:`ChurnModel` is a spline logistic regression on the
declared fused features and on the logit of BG/NBD's own probability of
no purchase in the horizon (:func:`baseline_no_purchase`), calibrated on
out-of-fold predictions. Reasons come from an exact, vectorised attribution:
the change in probability when one feature of the customer is replaced by
the population's median.

Why the baseline's probability is an input: a classifier learns at a cut-off
before the one it scores, where customers are younger and no recency exceeds
the history then (on CDNOW, 42 days at the 26-week folds' training cut-off),
and its splines stay flat beyond what it saw, so it cannot rank the older
lapses it is scored on. BG/NBD's probability of no purchase (fitted on
the training customers, applied to each customer's history as of the
scoring date) carries the time dynamics to any customer age and recency;
the splines only correct it.
Every declared feature stays an input, so the reasons in words stay; the
baseline's input has no reason of its own. Tried on CDNOW's rolling folds
whose outcomes end by the last cut-off (with Pareto/NBD as the input) and
not kept: scoring the customers
outside the training range of recency with the baseline alone (mean ROC-AUC
0.773 against 0.777 over the three 13-week ones), refitting the baseline on
the customers being scored (0.748 against 0.751 over the six), and
Pareto/NBD's probability of no purchase instead of BG/NBD's (see
:data:`BASELINE_ANCHOR`).

:func:`train_churn_model` trains on the window after cut-off ``T1`` and
evaluates on the later window after ``T2``, next to the honest baselines
(BG/NBD's expected purchases, Pareto/NBD's probability alive), and returns the model with its :class:`ModelCard`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import SplineTransformer
from sklearn.utils.validation import check_is_fitted

from ai_insights.churn.clv import fit_rfm_model, no_purchase_probability, rfm_forecast, rfm_from_features
from ai_insights.churn.datasets import calibration_holdout
from ai_insights.churn.features import check_declared, churn_reasons, feature_purposes
from ai_insights.registry.store import ModelCard
from crm_bridge.contract.errors import InsufficientDataError, ValidationError

__all__ = ["BASELINE_ANCHOR", "ChurnModel", "EXPLAIN_COLUMNS", "baseline_no_purchase", "churn_metrics",
           "fit_baseline", "honest_churn_baselines", "train_churn_model"]

# The buy-till-you-die model whose churn probability the classifier learns on (ChurnModel): BG/NBD, in closed form.
# With Pareto/NBD's instead the model ranks as well on CDNOW's six rolling folds that end by the last cut-off (mean
# ROC-AUC 0.751 both), but lifetimes computes it through Gauss hypergeometric functions that converge slowly where
# the fitted dropout rate is near zero (the demo company: s 164, beta 716,567): 0.34 ms a customer, about 35 s for
# the 100,000 customers a scoring must handle in under 10 s.
BASELINE_ANCHOR = "bgnbd"
# Probabilities are kept this far from 0 and 1 before their logit.
_EDGE = 1e-6

# Columns of ChurnModel.explain(), one row per customer and reason: ``reason`` in English, ``why`` the same reason as
# a code and figures (``crm_bridge.contract.reasons.Reason.to_dict``) for a reader in another language.
EXPLAIN_COLUMNS = ("customer_id", "rank", "feature", "direction", "impact", "value", "typical", "reason", "why")


class ChurnModel(ClassifierMixin, BaseEstimator):
    """Calibrated probability of no purchase within ``horizon_days``, with reasons.

    A logistic regression on cubic splines of each feature (missing values
    imputed with the median plus a missing-indicator) and on the logit of
    the baseline's probability of no purchase in ``horizon_days``
    (:func:`baseline_no_purchase`: BG/NBD fitted on the training
    customers, ``baseline_params_``, applied to each scored customer's
    history as of the scoring date), so each feature's
    effect is a smooth curve and its contribution to a customer's score is
    exact and cheap: ``weights . (splines(value) - splines(median))``.

    Parameters
    ----------
    horizon_days : int
        Churn window after the cut-off the labels were computed with.
    method : {"sigmoid", "isotonic"}
        Calibration of the scores, fitted on out-of-fold predictions.
    cv : int
        Folds of the calibration.
    n_knots : int
        Spline knots per feature, at quantiles of the training values.
    C : float
        Inverse L2 regularisation strength of the logistic regression.
    min_customers, min_per_class : int
        Fewer training customers, or fewer churners or stayers, raise
        :class:`InsufficientDataError`.
    """

    def __init__(
        self,
        horizon_days: int = 180,
        method: str = "sigmoid",
        cv: int = 5,
        n_knots: int = 6,
        C: float = 1.0,
        min_customers: int = 100,
        min_per_class: int = 20,
    ) -> None:
        self.horizon_days = horizon_days
        self.method = method
        self.cv = cv
        self.n_knots = n_knots
        self.C = C
        self.min_customers = min_customers
        self.min_per_class = min_per_class

    def fit(self, X: pd.DataFrame, y) -> ChurnModel:
        """Fit on declared features ``X`` (as of one cut-off) and labels ``y`` (1 = churned)."""
        self.feature_names_in_ = np.asarray(check_declared(X.columns), dtype=object)
        y = np.asarray(y, dtype=int)
        churners = int(y.sum())
        if len(y) < self.min_customers or min(churners, len(y) - churners) < self.min_per_class:
            raise InsufficientDataError(
                f"{len(y)} customers, {churners} churned and {len(y) - churners} stayed: at least"
                f" {self.min_customers} customers and {self.min_per_class} of each kind are needed",
                field="X",
                details={"customers": len(y), "churned": churners},
            )
        # A feature nobody has (e.g. from a missing table) teaches nothing.
        self.features_used_ = [name for name in self.feature_names_in_ if X[name].notna().any()]
        self.baseline_params_ = fit_baseline(X)
        baseline = baseline_no_purchase(X, self.baseline_params_, [self.horizon_days])[0]
        width = len(self.features_used_)
        scorer = Pipeline(
            [
                ("impute", SimpleImputer(strategy="median", add_indicator=True)),
                (
                    "expand",
                    ColumnTransformer(
                        [("splines", SplineTransformer(n_knots=self.n_knots, knots="quantile",
                                                       extrapolation="constant"), list(range(width)))],
                        remainder="passthrough",
                    ),
                ),
                ("logit", LogisticRegression(C=self.C, max_iter=2000)),
            ]
        )
        # ensemble=False: one scorer plus one calibrator, so contributions stay exact.
        self.calibrated_ = CalibratedClassifierCV(scorer, method=self.method, cv=self.cv, ensemble=False)
        self.calibrated_.fit(self._with_baseline(X, baseline), y)
        self.classes_ = self.calibrated_.classes_
        self.typical_ = self.calibrated_.calibrated_classifiers_[0].estimator["impute"].statistics_
        return self

    def _with_baseline(self, X: pd.DataFrame, baseline: np.ndarray) -> np.ndarray:
        """The scorer's input: the used features, then the baseline's logit when the model learnt with it."""
        matrix = X[self.features_used_].to_numpy(dtype=float)
        if not self._learnt_on_baseline():
            return matrix
        with np.errstate(divide="ignore"):
            edge = np.clip(baseline, _EDGE, 1 - _EDGE)
            return np.column_stack([matrix, np.log(edge / (1 - edge))])

    def _learnt_on_baseline(self) -> bool:
        # A version stored before the baseline became an input (an Odoo database's active model) has no parameters.
        return getattr(self, "baseline_params_", None) is not None

    def _matrix(self, X: pd.DataFrame, horizon_days: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The scorer's input for ``X``, and per customer the factor from this model's horizon to ``horizon_days``."""
        check_is_fitted(self, "calibrated_")
        check_declared(X.columns)
        horizons = [self.horizon_days] if horizon_days in (None, self.horizon_days) else [self.horizon_days,
                                                                                           horizon_days]
        none = baseline_no_purchase(X, getattr(self, "baseline_params_", None), horizons)
        extension = np.ones(len(X))
        if len(horizons) > 1:
            with np.errstate(all="ignore"):
                extension = np.nan_to_num(none[1] / none[0], nan=1.0, posinf=1.0)
        return self._with_baseline(X, none[0]), extension

    def predict_proba(self, X: pd.DataFrame, horizon_days: float | None = None) -> np.ndarray:
        """Columns: probability of staying, probability of churning (no purchase in ``horizon_days``).

        ``horizon_days`` defaults to the horizon the model learnt. At another
        horizon the learnt probability is carried over by the baseline:
        P(none in ``horizon_days``) = P(none in the learnt horizon) x the
        baseline's P(none in ``horizon_days``) / its P(none in the learnt
        horizon), its chance of no purchase in the extra days given none in
        the learnt ones (capped at 1).
        """
        matrix, extension = self._matrix(X, horizon_days)
        churn = np.clip(self.calibrated_.predict_proba(matrix)[:, 1] * extension, 0.0, 1.0)
        return np.column_stack([1 - churn, churn])

    def attributions(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Churn probability and, per used feature, how much the customer's value moves it.

        Returns ``(probability, impact)`` with ``impact[i, j]`` = probability
        minus the probability with feature ``j`` at the population median;
        0 where the customer's value is missing. The baseline's input is not
        a feature: it has no impact of its own (no reason in words).
        """
        matrix, _ = self._matrix(X)
        fitted = self.calibrated_.calibrated_classifiers_[0]
        scorer, calibrator = fitted.estimator, fitted.calibrators[0]
        width, n_splines = len(self.features_used_), scorer["expand"].named_transformers_["splines"].n_features_out_
        per_feature = n_splines // width
        weights = scorer["logit"].coef_[0][:n_splines].reshape(width, per_feature)
        splines = scorer["expand"].transform(scorer["impute"].transform(matrix))[:, :n_splines]
        median_splines = scorer["expand"].transform(scorer["impute"].transform(self.typical_[None, :]))[0, :n_splines]
        contribution = ((splines - median_splines).reshape(-1, width, per_feature) * weights).sum(axis=2)
        contribution[np.isnan(matrix[:, :width])] = 0.0
        decision = scorer.decision_function(matrix)
        probability = calibrator.predict(decision)
        without = calibrator.predict((decision[:, None] - contribution).ravel()).reshape(contribution.shape)
        return probability, probability[:, None] - without

    def explain(self, X: pd.DataFrame, top: int = 3) -> pd.DataFrame:
        """The ``top`` strongest reasons per customer, both directions, in words.

        Returns
        -------
        DataFrame
            Columns :data:`EXPLAIN_COLUMNS`: ``direction`` is ``"raises risk"``
            or ``"lowers risk"``, ``impact`` the probability change, ``reason``
            a sentence for a salesperson (English), ``why`` the same reason as a
            dict of ``code``, ``message`` and ``params`` (``Reason.to_dict``),
            which ``crm_bridge.contract.reasons.render`` says in any language.
        """
        _, impact = self.attributions(X)
        return self._reasons(X, impact, top, only_raising=False)

    def score(self, X: pd.DataFrame, top: int = 3) -> pd.DataFrame:
        """Per customer: ``churn_probability``, ``reason_1`` .. ``reason_<top>`` and ``reasons``.

        The reasons are the factors that raise the risk most, strongest first:
        ``reason_<rank>`` in English (empty strings when fewer factors raise
        it), ``reasons`` the same as a list of ``Reason.to_dict`` dicts (code,
        English message, figures), for readers in another language.
        """
        probability, impact = self.attributions(X)
        result = pd.DataFrame({"churn_probability": probability}, index=X.index)
        reasons = self._reasons(X, impact, top, only_raising=True)
        wide = reasons.pivot(index="customer_id", columns="rank", values="reason")
        for rank in range(1, top + 1):
            column = wide[rank] if rank in wide.columns else pd.Series(dtype=object)
            result[f"reason_{rank}"] = column.reindex(result.index).fillna("").to_numpy()
        structured = {}
        for customer, reason in zip(reasons["customer_id"], reasons["why"]):  # rows in rank order
            structured.setdefault(customer, []).append(reason)
        result["reasons"] = [structured.get(customer, []) for customer in result.index]
        return result

    def _reasons(self, X: pd.DataFrame, impact: np.ndarray, top: int, only_raising: bool) -> pd.DataFrame:
        strength = np.where(impact > 0, impact, 0.0) if only_raising else np.abs(impact)
        order = np.argsort(-strength, axis=1, kind="stable")[:, :top]
        rows, ranks = np.nonzero(np.take_along_axis(strength, order, axis=1) > 0)
        columns = order[rows, ranks]
        names = np.asarray(self.features_used_, dtype=object)[columns]
        values = X[self.features_used_].to_numpy(dtype=float)[rows, columns]
        typical = self.typical_[columns]
        why = churn_reasons(X.iloc[rows], names, typical)
        return pd.DataFrame(
            {
                "customer_id": X.index.to_numpy()[rows],
                "rank": ranks + 1,
                "feature": names,
                "direction": np.where(impact[rows, columns] > 0, "raises risk", "lowers risk"),
                "impact": impact[rows, columns],
                "value": values,
                "typical": typical,
                "reason": [reason["message"] for reason in why],
                "why": why,
            },
            columns=list(EXPLAIN_COLUMNS),
        )


_RFM_COLUMNS = {"frequency", "recency_days", "tenure_days"}


def fit_baseline(X: pd.DataFrame) -> dict[str, float] | None:
    """:data:`BASELINE_ANCHOR`'s parameters fitted on ``X``'s buyers (features as of one cut-off).

    ``None`` when it does not converge, fewer than two customers bought, or
    ``X`` lacks ``frequency``, ``recency_days`` or ``tenure_days``.
    """
    if not set(X.columns) >= _RFM_COLUMNS or (X["frequency"].to_numpy(dtype=float) >= 1).sum() < 2:
        return None
    try:
        return fit_rfm_model(rfm_from_features(X[X["frequency"] >= 1]), BASELINE_ANCHOR)
    except InsufficientDataError:
        return None


def baseline_no_purchase(X: pd.DataFrame, params: Mapping[str, float] | None, horizons_days) -> list[np.ndarray]:
    """Per horizon, each customer's probability of no purchase in it under :data:`BASELINE_ANCHOR`'s ``params``.

    Each customer's history as of ``X``'s cut-off under the parameters
    :func:`fit_baseline` gave; NaN for customers without a purchase, and for
    everyone without parameters.
    """
    none = [np.full(len(X), np.nan) for _ in horizons_days]
    if params is None or not set(X.columns) >= _RFM_COLUMNS:
        return none
    bought = X["frequency"].to_numpy(dtype=float) >= 1
    summary = rfm_from_features(X[bought])
    for values, horizon in zip(none, horizons_days):
        values[bought] = no_purchase_probability(summary, dict(params), BASELINE_ANCHOR, horizon)
    return none


def churn_metrics(churned, probability, bins: int = 10) -> tuple[dict[str, float], list[dict[str, float]]]:
    """ROC-AUC, PR-AUC, Brier score, and a calibration table over probability quantile bins."""
    churned = np.asarray(churned, dtype=int)
    probability = np.asarray(probability, dtype=float)
    metrics = {
        "roc_auc": float(roc_auc_score(churned, probability)),
        "pr_auc": float(average_precision_score(churned, probability)),
        "brier": float(brier_score_loss(churned, probability)),
        "churn_rate": float(churned.mean()),
    }
    groups = pd.qcut(probability, bins, duplicates="drop", labels=False)
    table = (
        pd.DataFrame({"group": groups, "predicted": probability, "observed": churned})
        .groupby("group")
        .agg(predicted=("predicted", "mean"), observed=("observed", "mean"), customers=("observed", "size"))
    )
    return metrics, [{k: float(v) for k, v in row.items()} for row in table.to_dict("records")]


def honest_churn_baselines(X: pd.DataFrame, horizon_days: float) -> dict[str, np.ndarray]:
    """Churn rankings of the buy-till-you-die models, fitted on ``X``'s customers (features as of the cut-off).

    ``"bgnbd_expected"``: minus BG/NBD's expected purchases in the horizon
    (fewer expected purchases, more likely to churn); ``"pnbd_alive"``: 1 -
    Pareto/NBD's probability alive. (BG/NBD's own probability alive is 1 for
    every one-time buyer and ranks worse than chance: not a baseline.)
    Customers without a purchase score NaN.

    Raises
    ------
    InsufficientDataError
        When a model does not converge on these customers.
    """
    bought = X["frequency"].to_numpy() >= 1
    summary = rfm_from_features(X[bought])
    expected = rfm_forecast(summary, fit_rfm_model(summary, "bgnbd"), "bgnbd", horizon_days)["expected"]
    alive = rfm_forecast(summary, fit_rfm_model(summary, "pareto"), "pareto", horizon_days)["p_alive"]
    scores = {"bgnbd_expected": np.full(len(X), np.nan), "pnbd_alive": np.full(len(X), np.nan)}
    scores["bgnbd_expected"][bought] = -expected.to_numpy()
    scores["pnbd_alive"][bought] = 1 - alive.to_numpy()
    return scores


def _ranking_metrics(churned: np.ndarray, score: np.ndarray) -> dict[str, float]:
    known = ~np.isnan(score)
    return {"roc_auc": float(roc_auc_score(churned[known], score[known])),
            "pr_auc": float(average_precision_score(churned[known], score[known]))}


def train_churn_model(
    tables: Mapping[str, pd.DataFrame],
    train_cutoff,
    eval_cutoff,
    *,
    horizon_days: int = 180,
    version: str = "1",
    recent_days: int = 90,
    **params,
) -> tuple[ChurnModel, ModelCard]:
    """Train on the window after ``train_cutoff``, evaluate on the one after ``eval_cutoff``.

    The training labels' window must end by ``eval_cutoff`` so the held-out
    outcomes are never seen; features only read data before each cut-off.

    Raises
    ------
    ValidationError
        When the two windows overlap.
    InsufficientDataError
        When a window runs past the data, or too few customers or churners.
    """
    train_cutoff, eval_cutoff = pd.Timestamp(train_cutoff), pd.Timestamp(eval_cutoff)
    if train_cutoff + pd.Timedelta(days=horizon_days) > eval_cutoff:
        raise ValidationError(
            f"the training window ({horizon_days} days after {train_cutoff.date()}) must end by the"
            f" evaluation cut-off {eval_cutoff.date()}",
            field="eval_cutoff",
        )
    X_train, bought_train = calibration_holdout(tables, train_cutoff, horizon_days, recent_days=recent_days)
    X_eval, bought_eval = calibration_holdout(tables, eval_cutoff, horizon_days, recent_days=recent_days)
    model = ChurnModel(horizon_days=horizon_days, **params).fit(X_train, bought_train == 0)
    churned_eval = (bought_eval == 0).to_numpy()
    if churned_eval.all() or not churned_eval.any():
        raise InsufficientDataError("the evaluation window has only one kind of customer", field="eval_cutoff")
    metrics, calibration = churn_metrics(churned_eval, model.predict_proba(X_eval)[:, 1])
    try:
        baselines = honest_churn_baselines(X_eval, horizon_days)
    except InsufficientDataError:  # the baselines failing must not block the model: their figures stay NaN
        baselines = {name: np.full(len(X_eval), np.nan) for name in ("bgnbd_expected", "pnbd_alive")}
    for suffix, name in (("bgnbd", "bgnbd_expected"), ("pnbd", "pnbd_alive")):
        if np.isnan(baselines[name]).all():
            figures = {"roc_auc": float("nan"), "pr_auc": float("nan")}
        else:
            figures = _ranking_metrics(churned_eval, baselines[name])
        metrics.update({f"{metric}_baseline_{suffix}": value for metric, value in figures.items()})
    # The trivial probability: the training window's churn rate for everyone.
    metrics["brier_baseline_rate"] = float(np.mean((churned_eval - np.mean(bought_train == 0)) ** 2))
    card = ModelCard(
        name="churn",
        version=version,
        data_window=(str(pd.to_datetime(tables["orders"]["date_order"]).min().date()), str(train_cutoff.date())),
        features=feature_purposes(model.features_used_),
        metrics=metrics,
        notes=(
            f"Churn = no purchase within {horizon_days} days. Trained on features as of {train_cutoff.date()} and"
            f" the following window; evaluated on features as of {eval_cutoff.date()} and the window after it."
            " The model also learns on BG/NBD's probability of no purchase in the horizon (fitted on the"
            " training customers, applied to each customer's history when scoring)."
            " Baselines on the same evaluation customers, fitted on their history as of the evaluation cut-off:"
            " BG/NBD's expected purchases in the horizon (roc_auc_baseline_bgnbd) and Pareto/NBD's probability"
            " alive (roc_auc_baseline_pnbd); Brier score next to the training window's churn rate for everyone."
        ),
        extra={
            "calibration_table": calibration,
            "train_cutoff": str(train_cutoff.date()),
            "eval_cutoff": str(eval_cutoff.date()),
            "horizon_days": horizon_days,
            "train_customers": len(X_train),
            "eval_customers": len(X_eval),
        },
    )
    return model, card
