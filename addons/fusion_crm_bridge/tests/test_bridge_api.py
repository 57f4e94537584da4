from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BridgeCommon


@tagged("post_install", "-at_install")
class TestBridgeApi(BridgeCommon):
    def test_upsert_leads_create_bind_log_then_update(self):
        partner = self.upsert_partner("P1", city="Sevilla")
        records = [self.record(f"lead-{i}", f"L{i}", name=f"Lead {i}", partner_external_id="P1") for i in range(3)]
        response = self.bridge.upsert_leads(records)
        self.assertTrue(response["ok"])
        self.assertEqual([r["status"] for r in response["results"]], ["created"] * 3)
        leads = self.env["crm.lead"].browse([r["id"] for r in response["results"]])
        self.assertEqual(leads.partner_id, partner)
        self.assertEqual(leads.team_id, self.team)
        self.assertEqual(leads.company_id, self.company)
        self.assertEqual(self.env["fusion.bridge.binding"].search_count(
            [("source_id", "=", self.source.id), ("model_name", "=", "crm.lead")]), 3)
        update = self.bridge.upsert_leads([self.record("lead-0-v2", "L0", expected_revenue=1200.0)])
        self.assertEqual(update["results"][0]["status"], "updated")
        self.assertEqual(leads[0].expected_revenue, 1200.0)

    def test_replay_returns_first_result_and_conflict_is_refused(self):
        records = [self.record("same", "L1", name="Lead"), self.record("same", "L1", name="Lead")]
        first = self.bridge.upsert_leads(records)["results"]
        self.assertEqual([r["status"] for r in first], ["created", "replayed"])
        count = self.env["crm.lead"].search_count([])
        replay = self.bridge.upsert_leads(records[:1])["results"][0]
        self.assertEqual((replay["status"], replay["id"]), ("replayed", first[0]["id"]))
        conflict = self.bridge.upsert_leads([self.record("same", "L1", name="Other")])["results"][0]
        self.assertEqual(conflict["error"]["code"], "idempotency_conflict")
        self.assertEqual(self.env["crm.lead"].search_count([]), count)

    @mute_logger("odoo.addons.fusion_crm_bridge.models.fusion_bridge")
    def test_one_bad_record_does_not_lose_the_others(self):
        Lead = type(self.env["crm.lead"])
        original_create = Lead.create

        def create(records, vals_list):
            if any(vals.get("name") == "refused by Odoo" for vals in vals_list):
                raise ValueError("refused by a constraint")
            return original_create(records, vals_list)

        records = [
            self.record("a", "A", name="fine"),
            self.record("b", "B", name="refused by Odoo"),
            self.record("c", "C", name="x", partner_external_id="nobody"),
            self.record("d", "D", name="x", probability=50.0),  # declared nowhere
            self.record("e", "E", name=12),
            self.record("f", "F", name="fine too"),
        ]
        with patch.object(Lead, "create", create):
            results = self.bridge.upsert_leads(records)["results"]
        self.assertEqual([r["status"] for r in results], ["created", "error", "error", "error", "error", "created"])
        self.assertEqual([r["error"] and r["error"]["code"] for r in results[1:5]],
                         ["odoo_error", "not_found", "field_not_allowed", "invalid_type"])
        self.assertFalse(self.env["fusion.bridge.binding"].search([("external_id", "in", ["B", "C", "D", "E"])]))
        self.assertEqual(self.env["fusion.bridge.request"].search_count([("source_id", "=", self.source.id)]), 2)

    def test_batch_creates_once_and_resolves_bindings_once(self):
        self.upsert_partner("P1")
        Lead = type(self.env["crm.lead"])
        Binding = type(self.env["fusion.bridge.binding"])
        records = [self.record(f"k{i}", f"L{i}", name=f"Lead {i}", partner_external_id="P1") for i in range(50)]
        with patch.object(Lead, "create", autospec=True, side_effect=Lead.create) as create, \
                patch.object(Binding, "_get_res_ids", autospec=True, side_effect=Binding._get_res_ids) as lookups:
            results = self.bridge.upsert_leads(records)["results"]
        self.assertEqual({r["status"] for r in results}, {"created"})
        self.assertEqual(create.call_count, 1)
        self.assertEqual(lookups.call_count, 2)  # the leads' own bindings, then their partners'

    def test_orders_carry_the_check_and_confirm_when_it_passes(self):
        self.upsert_partner("P1")
        line = {"product_code": "WID-1", "product_uom_qty": 2.0}
        order = self.record("o1", "O1", partner_external_id="P1", lines=[line], confirm=True)
        # The check itself belongs to whichever addon extends the hook: here it is pinned.
        passed = {"ok": True, "reasons": []}
        refused = {"ok": False, "reasons": [{"code": "no_stock", "message": "short", "params": {}}]}
        Bridge = type(self.env["fusion.bridge"])
        with patch.object(Bridge, "_fusion_bridge_check_orders",
                          lambda bridge, orders: {o.id: passed for o in orders}):
            result = self.bridge.upsert_orders([order])["results"][0]
        self.assertEqual((result["status"], result["state"], result["check"]), ("created", "sale", passed))
        with patch.object(Bridge, "_fusion_bridge_check_orders",
                          lambda bridge, orders: {o.id: refused for o in orders}):
            result = self.bridge.upsert_orders(
                [self.record("o2", "O2", partner_external_id="P1", lines=[line], confirm=True)])["results"][0]
        self.assertEqual((result["state"], result["check"]), ("draft", refused))
        locked = self.bridge.upsert_orders([self.record("o1b", "O1", client_order_ref="late change")])
        self.assertEqual(locked["results"][0]["error"]["code"], "order_locked")

    def test_interactions_become_messages_or_activities(self):
        partner = self.upsert_partner("P1")
        results = self.bridge.push_interactions([
            self.record("i1", "I1", kind="call", target_kind="partner", target_external_id="P1",
                        subject="Called", body="About <b>prices</b>"),
            self.record("i2", "I2", kind="meeting", target_kind="partner", target_external_id="P1",
                        subject="Visit", due_date="2030-01-15"),
            self.record("i3", "I3", kind="email", target_kind="lead", target_external_id="nope"),
        ])["results"]
        self.assertEqual([r["status"] for r in results], ["created", "created", "error"])
        message = self.env["mail.message"].browse(results[0]["id"])
        self.assertEqual((message.model, message.res_id), ("res.partner", partner.id))
        self.assertIn("&lt;b&gt;prices&lt;/b&gt;", message.body)
        activity = self.env["mail.activity"].browse(results[1]["id"])
        self.assertEqual(str(activity.date_deadline), "2030-01-15")
        again = self.bridge.push_interactions([self.record("i1-bis", "I1", kind="call", target_kind="partner",
                                                            target_external_id="P1")])["results"][0]
        self.assertEqual(again["error"]["code"], "duplicate_external_id")

    def test_tickets_need_the_helpdesk(self):
        self.upsert_partner("P1")
        ticket = self.record("t1", "T1", name="Broken", description="It broke", partner_external_id="P1")
        response = self.bridge.push_tickets([ticket])
        if "helpdesk.ticket" in self.env:
            self.assertEqual(response["results"][0]["status"], "created")
        else:
            self.assertEqual(response["error"]["code"], "operation_unavailable")
