def post_init_hook(env):
    """Give every company a working ticket analyzer at install.

    With no closed tickets yet, the training falls back to the seed corpus
    shipped with ``ai_insights`` (:mod:`ai_insights.nlp.seed`) and the
    version's card says so; the scheduled retraining replaces it once the
    company has enough closed tickets of its own.
    """
    for company in env["res.company"].search([]):
        env["fusion.ticket.model"]._train(company)
