"""Recommendations: the next best action by measured uplift, and complementary offers the ERP can honour."""

from ai_insights.recommend.nba import (
    NBA_ACTIONS,
    NBA_COLUMNS,
    REASON_MESSAGES,
    ActionEconomics,
    UpliftEstimate,
    describe,
    next_best_actions,
    slipped_promises,
)
from ai_insights.recommend.uplift import RelativeEffectLearner, TLearner, XLearner, check_experiment, qini, qini_curve

__all__ = ["NBA_ACTIONS", "NBA_COLUMNS", "REASON_MESSAGES", "ActionEconomics", "RelativeEffectLearner",
           "TLearner", "UpliftEstimate", "XLearner",
           "check_experiment", "describe", "next_best_actions", "qini", "qini_curve", "slipped_promises"]
