from odoo import fields, models


class FusionBridgeSource(models.Model):
    _inherit = "fusion.bridge.source"

    job_batch_size = fields.Integer(
        "Queue batches over", default=0,
        help="A batch with more new records than this runs in the background, as jobs of at most this many "
             "records in the CRM bridge job channel; the call answers at once with the records queued. 0: "
             "every batch runs during the call.")

    _sql_constraints = [
        ("job_batch_size_not_negative", "CHECK(job_batch_size >= 0)", "The batch size for jobs cannot be negative."),
    ]
