from odoo import api, models


class FusionCompanyCronMixin(models.AbstractModel):
    """Scheduled work of the suite that runs company by company (scoring, training, forecasting)."""

    _name = "fusion.company.cron.mixin"
    _description = "ERP-CRM Fusion: scheduled work per company"

    #: The model whose records make a company worth the work: sales orders for scores and forecasts.
    _fusion_cron_source_model = "sale.order"

    @api.model
    def _get_fusion_cron_companies(self):
        """Companies the scheduled work covers: those with records of the source model (a hook to narrow them)."""
        groups = self.env[self._fusion_cron_source_model].sudo()._read_group([], ["company_id"])
        return self.env["res.company"].browse([company.id for (company,) in groups])

    @api.model
    def _fusion_run_per_company(self, method_name):
        """Call ``method_name(company)`` for every company of the scheduled work, telling the cron its progress.

        The one loop over companies of the suite's crons: a job queue can take each company over here.
        """
        companies = self._get_fusion_cron_companies()
        for done, company in enumerate(companies, 1):
            getattr(self.with_company(company), method_name)(company)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(companies) - done)
