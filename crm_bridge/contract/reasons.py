"""Reasons: why a check answered what it did, for machines and for people.

A reason travels to the Odoo popover (its ``message``) and over XML-RPC (the
whole dict), so its values are restricted to what XML-RPC carries: dates go
as ISO strings and ``None`` as ``False``.
"""

from __future__ import annotations

import datetime as dt
import functools
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DAY_UNITS", "PHRASES", "Reason", "days_text", "phrase_fields", "phrase_key", "render", "render_all",
           "xmlrpc_value"]


def xmlrpc_value(value: Any) -> Any:
    """Dates as ISO strings, ``None`` as ``False``, numpy scalars as Python ones."""
    if value is None:
        return False
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


@dataclass(frozen=True)
class Reason:
    """``code``: stable, for machines; ``message``: for people; ``params``: the figures in the message."""

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        params = {key: xmlrpc_value(value) for key, value in self.params.items()}
        return {"code": self.code, "message": self.message, "params": params}


# ---------------------------------------------------------------- reasons in plain words
#
# A reason's ``message`` is the core's exact sentence (figures and ISO dates, for logs and
# machines). What a person reads is rendered from the stable ``code`` and the ``params``
# with the phrases below: the template is translated by the caller (an Odoo addon looks
# it up in its ``i18n/<lang>.po``) and every figure is formatted in the reader's locale.
# Codes are stable; the words may change.

