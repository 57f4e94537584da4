"""Yearly seasonality of weekly demand, estimated once per product and segment and shrunk to its category.

Weekly series rarely hold enough years for a 52-week seasonal model (and
seasonal naive copies one noisy week of last year), so the seasonality is
one smooth yearly wave per group of series, ``exp(a cos(phase) + b
sin(phase))`` with the phase the week's position in the calendar year,
estimated by a Poisson regression (log link, quasi-likelihood) with a
linear trend beside it so that growth or decline is not mistaken for a
season:

``log E[demand_t] = c + d * years_t + a * cos(phase_t) + b * sin(phase_t)``

The coefficients ``(a, b)`` are shrunk (ridge penalty scaled by the
series' over-dispersion) towards a prior: a product's seasonality in a
segment towards its category's in that segment, the category's towards
none. A series with less than a year of observed weeks cannot tell a
season from a level change: it takes its prior. The factors are
normalised to average 1 over a year, so dividing by them removes the
season and multiplying by them puts it back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["phase_of", "seasonal_coefficients", "seasonal_factors"]

_IRLS_STEPS = 12


def phase_of(periods: pd.DatetimeIndex) -> np.ndarray:
    """Angle of the middle of each period in the calendar year, in radians.

    The periods are those of the index's frequency (weeks starting on Monday
    for a demand history: their Thursday), or weeks when it has none.
    """
    periods = pd.DatetimeIndex(periods)
    step = periods.freq or pd.infer_freq(periods) if len(periods) > 2 else None
    length = (periods[0] + pd.tseries.frequencies.to_offset(step or "7D")) - periods[0]
    middle = periods + length / 2 - pd.Timedelta(hours=12)
    return 2 * np.pi * (middle.dayofyear.to_numpy() - 1) / 365.25


def seasonal_coefficients(
    demand: np.ndarray,
    valid: np.ndarray,
    periods: pd.DatetimeIndex,
    prior: np.ndarray | None = None,
    prior_sd: float = 0.5,
    trend_sd: float = 0.5,
    min_weeks: int = 52,
) -> np.ndarray:
    """Yearly wave coefficients ``(a, b)`` of many series at once.

    Parameters
    ----------
    demand : ndarray, shape (series, weeks)
    valid : ndarray of bool, same shape
        Weeks that are observations (launched, not censored).
    periods : DatetimeIndex, length weeks
        Start of each period (week).
    prior : ndarray, shape (series, 2), optional
        Coefficients to shrink towards; zero (no season) by default.
    prior_sd, trend_sd : float
        Prior standard deviation of each wave coefficient and of the
        yearly log trend, in units of one dispersion-scaled observation.
    min_weeks : int
        Series with fewer valid weeks (or no demand) keep their prior.

    Returns
    -------
    ndarray, shape (series, 2)
    """
    n, t = demand.shape
    prior = np.zeros((n, 2)) if prior is None else np.asarray(prior, dtype=float)
    weight = valid.astype(float)
    periods = pd.DatetimeIndex(periods)
    years = ((periods - periods[0]) / pd.Timedelta(days=365.25)).to_numpy()
    phase = phase_of(periods)
    design = np.column_stack([np.ones(t), years - years.mean(), np.cos(phase), np.sin(phase)])
    penalty = np.diag([1e-6, 1 / trend_sd ** 2, 1 / prior_sd ** 2, 1 / prior_sd ** 2])
    target = np.column_stack([np.zeros(n), np.zeros(n), prior])
    observed = weight.sum(axis=1)
    mean = (demand * weight).sum(axis=1) / np.maximum(observed, 1)
    fit = (observed >= min_weeks) & (mean > 0)
    coef = target.copy()
    coef[:, 0] = np.log(np.where(fit, mean, 1.0))
    for _ in range(_IRLS_STEPS):
        eta = np.clip(coef @ design.T, -30, 30)
        mu = np.maximum(np.exp(eta), 1e-6)
        dispersion = (weight * (demand - mu) ** 2 / mu).sum(axis=1) / np.maximum(observed - 4, 1)
        dispersion = np.maximum(dispersion, 1.0)
        w = weight * mu
        z = eta + (demand - mu) / mu
        gram = np.einsum("tk,nt,tl->nkl", design, w, design) + dispersion[:, None, None] * penalty
        rhs = np.einsum("tk,nt->nk", design, w * z) + dispersion[:, None] * (target @ penalty)
        coef = np.where(fit[:, None], np.linalg.solve(gram, rhs[..., None])[..., 0], target)
    return coef[:, 2:]


def seasonal_factors(coefficients: np.ndarray, periods: pd.DatetimeIndex) -> np.ndarray:
    """Multiplicative factor of each series in each period, averaging 1 over a year.

    Parameters
    ----------
    coefficients : ndarray, shape (series, 2)
    periods : DatetimeIndex, length weeks

    Returns
    -------
    ndarray, shape (series, weeks)
    """
    def wave(angle: np.ndarray) -> np.ndarray:
        return np.exp(coefficients[:, :1] * np.cos(angle) + coefficients[:, 1:] * np.sin(angle))

    year = np.linspace(0, 2 * np.pi, 52, endpoint=False)
    return wave(phase_of(periods)[None, :]) / wave(year[None, :]).mean(axis=1, keepdims=True)
