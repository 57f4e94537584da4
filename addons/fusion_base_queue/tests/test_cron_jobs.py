from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs


@tagged("post_install", "-at_install")
class TestCronJobs(TransactionCase):
    """With the setting on, the per-company crons queue one job per company; the job does the company's work."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "fusion.cockpit.measure" not in cls.env:
            cls.skipTest(cls, "fusion_cockpit is not installed: no per-company cron to queue")
        cls.env["ir.config_parameter"].sudo().set_param("fusion_base_queue.cron_as_jobs", "True")
        cls.Measure = cls.env["fusion.cockpit.measure"]
        customer = cls.env["res.partner"].create({"name": "Queued customer"})
        cls.env["sale.order"].create({"partner_id": customer.id})
        cls.companies = cls.Measure._get_fusion_cron_companies()

    def test_the_cron_queues_one_job_per_company_and_the_job_does_the_work(self):
        self.assertIn(self.env.company, self.companies)
        with trap_jobs() as trap:
            self.Measure._cron_refresh()
            trap.assert_jobs_count(len(self.companies), only=self.Measure._fusion_run_company_job)
            self.assertEqual({job.channel for job in trap.enqueued_jobs}, {"root.fusion"})
            self.assertEqual({job.args[0] for job in trap.enqueued_jobs}, {"_refresh_and_notify"})
            self.assertFalse(self.summaries(), "nothing is done before the job runs")
            trap.perform_enqueued_jobs()
        self.assertTrue(self.summaries(), "the job refreshed the figures and posted the summary to the managers")

    def summaries(self):
        return self.env["mail.message"].search([("subject", "=", "ERP-CRM Fusion cockpit")])

    def test_a_company_still_waiting_is_not_queued_twice(self):
        Job = self.env["queue.job"]
        before = Job.search_count([("method_name", "=", "_fusion_run_company_job")])
        self.Measure._cron_refresh()
        self.Measure._cron_refresh()
        jobs = Job.search([("method_name", "=", "_fusion_run_company_job")])
        self.assertEqual(len(jobs) - before, len(self.companies))
        self.assertEqual(set(jobs.mapped("state")), {"pending"})

    def test_with_the_setting_off_the_cron_does_the_work_itself(self):
        self.env["ir.config_parameter"].sudo().set_param("fusion_base_queue.cron_as_jobs", "")
        with trap_jobs() as trap:
            self.Measure._cron_refresh()
            trap.assert_jobs_count(0)
        self.assertTrue(self.summaries())