#: English phrase of each reason code; ``{name}`` is the parameter ``name``, formatted by its kind.
#: A code with variants picks the first key (``code``, ``code:variant``...) whose parameters are all present;
#: ``code:name=0`` is said when the figure ``name`` is 0 ("No order recently", not "Only 0 orders recently").
PHRASES: dict[str, str] = {
    # routing (ai_insights.routing)
    "routing_skill": "Wins {probability} of leads like this (team average {team_probability})",
    "routing_load": "{load} of {limit} units of open work",
    "routing_no_room": "Nobody who works in this language has room",
    "routing_no_history": "No won or lost leads to learn from yet: assigned by free room",
    "routing_not_deliverable": "Cannot be delivered by {wanted_date}: earliest {earliest_date}",
    "routing_least_loaded": "No closed tickets to learn from yet: the least loaded agent",
    "routing_fastest": "Resolves tickets like this in about {hours} h (team {team_hours} h)",
    # promise (crm_bridge.promise.engine)
    "service_no_stock_check": "A service: no stock needed",
    "consumable_no_stock_check": "Stock is not tracked for this product",
    "lead_time": "Earliest delivery {earliest_date}",
    "in_stock": "{qty} free on {date}",
    "stock_short:next_receipt_date": "Only {atp_qty} of {qty} free on {date}; {next_receipt_qty} more arrive on "
    "{next_receipt_date}",
    "stock_short": "Only {atp_qty} of {qty} free on {date}; no receipt expected",
    "allocation:date": "{allocated_qty} kept for customers served first until {date}",
    "allocation": "{allocated_qty} kept for customers served first",
    "replenishment": "Must be replenished first: available from {date}",
    "no_replenishment": "{missing_qty} cannot be supplied: the product is not replenished",
    "units_exceed_daily": "{qty} units are more than the warehouse ships in a day ({units_per_day})",
    "capacity_full:ship_date": "Shipping capacity is full on {date}: ships {ship_date}",
    "capacity_full:date": "Shipping capacity is full on {date}",
    "capacity_full": "Shipping capacity is full on the first shipping days",
    "beyond_horizon": "Cannot ship the whole quantity in the next {horizon_days}",
    "split:second_date": "Partial delivery: {first_qty} on {first_date}, {second_qty} on {second_date}",
    "split": "Partial delivery: {first_qty} on {first_date}; the rest cannot ship",
    # pricing verdicts (crm_bridge.pricing.guardrail)
    "within_bounds": "A discount of {discount} is within the maximum of {max_discount}",
    "exceeds_max_discount": "A discount of {discount} exceeds the maximum this line allows",
    "below_floor": "The net price {price} is below the floor price {floor_price}",
    # pricing advice
    "list_below_floor": "The list price is below the floor price {floor_price}: no discount",
    "category_floor": "The category's minimum margin ({margin_floor}) keeps the price at {floor_price} or more",
    "margin_floor": "The minimum margin ({margin_floor}) keeps the price at {floor_price} or more",
    "scarcity:no_free_stock": "No free stock left: no discount",
    "scarcity": "Scarce stock (about {cover_days} left): no discount",
    "low_cover": "Little stock (about {cover_days} left): up to {stock_room} off",
    "target_cover": "Stock as planned: up to {stock_room} off",
    "overstock": "Too much stock: up to {stock_room} off",
    "unsold_stock:stock_room": "In stock and not sold lately: up to {stock_room} off",
    "cover_unknown": "Stock level unknown: up to {stock_room} off",
    "retention": "A valuable customer who may leave: {retention_room} more off",
    "policy_cap": "The company's maximum discount is {max_discount}",
    # days of cover (crm_bridge.pricing.cover)
    "from_sales": "About {cover_days} of stock at the recent sales rate",
    "unsold_stock": "In stock and not sold in the last {window_days}",
    "no_stock": "Nothing in stock and no recent sales",
    "not_stocked": "Not a stocked product",
    "from_forecast": "About {cover_days} of stock at the forecast demand",
    "no_forecast_demand": "In stock, and the demand forecast expects no sales",
    # dynamic pricing (ai_insights.pricing.suggest)
    "pricing_discount": "{discount} off (price {price}) is expected to earn more than the current price",
    "pricing_no_gain": "No discount is expected to earn more: the price stays",
    "pricing_control": "Kept at the old price to measure the effect of the new ones (control group)",
    "pricing_response": "Sales grow about {elasticity}% for every 1% off (learnt from its own sales)",
    "pricing_response_category": "Sales grow about {elasticity}% for every 1% off (learnt from its category)",
    # warehouse choice (crm_bridge.promise.warehouse)
    "warehouse_can_deliver": "Delivers the whole order by {promised_date}",
    "warehouse_sooner": "Delivers on {promised_date} instead of {date}",
    "warehouse_cheaper": "Same delivery date at a lower shipping cost",
    "warehouse_fewer_shipments": "Same delivery date in fewer shipments: {shipments} instead of {current_shipments}",
    "warehouse_current_best": "The order's warehouse delivers it soonest and cheapest",
    "warehouse_none_delivers": "No warehouse can deliver the whole order",
    # churn risk (ai_insights.churn): why a customer's risk is high or low, next to the typical customer
    "churn_recency_days_high": "No order for {recency_days} (typical customer: {typical_recency_days})",
    "churn_recency_days_low": "Ordered {recency_days} ago (typical customer: {typical_recency_days})",
    "churn_frequency_high": "{frequency} orders so far (typical customer: {typical_frequency})",
    "churn_frequency_low:frequency=0": "No order so far (typical customer: {typical_frequency})",
    "churn_frequency_low": "Only {frequency} orders so far (typical customer: {typical_frequency})",
    "churn_tenure_days_high": "Customer for {tenure_days} (typical: {typical_tenure_days})",
    "churn_tenure_days_low": "Customer for only {tenure_days} (typical: {typical_tenure_days})",
    "churn_orders_recent_high": "{orders_recent} orders recently (typical customer: {typical_orders_recent})",
    "churn_orders_recent_low:orders_recent=0": "No order recently (typical customer: {typical_orders_recent})",
    "churn_orders_recent_low": "Only {orders_recent} orders recently (typical customer: {typical_orders_recent})",
    "churn_usual_interval_days_high": "Orders rarely: every {usual_interval_days} (typical customer: "
    "{typical_usual_interval_days})",
    "churn_usual_interval_days_low": "Orders often: every {usual_interval_days} (typical customer: "
    "{typical_usual_interval_days})",
    "churn_last_interval_days_high": "{last_interval_days} between the last two orders vs {usual_interval_days} usual",
    "churn_last_interval_days_low": "Only {last_interval_days} between the last two orders vs {usual_interval_days} "
    "usual",
    "churn_interval_trend_high": "Orders are getting further apart: {last_interval_days} between the last two vs "
    "{usual_interval_days} usual",
    "churn_interval_trend_low": "Orders are getting closer together: {last_interval_days} between the last two vs "
    "{usual_interval_days} usual",
    "churn_overdue_ratio_high": "Next order is overdue: {recency_days} since the last, usually every "
    "{usual_interval_days}",
    "churn_overdue_ratio_low": "On rhythm: {recency_days} since the last order, usually every {usual_interval_days}",
    "churn_avg_order_value_high": "Large orders: {avg_order_value} on average (typical: {typical_avg_order_value})",
    "churn_avg_order_value_low": "Small orders: {avg_order_value} on average (typical: {typical_avg_order_value})",
    "churn_revenue_365d_high": "Bought {revenue_365d} in the last year (typical: {typical_revenue_365d})",
    "churn_revenue_365d_low": "Bought only {revenue_365d} in the last year (typical: {typical_revenue_365d})",
    "churn_margin_rate_high": "High margin: {margin_rate} (typical: {typical_margin_rate})",
    "churn_margin_rate_low": "Low margin: {margin_rate} (typical: {typical_margin_rate})",
    "churn_discount_rate_high": "Buys with {discount_rate} discount on average (typical: {typical_discount_rate})",
    "churn_discount_rate_low": "Buys with little discount: {discount_rate} on average (typical: "
    "{typical_discount_rate})",
    "churn_return_rate_high": "Returned {return_rate} of the items bought (typical: {typical_return_rate})",
    "churn_return_rate_low": "Returns little: {return_rate} of the items bought (typical: {typical_return_rate})",
    "churn_cancel_rate_high": "Cancelled {cancel_rate} of orders (typical: {typical_cancel_rate})",
    "churn_cancel_rate_low": "Cancels few orders: {cancel_rate} (typical: {typical_cancel_rate})",
    "churn_late_delivery_rate_high": "{late_delivery_rate} of deliveries arrived late (typical: "
    "{typical_late_delivery_rate})",
    "churn_late_delivery_rate_low": "Deliveries on time: {late_delivery_rate} late (typical: "
    "{typical_late_delivery_rate})",
    "churn_avg_payment_delay_days_high": "Pays {avg_payment_delay_days} late on average (typical: "
    "{typical_avg_payment_delay_days})",
    "churn_avg_payment_delay_days_low": "Pays on time: {avg_payment_delay_days} late on average (typical: "
    "{typical_avg_payment_delay_days})",
    "churn_overdue_amount_high": "{overdue_amount} overdue and unpaid (typical: {typical_overdue_amount})",
    "churn_overdue_amount_low": "Little overdue: {overdue_amount} unpaid past due (typical: {typical_overdue_amount})",
    "churn_tickets_recent_high": "{tickets_recent} tickets recently (typical: {typical_tickets_recent})",
    "churn_tickets_recent_low:tickets_recent=0": "No ticket recently (typical: {typical_tickets_recent})",
    "churn_tickets_recent_low": "Few tickets recently: {tickets_recent} (typical: {typical_tickets_recent})",
    "churn_negative_tickets_recent_high": "{negative_tickets_recent} negative tickets recently (typical: "
    "{typical_negative_tickets_recent})",
    "churn_negative_tickets_recent_low:negative_tickets_recent=0": "No negative ticket recently (typical: "
    "{typical_negative_tickets_recent})",
    "churn_negative_tickets_recent_low": "No complaints recently: {negative_tickets_recent} negative tickets "
    "(typical: {typical_negative_tickets_recent})",
    "churn_open_tickets_high": "{open_tickets} tickets still open (typical: {typical_open_tickets})",
    "churn_open_tickets_low:open_tickets=0": "No ticket open (typical: {typical_open_tickets})",
    "churn_open_tickets_low": "No pending problems: {open_tickets} tickets open (typical: {typical_open_tickets})",
    "churn_avg_feedback_score_high": "Rates our support {avg_feedback_score}/5 (typical: "
    "{typical_avg_feedback_score})",
    "churn_avg_feedback_score_low": "Rates our support only {avg_feedback_score}/5 (typical: "
    "{typical_avg_feedback_score})",
    "churn_interactions_recent_high": "{interactions_recent} contacts with us recently (typical: "
    "{typical_interactions_recent})",
    "churn_interactions_recent_low:interactions_recent=0": "No contact with us recently (typical: "
    "{typical_interactions_recent})",
    "churn_interactions_recent_low": "Only {interactions_recent} contacts with us recently (typical: "
    "{typical_interactions_recent})",
    "churn_avg_response_hours_high": "We take {avg_response_hours} hours to answer them (typical: "
    "{typical_avg_response_hours})",
    "churn_avg_response_hours_low": "We answer them fast: {avg_response_hours} hours (typical: "
    "{typical_avg_response_hours})",
    # suggested quotation lines (ai_insights.recommend.complements): why a product is suggested...
    "suggestion_repurchase:cycle_days": "Bought about every {cycle_days}, last {days_since} ago",
    "suggestion_repurchase": "Due to be bought again by this customer",
    "suggestion_complement:product": "Bought with {product} {lift} times more often than by chance",
    "suggestion_complement": "Often bought with this quotation's products",
    "suggestion_category": "Often bought with products of the same kind as this quotation's",
    "suggestion_segment": "Popular with similar customers",
    # ... and whether it can be offered (honour_filter's filter_reason)
    "suggestion_available": "Can be delivered on {promised_date} at {price}",
    "suggestion_not_deliverable:promised_date": "Not offered: cannot be delivered in time (earliest "
    "{promised_date})",
    "suggestion_not_deliverable": "Not offered: cannot be delivered in time",
    "suggestion_below_floor": "Not offered: its price would be below the margin floor",
    "suggestion_out_of_stock": "Not offered: out of stock",
    "suggestion_recently_refused": "Not offered: the customer recently returned it or complained about it",
    "suggestion_unknown_product": "Not offered: not sold here",
}

