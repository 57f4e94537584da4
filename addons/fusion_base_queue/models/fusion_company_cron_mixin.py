from odoo import api, models

from odoo.addons.queue_job.job import identity_exact

from .res_config_settings import CRON_AS_JOBS

JOB_CHANNEL = "root.fusion"


class FusionCompanyCronMixin(models.AbstractModel):
    _inherit = "fusion.company.cron.mixin"

    @api.model
    def _fusion_run_per_company(self, method_name):
        """Queue each company's share of the work as a job of channel ``root.fusion`` instead of running it here.

        Only when the setting *Scheduled work as queued jobs* is on.

        The cron only enqueues, so one large company no longer holds the cron
        worker, and job runners on several hosts share the work. The identity
        key (model, method, company) means a company still waiting is not
        queued a second time when the cron fires again.
        """
        model = self.env["ir.model"]._get(self._name).name
        if not self.env["ir.config_parameter"].sudo().get_param(CRON_AS_JOBS):
            return super()._fusion_run_per_company(method_name)
        for company in self._get_fusion_cron_companies():
            self.with_delay(
                channel=JOB_CHANNEL, identity_key=identity_exact,
                description=self.env._("Scheduled work of %(model)s for %(company)s", model=model,
                                       company=company.name),
            )._fusion_run_company_job(method_name, company)

    @api.model
    def _fusion_run_company_job(self, method_name, company):
        """One company's share of the scheduled work (a job)."""
        return getattr(self.with_company(company), method_name)(company)
