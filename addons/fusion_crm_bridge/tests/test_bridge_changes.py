import datetime

from odoo.tests import tagged

from odoo.addons.fusion_crm_bridge.models.fusion_bridge_change import PURGED_PARAMETER, RETENTION_PARAMETER

from .common import BridgeCommon


@tagged("post_install", "-at_install")
class TestBridgeOutbox(BridgeCommon):
    """Every published change is written to the outbox in the changing transaction.

    The feed itself reads only rows of ended transactions, so it is exercised
    over RPC against a live server (tests/odoo_rpc, tests/reliability): here
    the test's own transaction never ends.
    """

    def changes_of(self, model_name, res_id):
        self.env.flush_all()  # as the commit does: the outbox rows are written when the changes reach the database
        rows = self.env["fusion.bridge.change"].search(
            [("model_name", "=", model_name), ("res_id", "=", res_id)], order="id")
        return [(row.stream, row.event) for row in rows]

    def test_every_change_writes_the_outbox(self):
        partner = self.upsert_partner("P1")
        self.assertEqual(self.changes_of("res.partner", partner.id)[0], ("partners", "upsert"))
        row = self.env["fusion.bridge.change"].search([("model_name", "=", "res.partner"),
                                                       ("res_id", "=", partner.id)], limit=1)
        self.assertEqual((row.company_id, row.customer_id), (self.company, partner.id))
        line = {"product_code": "WID-1", "product_uom_qty": 2.0}
        order_id = self.bridge.upsert_orders([self.record("o1", "O1", partner_external_id="P1", lines=[line],
                                                          confirm=True)])["results"][0]["id"]
        order = self.env["sale.order"].browse(order_id)
        self.assertIn(("orders", "upsert"), self.changes_of("sale.order", order.id))
        self.assertTrue(self.changes_of("stock.picking", order.picking_ids.id))
        # A stored computed field (not a write() call) is published too.
        before = len(self.changes_of("sale.order", order.id))
        order.picking_ids.move_ids.quantity = 2.0
        order.picking_ids.button_validate()
        self.env.flush_all()
        self.assertEqual(order.delivery_status, "full")
        self.assertGreater(len(self.changes_of("sale.order", order.id)), before)
        partner.action_archive()
        self.assertIn(("partners", "archive"), self.changes_of("res.partner", partner.id))
        lead_id = self.bridge.upsert_leads([self.record("l1", "L1", name="Lead")])["results"][0]["id"]
        self.env["crm.lead"].browse(lead_id).unlink()
        self.assertEqual(self.changes_of("crm.lead", lead_id)[-1], ("leads", "delete"))

    def test_out_of_scope_records_are_not_written(self):
        partner = self.upsert_partner("P1")
        draft = self.env["account.move"].create({"move_type": "out_invoice", "partner_id": partner.id})
        self.assertEqual(self.changes_of("account.move", draft.id), [])
        internal = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.int_type_id.id, "location_id": self.warehouse.lot_stock_id.id,
            "location_dest_id": self.warehouse.lot_stock_id.id})
        self.assertEqual(self.changes_of("stock.picking", internal.id), [])

    def test_other_addons_record_deletions_of_records_already_gone(self):
        partner = self.upsert_partner("P1")
        partner_id = partner.id
        self.env.cr.execute("DELETE FROM fusion_bridge_change")
        self.env["fusion.bridge.binding"].search([("res_id", "=", partner_id)]).unlink()
        partner.unlink()
        self.env.cr.execute("DELETE FROM fusion_bridge_change")
        self.env["fusion.bridge.change"]._record_changes("partners", [partner_id], "delete")
        self.assertEqual(self.changes_of("res.partner", partner_id), [("partners", "delete")])
        with self.assertRaises(ValueError):
            self.env["fusion.bridge.change"]._record_changes("partners", [partner_id], "erase")
        with self.assertRaises(ValueError):
            self.env["fusion.bridge.change"]._record_changes("nope", [partner_id], "delete")

    def test_this_transactions_changes_wait_for_its_end(self):
        """A change is published only once the transaction that wrote it has ended, never skipped."""
        self.upsert_partner("P1")
        first = self.bridge.changes(False, 100)
        self.assertTrue(first["ok"], first)
        self.assertEqual(first["changes"], [])
        self.assertEqual(self.bridge.changes(first["cursor"], 100)["changes"], [])

    def test_retention_purges_old_changes_and_expires_older_cursors(self):
        partner = self.upsert_partner("P1")
        self.env["ir.config_parameter"].set_param(RETENTION_PARAMETER, "7")
        old = datetime.datetime.now() - datetime.timedelta(days=8)
        self.env.cr.execute("UPDATE fusion_bridge_change SET changed_at = %s WHERE res_id = %s", (old, partner.id))
        self.env["fusion.bridge.change"]._cron_purge()
        self.assertEqual(self.changes_of("res.partner", partner.id), [])
        purged = self.env["ir.config_parameter"].get_param(PURGED_PARAMETER)
        self.assertTrue(purged)
        stale = self.env["fusion.bridge"]._encode_cursor((0, 1))
        response = self.bridge.changes(stale, 10)
        self.assertEqual((response["error"]["code"], response["error"]["field"]), ("cursor_expired", "cursor"))
        self.assertTrue(self.bridge.changes(False, 10)["ok"])
        self.assertEqual(self.bridge.changes("not-a-cursor", 10)["error"]["field"], "cursor")

    def test_watched_products_publish_their_availability(self):
        self.upsert_partner("P1")
        self.assertEqual(self.bridge.watch_products(["WID-1", "NOPE"])["results"][1]["error"]["code"], "not_found")
        watch = self.env["fusion.bridge.watch"].search([("source_id", "=", self.source.id)])
        self.assertEqual(set(self.changes_of("fusion.bridge.watch", watch.id)), {("availability", "upsert")})
        published = len(self.changes_of("fusion.bridge.watch", watch.id))
        self.env["stock.quant"]._update_available_quantity(self.product, self.warehouse.lot_stock_id, 10.0)
        self.bridge.changes(False, 10)  # notices the new quantities: the next poll publishes them
        self.assertEqual(watch.qty_available, 15.0)
        self.assertGreater(len(self.changes_of("fusion.bridge.watch", watch.id)), published)
