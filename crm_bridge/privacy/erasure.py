"""Erasure: what an erasure request purges, anonymises and keeps, or why it is refused.

The caller lists what it holds about each partner (:data:`HOLDING_KINDS`):

* ``derived``: what the suite computed from the partner (scores and their
  reasons, suggestions, ticket analyses and key phrases, bridge bindings and
  logged payloads, training rows): purged;
* ``personal``: the partner's own records and the documents that name them
  (contact data, ticket texts, messages, attachments): anonymised;
* ``legal``: what the law requires to keep (invoices and accounting entries,
  with the article that says so): kept, and listed in the report.

and what stands in the way (:data:`BLOCKING_REASONS`): an open order, an
unpaid invoice, a legal hold. A partner with a blocker is not touched at all:
:func:`plan_erasure` refuses the request (:class:`ErasureRefusedError`), or,
when a partial result is asked for, plans the others and states who was left
out and why. Never a half-erased customer.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from crm_bridge.contract.errors import FusionError, ValidationError

__all__ = ["BLOCKING_REASONS", "HOLDING_COLUMNS", "HOLDING_KINDS", "ErasurePlan", "ErasureRefusedError",
           "plan_erasure", "training_exclusions"]

HOLDING_KINDS = ("derived", "personal", "legal")
HOLDING_COLUMNS = ("partner_id", "model", "res_id", "kind", "reason")
BLOCKING_REASONS = ("open_order", "unpaid_invoice", "legal_hold")
BLOCKER_COLUMNS = ("partner_id", "reason", "model", "res_id")


class ErasureRefusedError(FusionError):
    """An erasure that cannot be done whole; ``details["blockers"]`` lists why, per partner. Nothing was changed."""

    default_code = "erasure_blocked"


@dataclass
class ErasurePlan:
    """What an erasure does, per partner.

    Attributes
    ----------
    erased : list of int
        Partners the plan erases.
    refused : dict of int to list of dict
        Partners left out, with their blockers (``reason``, ``model``, ``res_id``).
    purge, anonymise, keep : pandas.DataFrame
        :data:`HOLDING_COLUMNS` rows of the erased partners, by what happens to them.
    """

    erased: list[int] = field(default_factory=list)
    refused: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    purge: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(HOLDING_COLUMNS)))
    anonymise: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(HOLDING_COLUMNS)))
    keep: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(HOLDING_COLUMNS)))

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data: counts per model, the kept records with their legal reason."""
        def counts(frame: pd.DataFrame) -> dict[str, int]:
            return {str(model): int(count) for model, count in frame.groupby("model").size().items()}

        return {
            "erased": [int(pid) for pid in self.erased],
            "refused": {str(pid): blockers for pid, blockers in self.refused.items()},
            "purged": counts(self.purge),
            "anonymised": counts(self.anonymise),
            "kept": [{"partner_id": int(row.partner_id), "model": row.model, "res_id": int(row.res_id),
                      "reason": row.reason} for row in self.keep.itertuples(index=False)],
        }


def _frame(rows: pd.DataFrame | Iterable[dict] | None, columns: tuple[str, ...]) -> pd.DataFrame:
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows or []))
    return frame.reindex(columns=list(columns))


def plan_erasure(partner_ids: Iterable[int], holdings: pd.DataFrame | Iterable[dict] | None = None,
                 blockers: pd.DataFrame | Iterable[dict] | None = None, *, partial: bool = False) -> ErasurePlan:
    """Plan the erasure of ``partner_ids``.

    Parameters
    ----------
    partner_ids : iterable of int
        The partners to erase.
    holdings : DataFrame or iterable of dict
        :data:`HOLDING_COLUMNS`: every record held about them, with its kind;
        ``reason`` is required for ``legal`` rows (the law that keeps it).
    blockers : DataFrame or iterable of dict
        ``partner_id``, ``reason`` (:data:`BLOCKING_REASONS`), ``model``, ``res_id``.
    partial : bool
        False (default): any blocker refuses the whole request. True: the
        blocked partners are left out and listed in ``refused``.

    Raises
    ------
    ErasureRefusedError
        When a partner is blocked and ``partial`` is False; ``details`` lists
        the blockers per partner.
    ValidationError
        ``invalid_holding`` for an unknown kind or a legal row without its
        reason, ``invalid_blocker`` for an unknown blocking reason.
    """
    ids = sorted({int(pid) for pid in partner_ids})
    if not ids:
        raise ValidationError("no partner to erase", code="missing_partner", field="partner_ids")
    held = _frame(holdings, HOLDING_COLUMNS)
    blocking = _frame(blockers, BLOCKER_COLUMNS)
    wrong_kinds = sorted(set(held["kind"].dropna()) - set(HOLDING_KINDS))
    if wrong_kinds or held["kind"].isna().any():
        raise ValidationError(f"unknown holding kind(s) {wrong_kinds}; choose among {HOLDING_KINDS}",
                              code="invalid_holding", field="kind")
    legal = held["kind"] == "legal"
    if (held.loc[legal, "reason"].fillna("").astype(str).str.strip() == "").any():
        raise ValidationError("a record kept by law names the law that keeps it", code="invalid_holding",
                              field="reason")
    wrong_reasons = sorted(set(blocking["reason"].dropna()) - set(BLOCKING_REASONS))
    if wrong_reasons:
        raise ValidationError(f"unknown blocking reason(s) {wrong_reasons}", code="invalid_blocker", field="reason")
    blocking = blocking[blocking["partner_id"].isin(ids)]
    refused = {int(pid): [{"reason": row.reason, "model": row.model,
                           "res_id": None if pd.isna(row.res_id) else int(row.res_id)}
                          for row in rows.itertuples(index=False)]
               for pid, rows in blocking.groupby("partner_id")}
    if refused and not partial:
        summary = "; ".join(f"partner {pid}: " + ", ".join(sorted({b['reason'] for b in found}))
                            for pid, found in refused.items())
        raise ErasureRefusedError(f"erasure refused, nothing was changed ({summary})", field="partner_ids",
                                  details={"blockers": {str(pid): found for pid, found in refused.items()}})
    erased = [pid for pid in ids if pid not in refused]
    mine = held[held["partner_id"].isin(erased)]
    return ErasurePlan(
        erased=erased, refused=refused,
        purge=mine[mine["kind"] == "derived"].reset_index(drop=True),
        anonymise=mine[mine["kind"] == "personal"].reset_index(drop=True),
        keep=mine[mine["kind"] == "legal"].reset_index(drop=True),
    )


def training_exclusions(erased: Collection[int], customers: Collection[int]) -> dict[str, Any]:
    """What a model's card says about the customers its training left out because they were erased.

    Parameters
    ----------
    erased : collection of int
        Partners erased on request (the data reader leaves them out of every table).
    customers : collection of int
        The customers the model would have learned from (those with records in its company).

    Returns
    -------
    dict
        ``erased_customers_excluded`` (how many of ``customers`` were erased) and ``note``, the sentence
        the card shows.
    """
    count = len(set(erased) & set(customers))
    return {"erased_customers_excluded": count,
            "note": f"{count} customer{'' if count == 1 else 's'} erased on request left out of the training data "
                    "(what the law keeps of them stays in Odoo, not in the tables)."}
