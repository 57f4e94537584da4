"""How forecasts are scored: scaled errors weighted by revenue as in the M5 competition, and coverage.

*MASE* divides a series' mean absolute error by its scale, the mean
absolute week-to-week change of its history (one-step naive error), so
series of any volume compare; *RMSSE*, the measure M5 ranked by, does the
same with squares. As in M5, each series weighs by its revenue (here over
the 52 weeks before the forecast origin), each level of the hierarchy
(:data:`ai_insights.forecast.hierarchy.LEVELS`) weighs the same, and a
series whose history never changed (scale 0) is not scored. Censored weeks
(stock-outs) are never scored.

An absolute error is smallest for the median of the predictive
distribution, a squared error for its mean: MASE scores the forecast's
median, RMSSE its mean.
"""

from __future__ import annotations

import numpy as np

__all__ = ["coverage", "naive_scale", "revenue_weight", "weighted_scaled_error"]


def naive_scale(demand: np.ndarray, valid: np.ndarray, squared: bool = False) -> np.ndarray:
    """Mean absolute (or squared) change between consecutive valid weeks of each series (NaN without any)."""
    steps = valid[:, 1:] & valid[:, :-1]
    change = np.abs(np.diff(demand, axis=1)) ** (2 if squared else 1) * steps
    with np.errstate(invalid="ignore", divide="ignore"):
        return change.sum(axis=1) / steps.sum(axis=1)


def revenue_weight(revenue: np.ndarray, origin: int, weeks: int = 52) -> np.ndarray:
    """Revenue of each series in the ``weeks`` weeks before ``origin`` (the week the forecast starts)."""
    return revenue[:, max(origin - weeks, 0):origin].sum(axis=1)


def weighted_scaled_error(actual: np.ndarray, forecast: np.ndarray, valid: np.ndarray, history: np.ndarray,
                          history_valid: np.ndarray, weight: np.ndarray, level: np.ndarray, n_levels: int,
                          squared: bool = False) -> dict[str, float]:
    """Revenue-weighted MASE (or RMSSE with ``squared``) per level and their mean (key ``"all"``).

    Parameters
    ----------
    actual, forecast : ndarray, shape (series, horizon)
    valid : ndarray of bool, shape (series, horizon)
        Weeks that count (not censored).
    history, history_valid : ndarray, shape (series, weeks)
        What was known before the forecast: it gives each series' scale
        (:func:`naive_scale`). Series whose scale is 0 or NaN, or without
        a valid week, are left out.
    weight : ndarray, shape (series,)
        :func:`revenue_weight`.
    level : ndarray of int, shape (series,)
        Level of each series, ``0 .. n_levels - 1``.

    Returns
    -------
    dict
        ``"level_<i>"`` for each level with scored series, and ``"all"``,
        their mean; NaN when nothing could be scored.
    """
    scale = naive_scale(history, history_valid, squared)
    counted = valid.sum(axis=1)
    scored = (np.nan_to_num(scale) > 0) & (counted > 0) & (weight > 0)
    power = 2 if squared else 1
    with np.errstate(invalid="ignore", divide="ignore"):
        error = (np.abs(actual - forecast) ** power * valid).sum(axis=1) / counted / scale
    if squared:
        error = np.sqrt(error)
    result = {}
    for index in range(n_levels):
        rows = scored & (level == index)
        if rows.any():
            result[f"level_{index}"] = float(np.average(error[rows], weights=weight[rows]))
    result["all"] = float(np.mean(list(result.values()))) if result else float("nan")
    return result


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray, valid: np.ndarray) -> float:
    """Share of valid weeks whose actual lies in ``[lower, upper]`` (NaN without any)."""
    inside = (actual >= lower) & (actual <= upper)
    return float(inside[valid].mean()) if valid.any() else float("nan")
