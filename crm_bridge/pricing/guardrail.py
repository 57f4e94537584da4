"""Pricing guardrail: how much discount a line may get, and what price to suggest.

Three pressures are arbitrated explicitly, each leaving a reason:

* **Margin floor** (operations): the price never goes below
  ``cost / (1 - floor)``, the floor being the category's when one is set,
  the company's otherwise.
* **Stock pressure**: days of cover against a target. At or below
  ``scarce_cover_days`` no discount at all; between scarcity and the target
  the room grows to ``base_discount``; from the target to
  ``overstock_cover_days`` it grows to ``max_discount``. Unknown cover gives
  the base room. Days of cover come from :func:`crm_bridge.pricing.cover.days_of_cover`;
  a product in stock that did not sell has :data:`~crm_bridge.pricing.cover.NO_DEMAND_COVER_DAYS`
  and is overstock (reason ``unsold_stock``).
* **Customer value** (sales): a customer likely to churn gets extra room,
  ``retention_discount * churn_risk * value``, where ``value`` is the lifetime
  value over ``clv_reference`` (at most 1), or ``unknown_clv_weight`` when the
  CLV is not given. Scarce stock gives no retention room either.

The maximum discount is the least of the policy room (stock + customer,
capped at ``max_discount``) and the margin room. The suggested discount is
what is worth offering unasked: the overstock part above the base room plus
the retention part, within the maximum. The suggested price is never below
the floor price; when the list price itself is below it, the suggestion is
the floor price.

A requested discount gets one verdict (:meth:`PricingPolicy.check_batch`):
``within_bounds``, ``exceeds_max_discount`` (more than the maximum), or
``below_floor`` (within the maximum, but the net price is under the floor
price: the list price itself is below it). Only ``within_bounds`` is ok.
Each verdict is a :class:`Reason` with a code, an English message and the
figures, so a caller can render it in the reader's language.

Discounts are fractions (0.12 = 12 %); Odoo's ``discount`` field is a
percentage, so the addon divides by 100. Everything is vectorised: the
single-line methods call the batch ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crm_bridge.contract.errors import ValidationError
from crm_bridge.contract.reasons import Reason
from crm_bridge.pricing.cover import NO_DEMAND_COVER_DAYS

__all__ = [
    "PRICING_REASON_CODES",
    "VERDICT_CODES",
    "PricingPolicy",
    "PriceAdvice",
    "DiscountCheck",
    "DiscountCheckBatch",
    "PriceAdviceBatch",
]

PRICING_REASON_CODES = (
    "margin_floor",
    "category_floor",
    "list_below_floor",
    "scarcity",
    "low_cover",
    "target_cover",
    "overstock",
    "unsold_stock",
    "cover_unknown",
    "retention",
    "policy_cap",
)
#: The verdict on a requested discount, in order of precedence when several apply.
VERDICT_CODES = ("within_bounds", "exceeds_max_discount", "below_floor")
_BIT = {code: 1 << i for i, code in enumerate(PRICING_REASON_CODES)}
_EPS = 1e-9
# Prices are compared with this slack: Odoo stores them with a few decimals.
_PRICE_TOL = 1e-6


@dataclass(frozen=True)
class PriceAdvice:
    """Bounds for one line: fractions of the list price, prices in the list price's currency."""

    max_discount: float
    suggested_discount: float
    suggested_price: float
    floor_price: float
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_discount": self.max_discount,
            "suggested_discount": self.suggested_discount,
            "suggested_price": self.suggested_price,
            "floor_price": self.floor_price,
            "reasons": [reason.to_dict() for reason in self.reasons],
        }


@dataclass(frozen=True)
class DiscountCheck:
    """A requested discount judged against the advice: ``ok`` or not, and why."""

    ok: bool
    discount: float
    price: float
    advice: PriceAdvice
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "discount": self.discount,
            "price": self.price,
            "advice": self.advice.to_dict(),
            "reasons": [reason.to_dict() for reason in self.reasons],
        }


