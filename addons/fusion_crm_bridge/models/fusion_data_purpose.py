from odoo import api, fields, models


class FusionDataPurpose(models.Model):
    """A bridge source's allowlist lives in the shared register: consumer = the source."""

    _inherit = "fusion.data.purpose"

    bridge_source_id = fields.Many2one(
        "fusion.bridge.source", string="Bridge source", ondelete="cascade", index="btree_not_null",
        help="The external CRM allowed to write this field through the bridge.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        sources = self.env["fusion.bridge.source"].browse(
            [vals["bridge_source_id"] for vals in vals_list if vals.get("bridge_source_id")]
        )
        consumers = {source.id: source.consumer for source in sources}
        for vals in vals_list:
            if vals.get("bridge_source_id"):
                vals["consumer"] = consumers[vals["bridge_source_id"]]
        return super().create(vals_list)
