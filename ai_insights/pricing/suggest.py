"""Price suggestions: the discount that earns most, from the price response, stock pressure and the guardrail.

For each product (of a pricelist, or of a customer segment) the suggestion is
the discount ``d`` that maximises the expected margin per period,
``(price(d) - unit_cost) * (price(d) / current price) ** elasticity``, where

* ``elasticity`` is the **cautious end** of the product's posterior
  (:func:`ai_insights.pricing.response.estimate_price_response`): the mean
  plus ``caution`` standard deviations, towards zero, so a discount is only
  suggested when the data say with confidence that it sells enough more;
* ``unit_cost`` is the cost less what selling a unit now saves in carrying
  it: ``holding_rate`` a year for the days of cover it would otherwise wait
  (at most a year). Days of cover are :func:`crm_bridge.pricing.cover.days_of_cover`'s
  (the forecast's demand where there is one), so overstock is worth clearing
  and scarce stock is not;
* the discount is searched only inside the guardrail
  (:meth:`crm_bridge.pricing.guardrail.PricingPolicy.advise_batch`): from
  none up to its maximum discount (which holds the margin floor, the stock
  pressure and the customer's value), never below its floor price.
  Every suggestion is checked with :meth:`~crm_bridge.pricing.guardrail.PricingPolicy.check_batch`.

A suggestion that does not raise the expected margin by ``min_gain`` keeps the
current price (reason ``pricing_no_gain``). A randomised, deterministic
share of products (:func:`in_control`, the action rules' hash) keeps the old
price whatever the suggestion (reason ``pricing_control``), so the effect can
be measured against it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ai_insights.actions.evaluate import control_draw
from crm_bridge.contract.errors import ValidationError
from crm_bridge.contract.reasons import Reason
from crm_bridge.pricing.guardrail import PricingPolicy

__all__ = ["CONTROL_KEY", "SUGGESTION_CODES", "in_control", "suggest_prices"]

#: The key of the pricing control group in :func:`ai_insights.actions.evaluate.control_draw` (issue 15).
CONTROL_KEY = 15
#: ``pricing_discount``: a new price; ``pricing_no_gain``: no discount pays; ``pricing_control``: kept for measure.
SUGGESTION_CODES = ("pricing_discount", "pricing_no_gain", "pricing_control")
_GRID = 61
_DAYS_A_YEAR = 365.0


def in_control(product_ids: Sequence[int] | np.ndarray, share: float, salt: str = "") -> np.ndarray:
    """Whether each product is in the control group: the same answer on every run for the same ids and salt.

    Raising ``share`` only moves products from treated to control. ``salt``
    separates independent experiments (a pricelist, a season).
    """
    if not 0 <= share < 1:
        raise ValidationError("the control share must be a fraction in [0, 1)", code="invalid_share",
                              field="control_share")
    return control_draw(CONTROL_KEY, product_ids, f"pricing:{salt}") < share


def suggest_prices(
    products: pd.DataFrame,
    response: pd.DataFrame,
    policy: PricingPolicy,
    *,
    control_share: float = 0.2,
    salt: str = "",
    caution: float = 1.0,
    holding_rate: float = 0.25,
    min_gain: float = 0.01,
) -> pd.DataFrame:
    """The suggested discount of each product, always inside the guardrail, with its reasons.

    Parameters
    ----------
    products : DataFrame
        ``product_id``, ``cost``, ``list_price`` and optionally ``category``
        (the guardrail's category floor key), ``discount`` (the current
        discount, a fraction; default none), ``cover_days`` (NaN: unknown),
        ``clv`` and ``churn_risk`` (of the customer or segment priced).
    response : DataFrame
        :func:`~ai_insights.pricing.response.estimate_price_response`'s products
        (``elasticity``, ``elasticity_sd``, ``source``), indexed by product_id.
        A product missing from it keeps its price (no response known).
    policy : PricingPolicy
        The company's guardrail.
    control_share, salt : float, str
        The share of products kept at the old price, and the experiment's salt.
    caution : float
        Standard deviations towards zero taken off the elasticity.
    holding_rate : float
        Yearly cost of carrying stock, a fraction of cost.
    min_gain : float
        Smallest relative gain in expected margin worth a change.

    Returns
    -------
    DataFrame
        One row per product, in the input's order: ``product_id``,
        ``current_discount``, ``discount`` (the suggestion; the current one
        for control and no-gain rows), ``price``, ``max_discount``,
        ``floor_price``, ``elasticity``, ``elasticity_sd``, ``expected_volume_change``
        and ``expected_margin_change`` (fractions, at the cautious
        elasticity), ``control`` (bool), ``code`` (:data:`SUGGESTION_CODES`)
        and ``reasons`` (a list of :class:`Reason`: the decision first, then
        the guardrail's).

    Raises
    ------
    ValidationError
        From the guardrail for bad costs, prices, covers or customer
        figures; ``invalid_discount`` for a current discount outside [0, 1);
        ``invalid_parameter`` for a negative caution, holding rate or gain.
    """
    for name, value in (("caution", caution), ("holding_rate", holding_rate), ("min_gain", min_gain)):
        if not np.isfinite(value) or value < 0:
            raise ValidationError(f"{name} must be a number >= 0", code="invalid_parameter", field=name)
    n = len(products)
    ids = products["product_id"].to_numpy()

    def column(name: str) -> np.ndarray | None:
        return products[name].to_numpy(float) if name in products else None

    context = {"category": None if "category" not in products
               else [None if pd.isna(c) else str(c) for c in products["category"]],
               "cover_days": column("cover_days"), "clv": column("clv"), "churn_risk": column("churn_risk")}
    advice = policy.advise_batch(products["cost"].to_numpy(float), products["list_price"].to_numpy(float), **context)
    current = column("discount")
    current = np.zeros(n) if current is None else current
    if not (np.isfinite(current) & (current >= 0) & (current < 1)).all():
        i = int(np.flatnonzero(~(np.isfinite(current) & (current >= 0) & (current < 1)))[0])
        raise ValidationError("discount must be a fraction in [0, 1)", code="invalid_discount",
                              field=f"lines[{i}].discount")
    known = response.reindex(ids)
    elasticity = known["elasticity"].to_numpy(float)
    sd = known["elasticity_sd"].to_numpy(float)
    has_response = np.isfinite(elasticity) & np.isfinite(sd)
    cautious = np.minimum(np.nan_to_num(elasticity) + caution * np.nan_to_num(sd), 0.0)

    cover = advice.cover_days
    carried = np.clip(np.nan_to_num(cover, nan=0.0), 0.0, _DAYS_A_YEAR) / _DAYS_A_YEAR
    unit_cost = advice.cost * (1.0 - holding_rate * carried)
    # Candidates: a grid from no discount to the guardrail's maximum, plus the current discount.
    steps = np.linspace(0.0, 1.0, _GRID)[None, :] * advice.max_discount[:, None]
    candidates = np.concatenate([current[:, None], steps], axis=1)
    list_price = advice.list_price[:, None]
    price = np.maximum(list_price * (1.0 - candidates), advice.floor_price[:, None])
    current_price = price[:, :1]
    volume = (price / current_price) ** cautious[:, None]
    margin = (price - unit_cost[:, None]) * volume
    feasible = candidates <= advice.max_discount[:, None] + 1e-12
    feasible[:, 0] = True  # the current price is always a possible answer (a stricter policy is not retroactive)
    best = np.argmax(np.where(feasible, margin, -np.inf), axis=1)
    rows = np.arange(n)
    base_margin = margin[:, 0]
    gain = (margin[rows, best] - base_margin) / np.maximum(np.abs(base_margin), 1e-9)
    worth = has_response & (gain >= min_gain) & (best > 0)
    control = in_control(ids, control_share, salt)
    change = worth & ~control
    choice = np.where(change, best, 0)
    discount = np.where(change, 1.0 - price[rows, choice] / advice.list_price, current)
    check = policy.check_batch(advice.cost, advice.list_price, np.where(change, discount, 0.0), **context)
    if not check.ok[change].all():  # the search is inside the bounds: this would be a defect, never a price
        raise ValidationError("a suggested discount left the guardrail", code="guardrail_breach",
                              field=f"lines[{int(np.flatnonzero(change & ~check.ok)[0])}].discount")
    volume_change = volume[rows, choice] - 1.0
    margin_change = np.where(change, gain, 0.0)
    code = np.where(control, "pricing_control", np.where(change, "pricing_discount", "pricing_no_gain"))

    reasons = []
    for i in range(n):
        guardrail = list(advice.advice(i).reasons)
        response_reason = Reason(
            "pricing_response" if known["source"].iloc[i] != "category" else "pricing_response_category",
            f"Elasticity {elasticity[i]:.2f} ± {sd[i]:.2f} ({known['source'].iloc[i]}); cautious {cautious[i]:.2f}",
            {"elasticity": round(-float(elasticity[i]), 1), "elasticity_sd": float(sd[i])},
        ) if has_response[i] else None
        if code[i] == "pricing_control":
            head = Reason("pricing_control", "Control group: the old price is kept to measure the effect", {})
        elif code[i] == "pricing_discount":
            head = Reason("pricing_discount",
                          f"Suggest {discount[i]:.1%} off: price {price[i, choice[i]]:.2f}, expected volume "
                          f"{volume_change[i]:+.1%}, margin {margin_change[i]:+.1%}",
                          {"discount": float(discount[i]), "price": float(price[i, choice[i]]),
                           "volume_change": float(volume_change[i]), "margin_change": float(margin_change[i])})
        else:
            head = Reason("pricing_no_gain", "No discount raises the expected margin enough: price kept",
                          {"discount": float(current[i])})
        reasons.append([head, *([response_reason] if response_reason else []), *guardrail])
    return pd.DataFrame({
        "product_id": ids,
        "current_discount": current,
        "discount": discount,
        "price": np.where(change, price[rows, choice], advice.list_price * (1.0 - current)),
        "max_discount": advice.max_discount,
        "floor_price": advice.floor_price,
        "elasticity": elasticity,
        "elasticity_sd": sd,
        "expected_volume_change": np.where(change, volume_change, 0.0),
        "expected_margin_change": margin_change,
        "control": control,
        "code": code,
        "reasons": reasons,
    })
