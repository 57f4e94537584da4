from odoo.tests import tagged

from odoo.addons.fusion_crm_bridge.tests.common import BridgeCommon


@tagged("post_install", "-at_install")
class TestTicketStream(BridgeCommon):
    """Tickets land in the outbox in the changing transaction; the feed itself is tested over RPC."""

    def changes_of(self, ticket_id):
        self.env.flush_all()
        rows = self.env["fusion.bridge.change"].search(
            [("model_name", "=", "helpdesk.ticket"), ("res_id", "=", ticket_id)], order="id")
        return [(row.stream, row.event, row.customer_id, row.company_id) for row in rows]

    def test_pushed_changed_archived_and_deleted_tickets_are_published(self):
        partner = self.upsert_partner("P1")
        response = self.bridge.push_tickets([self.record("t1", "T1", name="Broken", description="It broke",
                                                         partner_external_id="P1")])
        self.assertEqual(response["results"][0]["status"], "created", response)
        ticket = self.env["helpdesk.ticket"].browse(response["results"][0]["id"])
        # Other addons (routing, sentiment) may write the new ticket again: each write is an upsert.
        pushed = self.changes_of(ticket.id)
        self.assertEqual(set(pushed), {("tickets", "upsert", partner.id, self.company)})
        closed = self.env["helpdesk.ticket.stage"].search([("closed", "=", True)], limit=1)
        ticket.stage_id = closed
        self.assertGreater(len(self.changes_of(ticket.id)), len(pushed))
        ticket.action_archive()
        self.assertEqual(self.changes_of(ticket.id)[-1][1], "archive")
        ticket_id = ticket.id
        ticket.unlink()
        self.assertEqual(self.changes_of(ticket_id)[-1][:2], ("tickets", "delete"))

    def test_a_ticket_of_a_bound_customer_created_in_odoo_is_published_for_that_customer(self):
        partner = self.upsert_partner("P2")
        contact = self.env["res.partner"].create({"name": "Contact", "parent_id": partner.id})
        ticket = self.env["helpdesk.ticket"].create({"name": "Phoned in", "description": "Call",
                                                     "partner_id": contact.id})
        self.assertEqual(set(self.changes_of(ticket.id)), {("tickets", "upsert", partner.id, self.company)})

    def test_the_ticket_serializer_gives_the_customers_external_id_and_declared_fields_only(self):
        self.upsert_partner("P3")
        response = self.bridge.push_tickets([self.record("t3", "T3", name="Slow", description="Very slow",
                                                         partner_external_id="P3")])
        ticket = self.env["helpdesk.ticket"].browse(response["results"][0]["id"])
        bridge = self.env["fusion.bridge"]
        row = bridge._get_change_streams(self.source)["tickets"](self.source, ticket)[ticket.id]
        self.assertEqual((row["external_id"], row["partner_external_id"], row["name"], row["closed"]),
                         ("T3", "P3", "Slow", False))
        self.assertIn("description", row)  # declared by the source
        self.assertNotIn("user_id", row)  # not declared