#: A number of days with its unit, one day and several days: ``{days}`` is the number. Translated by the caller.
DAY_UNITS: tuple[str, str] = ("{days} day", "{days} days")

#: How each parameter is written: a date, a percentage (a fraction), a quantity, a number of days (with its unit,
#: so the phrases say ``{cover_days}``, not ``{cover_days} days``), money, a number (two decimals, e.g. a ratio)
#: or a text written as it is (e.g. a product's name).
PARAM_KINDS: dict[str, str] = {
    **dict.fromkeys(("date", "earliest_date", "next_receipt_date", "ship_date", "first_date", "second_date",
                     "promised_date", "wanted_date"), "date"),
    **dict.fromkeys(("discount", "max_discount", "margin_floor", "stock_room", "retention_room", "churn_risk",
                     "probability", "team_probability"), "percent"),
    **dict.fromkeys(("qty", "atp_qty", "next_receipt_qty", "missing_qty", "first_qty", "second_qty", "free_qty",
                     "units_per_day", "allocated_qty", "load", "limit", "hours", "team_hours"), "qty"),
    **dict.fromkeys(("cover_days", "horizon_days", "window_days", "customer_lead_days", "replenish_lead_days"),
                    "days"),
    **dict.fromkeys(("price", "floor_price"), "money"),
    # churn features (ai_insights.churn.features) and the typical customer's value of each; a typical number of
    # days has its unit too ("No order for 200 days (typical customer: 40 days)")
    **dict.fromkeys(("recency_days", "tenure_days", "usual_interval_days", "last_interval_days",
                     "avg_payment_delay_days", "typical_recency_days", "typical_tenure_days",
                     "typical_usual_interval_days", "typical_last_interval_days", "typical_avg_payment_delay_days"),
                    "days"),
    **dict.fromkeys(("margin_rate", "discount_rate", "return_rate", "cancel_rate", "late_delivery_rate",
                     "typical_margin_rate", "typical_discount_rate", "typical_return_rate", "typical_cancel_rate",
                     "typical_late_delivery_rate"), "percent"),
    **dict.fromkeys(("avg_order_value", "revenue_365d", "overdue_amount", "typical_avg_order_value",
                     "typical_revenue_365d", "typical_overdue_amount"), "money"),
    # suggested lines: the repurchase cycle, how much more often than by chance (a ratio), the product named
    **dict.fromkeys(("cycle_days", "days_since"), "days"),
    "lift": "number",
    "product": "text",
}


