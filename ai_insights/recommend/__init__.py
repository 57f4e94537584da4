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
from ai_insights.recommend.uplift import (
    LEARNERS,
    RelativeEffectLearner,
    TLearner,
    XLearner,
    check_experiment,
    check_wave,
    qini,
    qini_curve,
    select_learner,
)

__all__ = ["LEARNERS", "NBA_ACTIONS", "NBA_COLUMNS", "REASON_MESSAGES", "ActionEconomics", "RelativeEffectLearner",
           "TLearner", "UpliftEstimate", "XLearner", "check_experiment", "check_wave", "describe",
           "next_best_actions", "qini", "qini_curve", "select_learner", "slipped_promises"]
