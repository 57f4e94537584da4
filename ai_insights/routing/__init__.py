"""Routing by operational capacity: leads to the salesperson, tickets to the agent who serves them best.

* :mod:`ai_insights.routing.assignment`: the optimal assignment within free capacity (one solver for both).
* :mod:`ai_insights.routing.skills`: each person's skill per kind of item, learned from their history.
* :mod:`ai_insights.routing.leads`: lead routing, with the deliverability flag from the promise engine.
* :mod:`ai_insights.routing.tickets`: ticket routing by resolution hours and rating.
"""
