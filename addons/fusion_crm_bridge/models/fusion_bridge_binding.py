from odoo import api, fields, models


class FusionBridgeBinding(models.Model):
    """An external id of one source bound to one Odoo record (the binder of OCA connector)."""

    _name = "fusion.bridge.binding"
    _description = "ERP-CRM Fusion: CRM bridge binding"
    _order = "id desc"
    _rec_name = "external_id"

    source_id = fields.Many2one("fusion.bridge.source", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="source_id.company_id", store=True)
    model_name = fields.Char(string="Model", required=True)
    res_id = fields.Many2oneReference(string="Record", model_field="model_name", required=True)
    external_id = fields.Char(required=True)

    _sql_constraints = [
        ("external_unique", "unique(source_id, model_name, external_id)",
         "An external id is bound once per source and model."),
        ("record_unique", "unique(source_id, model_name, res_id)",
         "An Odoo record is bound to one external id per source."),
    ]

    @api.model
    def _get_res_ids(self, source, model_name, external_ids):
        """{external_id: res_id} of the given external ids, in one search."""
        bindings = self.search_read(
            [("source_id", "=", source.id), ("model_name", "=", model_name), ("external_id", "in", list(external_ids))],
            ["external_id", "res_id"],
        )
        return {row["external_id"]: row["res_id"] for row in bindings}

    @api.model
    def _get_external_ids(self, source, model_name, res_ids):
        """{res_id: external_id} of the given records, in one search."""
        bindings = self.search_read(
            [("source_id", "=", source.id), ("model_name", "=", model_name), ("res_id", "in", list(res_ids))],
            ["external_id", "res_id"],
        )
        return {row["res_id"]: row["external_id"] for row in bindings}
