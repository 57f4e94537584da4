"""Consent: may this channel be used, for this purpose, with this partner, today, and why.

A consent is recorded per partner, channel and purpose, with its source, its
date, a proof and an optional expiry. The latest record of a (partner,
channel, purpose) decides. Where no record exists the legal basis of the
purpose decides:

* ``service`` (order, delivery and ticket messages) rests on the contract:
  allowed;
* ``retention`` (offers to an existing customer about what they already buy)
  rests on the "soft opt-in" for existing customers (LSSI art. 21.2, ePrivacy
  art. 13.2): allowed for customers until they object, refused for others;
* ``marketing`` needs an explicit, unexpired consent.

A blacklisted address (Odoo's ``mail.blacklist`` and ``phone.blacklist``) is a
refusal of every purpose but service. Reasons are stable codes
(:data:`CONSENT_REASONS`), so a refusal can be logged and counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from crm_bridge.contract.errors import ValidationError

__all__ = ["CHANNELS", "CONSENT_COLUMNS", "CONSENT_REASONS", "CONSENT_SOURCES", "PURPOSES", "ConsentRecord",
           "decide_consent", "validate_consent"]

CHANNELS = ("email", "sms", "phone", "messaging")
PURPOSES = ("service", "retention", "marketing")
CONSENT_SOURCES = ("form", "portal", "bridge", "import")
# Reason codes: the first four allow, the others refuse.
ALLOWING_REASONS = ("granted", "contract", "soft_opt_in")
CONSENT_REASONS = ALLOWING_REASONS + ("refused", "expired", "blacklisted", "no_consent")
# The columns of a consent record table (one row per recorded consent or refusal).
CONSENT_COLUMNS = ("partner_id", "channel", "purpose", "granted", "date", "expiry", "source", "proof")


@dataclass(frozen=True)
class ConsentRecord:
    """One recorded consent or refusal, validated (see :func:`validate_consent`)."""

    partner_id: int
    channel: str
    purpose: str
    granted: bool
    date: date
    source: str
    proof: str = ""
    expiry: date | None = None


def _check_choice(value: Any, choices: tuple[str, ...], name: str) -> None:
    if value not in choices:
        raise ValidationError(f"unknown {name} {value!r}; choose one of {', '.join(choices)}",
                              code=f"unknown_{name}", field=name, details={"value": repr(value), "allowed": choices})


def validate_consent(values: dict[str, Any], today: date) -> ConsentRecord:
    """Check one consent as it comes from a form, a portal, the bridge or an import.

    Parameters
    ----------
    values : dict
        ``partner_id``, ``channel``, ``purpose``, ``granted``, ``date``,
        ``source``, ``proof`` (required when granted: who consented, where
        and how, GDPR art. 7.1), ``expiry`` (optional, after ``date``).
    today : datetime.date
        A consent is not dated in the future.

    Raises
    ------
    ValidationError
        ``unknown_channel``, ``unknown_purpose``, ``unknown_source``,
        ``missing_proof``, ``invalid_date`` or ``invalid_partner``, with the
        field at fault.
    """
    partner_id = values.get("partner_id")
    if isinstance(partner_id, bool) or not isinstance(partner_id, int) or partner_id <= 0:
        raise ValidationError("partner_id must be a positive integer", code="invalid_partner", field="partner_id",
                              details={"value": repr(partner_id)})
    _check_choice(values.get("channel"), CHANNELS, "channel")
    _check_choice(values.get("purpose"), PURPOSES, "purpose")
    _check_choice(values.get("source"), CONSENT_SOURCES, "source")
    granted = values.get("granted")
    if not isinstance(granted, bool):
        raise ValidationError("granted must be true or false", code="invalid_value", field="granted")
    try:
        given = pd.Timestamp(values.get("date") or today).date()
        expiry = pd.Timestamp(values["expiry"]).date() if values.get("expiry") else None
    except (TypeError, ValueError) as error:
        raise ValidationError(f"not a date: {error}", code="invalid_date", field="date") from None
    if given > today:
        raise ValidationError("a consent cannot be dated in the future", code="invalid_date", field="date",
                              details={"value": given.isoformat()})
    if expiry is not None and expiry <= given:
        raise ValidationError("the expiry must come after the consent's date", code="invalid_date", field="expiry",
                              details={"value": expiry.isoformat()})
    proof = str(values.get("proof") or "").strip()
    if granted and not proof:
        raise ValidationError("a consent needs its proof (who, where, how)", code="missing_proof", field="proof")
    return ConsentRecord(partner_id, values["channel"], values["purpose"], granted, given, values["source"], proof,
                         expiry)


def _keys(frame: pd.DataFrame) -> np.ndarray:
    """One int64 per (partner, channel, purpose): joins on integers, not on strings."""
    channel = pd.Categorical(frame["channel"], categories=CHANNELS).codes.astype(np.int64)
    purpose = pd.Categorical(frame["purpose"], categories=PURPOSES).codes.astype(np.int64)
    return frame["partner_id"].to_numpy(np.int64) * 16 + channel * 4 + purpose


def decide_consent(records: pd.DataFrame, queries: pd.DataFrame, today: date) -> pd.DataFrame:
    """Whether each (partner, channel, purpose) of ``queries`` may be contacted today, and why.

    Parameters
    ----------
    records : pandas.DataFrame
        Recorded consents and refusals, :data:`CONSENT_COLUMNS` (``expiry``
        and ``proof`` may be missing); several per key allowed: the latest
        ``date`` (then the last row) decides.
    queries : pandas.DataFrame
        ``partner_id``, ``channel``, ``purpose``; optional ``blacklisted``
        (the address is on Odoo's blacklist, default False) and ``customer``
        (an existing customer, for the soft opt-in, default True).
    today : datetime.date
        Expired consents no longer allow.

    Returns
    -------
    pandas.DataFrame
        ``queries`` with ``allowed`` (bool), ``reason`` (:data:`CONSENT_REASONS`),
        and the deciding record's ``source`` and ``date`` (empty when none).

    Raises
    ------
    ValidationError
        ``unknown_channel`` or ``unknown_purpose`` for a query or record
        outside :data:`CHANNELS` / :data:`PURPOSES`; nothing is decided.
    """
    for frame in (queries, records if records is not None else pd.DataFrame()):
        for column, choices in (("channel", CHANNELS), ("purpose", PURPOSES)):
            if column in frame.columns:
                unknown = sorted(set(frame[column].dropna().astype(str)) - set(choices))
                if unknown:
                    _check_choice(unknown[0], choices, column)
    result = queries.reset_index(drop=True).copy()
    merged = pd.DataFrame(index=result.index, columns=["granted", "date", "expiry", "source"])
    if records is not None and len(records):
        latest = (records.assign(_key=_keys(records), _order=np.arange(len(records)))
                  .sort_values(["date", "_order"]).drop_duplicates("_key", keep="last").set_index("_key"))
        merged = latest.reindex(columns=["granted", "date", "expiry", "source"]).reindex(_keys(result))
        merged.index = result.index
    recorded = merged["granted"].notna().to_numpy()
    granted = recorded & (merged["granted"].to_numpy() == True)  # noqa: E712  (object column: NaN where none)
    expiry = pd.to_datetime(merged["expiry"], errors="coerce")
    expired = (expiry.notna() & (expiry < pd.Timestamp(today))).to_numpy()
    purpose = result["purpose"].astype(str).to_numpy()
    blacklisted = result.get("blacklisted", pd.Series(False, index=result.index)).fillna(False).astype(bool)
    customer = result.get("customer", pd.Series(True, index=result.index)).fillna(False).astype(bool)
    service = purpose == "service"
    reason = np.select(
        [blacklisted.to_numpy() & ~service,
         recorded & ~granted,
         recorded & granted & expired,
         recorded & granted,
         service,
         (purpose == "retention") & customer.to_numpy()],
        ["blacklisted", "refused", "expired", "granted", "contract", "soft_opt_in"],
        "no_consent",
    )
    result["allowed"] = np.isin(reason, ALLOWING_REASONS)
    result["reason"] = reason
    result["source"] = merged["source"].where(recorded, "").fillna("").to_numpy()
    result["date"] = pd.to_datetime(merged["date"], errors="coerce").to_numpy()
    return result
