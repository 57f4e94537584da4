"""What the other decisions read from a forecast: demand expected over the next days, and its quantile.

One function, :func:`demand_over`, serves every caller:

* **days of cover** (the pricing guardrail): the expected demand of each
  product per day over the demand window or the horizon, whichever is
  shorter (:func:`daily_demand`, ``level="product"``), in place of the
  trailing daily sales;
* **replenishment**: the demand of each product and warehouse over its
  vendor lead time at a service level (``service_level=0.95``): the
  minimum of a reordering rule;
* **allocation in the promise**: the demand of each product, segment and
  warehouse over the replenishment lead time
  (``level="product_segment_warehouse"``), to keep stock for the
  segments that come first.

Days run from the first forecast week's Monday; a week only partly inside
the span counts pro rata. The quantile of a sum of weeks is that of a gamma
distribution with the sum's mean and variance, the weeks taken as
independent and each week's variance read from the forecast's interval
calibration (the variance of ``actual / forecast`` in its bin, times the
forecast squared; a fraction ``f`` of a week carries ``f`` times its
variance).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from ai_insights.forecast.hierarchy import LEVELS
from ai_insights.forecast.model import Forecast
from crm_bridge.contract.errors import ValidationError

__all__ = ["KEYS", "daily_demand", "daily_from_weekly", "demand_curve", "demand_from_weekly", "demand_over",
           "horizon_days"]

#: Key columns of each level.
KEYS = {
    "product": ("product_id",),
    "product_segment": ("product_id", "segment"),
    "product_warehouse": ("product_id", "warehouse_id"),
    "product_segment_warehouse": ("product_id", "segment", "warehouse_id"),
}


def demand_over(forecast: Forecast, days: int | Mapping[int, int] | pd.Series, *,
                level: str = "product_warehouse", service_level: float | None = None) -> pd.DataFrame:
    """Demand expected over the next ``days`` days, per series of one level.

    Parameters
    ----------
    forecast : Forecast
    days : int, or mapping / Series of product_id to int
        Span in days from the forecast's first Monday, the same for every
        product or one per product (e.g. its vendor lead time); a product
        missing from the mapping gets 0 days.
    level : str
        One of :data:`~ai_insights.forecast.hierarchy.LEVELS`.
    service_level : float, optional
        Probability (0-1) for the ``quantile`` column: the demand that is
        not exceeded with that probability.

    Returns
    -------
    DataFrame
        The level's :data:`KEYS`, ``days``, ``mean`` and, with a
        ``service_level``, ``quantile``.

    Raises
    ------
    ValidationError
        ``unknown_level``; ``invalid_days`` for a negative span or one
        beyond the forecast's horizon; ``invalid_service_level``.
    """
    if level not in LEVELS:
        raise ValidationError(f"Unknown level {level!r}; choose one of {list(LEVELS)}.", code="unknown_level",
                              field="level")
    if service_level is not None and not 0 < service_level < 1:
        raise ValidationError("service_level must be between 0 and 1", code="invalid_service_level",
                              field="service_level")
    series = forecast.series
    rows = np.flatnonzero(series["level"].to_numpy() == level)
    weeks = len(forecast.frame) // len(series)
    if isinstance(days, (Mapping, pd.Series)):
        span = pd.Series(days, dtype=float).reindex(series["product_id"].to_numpy()[rows]).fillna(0.0).to_numpy()
    else:
        span = np.full(len(rows), float(days))
    if (span < 0).any() or (span > 7 * weeks).any() or not np.isfinite(span).all():
        raise ValidationError(f"days must be between 0 and {7 * weeks} (the forecast's horizon)",
                              code="invalid_days", field="days")
    share = np.clip(span[:, None] / 7.0 - np.arange(weeks)[None, :], 0.0, 1.0)
    mean = forecast.frame["mean"].to_numpy(float).reshape(len(series), weeks)[rows]
    result = series.iloc[rows][list(KEYS[level])].reset_index(drop=True).assign(
        days=span, mean=(share * mean).sum(axis=1))
    if service_level is not None:
        variance = (share * _weekly_variance(forecast, rows, mean)).sum(axis=1)
        result["quantile"] = _gamma_quantile(result["mean"].to_numpy(), variance, service_level)
    return result


def demand_curve(forecast: Forecast, service_level: float, level: str = "product_warehouse",
                 ) -> tuple[pd.DataFrame, np.ndarray]:
    """Demand at the service level over every span from 0 days to the horizon, per series of one level.

    Column ``d`` of the matrix is :func:`demand_over`'s ``quantile`` over
    ``d`` days, for every ``d`` in one vectorised pass (what a stock-out
    search reads day by day).

    Returns
    -------
    (DataFrame, ndarray)
        The level's :data:`KEYS`, one row per series, and the quantiles,
        shape ``(series, horizon_days + 1)``.
    """
    keys = demand_over(forecast, 0, level=level, service_level=service_level)[list(KEYS[level])]
    series = forecast.series
    rows = np.flatnonzero(series["level"].to_numpy() == level)
    weeks = len(forecast.frame) // len(series)
    share = np.clip(np.arange(7 * weeks + 1)[:, None] / 7.0 - np.arange(weeks)[None, :], 0.0, 1.0)
    mean = forecast.frame["mean"].to_numpy(float).reshape(len(series), weeks)[rows]
    return keys, _gamma_quantile(mean @ share.T, _weekly_variance(forecast, rows, mean) @ share.T, service_level)


def _weekly_variance(forecast: Forecast, rows: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Variance of each week's demand of series ``rows``: the calibration's ratio variance times the mean squared."""
    weeks = mean.shape[1]
    group = np.repeat(forecast.series["group"].to_numpy()[rows], weeks)
    return forecast.calibration.ratio_variance(group, mean.reshape(-1)).reshape(mean.shape) * mean ** 2


