"""Ticket analysis seen from outside: a restricted helpdesk user creates tickets over XML-RPC."""

import odoorpc
import pytest

ANALYSIS_FIELDS = [
    "fusion_analysis_state", "fusion_model_version", "fusion_language", "fusion_predicted_category",
    "fusion_category_confidence", "fusion_sentiment_score", "fusion_key_phrases", "fusion_needs_review",
    "fusion_analysis_flags", "fusion_reply_suggestion", "fusion_reply_language", "category_id", "user_id",
]
CATEGORY_CODES = {"billing", "delivery", "product_defect", "returns", "account_access", "other"}


@pytest.fixture(scope="module")
def agent(admin, make_user):
    client = make_user("rpc_helpdesk_agent", ["helpdesk_mgmt.group_helpdesk_user_own"])
    team_id = admin.env["helpdesk.ticket.team"].create({"name": "RPC customer care"})
    admin.env["helpdesk.ticket.team"].write([team_id], {"user_ids": [(4, client.env.uid)]})
    return client, team_id


def test_restricted_user_creates_a_ticket_and_reads_the_analysis(agent):
    client, team_id = agent
    ticket_id = client.env["helpdesk.ticket"].create({
        "name": "Mi pedido no ha llegado",
        "description": "<p>Hola, hice un pedido hace dos semanas y todavía no ha llegado. "
                       "¿Pueden decirme cuándo lo recibiré? Gracias.</p>",
        "team_id": team_id,
    })
    [ticket] = client.env["helpdesk.ticket"].read([ticket_id], ANALYSIS_FIELDS)
    assert ticket["fusion_model_version"].startswith("v")
    assert ticket["fusion_analysis_state"] in ("done", "review")
    assert ticket["fusion_language"] == "es"
    assert ticket["fusion_predicted_category"] in CATEGORY_CODES
    assert 0 < ticket["fusion_category_confidence"] <= 1
    assert -1 <= ticket["fusion_sentiment_score"] <= 1
    assert "html_stripped" in (ticket["fusion_analysis_flags"] or "")
    assert ticket["fusion_reply_language"] == "es" and ticket["fusion_reply_suggestion"].startswith("Hola")
    assert ticket["user_id"] and ticket["user_id"][0] == client.env.uid, "routed to the only team member"


def test_batch_and_bad_inputs_over_rpc(agent):
    client, team_id = agent
    ids = client.env["helpdesk.ticket"].create([
        {"name": "Invoice charged twice", "description": "<p>You charged my card twice for invoice INV/001.</p>",
         "team_id": team_id},
        {"name": "…", "description": "<p><br></p>", "team_id": team_id},
        {"name": "Remboursement", "description": "<p>Bonjour, je voudrais être remboursé.</p>", "team_id": team_id},
    ])
    rows = client.env["helpdesk.ticket"].read(ids, ["fusion_language", "fusion_needs_review", "category_id"])
    assert rows[0]["fusion_language"] == "en"
    for row in rows[1:]:
        assert row["fusion_language"] == "other"
        assert row["fusion_needs_review"] == "category, sentiment, urgency"
        assert not row["category_id"]


def test_agent_cannot_train_or_read_versions(agent):
    client, _team_id = agent
    with pytest.raises(odoorpc.error.RPCError, match="not allowed|access|Access"):
        client.env["fusion.ticket.model"].search_read([], ["name"])


def test_installed_analyzer_learnt_from_the_seed_corpus(admin):
    """No closed tickets at install: every company's first analyzer comes from the seed corpus, and says so."""
    versions = admin.env["fusion.ticket.model"].search_read(
        [("is_active", "=", True)], ["source", "ticket_count", "message", "card_html"])
    assert versions
    for version in versions:
        assert version["source"] == "seed_corpus" and version["ticket_count"] > 0
        assert "seed corpus" in version["message"] and "Seed corpus" in version["card_html"]
