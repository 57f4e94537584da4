"""The arguments of the bridge's ``recommend`` operation: suggestions for a partner or a basket.

An external CRM asks for one customer's next best action and the products to
offer them, for a basket of products (the lines of a quotation it is
building), or both. The check is the contract's: wrong types and sizes are
refused with a structured error before anything is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crm_bridge.contract.errors import ValidationError

__all__ = ["MAX_BASKET", "MAX_SUGGESTIONS", "RecommendQuery", "validate_recommend_query"]

MAX_BASKET = 200  # products in one basket
MAX_SUGGESTIONS = 50


@dataclass(frozen=True)
class RecommendQuery:
    """A checked ``recommend`` call: the customer (or None), the basket's product ids and how many suggestions."""

    partner_id: int | None
    product_ids: tuple[int, ...]
    limit: int


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def validate_recommend_query(partner_id: Any, product_ids: Any, limit: Any = 10) -> RecommendQuery:
    """Check the arguments of a ``recommend`` call.

    Parameters
    ----------
    partner_id : int or False
        The customer (an Odoo id the source is bound to), or ``False`` for a basket alone.
    product_ids : list of int or False
        The basket (at most :data:`MAX_BASKET`), or ``False``/``[]`` for the customer alone.
    limit : int
        Suggestions wanted, 1 to :data:`MAX_SUGGESTIONS`.

    Returns
    -------
    RecommendQuery

    Raises
    ------
    ValidationError
        ``invalid_type`` (not an id, not a list), ``batch_too_large``,
        ``invalid_value`` (limit out of range) or ``missing_field`` (neither a
        customer nor a basket).
    """
    if partner_id in (False, None):
        partner = None
    elif _is_id(partner_id):
        partner = int(partner_id)
    else:
        raise ValidationError("partner_id must be a positive integer or false", code="invalid_type",
                              field="partner_id")
    if product_ids in (False, None):
        product_ids = []
    if not isinstance(product_ids, list) or not all(_is_id(value) for value in product_ids):
        raise ValidationError("product_ids must be a list of positive integers", code="invalid_type",
                              field="product_ids")
    if len(product_ids) > MAX_BASKET:
        raise ValidationError(f"{len(product_ids)} products in one basket; the maximum is {MAX_BASKET}",
                              code="batch_too_large", field="product_ids", details={"max_batch": MAX_BASKET})
    if not _is_id(limit) or limit > MAX_SUGGESTIONS:
        raise ValidationError(f"limit must be an integer from 1 to {MAX_SUGGESTIONS}", code="invalid_value",
                              field="limit")
    if partner is None and not product_ids:
        raise ValidationError("Give a partner_id, product_ids or both", code="missing_field", field="partner_id")
    return RecommendQuery(partner, tuple(dict.fromkeys(product_ids)), int(limit))
