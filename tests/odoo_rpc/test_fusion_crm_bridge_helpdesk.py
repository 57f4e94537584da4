"""The tickets stream of the bridge's changes feed over real XML-RPC/JSON-RPC (fusion_crm_bridge_helpdesk)."""

import pytest
from conftest import connect
from test_fusion_crm_bridge import follow, keyed, rec

from crm_bridge.sync.client import BridgeClient


@pytest.fixture(scope="module")
def crm(admin, odoo_server):
    """A source allowed tickets and the feed, with its technical user's API key."""
    source_id = admin.env["fusion.bridge.source"].create({
        "name": "Tickets CRM", "code": "rpctk", "allow_partners": True, "allow_tickets": True,
        "allow_changes": True,
        "purpose_ids": [(0, 0, {"model_name": model, "field_name": name, "purpose": "support sync"})
                        for model, names in (("res.partner", ["name"]),
                                             ("helpdesk.ticket", ["name", "description", "partner_id"]))
                        for name in names],
    })
    admin.execute_kw("fusion.bridge.source", "action_create_technical_user", [[source_id]])
    action = admin.execute_kw("fusion.bridge.source", "action_generate_api_key", [[source_id]])
    return connect(*odoo_server, "bridge-rpctk", action["context"]["default_key"])


def call(crm, method, *args):
    return crm.execute_kw("fusion.bridge", method, list(args))


def test_tickets_pushed_changed_and_deleted_reach_the_feed(crm, admin):
    client = BridgeClient(crm)
    client.changes(limit=500)  # start from now
    while client.changes(limit=500)["more"]:
        pass
    assert call(crm, "upsert_partners", [rec("tk-p", "TKP", name="Ticket customer")])["ok"]
    pushed = call(crm, "push_tickets", [rec("tk-1", "TK1", name="Broken", description="It broke",
                                            partner_external_id="TKP")])
    assert pushed["results"][0]["status"] == "created", pushed
    ticket_id = pushed["results"][0]["id"]
    partner_id = admin.env["helpdesk.ticket"].read(ticket_id, ["partner_id"])[0]["partner_id"][0]
    # A ticket the support team opens in Odoo for the same customer reaches the source too.
    phoned = admin.env["helpdesk.ticket"].create({"name": "Phoned in", "description": "Call",
                                                  "partner_id": partner_id})
    seen = keyed(follow(client, lambda seen: ("tickets", "TK1") in keyed(seen)
                        and any(c["type"] == "tickets" and c["id"] == phoned for c in seen)))
    created = seen[("tickets", "TK1")]
    assert (created["event"], created["partner_external_id"], created["closed"]) == ("upsert", "TKP", False)
    assert created["number"] and created["number"] != "/"
    assert ("tickets", False) in seen  # the phoned-in ticket, not bound to the source

    closed_stage = admin.env["helpdesk.ticket.stage"].search([("closed", "=", True)], limit=1)[0]
    admin.env["helpdesk.ticket"].write([ticket_id], {"stage_id": closed_stage})
    closed = [c for c in follow(client, lambda seen: ("tickets", "TK1") in keyed(seen))
              if c["type"] == "tickets" and c["id"] == ticket_id]
    assert closed and closed[-1]["closed"] is True and closed[-1]["stage_id"] == closed_stage

    admin.execute_kw("helpdesk.ticket", "action_archive", [[phoned]])
    admin.execute_kw("helpdesk.ticket", "unlink", [[ticket_id]])
    ended = follow(client, lambda seen: {("tickets", "TK1"), ("tickets", False)} <= set(keyed(seen)))
    events = {(c["external_id"], c["id"]): c["event"] for c in ended if c["type"] == "tickets"}
    assert events == {("TK1", ticket_id): "delete", (False, phoned): "archive"}, ended
