"""Prediction intervals from the backtest: how actual demand spread around past forecasts of the same size.

A forecast says the expected demand; weekly demand scatters around it in a
way that depends on how large that expectation is and how lumpy the series
is (many zero weeks, or steady). So the backtest's pairs of (reconciled
forecast, actual demand) are grouped by level of the hierarchy and by
smooth or intermittent series, each group split into bins of forecast size
(deciles when there are enough pairs), and in each bin the ratios ``actual /
forecast`` give an empirical predictive distribution: a new forecast ``f``
falling in that bin has quantile ``p`` at ``f * Q_bin(p)`` (a split-conformal
calibration, pooled over series so that rare quantiles rest on many pairs).

Demand has a mass at zero. A central interval whose lower end is zero keeps
all of its tail on the upper side: ``[0, Q(level)]`` instead of ``[0,
Q((1 + level) / 2)]``, so it covers what it says and not more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["RatioCalibration", "calibrate"]

_PROBS = np.linspace(0.0, 1.0, 401)


@dataclass(frozen=True)
class RatioCalibration:
    """Empirical ratio distributions per group and forecast-size bin.

    Attributes
    ----------
    edges : ndarray, shape (groups, bins - 1)
        Inner bin edges of forecast size (+inf where a group has fewer bins).
    ratios : ndarray, shape (groups, bins, probabilities)
        Quantiles of ``actual / forecast`` at :attr:`probs`.
    variance : ndarray, shape (groups, bins)
        Variance of the ratio.
    probs : ndarray
    """

    edges: np.ndarray
    ratios: np.ndarray
    variance: np.ndarray
    probs: np.ndarray

    def _bins(self, group: np.ndarray, forecast: np.ndarray) -> np.ndarray:
        edges = self.edges[group]
        return (forecast[:, None] > edges).sum(axis=1)

    def ratio_quantile(self, group: np.ndarray, forecast: np.ndarray, p: float) -> np.ndarray:
        """``Q_bin(p)`` of each forecast's bin."""
        bins = self._bins(group, forecast)
        position = float(np.clip(p, 0.0, 1.0)) * (len(self.probs) - 1)  # the probabilities are evenly spaced
        below = min(int(position), len(self.probs) - 2)
        share = position - below
        return self.ratios[group, bins, below] * (1 - share) + self.ratios[group, bins, below + 1] * share

    def quantile(self, group: np.ndarray, forecast: np.ndarray, p: float) -> np.ndarray:
        """Quantile ``p`` of demand for each forecast (0 where the forecast is 0)."""
        forecast = np.asarray(forecast, dtype=float)
        return forecast * self.ratio_quantile(np.asarray(group), forecast, p)

    def interval(self, group: np.ndarray, forecast: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Central interval of probability ``level`` (0-1); one-sided ``[0, Q(level)]`` where demand may be 0."""
        alpha = 1.0 - level
        lower = self.quantile(group, forecast, alpha / 2)
        upper = np.where(lower > 0, self.quantile(group, forecast, 1 - alpha / 2),
                         self.quantile(group, forecast, 1 - alpha))
        return lower, upper

    def ratio_variance(self, group: np.ndarray, forecast: np.ndarray) -> np.ndarray:
        """Variance of ``actual / forecast`` in each forecast's bin."""
        forecast = np.asarray(forecast, dtype=float)
        return self.variance[group, self._bins(np.asarray(group), forecast)]


def calibrate(group: np.ndarray, forecast: np.ndarray, actual: np.ndarray, n_groups: int,
              max_bins: int = 10, min_per_bin: int = 50) -> RatioCalibration:
    """Ratio distributions from backtest pairs.

    Parameters
    ----------
    group : ndarray of int, shape (pairs,)
        Group of each pair, ``0 .. n_groups - 1``.
    forecast, actual : ndarray, shape (pairs,)
        Pairs with a forecast of 0 carry no ratio and are left out.
    max_bins, min_per_bin : int
        A group gets at most ``max_bins`` bins and at least ``min_per_bin``
        pairs in each; a group with too few pairs borrows the distribution
        of all pairs together.

    Returns
    -------
    RatioCalibration
    """
    keep = forecast > 0
    group, forecast, ratio = group[keep], forecast[keep], actual[keep] / forecast[keep]
    edges = np.full((n_groups, max_bins - 1), np.inf)
    ratios = np.empty((n_groups, max_bins, len(_PROBS)))
    variance = np.empty((n_groups, max_bins))
    pooled = np.quantile(ratio, _PROBS) if len(ratio) else np.ones(len(_PROBS))
    pooled_variance = float(ratio.var()) if len(ratio) else 0.0
    for g in range(n_groups):
        rows = group == g
        n_bins = int(np.clip(rows.sum() // min_per_bin, 1, max_bins))
        ratios[g], variance[g] = pooled, pooled_variance
        if rows.sum() < min_per_bin:
            continue
        inner = np.quantile(forecast[rows], np.arange(1, n_bins) / n_bins)
        edges[g, :n_bins - 1] = inner
        bins = (forecast[rows][:, None] > inner).sum(axis=1)
        for b in range(n_bins):
            in_bin = ratio[rows][bins == b]
            if len(in_bin):
                ratios[g, b], variance[g, b] = np.quantile(in_bin, _PROBS), in_bin.var()
        ratios[g, n_bins:], variance[g, n_bins:] = ratios[g, n_bins - 1], variance[g, n_bins - 1]
    return RatioCalibration(edges, ratios, variance, _PROBS)
