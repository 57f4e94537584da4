"""Rolling-origin evaluation of the churn and lifetime value models against honest baselines.

The protocol cannot flatter: for each horizon it takes several cut-offs
(origins), the last one as late as the data allow, and at each origin

* fits the baselines on the history before the origin: BG/NBD (its expected
  purchases in the horizon rank churn: fewer expected, more likely to churn)
  and Pareto/NBD (its probability alive ranks churn, its expected purchases
  forecast counts);
* trains the churn model and the lifetime value correction on a pair wholly
  before the origin (features as of ``origin - h``, outcomes in the ``h`` days
  up to the origin, ``h`` the horizon or the longest window the history
  allows), and rebases the lifetime value anchor on the customers as of the
  origin;
* scores everything on what each customer bought in the horizon after the
  origin: churn ROC-AUC, and per count and value forecast MAE, RMSE,
  correlation and calibration in the large (forecast total / actual total).

Every figure is then reported as the mean and standard deviation over the
folds. The model choices (the lifetime value anchor, Pareto/NBD or BG/NBD,
whether the fused features correct its forecast and whether a spend scale
values its purchases) are made on folds whose outcome window ends by the last
cut-off only (:func:`choose_anchor`, :func:`choose_value_params`), and the
result says so. The same function runs on
CDNOW, on the demo company and on the tables the Odoo addon reads.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from ai_insights.churn.clv import (
    CLVModel,
    expected_order_value,
    fit_rfm_model,
    population_order_value,
    rfm_forecast,
    rfm_from_features,
)
from ai_insights.churn.datasets import data_end, future_purchases
from ai_insights.churn.features import build_features, purchases
from ai_insights.churn.model import ChurnModel
from crm_bridge.contract.errors import InsufficientDataError, ValidationError

_logger = logging.getLogger(__name__)

__all__ = [
    "HORIZONS_DAYS",
    "FORECASTERS",
    "RollingEvaluation",
    "rolling_origins",
    "future_revenue",
    "choose_anchor",
    "choose_value_params",
    "VALUE_VARIANTS",
    "rolling_evaluation",
    "training_days",
    "train_value_model",
]

# 13, 26 and 52 weeks.
HORIZONS_DAYS = (91, 182, 364)
# The lifetime value forecasts compared on every fold: ours and the two baselines.
FORECASTERS = ("model", "bgnbd", "pnbd")
_ANCHOR_OF = {"bgnbd": "bgnbd", "pnbd": "pareto"}
# The lifetime value model is trained on every fold in each of these variants (CLVModel parameters: the
# correction by the fused features, the spend scale learnt on the training pair); the ``model`` figures are
# those of the variant the earlier folds prefer. The first is the model as it was before the choice existed.
VALUE_VARIANTS = {
    "corrected": {"correction": True, "learn_spend_scale": True},
    "uncorrected": {"correction": False, "learn_spend_scale": True},
    "corrected_unscaled": {"correction": True, "learn_spend_scale": False},
    "uncorrected_unscaled": {"correction": False, "learn_spend_scale": False},
}
# The CLVModel parameters the variants set (and the evaluation chooses unless the caller fixes them).
_VALUE_PARAMS = ("correction", "learn_spend_scale")
_FIGURES = ("mae", "rmse", "r", "total_ratio", "count_ratio")


@dataclass
class RollingEvaluation:
    """The result of :func:`rolling_evaluation`.

    Attributes
    ----------
    folds : DataFrame
        One row per (horizon, origin): ``horizon_days``, ``origin``,
        ``train_days`` (window the supervised models learnt on), churn AUCs
        (``auc``, ``auc_bgnbd_expected``, ``auc_pnbd_alive``) and per
        forecaster in :data:`FORECASTERS` ``mae_<f>``, ``rmse_<f>``, ``r_<f>``
        (on the value of the purchases), ``total_ratio_<f>`` (value) and
        ``count_ratio_<f>`` (purchases); the same for each variant of the
        lifetime value model in :data:`VALUE_VARIANTS` (``..._corrected``,
        ``..._uncorrected``…), ``model`` being the chosen one.
    summary : dict
        ``<figure>_<H>w`` mean and ``<figure>_<H>w_sd`` standard deviation
        over the horizon's folds, and the churn AUCs over every fold whose
        churn model learnt at the horizon it is judged on (``auc``,
        ``auc_bgnbd_expected``, ``auc_pnbd_alive`` and their ``_sd``).
    anchor : str
        The lifetime value anchor chosen on folds before the last cut-off.
    clv_params : dict
        The other :class:`CLVModel` parameters chosen there; train the
        production model with ``train_value_model(..., anchor,
        clv_params=clv_params)``.
    notes : list of str
        What was skipped and why, and how the choice was made.
    """

    folds: pd.DataFrame
    summary: dict[str, float]
    anchor: str
    notes: list[str] = field(default_factory=list)
    clv_params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the summary, the anchor, the notes and the folds as records."""
        folds = self.folds.assign(origin=self.folds["origin"].astype(str))
        return {"summary": self.summary, "anchor": self.anchor, "clv_params": dict(self.clv_params),
                "notes": list(self.notes),
                "folds": [{key: _plain(value) for key, value in row.items()} for row in folds.to_dict("records")]}


