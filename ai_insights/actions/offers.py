"""Retention offers inside the pricing guardrail, on products that can be delivered in time.

Three functions, each the one rule every caller (the Odoo rule, ``make demo``) uses:

* :func:`offer_candidates`: which products a customer may be offered, in
  order: the rule's products when it lists some, otherwise what the customer
  buys most.
* :func:`deliverable`: whether a product can reach a customer within
  :data:`OFFER_DAYS`.
* :func:`plan_offers`: the product and discount of each offer.

For each customer a rule decided to act on with an ``offer``, :func:`plan_offers`
walks the customer's candidate products in order of preference, keeps those
that can be delivered in time, asks the pricing guardrail
(:class:`crm_bridge.pricing.guardrail.PricingPolicy`) how much discount each allows for
this customer (their churn risk and lifetime value widen the room, scarce
stock and the margin floor close it), and offers the rule's discount, capped
by that maximum, on the first product with room. A customer with no such
product gets no offer and a reason.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from crm_bridge.contract.errors import ValidationError
from crm_bridge.pricing.guardrail import PricingPolicy

__all__ = ["OFFER_COLUMNS", "OFFER_DAYS", "OFFER_REASONS", "deliverable", "offer_candidates", "plan_offers"]

#: An offered product must reach the customer within this many days.
OFFER_DAYS = 14
#: Products each customer is offered from when the rule lists none: their ``TOP_BOUGHT`` most bought.
TOP_BOUGHT = 3

OFFER_COLUMNS = ("customer_id", "product_id", "discount", "max_discount", "status", "reason")
# ``offered``: the rule's discount fits; ``capped``: lowered to the guardrail's maximum;
# ``no_deliverable_product`` / ``no_margin_room``: no offer.
OFFER_REASONS = ("offered", "capped", "no_deliverable_product", "no_margin_room")
_EPS = 1e-9
CANDIDATE_COLUMNS = ("customer_id", "product_id", "rank")


def deliverable(
    storable: ArrayLike,
    free_qty: ArrayLike,
    vendor_lead_days: ArrayLike,
    held: ArrayLike | None = None,
) -> np.ndarray:
    """Whether each product can reach a customer within :data:`OFFER_DAYS`, vectorised.

    A product that is not stocked (a consumable, a service) has nothing to
    wait for; a stocked one needs a free unit, or a vendor delivering within
    :data:`OFFER_DAYS`. A product whose promotions are held back is never
    offered.

    Parameters
    ----------
    storable : array_like of bool
        Whether stock is tracked for the product.
    free_qty : array_like of float
        Units on hand not reserved; NaN counts as none.
    vendor_lead_days : array_like of float
        The fastest vendor's lead time in days; NaN: no vendor.
    held : array_like of bool, optional
        Promotions of the product held back (default: none).

    Returns
    -------
    numpy.ndarray of bool

    Raises
    ------
    ValidationError
        ``length_mismatch`` when the arrays differ in length.
    """
    columns = {"storable": np.asarray(storable, dtype=bool), "free_qty": np.asarray(free_qty, dtype=float),
               "vendor_lead_days": np.asarray(vendor_lead_days, dtype=float)}
    columns["held"] = np.zeros(len(columns["storable"]), bool) if held is None else np.asarray(held, dtype=bool)
    lengths = {name: values.shape for name, values in columns.items()}
    if len(set(lengths.values())) > 1 or columns["storable"].ndim != 1:
        raise ValidationError(f"one value per product in each array, got the shapes {lengths}",
                              code="length_mismatch", field="storable")
    with np.errstate(invalid="ignore"):  # NaN compares as False: no free unit, no vendor
        in_time = (columns["free_qty"] >= 1) | (columns["vendor_lead_days"] <= OFFER_DAYS)
    return (~columns["storable"] | in_time) & ~columns["held"]


def offer_candidates(
    customer_ids: ArrayLike,
    rule_products: Sequence[int] = (),
    purchases: pd.DataFrame | None = None,
    top: int = TOP_BOUGHT,
) -> pd.DataFrame:
    """The products each customer may be offered, in order of preference.

    The rule's products, in the rule's order, when it lists some: the manager
    chose which products may be discounted (margin, stock to clear) and in
    what order. When it lists none, each customer's ``top`` most bought
    products, most units first: a retention discount is worth most on what
    the customer already wants. A customer with no purchases then gets no
    candidate (:func:`plan_offers` says ``no_deliverable_product``).

    Parameters
    ----------
    customer_ids : array_like of int
        The customers to offer to.
    rule_products : sequence of int
        The rule's products in order of preference (duplicates count once).
    purchases : pandas.DataFrame, optional
        ``customer_id``, ``product_id``, ``qty``: what each customer bought
        (rows of one pair are added up). Needed when ``rule_products`` is empty.
    top : int
        How many of a customer's products, when the rule lists none.

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, ``product_id``, ``rank`` (0 is preferred), the
        ``candidates`` of :func:`plan_offers`.

    Raises
    ------
    ValidationError
        ``no_offer_products`` when the rule lists no products and no purchases
        are given; ``missing_column`` when ``purchases`` lacks a column;
        ``invalid_top`` when ``top`` < 1.
    """
    customers = pd.unique(np.asarray(customer_ids, dtype=np.int64).ravel())
    products = pd.unique(np.asarray(list(rule_products), dtype=np.int64))
    if len(products):
        return pd.DataFrame({"customer_id": np.repeat(customers, len(products)),
                             "product_id": np.tile(products, len(customers)),
                             "rank": np.tile(np.arange(len(products)), len(customers))})
    if purchases is None:
        raise ValidationError("the rule lists no products to offer and no purchases were given",
                              code="no_offer_products", field="rule_products")
    missing = [c for c in ("customer_id", "product_id", "qty") if c not in purchases.columns]
    if missing:
        raise ValidationError(f"purchases lack the columns {missing}", code="missing_column", field="purchases")
    if top < 1:
        raise ValidationError("top must be at least 1", code="invalid_top", field="top")
    mine = purchases[purchases["customer_id"].isin(customers)]
    bought = mine.groupby(["customer_id", "product_id"], as_index=False)["qty"].sum()
    bought = bought[bought["qty"] > 0].sort_values(["customer_id", "qty", "product_id"], ascending=[True, False, True],
                                                   kind="stable")
    bought["rank"] = bought.groupby("customer_id").cumcount()
    bought = bought[bought["rank"] < top]
    return bought[list(CANDIDATE_COLUMNS)].astype(np.int64).reset_index(drop=True)


def plan_offers(
    customers: pd.DataFrame,
    candidates: pd.DataFrame,
    products: pd.DataFrame,
    discount: float,
    policy: PricingPolicy,
    min_discount: float = 0.01,
) -> pd.DataFrame:
    """Pick a product and a discount for each customer, within the guardrail.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id`` and, optional, ``churn_risk`` and ``clv`` (they widen
        the guardrail's retention room).
    candidates : pandas.DataFrame
        ``customer_id``, ``product_id`` and ``rank`` (lower is preferred):
        the products each customer may be offered (:func:`offer_candidates`).
    products : pandas.DataFrame
        ``product_id``, ``cost``, ``list_price``, ``deliverable`` (bool: can
        reach the customer in time, :func:`deliverable`) and, optional,
        ``category`` and ``cover_days``. A candidate product missing here
        counts as not deliverable.
    discount : float
        The rule's discount, a fraction.
    policy : PricingPolicy
        The company's guardrail.
    min_discount : float
        A capped discount below this is not worth offering (``no_margin_room``).

    Returns
    -------
    pandas.DataFrame
        One row per customer, in their order, :data:`OFFER_COLUMNS`;
        ``product_id`` is -1 and ``discount`` 0 when there is no offer.
    """
    if not 0 < discount < 1:
        raise ValidationError("discount must be a fraction in (0, 1)", code="invalid_discount", field="discount")
    for name, frame, columns in (("customers", customers, ("customer_id",)),
                                 ("candidates", candidates, CANDIDATE_COLUMNS),
                                 ("products", products, ("product_id", "cost", "list_price", "deliverable"))):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValidationError(f"{name} lack the columns {missing}", code="missing_column", field=name)
    wanted = customers[["customer_id"]].assign(
        churn_risk=customers.get("churn_risk", np.nan), clv=customers.get("clv", np.nan)
    )
    pairs = wanted.merge(candidates[["customer_id", "product_id", "rank"]], on="customer_id").merge(
        products, on="product_id", how="left"
    )
    pairs = pairs[pairs["deliverable"].fillna(False).astype(bool)]
    has_deliverable = np.isin(wanted["customer_id"], pairs["customer_id"])
    pairs = pairs.assign(max_discount=np.nan, discount=np.nan)  # kept when nobody has a deliverable product
    if len(pairs):
        advice = policy.advise_batch(
            pairs["cost"].to_numpy(float),
            pairs["list_price"].to_numpy(float),
            category=pairs["category"].tolist() if "category" in pairs else None,
            cover_days=pairs["cover_days"].to_numpy(float) if "cover_days" in pairs else None,
            clv=pairs["clv"].to_numpy(float),
            churn_risk=pairs["churn_risk"].to_numpy(float),
        )
        pairs = pairs.assign(max_discount=advice.max_discount,
                             discount=np.minimum(discount, advice.max_discount))
        pairs = pairs[pairs["discount"] >= min_discount - _EPS]
    best = pairs.sort_values(["customer_id", "rank"], kind="stable").drop_duplicates("customer_id")
    result = wanted[["customer_id"]].merge(best[["customer_id", "product_id", "discount", "max_discount"]],
                                           on="customer_id", how="left")
    offered = result["product_id"].notna().to_numpy()
    capped = offered & (result["discount"].to_numpy(float) < discount - _EPS)
    result["status"] = np.where(offered, "offer", "skipped")
    result["reason"] = np.select([capped, offered, has_deliverable], ["capped", "offered", "no_margin_room"],
                                 "no_deliverable_product")
    result["product_id"] = result["product_id"].fillna(-1).astype(np.int64)
    result["discount"] = result["discount"].fillna(0.0)
    result["max_discount"] = result["max_discount"].fillna(0.0)
    return result[list(OFFER_COLUMNS)]
