from odoo import models


class FusionBridge(models.AbstractModel):
    _inherit = "fusion.bridge"

    def _get_change_streams(self, source):
        return {**super()._get_change_streams(source), "tickets": self._serialize_tickets}

    def _serialize_tickets(self, source, tickets):
        """A ticket as the source follows it: its state, stage and priority, its customer's external id."""
        serialized = self._serialize_declared(
            source, tickets, ["number", "name", "active", "stage_id", "closed", "closed_date", "priority",
                              "partner_id"])
        partner_ext = self._external_ids(source, "res.partner", tickets.partner_id.ids)
        for ticket in tickets:
            serialized[ticket.id]["partner_external_id"] = partner_ext.get(ticket.partner_id.id, False)
        return serialized
