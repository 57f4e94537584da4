"""The AI of the suite, one subpackage per capability.

* :mod:`ai_insights.churn`: customer features, churn risk and lifetime value.
* :mod:`ai_insights.nlp`: ticket and interaction language (category, urgency, sentiment, replies).
* :mod:`ai_insights.actions`: rules from predictions to guarded actions, and their measured uplift.
* :mod:`ai_insights.registry`: safe model storage (skops), model cards, versions and promotion.
* :mod:`ai_insights.forecast`: demand per product, segment and warehouse, stock-outs and reordering.
* :mod:`ai_insights.routing`: leads and tickets to the person who serves them best within capacity.
* :mod:`ai_insights.recommend`: next best action by measured uplift, complementary products.
"""
