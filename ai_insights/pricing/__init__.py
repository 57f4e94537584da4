"""Dynamic pricing: price suggestions from the company's own price response, stock pressure and the guardrail.

* :mod:`ai_insights.pricing.response`: each product's price elasticity with its uncertainty, shrunk to its category.
* :mod:`ai_insights.pricing.suggest`: the discount that earns most inside the guardrail, with a randomised control.
"""

from ai_insights.pricing.response import estimate_price_response, weekly_history
from ai_insights.pricing.suggest import in_control, suggest_prices

__all__ = ["estimate_price_response", "in_control", "suggest_prices", "weekly_history"]