@dataclass(frozen=True)
class PriceAdviceBatch:
    """Advice for many lines, as arrays; ``advice(i)`` builds the reasons of line ``i``."""

    policy: PricingPolicy
    cost: np.ndarray
    list_price: np.ndarray
    floor: np.ndarray
    cover_days: np.ndarray
    churn_risk: np.ndarray
    value: np.ndarray
    stock_room: np.ndarray
    retention_room: np.ndarray
    max_discount: np.ndarray
    suggested_discount: np.ndarray
    suggested_price: np.ndarray
    floor_price: np.ndarray
    reason_flags: np.ndarray

    def __len__(self) -> int:
        return len(self.cost)

    def advice(self, i: int) -> PriceAdvice:
        return PriceAdvice(
            float(self.max_discount[i]),
            float(self.suggested_discount[i]),
            float(self.suggested_price[i]),
            float(self.floor_price[i]),
            tuple(self.policy._reasons(self, i)),
        )


@dataclass(frozen=True)
class DiscountCheckBatch:
    """Requested discounts judged, as arrays; ``check(i)`` builds the verdict of line ``i`` with its reasons.

    Attributes
    ----------
    ok : ndarray of bool
    verdict : ndarray of int8
        Index into :data:`VERDICT_CODES`.
    discount : ndarray
        The discounts judged, fractions.
    price : ndarray
        Net unit prices: the list price less the discount.
    advice : PriceAdviceBatch
    """

    ok: np.ndarray
    verdict: np.ndarray
    discount: np.ndarray
    price: np.ndarray
    advice: PriceAdviceBatch

    def __len__(self) -> int:
        return len(self.ok)

    def verdict_reason(self, i: int, advice: PriceAdvice | None = None) -> Reason:
        """The verdict of line ``i``: its code, an English sentence, and the figures in it."""
        advice = advice or self.advice.advice(i)
        discount, price = float(self.discount[i]), float(self.price[i])
        params = {"discount": discount, "max_discount": advice.max_discount, "price": price,
                  "floor_price": advice.floor_price}
        code = VERDICT_CODES[int(self.verdict[i])]
        if code == "within_bounds":
            message = f"A discount of {_pct(discount)} is within the maximum of {_pct(advice.max_discount)}"
        elif code == "exceeds_max_discount":
            binding = advice.reasons[0]
            params["cause"] = binding.code
            message = (f"A discount of {_pct(discount)} exceeds the maximum of {_pct(advice.max_discount)}: "
                       f"{binding.message}")
        else:
            message = f"The net price {price:.2f} is below the floor price {advice.floor_price:.2f}"
        return Reason(code, message, params)

    def check(self, i: int) -> DiscountCheck:
        """Line ``i`` judged: ok or not, the verdict first among the reasons, then the advice's."""
        advice = self.advice.advice(i)
        return DiscountCheck(bool(self.ok[i]), float(self.discount[i]), float(self.price[i]), advice,
                             (self.verdict_reason(i, advice), *advice.reasons))


