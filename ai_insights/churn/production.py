"""The production churn and lifetime value models: one training, one scoring, for every caller.

The Odoo addon (``fusion.churn.model``: the training cron, the *Train now*
button, XML-RPC) and ``make demo`` both call :func:`train_production_models`
to train and :func:`churn_and_value_scores` to score, so a partner's churn
probability and lifetime value are the ones the model card measured, for the
horizon it names, whoever asks.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from ai_insights.churn.clv import CLVModel
from ai_insights.churn.datasets import data_end, latest_cutoffs
from ai_insights.churn.evaluation import RollingEvaluation, rolling_evaluation, rolling_origins, train_value_model
from ai_insights.churn.model import ChurnModel, train_churn_model
from ai_insights.registry.store import ModelCard
from crm_bridge.contract.errors import InsufficientDataError

__all__ = [
    "EVALUATION_FOLDS",
    "VALUE_HORIZON_DAYS",
    "ProductionModels",
    "churn_and_value_scores",
    "train_production_models",
    "value_horizon",
]

_logger = logging.getLogger(__name__)

# Lifetime value is the expected margin over this many days when the history allows measuring it there;
# otherwise over the churn horizon. Either way the card names the horizon it measured and scoring uses it.
VALUE_HORIZON_DAYS = 365
# Cut-offs of the rolling-origin evaluation stored on every card.
EVALUATION_FOLDS = 4


@dataclass(frozen=True)
class ProductionModels:
    """The result of :func:`train_production_models`.

    Attributes
    ----------
    churn : ChurnModel
        The model the card measured: trained on the window after
        ``train_cutoff``, judged on the one after ``eval_cutoff``.
    value : CLVModel
        The lifetime value model, trained at the end of the data as every fold
        of ``evaluation`` trained it for ``value_horizon_days``.
    card : ModelCard
        Churn metrics on the held-out window, the rolling evaluation's
        summary (``rolling_auc``, ``rolling_auc_baseline``, ``clv_mae``,
        ``clv_total_ratio``), and in ``extra`` the value horizon, the value
        model's training days and spend scale and the rolling evaluation.
    evaluation : RollingEvaluation
        The rolling-origin evaluation at the churn and the value horizons.
    train_cutoff, eval_cutoff : Timestamp
        The churn model's training and evaluation cut-offs.
    value_horizon_days : int
        Days the lifetime value covers: pass it to :func:`churn_and_value_scores`.
    """

    churn: ChurnModel
    value: CLVModel
    card: ModelCard
    evaluation: RollingEvaluation
    train_cutoff: pd.Timestamp
    eval_cutoff: pd.Timestamp
    value_horizon_days: int


def value_horizon(tables: Mapping[str, pd.DataFrame], churn_horizon_days: int,
                  wanted_days: int = VALUE_HORIZON_DAYS) -> int:
    """Days the lifetime value covers: ``wanted_days`` when the history allows measuring it, else the churn horizon.

    "Allows" means :func:`~ai_insights.churn.evaluation.rolling_origins` finds
    at least one cut-off with a full ``wanted_days`` after it.
    """
    try:
        rolling_origins(tables, wanted_days, 1)
    except InsufficientDataError:
        return churn_horizon_days
    return wanted_days


def train_production_models(
    tables: Mapping[str, pd.DataFrame],
    horizon_days: int,
    *,
    value_horizon_days: int = VALUE_HORIZON_DAYS,
    folds: int = EVALUATION_FOLDS,
    version: str = "1",
) -> ProductionModels:
    """Train the production churn and lifetime value models once, with their card.

    The churn model learns on the window before the held-out one
    (:func:`~ai_insights.churn.datasets.latest_cutoffs`) and is the one the
    card measured. The rolling-origin evaluation
    (:func:`~ai_insights.churn.evaluation.rolling_evaluation`) judges both
    models against BG/NBD and Pareto/NBD at the churn horizon and at the
    value horizon (:func:`value_horizon`) on ``folds`` cut-offs, and chooses
    the lifetime value anchor and parameters on its earlier cut-offs; the
    lifetime value model is then trained at the end of the data with that
    choice, as each fold trained it.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The schema's tables (``orders`` and ``order_lines`` at least).
    horizon_days : int
        Churn = no purchase within this many days.
    value_horizon_days : int
        The lifetime value's horizon when the history allows measuring it
        there; the churn horizon otherwise.
    folds : int
        Cut-offs of the rolling evaluation per horizon.
    version : str
        The card's version label.

    Returns
    -------
    ProductionModels

    Raises
    ------
    InsufficientDataError
        When there is no order, or the history is too short for two churn
        horizons, a held-out window with both churners and buyers, or a
        lifetime value model. Nothing is returned half-trained.
    """
    orders = tables.get("orders")
    if orders is None or orders.empty:
        raise InsufficientDataError("no sale order yet", field="orders")
    train_cutoff, eval_cutoff = latest_cutoffs(tables, horizon_days)
    churn, card = train_churn_model(tables, train_cutoff, eval_cutoff, horizon_days=horizon_days, version=version)
    value_days = value_horizon(tables, horizon_days, value_horizon_days)
    evaluation = rolling_evaluation(tables, sorted({horizon_days, value_days}), folds)
    # Trained as every fold of the evaluation trained it, at the value horizon, on the latest window.
    value = train_value_model(tables, data_end(tables), value_days, evaluation.anchor,
                              clv_params=evaluation.clv_params)
    summary, weeks = evaluation.summary, f"{round(value_days / 7)}w"
    rolling = {
        "rolling_auc": summary["auc"],
        "rolling_auc_baseline": max(summary["auc_bgnbd_expected"], summary["auc_pnbd_alive"]),
        "clv_mae": summary.get(f"mae_model_{weeks}", float("nan")),
        "clv_total_ratio": summary.get(f"total_ratio_model_{weeks}", float("nan")),
    }
    corrected = (" corrected by the same features, a correction that only re-ranks customers" if value.correction
                 else " used alone, without the correction by the same features")
    spend = (f" times {value.spend_scale_:.3f}, what a purchase in that window was worth against what the forecast"
             " valued it" if value.learn_spend_scale else "")
    notes = (f" Lifetime value: expected margin over the next {value_days} days from a {evaluation.anchor}-anchored"
             f" model (anchor refitted on the customers when scoring),{corrected}; trained on the purchases of the"
             f" last {value.horizon_days} days of data, as each cut-off of the rolling evaluation trained it for the"
             f" {value_days}-day horizon; a purchase is valued at the customer's shrunk mean order value{spend}."
             " Whether the correction and the spend scale are used was chosen on the evaluation's earlier folds.")
    if value.correction_note_:
        notes += f" {value.correction_note_}"
    card = replace(
        card, metrics=dict(card.metrics, **rolling), notes=card.notes + notes,
        extra=dict(card.extra, value_horizon_days=value_days, value_train_days=value.horizon_days,
                   value_spend_scale=value.spend_scale_, rolling_evaluation=evaluation.to_dict()))
    return ProductionModels(churn, value, card, evaluation, train_cutoff, eval_cutoff, value_days)


def churn_and_value_scores(churn: ChurnModel, value: CLVModel, features: pd.DataFrame,
                           value_horizon_days: int) -> pd.DataFrame:
    """Every customer's churn score and lifetime value from the production models, as of the features' date.

    The value model's anchor is first refitted on these customers, as the
    card's evaluation did at each cut-off; when it does not converge on them
    the anchor learnt in training is kept (and a warning logged).

    Parameters
    ----------
    churn, value : ChurnModel, CLVModel
        The production models (:class:`ProductionModels` or their stored copies).
    features : DataFrame
        :func:`~ai_insights.churn.features.build_features` as of the scoring date.
    value_horizon_days : int
        The horizon the card measured the value at.

    Returns
    -------
    DataFrame
        :meth:`ChurnModel.score`'s columns joined with :meth:`CLVModel.value`'s
        (``expected_purchases``, ``p_alive``, ``expected_revenue``,
        ``expected_margin``), indexed by customer.
    """
    try:
        value.rebase(features)
    except InsufficientDataError as error:
        _logger.warning("Lifetime value: anchor kept from training (%s)", error.message)
    return churn.score(features).join(value.value(features, horizon_days=value_horizon_days))
