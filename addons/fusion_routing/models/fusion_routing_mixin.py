from odoo import api, fields, models


class FusionRoutingMixin(models.AbstractModel):
    """Why a record went to the person it went to: the core's reasons, kept, and shown in the reader's words."""

    _name = "fusion.routing.mixin"
    _description = "ERP-CRM Fusion routing reasons"

    fusion_routing_reasons = fields.Json(string="Routing reasons", readonly=True, copy=False)
    fusion_routing_summary = fields.Text(string="Why this person", compute="_compute_fusion_routing_summary")

    @api.depends("fusion_routing_reasons")
    @api.depends_context("lang")
    def _compute_fusion_routing_summary(self):
        reason_text = self.env["fusion.reason"]._get_fusion_reason_text
        for record in self:
            record.fusion_routing_summary = "\n".join(
                reason_text(reason) for reason in record.fusion_routing_reasons or [])
