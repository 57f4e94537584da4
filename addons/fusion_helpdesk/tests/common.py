from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.fusion_base.tests.common import FusionCommon

from ai_insights.nlp import ticket_texts
from demo_company import make_ticket_corpus  # tests only: production trains on the seed corpus

# Tickets the installed analyzer has never seen (it was trained on the seed corpus, generated with seed 7).
PROBE_SEED = 29
PROBE_SIZE = 400
# Probe tickets are chosen well above the 0.6 threshold, so storing them as HTML cannot tip them under it.
PROBE_CONFIDENCE = 0.7


class FusionHelpdeskCommon(FusionCommon):
    """fusion_base's users, a helpdesk team handling every category, two agents with the least
    privilege (their own tickets), a team leader, a customer, and the analyzer installed with the addon."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.version = cls.env["fusion.ticket.model"]._get_active(cls.company)
        cls.categories = cls.env["helpdesk.ticket.category"]._get_fusion_categories(cls.company)
        cls.agent_a = new_test_user(cls.env, "fusion_agent_a", groups="helpdesk_mgmt.group_helpdesk_user_own")
        cls.agent_b = new_test_user(cls.env, "fusion_agent_b", groups="helpdesk_mgmt.group_helpdesk_user_own")
        cls.leader = new_test_user(cls.env, "fusion_leader", groups="helpdesk_mgmt.group_helpdesk_user")
        cls.team = cls.env["helpdesk.ticket.team"].create({
            "name": "Fusion customer care",
            "category_ids": [Command.set([category.id for category in cls.categories.values()])],
            "user_ids": [Command.set([cls.agent_a.id, cls.agent_b.id])],
            "user_id": cls.leader.id,
        })
        cls.customer = cls.env["res.partner"].create({"name": "Lucía Pérez", "email": "lucia@example.com"})
        cls.company.fusion_helpdesk_confidence = 0.6
        corpus = make_ticket_corpus(n=PROBE_SIZE, seed=PROBE_SEED)
        cls.probe_texts = ticket_texts(corpus)
        analyzer = cls.version._get_analyzer()
        analyzer.set_params(confidence_threshold=cls.company.fusion_helpdesk_confidence)
        cls.probe_results = analyzer.predict_many(cls.probe_texts)

    @classmethod
    def _probe(cls, sentiment_below=None, **wanted):
        """A corpus text the analyzer reads with the ``wanted`` predictions, every task well above the threshold."""
        for text, result in zip(cls.probe_texts, cls.probe_results):
            sure = all(result[f"{task}_confidence"] >= PROBE_CONFIDENCE
                       for task in ("category", "urgency", "sentiment"))
            if (sure and all(result[key] == value for key, value in wanted.items())
                    and (sentiment_below is None or result["sentiment_score"] < sentiment_below)):
                return text, result
        raise AssertionError(f"no probe ticket analysed as {wanted}")

    def _create_ticket(self, text, user=None, **vals):
        """Create a ticket as ``user`` (an agent by default) from a corpus text (title, blank line, body)."""
        title, _, body = text.partition("\n\n")
        tickets = self.env["helpdesk.ticket"].with_user(user or self.agent_a).create(
            {"name": title or "-", "description": body, "partner_id": self.customer.id, "team_id": self.team.id,
             **vals})
        return tickets.with_env(self.env)
