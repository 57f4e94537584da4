import json

from odoo import fields, models

from crm_bridge.contract.schemas import OPERATIONS


class FusionBridgeRequest(models.Model):
    """One record a source wrote: the request log and the idempotency store.

    A later record with the same key, for the same operation, gets ``result``
    back (same payload hash) or an ``idempotency_conflict`` error (another
    payload); the unique index settles two calls racing with one key. Records
    refused are not stored: nothing is written for them.
    """

    _name = "fusion.bridge.request"
    _description = "ERP-CRM Fusion: CRM bridge request"
    _order = "id desc"
    _rec_name = "idempotency_key"

    source_id = fields.Many2one("fusion.bridge.source", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="source_id.company_id", store=True)
    operation = fields.Selection([(name, name) for name in OPERATIONS], required=True)
    idempotency_key = fields.Char(required=True)
    external_id = fields.Char()
    payload_hash = fields.Char(required=True)
    status = fields.Selection([("created", "Created"), ("updated", "Updated")], required=True)
    model_name = fields.Char(string="Model")
    res_id = fields.Many2oneReference(string="Record", model_field="model_name")
    result = fields.Text(help="The result returned the first time, returned again on a replay.")

    _sql_constraints = [
        ("key_unique", "unique(source_id, operation, idempotency_key)",
         "An idempotency key is used once per source and operation."),
    ]

    def _get_result(self):
        self.ensure_one()
        return json.loads(self.result)
