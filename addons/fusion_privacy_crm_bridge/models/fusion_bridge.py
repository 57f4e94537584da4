from odoo import api, fields, models

from crm_bridge.contract.consent_query import (
    consent_partner_keys,
    consent_read_keys,
    validate_consent_push,
    validate_consent_read,
)
from crm_bridge.privacy import CHANNELS, PURPOSES

CONSENT_FIELDS = ["partner_id", "channel", "purpose", "granted", "date", "expiry", "source", "proof"]


class FusionBridge(models.AbstractModel):
    _inherit = "fusion.bridge"

    @api.model
    def push_consents(self, consents):
        """Record consents and refusals of the source's customers in the consent register, all or none.

        ``consents``: a list of ``{partner, channel, purpose, granted, date, expiry, source, proof}``,
        ``partner`` being the source's external id of a customer it upserted; ``source`` defaults to
        ``bridge``, ``date`` to today; a granted consent needs its ``proof``. One bad consent (unknown
        channel or purpose, unknown customer...) refuses the call with the index and field at fault,
        and nothing is written. Answers ``ids``, the register's records, in the order given.
        """

        def work(bridge, source):
            partners = bridge._get_fusion_consent_partners(source, consent_partner_keys(consents))
            checked = validate_consent_push(consents, {key: partner.id for key, partner in partners.items()},
                                            fields.Date.context_today(bridge))
            created = bridge.env["fusion.privacy.consent"].create(
                [bridge._prepare_fusion_consent_vals(record) for record in checked])
            return {"ids": created.ids}

        return self._call("push_consents", work)

    @api.model
    def read_consents(self, partners):
        """What the consent register holds and decides today for the source's customers ``partners``.

        ``partners``: the source's external ids. Answers ``consents`` (every recorded consent and refusal,
        latest first) and ``decisions`` (per customer, channel and purpose: ``allowed`` and ``reason``,
        the register's decision, blacklists included), each naming the customer by its external id.
        """

        def work(bridge, source):
            bound = bridge._get_fusion_consent_partners(source, consent_read_keys(partners))
            validate_consent_read(partners, bound)
            return bridge._get_fusion_consents_of({partner.id: key for key, partner in bound.items()})

        return self._call("read_consents", work)

    @api.model
    def _get_fusion_consent_partners(self, source, keys):
        """{external id: partner} of ``keys`` the source may name (bound to it, of its company or shared)."""
        return self._get_bound_records(source, "res.partner", set(keys))

    @api.model
    def _prepare_fusion_consent_vals(self, record):
        """Values of a ``fusion.privacy.consent`` from a checked ``crm_bridge.privacy.ConsentRecord``."""
        return {"partner_id": record.partner_id, "channel": record.channel, "purpose": record.purpose,
                "granted": record.granted, "date": record.date, "expiry": record.expiry or False,
                "source": record.source, "proof": record.proof or False}

    @api.model
    def _get_fusion_consents_of(self, external_ids):
        """The register's records and decisions of the partners ``external_ids`` ({partner id: external id})."""
        register = self.env["fusion.privacy.consent"]
        records = register.search_read([("partner_id", "in", list(external_ids))], CONSENT_FIELDS)
        consents = [{**record, "partner": external_ids[record["partner_id"][0]],
                     "date": fields.Date.to_string(record["date"]),
                     "expiry": fields.Date.to_string(record["expiry"]) if record["expiry"] else False}
                    for record in records]
        for consent in consents:
            del consent["partner_id"]
        decisions = []
        for channel in CHANNELS:
            for purpose in PURPOSES:
                table = register._get_fusion_consent(list(external_ids), channel, purpose)
                decisions += [{"partner": external_ids[int(row.partner_id)], "channel": channel, "purpose": purpose,
                               "allowed": bool(row.allowed), "reason": str(row.reason)}
                              for row in table.itertuples(index=False)]
        return {"consents": consents, "decisions": decisions}
