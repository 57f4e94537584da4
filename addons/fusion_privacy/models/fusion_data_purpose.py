from odoo import api, fields, models
from odoo.exceptions import ValidationError

from crm_bridge.privacy import LEGAL_BASES, ProcessingUse, record_of_processing
from crm_bridge.tables.backends import OrmBackend
from crm_bridge.tables.odoo import UndeclaredFieldsError, fields_read

LEGAL_BASIS_LABELS = {"contract": "Contract", "legal_obligation": "Legal obligation",
                      "legitimate_interest": "Legitimate interest", "consent": "Consent"}


class FusionDataPurpose(models.Model):
    """The declared data uses carry what the record of processing needs: legal basis and retention."""

    _inherit = "fusion.data.purpose"

    fusion_legal_basis = fields.Selection(
        [(basis, LEGAL_BASIS_LABELS[basis]) for basis in LEGAL_BASES], "Legal basis", default="legitimate_interest",
        required=True)
    fusion_retention_days = fields.Integer("Retention (days)", help="0: as long as the record it is read from.")

    @api.model
    def _get_fusion_data_uses(self):
        """{consumer: {model: fields}} each consumer's code reads, for the consumers that can say so.

        Capabilities reading through the one reader (``crm_bridge.tables.odoo``)
        extend this with ``fields_read`` of their columns; consumers absent
        here (bridge sources, whose declarations are their allowlist) are
        listed with their use unknown.
        """
        uses = {}
        backend = OrmBackend(self.env(su=True))
        if "fusion.churn.dataset" in self.env:
            dataset = self.env["fusion.churn.dataset"]
            uses["churn model"] = fields_read(backend, dataset._get_fusion_columns(backend))
        if "fusion.forecast.run" in self.env:
            # The forecast reads its COLUMNS through the one reader, and the customers' is_company (the segment).
            from odoo.addons.fusion_forecast.models.fusion_forecast_run import COLUMNS, CONSUMER

            uses[CONSUMER] = _merge(fields_read(backend, COLUMNS), {"res.partner": {"is_company"}})
        if "fusion.cockpit.measure" in self.env:
            # The cockpit reads its NEEDED_COLUMNS through the one reader, the promise verdict it records itself
            # and when tickets were opened and closed.
            from odoo.addons.fusion_cockpit.models import fusion_cockpit_measure as cockpit

            uses[cockpit.CONSUMER] = _merge(fields_read(backend, cockpit.NEEDED_COLUMNS),
                                            {"sale.order": {"fusion_cockpit_promise_status"},
                                             "helpdesk.ticket": set(cockpit.ELAPSED_FIELDS)})
        return uses

    @api.model
    def _get_fusion_processing_record(self):
        """The record of processing (``crm_bridge.privacy.record_of_processing``) of the active declarations.

        Raises ValidationError when a consumer reads a field it did not declare.
        """
        declarations = self.sudo().search([("active", "=", True)])
        uses = [ProcessingUse(d.consumer, d.model_name, d.field_name, d.purpose, d.personal_data,
                              d.fusion_legal_basis, d.fusion_retention_days or None,
                              d._get_fusion_recipients()) for d in declarations]
        try:
            return record_of_processing(uses, self._get_fusion_data_uses())
        except UndeclaredFieldsError as error:
            raise ValidationError(error.message) from None

    def _get_fusion_recipients(self):
        """Who receives the field: the consumer (a model of the suite, or an external CRM through the bridge)."""
        self.ensure_one()
        return self.consumer

    def action_fusion_export_processing(self):
        """Download the record of processing as CSV."""
        record = self._get_fusion_processing_record()
        attachment = self.env["ir.attachment"].create({
            "name": "record-of-processing.csv", "raw": record.to_csv(index=False).encode(), "mimetype": "text/csv",
        })
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true",
                "target": "self"}


def _merge(*uses):
    """One {model: fields} of several."""
    merged = {}
    for use in uses:
        for model, names in use.items():
            merged.setdefault(model, set()).update(names)
    return merged