def _plain(value):
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def rolling_origins(
    tables: Mapping[str, pd.DataFrame],
    horizon_days: int,
    folds: int = 4,
    *,
    min_history_days: int = 90,
    step_days: int = 91,
) -> list[pd.Timestamp]:
    """``folds`` cut-offs, oldest first, the last one ``horizon_days`` before the end of the data.

    Consecutive origins are ``step_days`` apart, or closer when the history
    between the first purchase plus ``min_history_days`` and the last origin
    is shorter.

    Raises
    ------
    InsufficientDataError
        When not even one origin has ``min_history_days`` of history and a
        full horizon after it.
    """
    if folds < 1:
        raise ValidationError("at least one fold is needed", field="folds")
    bought = purchases(tables)
    if bought.empty:
        raise InsufficientDataError("no purchase yet", field="orders")
    last = data_end(tables) - pd.Timedelta(days=horizon_days)
    first = bought["date_order"].min().normalize() + pd.Timedelta(days=min_history_days)
    if last < first:
        raise InsufficientDataError(
            f"a {horizon_days}-day horizon needs {min_history_days} days of history before it and the data"
            f" span only {(data_end(tables) - bought['date_order'].min().normalize()).days} days",
            code="window_too_short", field="horizon_days")
    step = min(step_days, (last - first).days // max(folds - 1, 1))
    if step < 1:
        return [last]
    return [last - pd.Timedelta(days=step * k) for k in reversed(range(folds))]


def future_revenue(tables: Mapping[str, pd.DataFrame], cutoff, horizon_days: int, customer_ids) -> pd.Series:
    """Net value of each customer's purchases in ``[cutoff, cutoff + horizon_days)``."""
    cutoff = pd.Timestamp(cutoff)
    bought = purchases(tables, start=cutoff, end=cutoff + pd.Timedelta(days=horizon_days))
    lines = tables["order_lines"].merge(bought[["order_id", "customer_id"]], on="order_id", how="inner")
    net = lines["qty"] * lines["price_unit"] * (1 - lines["discount"].fillna(0) / 100)
    by_customer = net.groupby(lines["customer_id"]).sum()
    return by_customer.reindex(pd.Index(customer_ids, name="customer_id"), fill_value=0.0).astype(float)


def _best_calibrated(folds: pd.DataFrame, names) -> str | None:
    """The forecaster among ``names`` whose value totals were closest to the actual ones on these folds.

    Judged by the mean absolute log of the value total ratio (calibration in
    the large, the lifetime value's first duty), ties broken by the mean
    value MAE; None when no fold has a figure for any of them.
    """
    scores = {}
    for name in names:
        ratio = folds[f"total_ratio_{name}"].to_numpy(dtype=float) if f"total_ratio_{name}" in folds else []
        if np.isfinite(ratio).any():
            scores[name] = (np.nanmean(np.abs(np.log(ratio))), np.nanmean(folds[f"mae_{name}"]))
    return min(scores, key=scores.get) if scores else None


def choose_anchor(folds: pd.DataFrame) -> str:
    """The anchor (``"pareto"`` or ``"bgnbd"``) whose baseline forecast the value best on these folds.

    See :func:`_best_calibrated`. Give it only folds before the last cut-off.
    """
    best = _best_calibrated(folds, _ANCHOR_OF)
    return _ANCHOR_OF[best] if best else "pareto"


def choose_value_params(folds: pd.DataFrame, variants=None) -> dict[str, bool]:
    """The :class:`CLVModel` parameters of the variant that forecast the value best on these folds.

    The same judgement as :func:`choose_anchor`, among the figures of
    ``variants`` (names of :data:`VALUE_VARIANTS`, default all); with none
    measured, the first of them. Give it only folds before the last cut-off.
    """
    names = list(variants or VALUE_VARIANTS)
    return dict(VALUE_VARIANTS[_best_calibrated(folds, names) or names[0]])


def _forecast_errors(name: str, forecast: np.ndarray, actual: np.ndarray, count: np.ndarray,
                     actual_count: np.ndarray) -> dict[str, float]:
    return {
        f"mae_{name}": float(np.mean(np.abs(forecast - actual))),
        f"rmse_{name}": float(np.sqrt(np.mean((forecast - actual) ** 2))),
        f"r_{name}": float(np.corrcoef(forecast, actual)[0, 1]) if forecast.std() > 0 else float("nan"),
        f"total_ratio_{name}": float(forecast.sum() / actual.sum()) if actual.sum() > 0 else float("nan"),
        f"count_ratio_{name}": float(count.sum() / actual_count.sum()) if actual_count.sum() > 0 else float("nan"),
    }


def _auc(churned: np.ndarray, score: np.ndarray) -> float:
    return float(roc_auc_score(churned, score)) if 0 < churned.sum() < len(churned) else float("nan")


class _Origin:
    """Features, anchors and outcomes as of one origin, computed once and shared by the horizons."""

    def __init__(self, tables, origin: pd.Timestamp, recent_days: int) -> None:
        self.origin = origin
        self.X = build_features(tables, origin, recent_days=recent_days)
        self.X = self.X[self.X["frequency"] >= 1]
        summary = rfm_from_features(self.X)
        self.summary = summary
        self.params = {anchor: fit_rfm_model(summary, anchor) for anchor in _ANCHOR_OF.values()}
        self.order_value = expected_order_value(self.X, population_order_value(self.X))


def training_days(tables: Mapping[str, pd.DataFrame], origin, horizon_days: int,
                  min_train_history_days: int = 42) -> int:
    """Days of the window the supervised models learn on before ``origin`` for a ``horizon_days`` forecast.

    The horizon itself, shortened so that at least ``min_train_history_days``
    of history precede the window's start (features as of ``origin - days``,
    outcomes in the ``days`` up to ``origin``).
    """
    bought = purchases(tables)
    if bought.empty:
        return 0
    room = (pd.Timestamp(origin) - bought["date_order"].min().normalize()).days - min_train_history_days
    return int(min(horizon_days, room))


def train_value_model(
    tables: Mapping[str, pd.DataFrame],
    origin,
    horizon_days: int,
    anchor: str,
    *,
    min_train_history_days: int = 42,
    min_train_days: int = 28,
    recent_days: int = 90,
    clv_params: Mapping[str, Any] | None = None,
    features: pd.DataFrame | None = None,
    anchor_params: Mapping[str, float] | None = None,
) -> CLVModel:
    """The lifetime value model for a ``horizon_days`` forecast from ``origin``, trained wholly before it.

    The one way it is trained: by :func:`rolling_evaluation` on every fold
    and by the Odoo addon at the end of the data, so the value a partner shows
    comes from the procedure its card measured, at the horizon it names.
    Features as of ``origin - d`` and purchases (their count and value) in
    the ``d`` days up to ``origin``, ``d`` = :func:`training_days`; rebase the result on the
    customers as of the scoring date before forecasting.

    Parameters
    ----------
    features, anchor_params : optional
        The buyers' features as of ``origin - d`` and the anchor fitted on
        them, when the caller has them already.

    Raises
    ------
    InsufficientDataError
        When ``d`` is under ``min_train_days`` or the model cannot learn.
    """
    days = training_days(tables, origin, horizon_days, min_train_history_days)
    if days < min_train_days:
        raise InsufficientDataError(
            f"{days} days of history to learn a {horizon_days}-day lifetime value; at least {min_train_days}"
            f" after {min_train_history_days} days of history are needed", code="window_too_short",
            field="horizon_days")
    cutoff = pd.Timestamp(origin) - pd.Timedelta(days=days)
    if features is None:
        features = build_features(tables, cutoff, recent_days=recent_days)
        features = features[features["frequency"] >= 1]
    bought = future_purchases(tables, cutoff, days, features.index)
    revenue = future_revenue(tables, cutoff, days, features.index)
    return CLVModel(horizon_days=days, anchor=anchor, **dict(clv_params or {})).fit(
        features, bought, anchor_params=dict(anchor_params) if anchor_params else None, revenue=revenue)


def rolling_evaluation(
    tables: Mapping[str, pd.DataFrame],
    horizons_days: Sequence[int] = HORIZONS_DAYS,
    folds: int = 4,
    *,
    min_history_days: int = 90,
    min_train_history_days: int = 42,
    min_train_days: int = 28,
    recent_days: int = 90,
    churn_params: Mapping[str, Any] | None = None,
    clv_params: Mapping[str, Any] | None = None,
) -> RollingEvaluation:
    """Judge the churn and lifetime value models on rolling origins against BG/NBD and Pareto/NBD.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The schema's tables (``orders`` and ``order_lines`` at least).
    horizons_days : sequence of int
        Horizons to judge; one that does not fit the data is skipped, with a note.
    folds : int
        Origins per horizon (:func:`rolling_origins`).
    min_history_days : int
        History every origin has before it.
    min_train_history_days, min_train_days : int
        The supervised models learn on features as of ``origin - h`` with
        ``h`` = the horizon, shortened so at least ``min_train_history_days``
        of history precede that cut-off; a fold where ``h`` would be under
        ``min_train_days`` has no model figures (NaN), only baselines.
    recent_days : int
        The feature builder's recent window.
    churn_params, clv_params : mapping, optional
        Parameters of :class:`ChurnModel` and :class:`CLVModel`.

    Returns
    -------
    RollingEvaluation

    Raises
    ------
    InsufficientDataError
        When no horizon fits the data.
    """
    churn_params, clv_params = dict(churn_params or {}), dict(clv_params or {})
    plan, notes = [], []
    for horizon in horizons_days:
        try:
            plan += [(horizon, origin) for origin in rolling_origins(tables, horizon, folds,
                                                                      min_history_days=min_history_days)]
        except InsufficientDataError as error:
            notes.append(f"{horizon}-day horizon skipped: {error.message}")
    if not plan:
        raise InsufficientDataError("no horizon fits the data: " + "; ".join(notes), code="window_too_short",
                                    field="horizons_days")
    origins: dict[pd.Timestamp, _Origin] = {}

    def at(origin: pd.Timestamp) -> _Origin:
        if origin not in origins:
            _logger.info("rolling evaluation: customers and anchors as of %s", origin.date())
            origins[origin] = _Origin(tables, origin, recent_days)
        return origins[origin]

    rows, kept = [], []
    for horizon, origin in plan:
        try:
            state = at(origin)
        except InsufficientDataError as error:
            notes.append(f"{origin.date()}, {horizon} days: fold skipped ({error.message})")
            continue
        kept.append((horizon, origin))
        count = future_purchases(tables, origin, horizon, state.X.index).to_numpy()
        value = future_revenue(tables, origin, horizon, state.X.index).to_numpy()
        row = {"horizon_days": horizon, "origin": origin.date(), "customers": len(state.X),
               "actual_purchases": float(count.sum()), "actual_value": float(value.sum())}
        churned = count == 0
        for name, anchor in _ANCHOR_OF.items():
            forecast = rfm_forecast(state.summary, state.params[anchor], anchor, horizon)
            expected = forecast["expected"].to_numpy()
            row.update(_forecast_errors(name, expected * state.order_value, value, expected, count))
            if name == "bgnbd":
                row["auc_bgnbd_expected"] = _auc(churned, -expected)
            else:
                row["auc_pnbd_alive"] = _auc(churned, 1 - forecast["p_alive"].to_numpy())
        rows.append(row)
    if not rows:
        raise InsufficientDataError("no fold could be evaluated: " + "; ".join(notes), field="tables")
    folds_frame = pd.DataFrame(rows)
    last_origin = folds_frame["origin"].max()
    outcomes_end = pd.to_datetime(folds_frame["origin"]) + pd.to_timedelta(folds_frame["horizon_days"], unit="D")
    earlier = (outcomes_end <= pd.Timestamp(last_origin)).to_numpy()
    anchor = clv_params.pop("anchor", None) or choose_anchor(folds_frame[earlier])
    # Parameters the caller fixed are not chosen: only the variants that agree with them are trained.
    variants = {name: params for name, params in VALUE_VARIANTS.items()
                if all(clv_params.get(key, value) == value for key, value in params.items())}
    for key in _VALUE_PARAMS:
        clv_params.pop(key, None)

    for index, (horizon, origin) in enumerate(kept):
        state = at(origin)
        train_days = training_days(tables, origin, horizon, min_train_history_days)
        folds_frame.loc[index, "train_days"] = train_days
        nan_model = {"auc": float("nan")} | {f"{figure}_{name}": float("nan") for figure in _FIGURES
                                             for name in variants}
        if train_days < min_train_days:
            _assign(folds_frame, index, nan_model)
            continue
        train_cutoff = origin - pd.Timedelta(days=train_days)
        figures = dict(nan_model)
        try:
            trained_on = at(train_cutoff)
        except InsufficientDataError as error:
            notes.append(f"{origin.date()}, {horizon} days: no model ({error.message})")
            _assign(folds_frame, index, figures)
            continue
        X_train = trained_on.X
        bought_train = future_purchases(tables, train_cutoff, train_days, X_train.index)
        count = future_purchases(tables, origin, horizon, state.X.index).to_numpy()
        value = future_revenue(tables, origin, horizon, state.X.index).to_numpy()
        try:
            churn = ChurnModel(horizon_days=train_days, **churn_params).fit(X_train, bought_train == 0)
            figures["auc"] = _auc(count == 0, churn.predict_proba(state.X, horizon_days=horizon)[:, 1])
        except InsufficientDataError as error:
            notes.append(f"{origin.date()}, {horizon} days: no churn model ({error.message})")
        # The spend scale only multiplies the value: one fit per correction serves the variants with and without it.
        for correction in dict.fromkeys(params["correction"] for params in variants.values()):
            try:
                clv = train_value_model(tables, origin, horizon, anchor, min_train_history_days=min_train_history_days,
                                        min_train_days=min_train_days, recent_days=recent_days,
                                        clv_params=clv_params | {"correction": correction, "learn_spend_scale": True},
                                        features=X_train, anchor_params=trained_on.params[anchor])
                if clv.correction_note_:
                    notes.append(f"{origin.date()}, {horizon} days: lifetime value trained as of"
                                 f" {train_cutoff.date()} on {train_days} days: {clv.correction_note_}")
                clv.rebase(state.X, state.params[anchor])
                forecast = clv.value(state.X, horizon)
            except InsufficientDataError as error:
                notes.append(f"{origin.date()}, {horizon} days: no lifetime value model"
                             f" {'with' if correction else 'without'} the correction ({error.message})")
                continue
            for name, params in variants.items():
                if params["correction"] == correction:
                    revenue = forecast["expected_revenue"].to_numpy() / (
                        1.0 if params["learn_spend_scale"] else clv.spend_scale_)
                    figures.update(_forecast_errors(name, revenue, value, forecast["expected_purchases"].to_numpy(),
                                                    count))
        _assign(folds_frame, index, figures)
    chosen_params = choose_value_params(folds_frame[earlier], variants)
    chosen = next(name for name, params in variants.items() if params == chosen_params)
    for figure in _FIGURES:
        folds_frame[f"{figure}_model"] = folds_frame.get(f"{figure}_{chosen}", float("nan"))
    notes.append(f"Lifetime value anchor {anchor}, {'with' if chosen_params['correction'] else 'without'} the"
                 f" correction by the fused features, {'with' if chosen_params['learn_spend_scale'] else 'without'}"
                 f" a spend scale: chosen on the {int(earlier.sum())} folds whose outcomes end by the last cut-off"
                 f" ({last_origin}), i.e. before the last cut-off, by value calibration (the baselines' for the"
                 f" anchor, the model's trained in {len(variants)} variants for the rest); nothing else is tuned on"
                 " any fold's outcome window.")
    return RollingEvaluation(folds_frame, _summarise(folds_frame), anchor, notes, chosen_params)


def _assign(frame: pd.DataFrame, index: int, values: Mapping[str, float]) -> None:
    for key, value in values.items():
        frame.loc[index, key] = value


def _summarise(folds: pd.DataFrame) -> dict[str, float]:
    """Mean and standard deviation of every figure per horizon, and of the churn AUCs at their own horizon."""
    summary: dict[str, float] = {}
    figures = [f"{kind}_{name}" for kind in _FIGURES for name in FORECASTERS + tuple(VALUE_VARIANTS)
               if f"{kind}_{name}" in folds]
    aucs = ["auc", "auc_bgnbd_expected", "auc_pnbd_alive"]
    for horizon, group in folds.groupby("horizon_days"):
        weeks = f"{round(horizon / 7)}w"
        for column in figures + aucs:
            summary[f"{column}_{weeks}"] = float(group[column].mean())
            summary[f"{column}_{weeks}_sd"] = float(group[column].std(ddof=1)) if len(group) > 1 else 0.0
    own = folds[folds["train_days"] == folds["horizon_days"]]
    for column in aucs:
        summary[column] = float(own[column].mean()) if len(own) else float("nan")
        summary[f"{column}_sd"] = float(own[column].std(ddof=1)) if len(own) > 1 else 0.0
    summary["auc_folds"] = float(len(own))
    return summary