def days_text(value: float, translate: Any = None, number: Any = None) -> str:
    """A number of days, rounded to whole days, with its unit: "1 day", "40 days" (Spanish "1 día", "40 días").

    Parameters
    ----------
    value : float
        Days.
    translate : callable, optional
        Takes each of ``DAY_UNITS``, returns it in the reader's language. Default: English.
    number : callable, optional
        Writes the whole number in the reader's locale. Default: plain digits.

    Returns
    -------
    str
        The days with the unit; singular for exactly one day (the rule of English and Spanish).
    """
    days = round(float(value))
    unit = DAY_UNITS[0] if days == 1 else DAY_UNITS[1]
    return (translate(unit) if translate else unit).format(days=number(days) if number else str(days))


def _plain_qty(value: float) -> str:
    return f"{float(value):.3f}".rstrip("0").rstrip(".")


#: Formatting in English without a locale: what a caller with no locale of its own gets.
PLAIN_FORMATS: dict[str, Any] = {
    "date": lambda value: dt.date.fromisoformat(value).strftime("%d %b %Y") if isinstance(value, str)
    else value.strftime("%d %b %Y"),
    "percent": lambda value: f"{float(value) * 100:.1f}%".replace(".0%", "%"),
    "qty": _plain_qty,
    "days": days_text,
    "money": lambda value: f"{float(value):.2f}",
    "number": lambda value: f"{float(value):.2f}",
    "text": str,
}


