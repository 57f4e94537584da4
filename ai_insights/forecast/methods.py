"""The forecasting methods a series may get, all from ``statsforecast``.

Smooth series (a demand most weeks) are candidates for simple exponential
smoothing with an optimised smoothing weight; intermittent series (average
demand interval ``ADI`` of at least 1.32 weeks, the Syntetos-Boylan cut-off)
for the intermittent-demand methods: Croston with the Syntetos-Boylan
approximation, TSB (which lets the demand probability decay, for products
that stop selling) and ADIDA (temporal aggregation). IMAPA (ADIDA over
several aggregation levels) was a candidate too; on the development company
(``demo_company.generate(seed=8)``, three windows of eight weeks) dropping it
changed the revenue-weighted MASE from 0.4652 to 0.4650 and made the fit
2.5 times faster, so it is not tried. The level methods run on the
deseasonalised series (:mod:`ai_insights.forecast.seasonal`); seasonal
naive, the benchmark every run is measured against, runs on the series as
it is.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from statsforecast.models import (
    ADIDA,
    TSB,
    CrostonSBA,
    Naive,
    SeasonalNaive,
    SimpleExponentialSmoothingOptimized,
)

__all__ = ["INTERMITTENT_ADI", "INTERMITTENT_METHODS", "METHODS", "SMOOTH_METHODS", "candidates",
           "level_forecast", "seasonal_naive"]

#: Average demand interval from which a series is intermittent (Syntetos & Boylan, 2005).
INTERMITTENT_ADI = 1.32

METHODS: dict[str, Callable[[], object]] = {
    "ses": SimpleExponentialSmoothingOptimized,
    "croston_sba": CrostonSBA,
    "tsb": lambda: TSB(alpha_d=0.1, alpha_p=0.1),
    "adida": ADIDA,
}
SMOOTH_METHODS = ("ses",)
INTERMITTENT_METHODS = ("croston_sba", "tsb", "adida")


def candidates(demand: np.ndarray) -> tuple[str, ...]:
    """The methods tried on a series: intermittent ones when its average demand interval is long."""
    weeks_with_demand = np.count_nonzero(demand)
    if weeks_with_demand and len(demand) / weeks_with_demand >= INTERMITTENT_ADI:
        return INTERMITTENT_METHODS
    return SMOOTH_METHODS


def level_forecast(method: str, demand: np.ndarray, horizon: int) -> np.ndarray:
    """Forecast of ``horizon`` weeks by ``method`` (a key of :data:`METHODS`); zeros for a series without demand."""
    if not np.any(demand > 0):
        return np.zeros(horizon)
    return np.maximum(METHODS[method]().forecast(y=np.asarray(demand, dtype=float), h=horizon)["mean"], 0.0)


def seasonal_naive(demand: np.ndarray, horizon: int, season_length: int = 52) -> np.ndarray:
    """Last season's value of each week ahead; the last value while the series is shorter than a season."""
    model = SeasonalNaive(season_length) if len(demand) >= season_length else Naive()
    return model.forecast(y=np.asarray(demand, dtype=float), h=horizon)["mean"]
