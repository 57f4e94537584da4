import base64
import json

from markupsafe import Markup

from odoo import api, fields, models

# Fields never exported: technical, binary, or the links back to what is exported anyway.
SKIPPED_TYPES = ("binary", "one2many", "many2many", "many2one_reference")


class FusionPrivacyAccessExport(models.TransientModel):
    """Everything held about a partner (GDPR art. 15), with each automated score, its reasons and model version.

    The records are those the erasure would reach (``fusion.privacy.erasure``'s
    discovery), so what a person can ask to see and what an erasure removes
    are the same list. Given as JSON and as a readable page.
    """

    _name = "fusion.privacy.access.export"
    _description = "ERP-CRM Fusion: access export"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade")
    export_json = fields.Binary("JSON file", readonly=True, attachment=False)
    export_name = fields.Char(readonly=True)
    export_html = fields.Html("What we hold", readonly=True, sanitize=False)

    @api.model_create_multi
    def create(self, vals_list):
        exports = super().create(vals_list)
        for export in exports:
            data = export.partner_id._get_fusion_privacy_export()
            export.write({
                "export_json": base64.b64encode(json.dumps(data, indent=1, default=str).encode()),
                "export_name": f"personal-data-{export.partner_id.id}.json",
                "export_html": export._get_fusion_export_html(data),
            })
        return exports

    def _get_fusion_export_html(self, data):
        parts = [Markup("<h4>%s</h4><table class='table table-sm'>") % self.env._("Your data")]
        parts += [Markup("<tr><th>%s</th><td>%s</td></tr>") % (name, value)
                  for name, value in data["partner"].items() if value not in (False, None, "")]
        parts.append(Markup("</table><h4>%s</h4>") % self.env._("Automated decisions and their reasons"))
        for model_name, rows in data["automated"].items():
            parts.append(Markup("<h5>%s</h5><table class='table table-sm'>") % model_name)
            for row in rows:
                parts.append(Markup("<tr><td>%s</td></tr>") % "; ".join(
                    f"{name}: {value}" for name, value in row.items() if value not in (False, None, "")))
            parts.append(Markup("</table>"))
        parts.append(Markup("<h4>%s</h4><ul>") % self.env._("Consents"))
        granted, refused = self.env._("granted"), self.env._("refused")
        parts += [Markup("<li>%s / %s: %s (%s, %s)</li>") % (c["channel"], c["purpose"],
                                                              granted if c["granted"] else refused,
                                                              c["source"], c["date"]) for c in data["consents"]]
        parts.append(Markup("</ul><h4>%s</h4><ul>") % self.env._("Other records that refer to you"))
        parts += [Markup("<li>%s: %s</li>") % (model_name, len(ids)) for model_name, ids in data["records"].items()]
        parts.append(Markup("</ul>"))
        return Markup("").join(parts)
