from odoo.tests import tagged

from odoo.addons.fusion_crm_bridge.tests.common import BridgeCommon
from odoo.addons.queue_job.tests.common import trap_jobs

from crm_bridge.sync.client import BridgeState


@tagged("post_install", "-at_install")
class TestQueuedBatches(BridgeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source.job_batch_size = 2

    def leads(self, prefix, count):
        return [self.record(f"{prefix}-{i}", f"{prefix.upper()}{i}", name=f"Lead {prefix} {i}") for i in range(count)]

    def bound_leads(self, prefix):
        return self.env["crm.lead"].search([("name", "=like", f"Lead {prefix} %")])

    def test_a_large_batch_is_queued_in_chunks_then_answered_from_the_idempotency_store(self):
        batch = self.leads("q", 5)
        with trap_jobs() as trap:
            response = self.bridge.upsert_leads(batch)
            self.assertTrue(response["ok"], response)
            self.assertEqual([r["status"] for r in response["results"]], ["queued"] * 5)
            self.assertEqual(response["queued"], 5)
            trap.assert_jobs_count(3, only=self.env["fusion.bridge"]._run_queued_records)  # 2 + 2 + 1
            self.assertEqual({job.channel for job in trap.enqueued_jobs}, {"root.fusion_bridge"})
            self.assertEqual({job.user_id for job in trap.enqueued_jobs}, {self.api_user.id})
            self.assertFalse(self.bound_leads("q"), "nothing is written before the jobs run")
            state = BridgeState()
            state.remember(response["results"])
            self.assertEqual(state.results, {}, "the client sends queued records again to collect their results")
            trap.perform_enqueued_jobs()
        self.assertEqual(len(self.bound_leads("q")), 5)
        with trap_jobs() as trap:
            again = self.bridge.upsert_leads(batch)
            trap.assert_jobs_count(0)
        self.assertEqual({r["status"] for r in again["results"]}, {"replayed"})
        self.assertEqual(len(self.bound_leads("q")), 5)

    def test_the_same_batch_sent_again_while_waiting_makes_no_second_job(self):
        batch = self.leads("w", 3)
        Job = self.env["queue.job"]
        before = Job.search_count([])
        first = self.bridge.upsert_leads(batch)
        second = self.bridge.upsert_leads(batch)
        self.assertEqual(Job.search_count([]) - before, 2)
        self.assertEqual([r["job_uuid"] for r in first["results"]], [r["job_uuid"] for r in second["results"]])
        jobs = Job.search([("uuid", "in", [r["job_uuid"] for r in first["results"]])])
        self.assertEqual(set(jobs.mapped("channel")), {"root.fusion_bridge"})
        self.assertEqual(set(jobs.mapped("state")), {"pending"})

    def test_malformed_records_are_answered_at_once_and_never_queued(self):
        batch = self.leads("m", 4) + [self.record("m-bad", "MBAD", name=["not", "text"])]
        with trap_jobs() as trap:
            response = self.bridge.upsert_leads(batch)
            trap.assert_jobs_count(2)
        statuses = [r["status"] for r in response["results"]]
        self.assertEqual(statuses, ["queued"] * 4 + ["error"])
        self.assertEqual(response["results"][-1]["error"]["field"], "name")

    def test_small_batches_and_sources_without_a_limit_run_during_the_call(self):
        with trap_jobs() as trap:
            small = self.bridge.upsert_leads(self.leads("s", 2))
            self.source.job_batch_size = 0
            large = self.bridge.upsert_leads(self.leads("l", 5))
            trap.assert_jobs_count(0)
        self.assertEqual({r["status"] for r in small["results"] + large["results"]}, {"created"})

    def test_a_job_runs_with_the_sources_rights_only(self):
        """A queued record the source may not write fails in the job as it would in a direct call."""
        partner = self.env["res.partner"].create({"name": "Not the source's"})
        batch = [self.record(f"o-{i}", f"O{i}", name=f"Owner {i}") for i in range(2)]
        batch.append({"idempotency_key": "o-x", "external_id": "OX", "id": partner.id, "values": {"name": "Mine"}})
        with trap_jobs() as trap:
            response = self.bridge.upsert_partners(batch)
            self.assertEqual({r["status"] for r in response["results"]}, {"queued"})
            trap.perform_enqueued_jobs()
        self.assertEqual(partner.name, "Not the source's")
        self.assertEqual(self.env["res.partner"].search_count([("name", "=like", "Owner %")]), 2)
