import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from crm_bridge.contract.errors import ValidationError as CoreValidationError
from crm_bridge.privacy import CHANNELS, PURPOSES, decide_consent, validate_consent

CHANNEL_LABELS = {"email": "Email", "sms": "SMS", "phone": "Phone call", "messaging": "Messaging"}
PURPOSE_LABELS = {"service": "Service information", "retention": "Retention offers", "marketing": "Marketing"}
SOURCE_LABELS = {"form": "Form", "portal": "Portal", "bridge": "External CRM (bridge)", "import": "Import"}
# The channels whose refusal of every purpose but service Odoo already records, in these blacklists.
BLACKLISTS = {"email": ("mail.blacklist", "email_normalized"), "sms": ("phone.blacklist", "phone_sanitized")}


class FusionPrivacyConsent(models.Model):
    """A consent or refusal of one partner, for one channel and one purpose.

    The register is built on Odoo's blacklists, not beside them: refusing
    marketing on email or SMS puts the address on ``mail.blacklist`` or
    ``phone.blacklist`` (what mass mailing and SMS marketing already obey),
    granting it takes the address off; and a blacklisted address refuses every
    purpose but service when :meth:`_get_fusion_consent` decides. The decision
    itself is ``crm_bridge.privacy.decide_consent``.
    """

    _name = "fusion.privacy.consent"
    _description = "ERP-CRM Fusion: consent"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, ondelete="cascade")
    channel = fields.Selection(list(CHANNEL_LABELS.items()), required=True)
    purpose = fields.Selection(list(PURPOSE_LABELS.items()), required=True)
    granted = fields.Boolean(help="Checked: the customer consents. Unchecked: the customer refuses or withdrew.")
    date = fields.Date(required=True, default=fields.Date.context_today)
    expiry = fields.Date(help="After this day the consent no longer allows anything.")
    source = fields.Selection(list(SOURCE_LABELS.items()), required=True, default="form")
    proof = fields.Char(help="Who consented, where and how (form version, page, IP, external reference).")

    @api.constrains("partner_id", "channel", "purpose", "granted", "date", "expiry", "source", "proof")
    def _check_fusion_consent(self):
        today = fields.Date.context_today(self)
        for consent in self:
            try:
                validate_consent(consent._prepare_fusion_consent_values(), today)
            except CoreValidationError as error:
                raise ValidationError(self.env._("Invalid consent: %(message)s", message=error.message)) from None

    def _prepare_fusion_consent_values(self):
        """The record as the core's ``validate_consent`` reads it."""
        self.ensure_one()
        return {"partner_id": self.partner_id.id, "channel": self.channel, "purpose": self.purpose,
                "granted": bool(self.granted), "date": self.date, "expiry": self.expiry, "source": self.source,
                "proof": self.proof}

    @api.model_create_multi
    def create(self, vals_list):
        consents = super().create(vals_list)
        consents._sync_fusion_blacklists()
        return consents

    def write(self, vals):
        result = super().write(vals)
        self._sync_fusion_blacklists()
        return result

    def _sync_fusion_blacklists(self):
        """Mirror marketing consents on the email and phone blacklists (the latest consent of a key decides)."""
        for channel, (model_name, address_field) in BLACKLISTS.items():
            blacklist = self.env[model_name].sudo()
            for consent in self.filtered(lambda c, ch=channel: c.channel == ch and c.purpose == "marketing"):
                address = consent.partner_id[address_field]
                latest = self.search([("partner_id", "=", consent.partner_id.id), ("channel", "=", channel),
                                      ("purpose", "=", "marketing")], limit=1)
                if not address or latest != consent:
                    continue
                message = self.env._("Consent register: %(origin)s", origin=consent.source)
                entries = [address] if channel == "sms" else address  # phone.blacklist takes a list of numbers
                if consent.granted:
                    blacklist._remove(entries, message=message)
                else:
                    blacklist._add(entries, message=message)

    @api.model
    def _get_fusion_consent(self, partner_ids, channel, purpose, today=None, existing_customers=False):
        """Whether each partner may be contacted on ``channel`` for ``purpose``, and why.

        Returns the core's decision table (``crm_bridge.privacy.decide_consent``):
        ``partner_id``, ``allowed``, ``reason``, ``source``, ``date``. Three
        queries whatever the number of partners: the partners, their
        consents, the blacklist. A partner is an existing customer (for the
        soft opt-in of retention offers) when Odoo ranks them as one, or for
        every partner when ``existing_customers`` says the caller knows they
        are (the subjects of a churn score bought before).
        """
        if channel not in CHANNELS or purpose not in PURPOSES:
            raise ValidationError(self.env._("Unknown channel or purpose: %(channel)s, %(purpose)s",
                                             channel=channel, purpose=purpose))
        today = today or fields.Date.context_today(self)
        partners = self.env["res.partner"].sudo().with_context(active_test=False).browse(
            [int(pid) for pid in partner_ids])
        rows = partners.read(["email_normalized", "phone_sanitized", "customer_rank"])
        blacklisted = set()
        if channel in BLACKLISTS:
            model_name, address_field = BLACKLISTS[channel]
            addresses = [row[address_field] for row in rows if row[address_field]]
            blacklist = self.env[model_name].sudo()
            blacklisted = set(blacklist.search([(blacklist._rec_name, "in", addresses)]).mapped(blacklist._rec_name))
        records = self.sudo().search_read([("partner_id", "in", partners.ids), ("channel", "=", channel),
                                           ("purpose", "=", purpose)],
                                          ["partner_id", "channel", "purpose", "granted", "date", "expiry", "source"],
                                          order="date, id")
        frame = pd.DataFrame([{**record, "partner_id": record["partner_id"][0],
                               "expiry": record["expiry"] or None} for record in records])
        address_field = BLACKLISTS.get(channel, (None, None))[1]
        queries = pd.DataFrame({
            "partner_id": [row["id"] for row in rows], "channel": channel, "purpose": purpose,
            "blacklisted": [bool(address_field and row[address_field] in blacklisted) for row in rows],
            "customer": [existing_customers or row["customer_rank"] > 0 for row in rows],
        })
        return decide_consent(frame, queries, today)
