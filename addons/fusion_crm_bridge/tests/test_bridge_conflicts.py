from odoo.tests import tagged

from .common import BridgeCommon


@tagged("post_install", "-at_install")
class TestBridgeConflicts(BridgeCommon):
    """Optimistic concurrency (``version``) and per-field modes of upserts."""

    def upsert(self, key, **envelope):
        record = {"idempotency_key": key, "external_id": "P1", **envelope}
        response = self.bridge.upsert_partners([record])
        self.assertTrue(response["ok"], response)
        return response["results"][0]

    def test_a_stale_version_is_a_conflict_with_the_current_values(self):
        created = self.upsert("v1", values={"name": "Ann", "city": "Lyon"})
        partner = self.env["res.partner"].browse(created["id"])
        self.assertEqual(created["version"], partner.write_date.isoformat())
        fresh = self.upsert("v2", version=created["version"], values={"city": "Paris"})
        self.assertEqual((fresh["status"], partner.city), ("updated", "Paris"))
        # Someone else writes the partner in a later transaction: its write time moves on.
        self.env.cr.execute("UPDATE res_partner SET write_date = write_date + interval '1 second', city = 'Nice' "
                            "WHERE id = %s", (partner.id,))
        partner.invalidate_recordset()
        stale = self.upsert("v3", version=fresh["version"], values={"city": "Rome", "name": "Ann B."})
        self.assertEqual((stale["status"], stale["error"]["code"], stale["error"]["field"]),
                         ("error", "conflict", "version"))
        details = stale["error"]["details"]
        self.assertEqual(details["retryable"], False)
        self.assertEqual(details["version"], partner.write_date.isoformat())
        self.assertEqual(details["current"], {"city": "Nice", "name": "Ann"})
        self.assertEqual(partner.city, "Nice")  # nothing written
        merged = self.upsert("v4", version=details["version"], values={"city": "Rome"})
        self.assertEqual((merged["status"], partner.city), ("updated", "Rome"))

    def test_field_modes_overwrite_fill_if_empty_and_ignore(self):
        created = self.upsert("m1", values={"name": "Bob", "city": "Lyon"},
                              modes={"email": "ignore"})  # modes only bite on updates
        partner = self.env["res.partner"].browse(created["id"])
        self.upsert("m2", values={"name": "Robert", "city": "Paris", "email": "bob@example.com"},
                    modes={"name": "ignore", "city": "fill_if_empty", "email": "fill_if_empty"})
        self.assertEqual((partner.name, partner.city, partner.email), ("Bob", "Lyon", "bob@example.com"))
        self.upsert("m3", values={"city": "Paris"}, modes={"city": "overwrite"})
        self.assertEqual(partner.city, "Paris")
        replay = self.upsert("m3", values={"city": "Paris"}, modes={"city": "overwrite"})
        self.assertEqual(replay["status"], "replayed")
        other = self.upsert("m3", values={"city": "Paris"}, modes={"city": "ignore"})
        self.assertEqual(other["error"]["code"], "idempotency_conflict")
