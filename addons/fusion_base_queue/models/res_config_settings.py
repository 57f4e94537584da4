from odoo import fields, models

#: System parameter: the suite's per-company scheduled work runs as queued jobs (off until a manager turns it on).
CRON_AS_JOBS = "fusion_base_queue.cron_as_jobs"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_cron_as_jobs = fields.Boolean(
        string="Scheduled work as queued jobs", config_parameter=CRON_AS_JOBS,
        help="Churn scoring and training, ticket model training, action rules, forecasts, price proposals and the "
             "cockpit's refresh queue one job per company in channel root.fusion, run by queue_job's job runner "
             "(set its capacity in the runner's configuration), instead of running inside the scheduled action.")
