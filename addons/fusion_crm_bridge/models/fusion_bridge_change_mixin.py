from odoo import api, models


class FusionBridgeChangeMixin(models.AbstractModel):
    """Records whose changes the CRM bridge publishes: every write, archival and deletion lands in the outbox.

    A model sets ``_fusion_change_stream`` and implements
    ``_get_fusion_change_scope``. Writes are caught in ``_write_multi``, the one
    path of both ``write`` and the flush of stored computed fields (an order's
    delivery status, an invoice's payment state), so the outbox row is written
    in the same transaction as the change it announces.
    """

    _name = "fusion.bridge.change.mixin"
    _description = "ERP-CRM Fusion: records published in the CRM bridge's changes feed"
    _fusion_change_stream = None

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._record_fusion_changes("upsert")
        return records

    def _write_multi(self, vals_list):
        result = super()._write_multi(vals_list)
        archived = self.browse([record.id for record, vals in zip(self, vals_list) if vals.get("active") is False])
        archived._record_fusion_changes("archive")
        (self - archived)._record_fusion_changes("upsert")
        return result

    def unlink(self):
        self._record_fusion_changes("delete")
        return super().unlink()

    def _record_fusion_changes(self, event):
        if self.ids:
            self.env["fusion.bridge.change"]._record_changes(self._fusion_change_stream, self.ids, event)

    @api.model
    def _get_fusion_change_scope(self):
        """Hook: SQL selecting ``id, company_id, customer_id, source_id`` of the records the feed publishes.

        ``customer_id`` is the commercial partner a source follows the record
        through; ``source_id`` restricts the record to one source. Records the
        query leaves out (a draft invoice, an internal transfer) are not published.
        """
        raise NotImplementedError(f"{self._name} publishes changes but defines no scope")
