def post_init_hook(env):
    """Give every company a working ticket analyzer at install.

    Every training learns from the seed corpus shipped with ``ai_insights``
    (:mod:`ai_insights.nlp.seed`) plus the company's closed, labelled tickets
    (``own_ticket_count`` on the version); at install there are none yet, so
    the first version is the seed corpus alone and its card says so.
    """
    for company in env["res.company"].search([]):
        env["fusion.ticket.model"]._train(company)
