"""The record of processing (GDPR art. 30), generated from the declared data uses.

Every field that crosses the bridge or feeds a model is declared (in Odoo,
``fusion.data.purpose``: consumer, model, field, purpose, personal data).
:func:`record_of_processing` joins those declarations with what each consumer
actually reads (its uses, from the code that reads: the reader's
``fields_read``, a model's inputs), and:

* refuses a field used without a declaration (:class:`UndeclaredFieldsError`);
* flags a declared field its consumer does not use (``used`` False): a
  candidate for removal, since minimum viable data keeps only what a purpose
  needs;
* adds each use's legal basis, retention period and recipients.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from crm_bridge.contract.errors import ValidationError
from crm_bridge.tables.odoo import UndeclaredFieldsError, check_declared

__all__ = ["LEGAL_BASES", "PROCESSING_COLUMNS", "ProcessingUse", "record_of_processing"]

LEGAL_BASES = ("contract", "legal_obligation", "legitimate_interest", "consent")
PROCESSING_COLUMNS = ("consumer", "model", "field", "purpose", "personal_data", "legal_basis", "retention_days",
                      "recipients", "used")


@dataclass(frozen=True)
class ProcessingUse:
    """One declared use of a field, as the record of processing lists it."""

    consumer: str
    model: str
    field: str
    purpose: str
    personal_data: bool = False
    legal_basis: str = "legitimate_interest"
    retention_days: int | None = None
    recipients: str = ""

    def __post_init__(self) -> None:
        if self.legal_basis not in LEGAL_BASES:
            raise ValidationError(f"unknown legal basis {self.legal_basis!r}; choose one of {LEGAL_BASES}",
                                  code="unknown_legal_basis", field="legal_basis")
        if not str(self.purpose or "").strip():
            raise ValidationError(f"{self.model}.{self.field} is declared without a purpose", code="missing_purpose",
                                  field="purpose")


def record_of_processing(declarations: Iterable[ProcessingUse],
                         uses: Mapping[str, Mapping[str, Collection[str]]]) -> pd.DataFrame:
    """The record of processing: one row per declared use, with whether it is used.

    Parameters
    ----------
    declarations : iterable of ProcessingUse
        The declared uses.
    uses : mapping
        {consumer: {model: fields}} each consumer reads, as its code says.
        Consumers absent from it (a bridge source, whose declarations are its
        allowlist) are listed with ``used`` unknown (NA).

    Returns
    -------
    pandas.DataFrame
        :data:`PROCESSING_COLUMNS`, sorted by consumer, model and field.

    Raises
    ------
    UndeclaredFieldsError
        When a consumer uses a field it did not declare; ``details`` lists them.
    """
    rows = list(declarations)
    declared: dict[str, dict[str, set[str]]] = {}
    for use in rows:
        declared.setdefault(use.consumer, {}).setdefault(use.model, set()).add(use.field)
    undeclared: dict[str, dict[str, list[str]]] = {}
    for consumer, needed in uses.items():
        try:
            check_declared(needed, declared.get(consumer, {}))
        except UndeclaredFieldsError as error:
            undeclared[consumer] = error.details["undeclared"]
    if undeclared:
        listed = "; ".join(f"{consumer}: " + ", ".join(f"{model}.{name}" for model, names in found.items()
                                                         for name in names) for consumer, found in undeclared.items())
        raise UndeclaredFieldsError(f"fields used without a declared purpose: {listed}", code="undeclared_fields",
                                    field=next(iter(undeclared)), details={"undeclared": undeclared})
    frame = pd.DataFrame([{
        "consumer": use.consumer, "model": use.model, "field": use.field, "purpose": use.purpose,
        "personal_data": bool(use.personal_data), "legal_basis": use.legal_basis,
        "retention_days": use.retention_days, "recipients": use.recipients or use.consumer,
        "used": (use.field in uses[use.consumer].get(use.model, ())) if use.consumer in uses else pd.NA,
    } for use in rows], columns=list(PROCESSING_COLUMNS))
    return frame.sort_values(["consumer", "model", "field"]).reset_index(drop=True)