@dataclass(frozen=True)
class PricingPolicy:
    """The company's discount policy.

    Parameters
    ----------
    margin_floor : float
        Company minimum margin on the price, e.g. 0.15.
    category_floors : mapping of str to float
        Per-category minimum margins overriding the company's.
    base_discount : float
        Discount room at the target cover.
    max_discount : float
        Never more than this, whatever the pressure.
    scarce_cover_days, target_cover_days, overstock_cover_days : float
        Days of cover where the room is 0, ``base_discount`` and ``max_discount``.
    retention_discount : float
        Extra room for a customer certain to churn, of full value.
    clv_reference : float
        Lifetime value that counts as full value.
    unknown_clv_weight : float
        Value weight when the lifetime value is not given.
    """

    margin_floor: float = 0.15
    category_floors: Mapping[str, float] = field(default_factory=dict)
    base_discount: float = 0.10
    max_discount: float = 0.30
    scarce_cover_days: float = 15.0
    target_cover_days: float = 60.0
    overstock_cover_days: float = 180.0
    retention_discount: float = 0.05
    clv_reference: float = 10_000.0
    unknown_clv_weight: float = 0.5

    def __post_init__(self) -> None:
        fractions = {
            "margin_floor": self.margin_floor,
            "base_discount": self.base_discount,
            "max_discount": self.max_discount,
            "retention_discount": self.retention_discount,
            "unknown_clv_weight": self.unknown_clv_weight,
        }
        fractions.update({f"category_floors[{key}]": value for key, value in self.category_floors.items()})
        for name, value in fractions.items():
            if not _is_number(value) or not 0 <= value < 1:
                raise ValidationError(f"{name} must be a fraction in [0, 1)", code="invalid_policy", field=name)
        if self.base_discount > self.max_discount:
            raise ValidationError("base_discount exceeds max_discount", code="invalid_policy", field="base_discount")
        covers = (self.scarce_cover_days, self.target_cover_days, self.overstock_cover_days)
        if not all(_is_number(c) for c in covers) or not 0 <= covers[0] < covers[1] < covers[2]:
            raise ValidationError(
                "cover days must satisfy 0 <= scarce < target < overstock",
                code="invalid_policy",
                field="target_cover_days",
            )
        if not _is_number(self.clv_reference) or self.clv_reference <= 0:
            raise ValidationError("clv_reference must be > 0", code="invalid_policy", field="clv_reference")

    # ---- batch

    def advise_batch(
        self,
        cost: Sequence[float] | np.ndarray,
        list_price: Sequence[float] | np.ndarray,
        category: Sequence[str | None] | None = None,
        cover_days: Sequence[float | None] | np.ndarray | None = None,
        clv: Sequence[float | None] | np.ndarray | None = None,
        churn_risk: Sequence[float | None] | np.ndarray | None = None,
    ) -> PriceAdviceBatch:
        """Maximum discount, suggested price and floor price for many lines.

        ``None`` (or NaN) in ``cover_days``, ``clv`` or ``churn_risk`` means
        unknown; a missing ``category`` uses the company floor.

        Raises
        ------
        ValidationError
            ``invalid_cost``, ``invalid_price``, ``invalid_cover``,
            ``invalid_clv``, ``invalid_churn_risk`` or ``length_mismatch``,
            with the field, e.g. ``lines[3].cost``.
        """
        cost = _numbers(cost, None, "cost", "invalid_cost", required=True)
        n = len(cost)
        list_price = _numbers(list_price, n, "list_price", "invalid_price", required=True)
        _require(cost >= 0, "cost", "invalid_cost", "cost must be >= 0")
        _require(list_price > 0, "list_price", "invalid_price", "list price must be > 0")
        cover = _numbers(cover_days, n, "cover_days", "invalid_cover")
        _require(~(cover < 0), "cover_days", "invalid_cover", "cover days must be >= 0")
        clv = _numbers(clv, n, "clv", "invalid_clv")
        _require(~(clv < 0), "clv", "invalid_clv", "lifetime value must be >= 0")
        churn = _numbers(churn_risk, n, "churn_risk", "invalid_churn_risk")
        _require(~((churn < 0) | (churn > 1)), "churn_risk", "invalid_churn_risk", "churn risk must be in [0, 1]")
        categories = [None] * n if category is None else list(category)
        if len(categories) != n:
            raise ValidationError(f"expected {n} categories", code="length_mismatch", field="category")

        floor = np.array([self.category_floors.get(c, self.margin_floor) for c in categories])
        category_bound = np.array([c in self.category_floors for c in categories], dtype=bool)
        floor_price = cost / (1.0 - floor)
        margin_room = np.clip(1.0 - floor_price / list_price, 0.0, None)

        stock_room = np.interp(
            np.nan_to_num(cover, nan=self.target_cover_days),
            [self.scarce_cover_days, self.target_cover_days, self.overstock_cover_days],
            [0.0, self.base_discount, self.max_discount],
        )
        scarce = cover <= self.scarce_cover_days  # NaN is not scarce
        value = np.where(np.isnan(clv), self.unknown_clv_weight, np.minimum(clv / self.clv_reference, 1.0))
        retention_room = np.where(scarce, 0.0, self.retention_discount * np.nan_to_num(churn) * value)
        policy_room = np.minimum(stock_room + retention_room, self.max_discount)
        max_discount = np.minimum(policy_room, margin_room)
        worth_offering = np.maximum(stock_room - self.base_discount, 0.0) + retention_room
        suggested_discount = np.minimum(worth_offering, max_discount)
        suggested_price = np.maximum(list_price * (1.0 - suggested_discount), floor_price)

        flags = np.zeros(n, np.int32)
        flags |= np.where(category_bound, _BIT["category_floor"], _BIT["margin_floor"])
        flags |= np.where(list_price < floor_price - _EPS, _BIT["list_below_floor"], 0)
        flags |= np.where(np.isnan(cover), _BIT["cover_unknown"], 0)
        flags |= np.where(scarce, _BIT["scarcity"], 0)
        flags |= np.where((cover > self.scarce_cover_days) & (cover < self.target_cover_days), _BIT["low_cover"], 0)
        flags |= np.where(cover == self.target_cover_days, _BIT["target_cover"], 0)
        unsold = cover >= NO_DEMAND_COVER_DAYS
        flags |= np.where((cover > self.target_cover_days) & ~unsold, _BIT["overstock"], 0)
        flags |= np.where(unsold, _BIT["unsold_stock"], 0)
        flags |= np.where(retention_room > _EPS, _BIT["retention"], 0)
        flags |= np.where(
            (stock_room + retention_room > self.max_discount + _EPS) & (margin_room >= policy_room),
            _BIT["policy_cap"], 0,
        )
        return PriceAdviceBatch(
            self, cost, list_price, floor, cover, churn, value, stock_room, retention_room,
            max_discount, suggested_discount, suggested_price, floor_price, flags,
        )  # fmt: skip

    def check_batch(
        self,
        cost: Sequence[float] | np.ndarray,
        list_price: Sequence[float] | np.ndarray,
        discount: Sequence[float] | np.ndarray,
        **context: Any,
    ) -> DiscountCheckBatch:
        """The verdict on each requested discount (fraction of ``list_price``, the price before discount).

        ``context`` takes the optional arguments of :meth:`advise_batch`. A
        line is ok when its discount is within the maximum and its net price
        is not below the floor price (see :data:`VERDICT_CODES`).
        """
        advice = self.advise_batch(cost, list_price, **context)
        discount = _numbers(discount, len(advice), "discount", "invalid_discount", required=True)
        _require((discount >= 0) & (discount <= 1), "discount", "invalid_discount", "discount must be in [0, 1]")
        price = advice.list_price * (1.0 - discount)
        exceeds = discount > advice.max_discount + _EPS
        below_floor = price < advice.floor_price - _PRICE_TOL
        verdict = np.select([exceeds, below_floor], [1, 2], 0).astype(np.int8)
        return DiscountCheckBatch(verdict == 0, verdict, discount, price, advice)

    # ---- one line

    def advise(
        self,
        cost: float,
        list_price: float,
        category: str | None = None,
        cover_days: float | None = None,
        clv: float | None = None,
        churn_risk: float | None = None,
    ) -> PriceAdvice:
        """Maximum discount, suggested price and floor price for one line."""
        return self.advise_batch([cost], [list_price], [category], [cover_days], [clv], [churn_risk]).advice(0)

    def check_discount(
        self,
        cost: float,
        list_price: float,
        discount: float | None = None,
        price: float | None = None,
        **context: Any,
    ) -> DiscountCheck:
        """Judge a requested ``discount`` (fraction) or unit ``price`` for one line.

        Exactly one of ``discount`` and ``price`` is given; ``context`` takes
        ``category``, ``cover_days``, ``clv`` and ``churn_risk``.
        """
        if (discount is None) == (price is None):
            raise ValidationError("give either a discount or a price", code="invalid_discount", field="discount")
        if price is not None:
            if not _is_number(price) or price < 0:
                raise ValidationError("price must be a number >= 0", code="invalid_price", field="price")
            if _is_number(list_price) and list_price > 0:
                discount = 1.0 - price / list_price
            if discount is not None and discount < 0:
                discount = 0.0  # a price above list is no discount
        batch_context = {key: [value] for key, value in context.items()}
        return self.check_batch([cost], [list_price], [discount], **batch_context).check(0)

    # ---- reasons

    def _reasons(self, batch: PriceAdviceBatch, i: int) -> list[Reason]:
        flags = int(batch.reason_flags[i])
        floor = float(batch.floor[i])
        floor_price = float(batch.floor_price[i])
        cover = float(batch.cover_days[i])
        stock_room = float(batch.stock_room[i])
        margin_room = max(1.0 - floor_price / float(batch.list_price[i]), 0.0)
        reasons = []

        def add(code: str, message: str, **params: Any) -> None:
            if flags & _BIT[code]:
                reasons.append(Reason(code, message, params))

        # The binding constraint goes first: the margin when it is tighter than the policy.
        margin_binds = batch.max_discount[i] < min(stock_room + batch.retention_room[i], self.max_discount) - _EPS
        add("list_below_floor", f"The list price is below the floor price {floor_price:.2f}: no discount, "
            f"suggest at least {floor_price:.2f}", floor_price=floor_price)
        for code, source in (("category_floor", "category"), ("margin_floor", "company")):
            add(code, f"Margin floor of {_pct(floor)} ({source}): price not below {floor_price:.2f}, "
                f"at most {_pct(margin_room)} off", margin_floor=floor, floor_price=floor_price)
        floor_reasons, reasons = reasons, []
        # "about 0 days left" reads oddly: with nothing free the reason says so
        add("scarcity", f"Scarce stock ({cover:g} days of cover, at most {self.scarce_cover_days:g}): no discount",
            cover_days=cover, **({"no_free_stock": True} if cover <= 0 else {}))
        add("low_cover", f"Low stock cover ({cover:g} of {self.target_cover_days:g} target days): "
            f"up to {_pct(stock_room)} off", cover_days=cover, stock_room=stock_room)
        add("target_cover", f"Stock cover on target ({cover:g} days): up to {_pct(stock_room)} off",
            cover_days=cover, stock_room=stock_room)
        add("overstock", f"Overstock ({cover:g} days of cover, target {self.target_cover_days:g}): "
            f"up to {_pct(stock_room)} off", cover_days=cover, stock_room=stock_room)
        add("unsold_stock", f"In stock and not sold lately: overstock, up to {_pct(stock_room)} off",
            cover_days=cover, stock_room=stock_room)
        add("cover_unknown", f"Stock cover unknown: the base room of {_pct(stock_room)}", stock_room=stock_room)
        add("retention", f"Churn risk {float(batch.churn_risk[i]):.0%} of a customer weighted "
            f"{float(batch.value[i]):.2f} by lifetime value: {_pct(batch.retention_room[i])} more room",
            churn_risk=float(batch.churn_risk[i]), value_weight=float(batch.value[i]),
            retention_room=float(batch.retention_room[i]))
        add("policy_cap", f"Capped at the policy maximum of {_pct(self.max_discount)}", max_discount=self.max_discount)
        return floor_reasons + reasons if margin_binds or flags & _BIT["list_below_floor"] else reasons + floor_reasons


