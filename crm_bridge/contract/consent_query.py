"""The consent operations of the bridge: what an external CRM pushes and reads, checked before anything is written.

An external CRM names its customers by its own external ids (the partners it
upserted, bound to it). A pushed consent is checked whole by the privacy
core's :func:`crm_bridge.privacy.validate_consent` (channel, purpose, source,
dates, proof), once its partner is known: one bad consent refuses the whole
call, with the index and the field at fault, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from crm_bridge.contract.errors import ValidationError
from crm_bridge.contract.schemas import MAX_BATCH, MAX_CHAR_LENGTH, MAX_KEY_LENGTH, _check_string
from crm_bridge.privacy.consent import ConsentRecord, validate_consent

__all__ = ["CONSENT_KEYS", "consent_partner_keys", "consent_read_keys", "validate_consent_push",
           "validate_consent_read"]

#: The keys of one pushed consent; ``partner`` is the source's external id of the customer.
CONSENT_KEYS = ("partner", "channel", "purpose", "granted", "date", "expiry", "source", "proof")
#: A consent pushed over the bridge comes from the bridge unless the source says where it collected it.
DEFAULT_SOURCE = "bridge"


def _check_list(value: Any, name: str) -> list:
    if not isinstance(value, list):
        raise ValidationError(f"{name} must be a list, not {type(value).__name__}", code="invalid_type", field=name)
    if not value:
        raise ValidationError(f"{name} must not be empty", code="missing_field", field=name)
    if len(value) > MAX_BATCH:
        raise ValidationError(f"{len(value)} {name} in one call; the maximum is {MAX_BATCH}", code="batch_too_large",
                              field=name, details={"max_batch": MAX_BATCH})
    return value


def consent_partner_keys(consents: Any) -> list[str]:
    """The external ids of the partners of a ``push_consents`` call, once its shape is right (one per consent).

    Raises
    ------
    ValidationError
        ``invalid_type``, ``missing_field``, ``batch_too_large``, ``unknown_field`` or a string error, with
        ``field`` naming the consent (``consents[3].partner``) and ``details["index"]``.
    """
    keys = []
    for index, consent in enumerate(_check_list(consents, "consents")):
        where = f"consents[{index}]"
        if not isinstance(consent, dict):
            raise ValidationError(f"{where} must be a mapping, not {type(consent).__name__}", code="invalid_type",
                                  field=where, details={"index": index})
        unknown = sorted(str(key) for key in consent if key not in CONSENT_KEYS)
        if unknown:
            raise ValidationError(f"{where} has unknown keys {unknown}; a consent has {list(CONSENT_KEYS)}",
                                  code="unknown_field", field=where, details={"index": index, "unknown": unknown})
        try:
            keys.append(_check_string(consent.get("partner"), "partner", MAX_KEY_LENGTH, allow_empty=False))
        except ValidationError as error:
            raise ValidationError(error.message, code=error.code, field=f"{where}.partner",
                                  details={**error.details, "index": index}) from None
    return keys


def validate_consent_push(consents: Any, partner_ids: Mapping[str, int], today: date) -> list[ConsentRecord]:
    """Every consent of a ``push_consents`` call, checked, or the first error (nothing is written then).

    Parameters
    ----------
    consents : list of dict
        :data:`CONSENT_KEYS` each; ``source`` defaults to ``"bridge"``, ``date`` to ``today``.
    partner_ids : mapping of str to int
        The source's external ids it may name, to the Odoo partner id (its bound customers).
    today : datetime.date
        A consent is not dated in the future.

    Returns
    -------
    list of ConsentRecord

    Raises
    ------
    ValidationError
        What :func:`consent_partner_keys` raises, ``unknown_partner`` for an external id not bound to the
        source, and what :func:`crm_bridge.privacy.validate_consent` raises (``unknown_channel``,
        ``unknown_purpose``, ``unknown_source``, ``missing_proof``, ``invalid_date``...), with ``field``
        naming the consent and ``details["index"]``.
    """
    records = []
    for index, key in enumerate(consent_partner_keys(consents)):
        where, consent = f"consents[{index}]", consents[index]
        if key not in partner_ids:
            raise ValidationError(f"{where}: no customer {key!r} of this source", code="unknown_partner",
                                  field=f"{where}.partner", details={"index": index, "value": key})
        try:
            proof = consent.get("proof") or ""
            _check_string(proof, "proof", MAX_CHAR_LENGTH)
            records.append(validate_consent({**consent, "partner_id": int(partner_ids[key]), "proof": proof,
                                             "source": consent.get("source") or DEFAULT_SOURCE}, today))
        except ValidationError as error:
            raise ValidationError(f"{where}: {error.message}", code=error.code, field=f"{where}.{error.field}",
                                  details={**error.details, "index": index}) from None
    return records


def validate_consent_read(partners: Any, known: Collection[str]) -> list[str]:
    """The external ids of a ``read_consents`` call: a non-empty list of at most ``MAX_BATCH`` strings, each in
    ``known`` (the source's bound customers), else ``unknown_partner`` listing the others."""
    keys = consent_read_keys(partners)
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValidationError(f"no customer {unknown} of this source", code="unknown_partner", field="partners",
                              details={"unknown": unknown})
    return keys


def consent_read_keys(partners: Any) -> list[str]:
    """The external ids of a ``read_consents`` call, each once, once the list's shape is right."""
    keys = []
    for index, key in enumerate(_check_list(partners, "partners")):
        try:
            keys.append(_check_string(key, "partners", MAX_KEY_LENGTH, allow_empty=False))
        except ValidationError as error:
            raise ValidationError(error.message, code=error.code, field=f"partners[{index}]",
                                  details={**error.details, "index": index}) from None
    return list(dict.fromkeys(keys))
