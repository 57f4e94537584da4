"""Demand forecast per product x customer segment x warehouse, weekly, with intervals and coherent totals.

* :mod:`ai_insights.forecast.history`: weekly demand from the company tables (:func:`weekly_demand`) of
  the goods that sold (:func:`sold_goods`).
* :mod:`ai_insights.forecast.model`: :class:`DemandForecaster` (method per series by backtest,
  priors for new products, reconciliation, intervals, value added against seasonal naive).
* :mod:`ai_insights.forecast.demand`: what the promise, the pricing guardrail and replenishment
  read from a forecast.
"""

from ai_insights.forecast.history import DemandHistory, sold_goods, weekly_demand
from ai_insights.forecast.model import DemandForecaster, Forecast

__all__ = ["DemandForecaster", "DemandHistory", "Forecast", "sold_goods", "weekly_demand"]
