"""Retention offers inside the pricing guardrail, on products that can be delivered in time.

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

import numpy as np
import pandas as pd

from crm_bridge.contract.errors import ValidationError
from crm_bridge.pricing.guardrail import PricingPolicy

__all__ = ["OFFER_COLUMNS", "OFFER_REASONS", "plan_offers"]

OFFER_COLUMNS = ("customer_id", "product_id", "discount", "max_discount", "status", "reason")
# ``offered``: the rule's discount fits; ``capped``: lowered to the guardrail's maximum;
# ``no_deliverable_product`` / ``no_margin_room``: no offer.
OFFER_REASONS = ("offered", "capped", "no_deliverable_product", "no_margin_room")
_EPS = 1e-9


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
        the products each customer may be offered, e.g. what they buy most.
    products : pandas.DataFrame
        ``product_id``, ``cost``, ``list_price``, ``deliverable`` (bool: can
        reach the customer in time) and, optional, ``category`` and
        ``cover_days``.
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
                                 ("candidates", candidates, ("customer_id", "product_id", "rank")),
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
