"""The AI of the suite, one subpackage per capability.

* :mod:`ai_insights.churn`: customer features, churn risk and lifetime value.
* :mod:`ai_insights.nlp`: ticket and interaction language (category, urgency, sentiment, replies).
* :mod:`ai_insights.actions`: rules from predictions to guarded actions, and their measured uplift.
* :mod:`ai_insights.registry`: safe model storage (skops), model cards, versions and promotion.
"""
