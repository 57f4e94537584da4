from odoo import fields, models

FUSION_MANAGER = "fusion_base.group_fusion_manager"


class ResPartner(models.Model):
    _inherit = "res.partner"

    fusion_consent_ids = fields.One2many("fusion.privacy.consent", "partner_id", "Consents",
                                         groups="fusion_base.group_fusion_user")
    fusion_legal_hold = fields.Boolean(
        "Legal hold", groups=FUSION_MANAGER, copy=False,
        help="Litigation or an inspection: the customer's data may not be erased.")
    fusion_privacy_erased = fields.Boolean(
        "Erased", readonly=True, copy=False, index=True,
        help="The customer was erased: only what the law keeps remains, and no model trains on them.")

    def _get_fusion_privacy_export(self):
        """Everything held about the partner, as JSON-ready data (see ``fusion.privacy.access.export``)."""
        self.ensure_one()
        erasure = self.env["fusion.privacy.erasure"]
        holdings, family, _owner = erasure._get_fusion_partner_holdings(self)
        personal = [name for name, field in self._fields.items()
                    if field.store and field.type in ("char", "text", "selection", "date", "datetime", "boolean")
                    and not name.startswith(("message_", "activity_", "website_message"))]
        automated, records = {}, {}
        for (model_name, kind), rows in holdings.groupby(["model", "kind"]):
            ids = rows["res_id"].astype(int).tolist()
            if model_name.startswith("fusion.") and kind == "derived":
                model = self.env[model_name].sudo()
                wanted = [name for name, field in model._fields.items()
                          if field.store and field.type not in ("binary", "one2many", "many2many",
                                                                "many2one_reference")]
                automated[model_name] = [{name: (value[1] if isinstance(value, tuple) else value)
                                          for name, value in row.items()} for row in model.browse(ids).read(wanted)]
            else:
                records.setdefault(model_name, []).extend(ids)
        consents = self.env["fusion.privacy.consent"].sudo().search_read(
            [("partner_id", "in", family.ids)], ["channel", "purpose", "granted", "date", "expiry", "source", "proof"])
        return {
            "partner": self.sudo().read(personal)[0],
            "contacts": (family - self).ids,
            "consents": [{k: v for k, v in c.items() if k != "id"} for c in consents],
            "automated": automated,
            "records": records,
        }

    def action_fusion_privacy_export(self):
        """Open the access export of this customer (JSON download and readable page)."""
        self.ensure_one()
        export = self.env["fusion.privacy.access.export"].create({"partner_id": self.id})
        return {"type": "ir.actions.act_window", "res_model": export._name, "res_id": export.id, "view_mode": "form",
                "target": "new"}

    def action_fusion_privacy_erase(self):
        """Open an erasure request for this customer."""
        self.ensure_one()
        request = self.env["fusion.privacy.erasure"].create({"partner_id": self.id})
        return {"type": "ir.actions.act_window", "res_model": request._name, "res_id": request.id,
                "view_mode": "form"}