def phrase_key(code: str, params: dict[str, Any]) -> str | None:
    """The key of ``PHRASES`` that says reason ``code`` with ``params``, or None when there is none.

    Variants (``code:param``) need their parameter present and not empty,
    variants ``code:param=0`` their parameter equal to 0; the bare ``code``
    is the fallback.
    """
    for key, variant, template in _variants(code):
        name, equals, wanted = variant.partition("=")
        if equals:
            value = params.get(name)
            if _missing(value) or not isinstance(value, int | float) or float(value) != float(wanted):
                continue
        elif variant and (_missing(params.get(variant)) or params.get(variant) == ""):
            continue
        if not any(_missing(params.get(field)) for field in _fields(template)):
            return key
    return None


@functools.lru_cache(maxsize=1024)
def _variants(code: str) -> tuple[tuple[str, str, str], ...]:
    # (key, variant, phrase) of each key of PHRASES for ``code``, in order; cached: PHRASES is fixed at import
    return tuple((key, key.partition(":")[2], template) for key, template in PHRASES.items()
                 if key.partition(":")[0] == code)


def phrase_fields(key: str) -> tuple[str, ...]:
    """The ``{name}`` fields of the phrase ``PHRASES[key]``: the parameters a reason said with it needs."""
    return _fields(PHRASES[key])


def _missing(value: Any) -> bool:
    # None or False (Odoo's empty value); a figure of 0 is a figure ("0 days of cover"), though 0 == False
    return value is None or value is False


def render(
    reason: Reason | dict[str, Any],
    translate: Any = None,
    formats: dict[str, Any] | None = None,
) -> str:
    """A reason in plain words: its phrase, translated and filled with formatted figures.

    Parameters
    ----------
    reason : Reason or dict
        A ``Reason`` or its ``to_dict()`` (dates as ISO strings).
    translate : callable, optional
        Takes the English phrase, returns it in the reader's language (with
        the same ``{name}`` fields). Default: English.
    formats : dict, optional
        A callable per parameter kind (``date``, ``percent``, ``qty``,
        ``days``, ``money``, ``number``, ``text``), overriding
        ``PLAIN_FORMATS``; e.g. the reader's locale and currency.

    Returns
    -------
    str
        The sentence; the core's ``message`` when the code has no phrase.
    """
    return render_all([reason], translate, formats)[0]


def render_all(
    reasons: Iterable[Reason | dict[str, Any]],
    translate: Any = None,
    formats: dict[str, Any] | None = None,
) -> list[str]:
    """:func:`render` of many reasons at once (e.g. a model's reasons for 100,000 customers).

    Each phrase is translated once and the writers are merged once; the
    parameters are those of :func:`render`.
    """
    writers = {**PLAIN_FORMATS, **(formats or {})}
    templates: dict[str, str] = {}
    sentences = []
    for reason in reasons:
        data = reason.to_dict() if isinstance(reason, Reason) else reason
        params = data.get("params") or {}
        key = phrase_key(data["code"], params)
        if key is None:
            sentences.append(data["message"])
            continue
        if key not in templates:
            templates[key] = translate(PHRASES[key]) if translate else PHRASES[key]
        values = {name: writers[PARAM_KINDS.get(name, "qty")](params[name]) for name in _fields(PHRASES[key])}
        sentences.append(templates[key].format(**values))
    return sentences


@functools.lru_cache(maxsize=1024)
def _fields(template: str) -> tuple[str, ...]:
    # cached: a model scoring 100,000 customers renders each phrase many times
    return tuple(name for _text, name, _spec, _conv in string.Formatter().parse(template) if name)