def _gamma_quantile(total: np.ndarray, variance: np.ndarray, p: float) -> np.ndarray:
    """Quantile ``p`` of gamma distributions with these means and variances (the mean where either is 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        quantile = stats.gamma.ppf(p, total ** 2 / variance, scale=variance / total)
    return np.where((total > 0) & (variance > 0), quantile, total)



def horizon_days(forecast: Forecast) -> int:
    """Days the forecast covers: its weeks times seven."""
    return 7 * (len(forecast.frame) // max(len(forecast.series), 1))


def demand_from_weekly(weekly: pd.DataFrame, days: int | Mapping[int, int] | pd.Series,
                       keys: tuple[str, ...] = ("product_id",)) -> pd.DataFrame:
    """Demand over the ``days`` days from the first week's Monday, per series, from weekly demand rows.

    What :func:`demand_over` computes on a :class:`Forecast`, for weekly rows
    kept elsewhere (the forecast rows stored in Odoo): a week only partly
    inside the span counts pro rata.

    Parameters
    ----------
    weekly : DataFrame
        ``keys``, ``week`` (Monday) and ``qty``: expected demand of a series
        in a week; several rows of a series and week add up.
    days : int, or mapping / Series of product_id to int
        The span, the same for every row or one per product (a product
        missing gets 0 days); capped at the weeks given.
    keys : tuple of str
        The columns that name a series (``product_id`` among them).

    Returns
    -------
    DataFrame
        ``keys``, ``days`` and ``mean``, one row per series.
    """
    weeks = pd.to_datetime(weekly["week"])
    offset = ((weeks - weeks.min()).dt.days // 7).to_numpy() if len(weekly) else np.zeros(0)
    given = 7 * (int(offset.max()) + 1) if len(weekly) else 0
    if isinstance(days, (Mapping, pd.Series)):
        span = pd.Series(days, dtype=float).reindex(weekly["product_id"].to_numpy()).fillna(0.0).to_numpy()
    else:
        span = np.full(len(weekly), float(days))
    if (span < 0).any() or not np.isfinite(span).all():
        raise ValidationError("days must be a finite number >= 0", code="invalid_days", field="days")
    span = np.minimum(span, given)
    share = np.clip(span / 7.0 - offset, 0.0, 1.0)
    frame = weekly[list(keys)].assign(days=span, mean=weekly["qty"].to_numpy(float) * share)
    return frame.groupby(list(keys), as_index=False, sort=True).agg(days=("days", "max"), mean=("mean", "sum"))


def daily_from_weekly(weekly: pd.DataFrame, days: int) -> pd.Series:
    """Demand per day of each product over the ``days`` days ahead (at most the weeks given), from weekly rows.

    :func:`demand_from_weekly` per product, divided by the span; indexed by
    ``product_id``.
    """
    if isinstance(days, bool) or int(days) < 1:
        raise ValidationError("days must be at least 1", code="invalid_days", field="days")
    total = demand_from_weekly(weekly, int(days))
    daily = total["mean"].to_numpy() / np.maximum(total["days"].to_numpy(), 1.0)
    return pd.Series(daily, index=total["product_id"].to_numpy(), name="forecast_daily")

def daily_demand(forecast: Forecast, days: int) -> pd.Series:
    """Demand per day each product's forecast expects over the next ``days`` days, capped at the horizon.

    The input of days of cover (``crm_bridge.pricing.cover.days_of_cover``,
    ``forecast_daily``); :func:`daily_from_weekly` on the product totals.
    Indexed by ``product_id``, every product of the forecast, new ones
    included.
    """
    frame = forecast.frame[forecast.frame["level"] == "product"]
    return daily_from_weekly(frame.rename(columns={"mean": "qty"})[["product_id", "week", "qty"]], days)
