"""How a customer's hidden churn risk shows in what they do.

One place for the shape of the warning signs, so orders, payments, tickets
and interactions tell the same story: in the months before ``churn_date`` a
customer orders less often, pays later and complains more, with a strength
that grows with the latent ``churn_propensity``. Churners with a low
propensity leave without warning (the "silent" ones), which keeps the
signal realistic rather than perfect.
"""

from __future__ import annotations

import numpy as np

__all__ = ["WARNING_DAYS", "warning_strength", "churn_pressure"]

WARNING_DAYS = 75.0  # e-folding time of the warning signs before churn, in days


def warning_strength(propensity: np.ndarray) -> np.ndarray:
    """How loudly a churner warns (0 = silent, 1 = every sign), from its propensity."""
    return np.clip((np.asarray(propensity, dtype=float) - 0.2) / 0.35, 0.0, 1.0)


def churn_pressure(days_to_churn: np.ndarray) -> np.ndarray:
    """Closeness to churn in [0, 1]: 1 at the churn date, fading over the months before.

    ``days_to_churn`` is ``churn_date - t`` in days (NaN for customers who
    never churn); after the churn date the pressure stays at 1.
    """
    days = np.asarray(days_to_churn, dtype=float)
    pressure = np.exp(-np.clip(days, 0.0, None) / WARNING_DAYS)
    return np.nan_to_num(pressure, nan=0.0)