def _pct(fraction: float) -> str:
    return f"{float(fraction) * 100:.1f}%"


def _is_number(value: Any) -> bool:
    number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    return number and math.isfinite(value)


def _numbers(values: Any, n: int | None, name: str, code: str, required: bool = False) -> np.ndarray:
    """A float array with NaN for unknowns, or a ValidationError naming ``lines[i].name``."""
    if values is None:
        if required:
            raise ValidationError(f"{name} is required", code=code, field=name)
        return np.full(n, np.nan)
    items = list(values) if not isinstance(values, np.ndarray) else values
    if n is not None and len(items) != n:
        raise ValidationError(f"expected {n} values of {name}", code="length_mismatch", field=name)
    if isinstance(items, np.ndarray) and items.dtype.kind in "fiu":
        array = items.astype(float)
    else:
        for i, item in enumerate(items):
            if not (item is None or _is_number(item) or (isinstance(item, float) and math.isnan(item))):
                raise ValidationError(f"{name} must be a number", code=code, field=f"lines[{i}].{name}",
                                      details={"value": str(item)})
        array = np.array([np.nan if item is None else item for item in items], dtype=float)
    if required and np.isnan(array).any():
        i = int(np.flatnonzero(np.isnan(array))[0])
        raise ValidationError(f"{name} is required", code=code, field=f"lines[{i}].{name}")
    if np.isinf(array).any():
        i = int(np.flatnonzero(np.isinf(array))[0])
        raise ValidationError(f"{name} must be finite", code=code, field=f"lines[{i}].{name}")
    return array


def _require(ok: np.ndarray, name: str, code: str, message: str) -> None:
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise ValidationError(message, code=code, field=f"lines[{i}].{name}")
