from psycopg2 import errors as pg_errors

from odoo.service import model as rpc
from odoo.tests import new_test_user, tagged

from crm_bridge.contract import schemas

from .common import BridgeCommon


@tagged("post_install", "-at_install")
class TestBridgeScope(BridgeCommon):
    """What a source may write, whatever it sends: its own records, in its company, never a user's partner."""

    def upsert(self, external_id, odoo_id=False, key=None, **values):
        record = self.record(key or f"k-{external_id}-{odoo_id}-{sorted(values.items())}", external_id, **values)
        if odoo_id:
            record["id"] = odoo_id
        return self.bridge.upsert_partners([record])["results"][0]

    def bind(self, record, external_id):
        self.env["fusion.bridge.binding"].create({"source_id": self.source.id, "model_name": record._name,
                                                  "res_id": record.id, "external_id": external_id})

    def test_records_neither_created_nor_given_are_not_written(self):
        stranger = self.env["res.partner"].create({"name": "Walk-in", "company_id": self.company.id, "city": "Bilbao"})
        result = self.upsert("WALKIN", stranger.id, city="Hacked")
        self.assertEqual((result["status"], result["error"]["code"], result["error"]["field"]),
                         ("error", "not_owned", "id"))
        lead = self.env["crm.lead"].create({"name": "Theirs", "company_id": self.company.id})
        refused = self.bridge.upsert_leads([dict(self.record("lead-k", "LX", name="Mine now"), id=lead.id)])
        self.assertEqual(refused["results"][0]["error"]["code"], "not_owned")
        self.assertEqual((stranger.city, lead.name), ("Bilbao", "Theirs"))
        self.assertFalse(self.env["fusion.bridge.binding"].search([("external_id", "in", ["WALKIN", "LX"])]))
        # Given to the source by a manager, it is the source's to write, by external id or by id.
        self.bind(stranger, "WALKIN")
        self.assertEqual(self.upsert("WALKIN", city="Sevilla")["status"], "updated")
        self.assertEqual(self.upsert("WALKIN", stranger.id, city="Cádiz")["status"], "updated")
        self.assertEqual(stranger.city, "Cádiz")

    def test_partners_of_users_are_never_written_even_when_bound(self):
        active = new_test_user(self.env, "victim", groups="base.group_user", email="victim@example.com")
        archived = new_test_user(self.env, "former", groups="base.group_portal", email="former@example.com")
        archived.active = False
        customer = self.upsert_partner("P9", email="customer@example.com")
        portal = new_test_user(self.env, "portal_customer", groups="base.group_portal", partner_id=customer.id)
        for user, external_id in ((active, "VICTIM"), (archived, "FORMER"), (portal, "P9")):
            if external_id != "P9":
                self.bind(user.partner_id, external_id)
            email = user.email
            result = self.upsert(external_id, email="attacker@example.com")
            self.assertEqual((result["status"], result["error"]["code"]), ("error", "protected_record"), user.login)
            self.assertEqual(user.email, email)
        by_id = self.upsert("VICTIM", active.partner_id.id, name="Renamed")
        self.assertEqual((by_id["error"]["code"], by_id["error"]["field"]), ("protected_record", "id"))

    def test_shared_and_foreign_records_are_not_written_even_when_bound(self):
        shared = self.env["res.partner"].create({"name": "Shared", "company_id": False, "city": "Madrid"})
        foreign = self.env["res.partner"].create({"name": "Foreign", "company_id": self.other_company.id})
        self.bind(shared, "SHARED")
        self.bind(foreign, "FOREIGN")
        for external_id in ("SHARED", "FOREIGN"):
            result = self.upsert(external_id, city="Hacked")
            self.assertEqual((result["status"], result["error"]["code"]), ("error", "other_company"), external_id)
        self.assertEqual((shared.city, foreign.city), ("Madrid", False))
        # Pointing at a shared partner is no write: a lead may still name it.
        lead = self.bridge.upsert_leads([self.record("l-shared", "LS", name="Deal", partner_external_id="SHARED")])
        self.assertEqual(self.env["crm.lead"].browse(lead["results"][0]["id"]).partner_id, shared)

    def test_the_caller_context_is_reduced_to_language_and_time_zone(self):
        self.source.active = False
        for context in ({}, {"active_test": False}):
            response = self.bridge.with_context(**context).upsert_partners([self.record("a", "A", name="x")])
            self.assertEqual((response["ok"], response["error"]["code"]), (False, "access_denied"), context)
        self.source.active = True
        injected = self.bridge.with_context(default_comment="injected", default_ref="REF", lang="xx_XX",
                                            tz="Nowhere/Else", allowed_company_ids=self.other_company.ids)
        result = injected.upsert_partners([self.record("b", "B", name="Context")])["results"][0]
        partner = self.env["res.partner"].browse(result["id"])
        self.assertEqual((partner.comment, partner.ref, partner.company_id), (False, False, self.company))
        chosen = self.bridge.with_context(lang="en_US", tz="Europe/Madrid", active_test=False, default_name="x")
        self.assertEqual(chosen._get_client_context(), {"lang": "en_US", "tz": "Europe/Madrid"})

    def test_idempotency_keys_are_scoped_per_operation(self):
        partner = self.bridge.upsert_partners([self.record("same-key", "P1", name="Partner")])["results"][0]
        lead = self.bridge.upsert_leads([self.record("same-key", "L1", name="Lead")])["results"][0]
        self.assertEqual((partner["status"], lead["status"]), ("created", "created"))
        self.assertEqual(self.env["crm.lead"].browse(lead["id"]).name, "Lead")
        replay = self.bridge.upsert_leads([self.record("same-key", "L1", name="Lead")])["results"][0]
        self.assertEqual((replay["status"], replay["id"]), ("replayed", lead["id"]))

    def test_one_external_id_twice_in_a_batch_is_a_retryable_conflict_not_sql(self):
        results = self.bridge.upsert_partners([self.record("t1", "TWICE", name="First"),
                                               self.record("t2", "TWICE", name="Second"),
                                               self.record("t3", "OTHER", name="Other")])["results"]
        self.assertEqual([r["status"] for r in results], ["created", "error", "created"])
        error = results[1]["error"]
        self.assertEqual((error["code"], error["details"]["retryable"]), ("conflict", True))
        self.assertNotIn("duplicate key", error["message"])
        self.assertEqual(self.env["res.partner"].search_count([("name", "in", ["First", "Second"])]), 1)
        retried = self.bridge.upsert_partners([self.record("t2", "TWICE", name="Second")])["results"][0]
        self.assertEqual((retried["status"], retried["id"]), ("updated", results[0]["id"]))

    def test_what_the_loser_of_a_race_is_told(self):
        """A unique violation after another call committed: its key or binding decides the answer."""
        self.registry.enter_test_mode(self.cr)  # the fresh cursor that reads what others committed sees this test
        self.addCleanup(self.registry.leave_test_mode)
        Bridge = self.env["fusion.bridge"].sudo()
        self.bridge.upsert_partners([self.record("won", "WON", name="Winner")])
        same = schemas.validate_record(schemas.PARTNER, self.record("won", "WON", name="Winner"), 0)
        other_payload = schemas.validate_record(schemas.PARTNER, self.record("won", "WON", name="Other"), 1)
        same_external_id = schemas.validate_record(schemas.PARTNER, self.record("lost", "WON", name="Winner"), 2)
        unrelated = schemas.validate_record(schemas.PARTNER, self.record("free", "FREE", name="Free"), 3)
        errors = Bridge._get_race_errors(self.source, "upsert_partners", "res.partner",
                                         [same, other_payload, same_external_id, unrelated],
                                         pg_errors.UniqueViolation())
        codes = {index: (error.code, error.field, error.details.get("retryable")) for index, error in errors.items()}
        self.assertEqual(codes, {0: ("conflict", "idempotency_key", True),
                                 1: ("idempotency_conflict", "idempotency_key", None),
                                 2: ("conflict", "external_id", True)})
        self.assertEqual(Bridge._get_race_errors(self.source, "upsert_partners", "res.partner", [same],
                                                 ValueError("not a race")), {})

    def test_leads_without_revenue_as_the_restricted_api_user(self):
        """The API user may not read currencies: the bridge flushes what needs them as itself.

        Called through Odoo's RPC dispatch (its cursor, environments and final
        flush), where the flush of a savepoint ran as the caller and failed.
        """
        self.upsert_partner("P1")
        records = [self.record(f"nr-{i}", f"NR{i}", name=f"No revenue {i}") for i in range(3)]
        records.append(self.record("nr-p", "NRP", name="With partner", partner_external_id="P1"))
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        answer = rpc.execute_kw(self.env.cr.dbname, self.api_user.id, "fusion.bridge", "upsert_leads", [records])
        self.assertEqual([r["status"] for r in answer["results"]], ["created"] * 4, answer["results"])
        leads = self.env["crm.lead"].browse([r["id"] for r in answer["results"]])
        self.assertEqual(leads.mapped("prorated_revenue"), [0.0] * 4)
        self.assertEqual(leads[3].partner_id.name, "Customer P1")

    def test_interactions_take_no_record_id(self):
        self.upsert_partner("P1")
        count = self.env["mail.message"].search_count([])
        record = dict(self.record("i1", "I1", kind="call", target_kind="partner", target_external_id="P1"),
                      id=2_000_000_000)
        result = self.bridge.push_interactions([record])["results"][0]
        self.assertEqual((result["status"], result["error"]["field"]), ("error", "id"))
        self.assertEqual(self.env["mail.message"].search_count([]), count)

    def test_answers_in_the_language_the_client_chose(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["fusion_crm_bridge"], ["es_ES"], overwrite=True)
        stranger = self.env["res.partner"].create({"name": "Walk-in", "company_id": self.company.id})
        record = dict(self.record("es-1", "ES1", name="x"), id=stranger.id)
        spanish = self.bridge.with_context(lang="es_ES").upsert_partners([record])["results"][0]["error"]
        english = self.bridge.upsert_partners([record])["results"][0]["error"]
        self.assertEqual(spanish["code"], english["code"])
        self.assertEqual(spanish["message"], f"res.partner {stranger.id} no lo creó este origen ni un responsable "
                                             "se lo vinculó.")
        self.assertIn("was neither created by this source", english["message"])
