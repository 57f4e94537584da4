"""Customer features that fuse ERP and CRM signals, computed as of a cut-off date.

The builder reads the plain tables of ``crm_bridge/tables/schema.py``
(``orders``, ``order_lines``, ``invoices``, ``tickets``, ``interactions``,
``customers``) as pandas DataFrames, so the same code runs on the demo
company, on CSV exports and on tables the Odoo addon builds from batched ORM
reads. Only rows dated strictly before the cut-off are used: adding later rows
never changes a feature.

Every feature is declared once in :data:`FEATURES` with its purpose, its
source table and the words used to explain it to a salesperson; models refuse
any column that is not declared there (minimum viable data).

Missing data
------------
``orders`` and ``order_lines`` are required. When ``invoices``, ``tickets`` or
``interactions`` is absent (``None`` or not in the mapping), every feature
drawn from it is NaN for all customers. When a table is present but a customer
has no row in it, counts are 0 and averages are NaN. ``margin_rate`` is NaN
when line costs are unknown. ``qty_returned`` carries no return date, so
returns are attributed to the order's date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crm_bridge.contract.errors import ValidationError
from crm_bridge.contract.reasons import PARAM_KINDS, PHRASES, phrase_fields, render_all

__all__ = [
    "FEATURES",
    "INPUT_COLUMNS",
    "PURCHASE_STATES",
    "FeatureSpec",
    "build_features",
    "check_declared",
    "churn_reasons",
    "feature_purposes",
    "purchases",
]

# Order states that count as a purchase; quotations and cancellations do not.
PURCHASE_STATES = ("confirmed", "delivered")

# The columns the builder reads, per table: a reader of a live company reads these and nothing more.
INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "orders": ("order_id", "customer_id", "date_order", "state", "commitment_date", "delivery_date"),
    "order_lines": ("order_id", "qty", "price_unit", "discount", "cost", "qty_returned"),
    "invoices": ("customer_id", "date_invoice", "date_due", "amount", "date_paid"),
    "tickets": ("customer_id", "created_at", "closed_at", "sentiment", "feedback_score"),
    "interactions": ("customer_id", "date", "direction", "response_hours"),
}


@dataclass(frozen=True)
class FeatureSpec:
    """One declared model input.

    Parameters
    ----------
    name : str
        Column name in the feature table.
    purpose : str
        Why the models need it (shown in the model card).
    source : str
        Table it is computed from.

    The words for a salesperson when the customer's value is above / below
    the typical customer's are the phrases of the reason codes
    ``churn_<name>_high`` / ``churn_<name>_low`` in
    :data:`crm_bridge.contract.reasons.PHRASES` (:attr:`when_high`,
    :attr:`when_low`); :func:`churn_reasons` fills them.
    """

    name: str
    purpose: str
    source: str

    def reason_code(self, high: bool) -> str:
        """Code of the reason this feature gives when the customer's value is above (``high``) the typical one."""
        return f"churn_{self.name}_{'high' if high else 'low'}"

    @property
    def when_high(self) -> str:
        """English phrase when the customer's value is above the typical customer's."""
        return PHRASES[self.reason_code(True)]

    @property
    def when_low(self) -> str:
        """English phrase when the customer's value is below (or at) the typical customer's."""
        return PHRASES[self.reason_code(False)]


def churn_reasons(X: pd.DataFrame, names, typical) -> list[dict]:
    """Why each customer's risk moves: row ``i`` of ``X`` explained by feature ``names[i]`` against ``typical[i]``.

    Parameters
    ----------
    X : DataFrame
        Customers' feature values, one row per reason (a phrase may quote another feature, e.g. the usual gap).
    names : sequence of str
        The declared feature each row's reason is about.
    typical : sequence of float
        The typical customer's value of that feature; its phrase calls it ``typical_<name>``.

    Returns
    -------
    list of dict
        Per row, a reason as ``crm_bridge.contract.reasons.Reason.to_dict`` gives it: ``code``
        ``churn_<name>_high`` (the customer's value is above the typical one) or ``_low``; ``params`` every figure
        of its phrase, as its kind writes it (``crm_bridge.contract.reasons.PARAM_KINDS``: days, money, a
        percentage as a fraction, counts whole; unknown is ``False``); ``message`` the phrase in English. Computed
        per feature and direction (vectorised figures, one :func:`~crm_bridge.contract.reasons.render_all`).
    """
    names = np.asarray(names, dtype=object)
    typical = np.asarray(typical, dtype=float)
    reasons: list[dict] = [{}] * len(names)
    for name in pd.unique(names):
        spec = FEATURES[name]
        about = names == name
        above = np.zeros(len(names), dtype=bool)
        above[about] = X[name].to_numpy(dtype=float)[about] > typical[about]
        for high in (True, False):
            rows = np.flatnonzero(about & (above == high))
            if not len(rows):
                continue
            code = spec.reason_code(high)
            figures = {field: _reason_figures(field, typical[rows] if field == f"typical_{name}"
                                              else X[field].to_numpy(dtype=float)[rows])
                       for field in phrase_fields(code)}
            said = [{"code": code, "message": "", "params": dict(zip(figures, values))}
                    for values in zip(*figures.values())]
            for row, reason, message in zip(rows, said, render_all(said)):
                reason["message"] = message
                reasons[row] = reason
    return reasons


def _reason_figures(field: str, values: np.ndarray) -> list[float | bool]:
    """Figures of a churn reason as its phrase shows them: unknown is False (as XML-RPC carries it), points of
    discount a fraction, counts, hours and typical day counts whole, a rating to one decimal, money to the cent."""
    feature = field.removeprefix("typical_")
    kind = PARAM_KINDS.get(field, "qty")
    if feature == "discount_rate":
        values = values / 100  # the feature is in points, a percentage figure is a fraction
    elif kind == "money":
        values = np.round(values, 2)
    elif kind == "qty":
        values = np.round(values, 1 if feature == "avg_feedback_score" else 0)
    return [False if np.isnan(value) else value for value in values.tolist()]


def _spec(*fields: str) -> tuple[str, FeatureSpec]:
    return fields[0], FeatureSpec(*fields)


FEATURES: dict[str, FeatureSpec] = dict(
    (
        _spec("recency_days", "time since the last purchase: the strongest sign of lapsing", "orders"),
        _spec("frequency", "number of purchases so far: loyalty", "orders"),
        _spec("tenure_days", "time since the first purchase: relationship age", "orders"),
        _spec("orders_recent", "purchases in the recent window: current activity", "orders"),
        _spec("usual_interval_days", "median days between purchases: the customer's rhythm", "orders"),
        _spec("last_interval_days", "days between the last two purchases", "orders"),
        _spec("interval_trend", "last gap / usual gap: are orders getting further apart", "orders"),
        _spec("overdue_ratio", "time since the last purchase / usual gap: an expected order is missing", "orders"),
        _spec("avg_order_value", "mean net value of an order: the stake", "order_lines"),
        _spec("revenue_365d", "net revenue in the last 365 days: value at risk", "order_lines"),
        _spec("margin_rate", "gross margin over net revenue: how profitable the customer is", "order_lines"),
        _spec("discount_rate", "value-weighted mean discount: dependence on discounts", "order_lines"),
        _spec("return_rate", "share of bought quantity returned: dissatisfaction", "order_lines"),
        _spec("cancel_rate", "share of orders cancelled: friction in buying", "orders"),
        _spec("late_delivery_rate", "share of deliveries later than promised: service failures", "orders"),
        _spec("avg_payment_delay_days", "mean days paid after the due date: financial stress", "invoices"),
        _spec("overdue_amount", "unpaid amount past its due date", "invoices"),
        _spec("tickets_recent", "support tickets opened in the recent window", "tickets"),
        _spec("negative_tickets_recent", "tickets with negative sentiment in the recent window", "tickets"),
        _spec("open_tickets", "tickets still open at the cut-off: unresolved problems", "tickets"),
        _spec("avg_feedback_score", "mean 1-5 rating given when tickets closed", "tickets"),
        _spec("interactions_recent", "calls, e-mails and meetings in the recent window: engagement", "interactions"),
        _spec("avg_response_hours", "mean hours we took to answer the customer's inbound contacts", "interactions"),
    )
)


def feature_purposes(names: list[str] | None = None) -> dict[str, str]:
    """Feature name -> purpose, for a model card."""
    return {name: FEATURES[name].purpose for name in (names or list(FEATURES))}


def check_declared(columns) -> list[str]:
    """Return ``columns`` as a list, or raise if any of them is not declared in :data:`FEATURES`."""
    columns = [str(column) for column in columns]
    undeclared = [column for column in columns if column not in FEATURES]
    if undeclared:
        raise ValidationError(
            "undeclared feature(s) " + ", ".join(undeclared) + ": declare them in ai_insights.churn.features.FEATURES",
            code="undeclared_feature",
            field=undeclared[0],
            details={"undeclared": undeclared},
        )
    return columns


def _table(tables: Mapping[str, pd.DataFrame | None], name: str, required: bool = False) -> pd.DataFrame | None:
    table = tables.get(name) if hasattr(tables, "get") else getattr(tables, name, None)
    if table is None and required:
        raise ValidationError(f"the {name} table is required", code="missing_table", field=name)
    return table


def _dates(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column, errors="coerce")


def _days(delta: pd.Series) -> pd.Series:
    return delta / np.timedelta64(1, "D")


def purchases(tables: Mapping[str, pd.DataFrame], start=None, end=None) -> pd.DataFrame:
    """Purchase orders (confirmed or delivered) with ``start <= date_order < end``.

    Returns a frame with ``order_id``, ``customer_id``, ``date_order`` sorted by
    customer and date.
    """
    orders = _table(tables, "orders", required=True)
    dates = _dates(orders["date_order"])
    keep = orders["state"].isin(PURCHASE_STATES).to_numpy() & dates.notna().to_numpy()
    if start is not None:
        keep &= (dates >= pd.Timestamp(start)).to_numpy()
    if end is not None:
        keep &= (dates < pd.Timestamp(end)).to_numpy()
    result = pd.DataFrame(
        {"order_id": orders["order_id"].to_numpy()[keep], "customer_id": orders["customer_id"].to_numpy()[keep],
         "date_order": dates.to_numpy()[keep]}
    )
    return result.sort_values(["customer_id", "date_order"], kind="stable", ignore_index=True)


def _order_features(tables, cutoff: pd.Timestamp, recent_start: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    bought = purchases(tables, end=cutoff)
    by_customer = bought.groupby("customer_id", sort=True)["date_order"]
    first, last = by_customer.min(), by_customer.max()
    out = pd.DataFrame(
        {
            "recency_days": _days(cutoff - last),
            "frequency": by_customer.size().astype(float),
            "tenure_days": _days(cutoff - first),
        }
    )
    out["orders_recent"] = (
        bought[bought["date_order"] >= recent_start].groupby("customer_id").size().reindex(out.index, fill_value=0)
    ).astype(float)

    # Gaps between consecutive purchases of the same customer.
    same_customer = bought["customer_id"].eq(bought["customer_id"].shift())
    gaps = bought.assign(gap=_days(bought["date_order"].diff()))[same_customer]
    gap_groups = gaps.groupby("customer_id")["gap"]
    out["usual_interval_days"] = gap_groups.median()
    out["last_interval_days"] = gap_groups.last()
    # +1 day keeps the ratios finite for same-day orders.
    out["interval_trend"] = (out["last_interval_days"] + 1) / (out["usual_interval_days"] + 1)
    out["overdue_ratio"] = (out["recency_days"] + 1) / (out["usual_interval_days"] + 1)

    orders = _table(tables, "orders")
    before = orders[_dates(orders["date_order"]).lt(cutoff).to_numpy()]
    placed = before[before["state"].ne("quotation")]
    out["cancel_rate"] = placed["state"].eq("cancelled").groupby(placed["customer_id"]).mean()
    delivered_at = _dates(before["delivery_date"])
    delivered = before[delivered_at.lt(cutoff).to_numpy()]
    late = _dates(delivered["delivery_date"]) > _dates(delivered["commitment_date"])
    out["late_delivery_rate"] = late.groupby(delivered["customer_id"]).mean()
    return out, bought


def _line_features(tables, cutoff: pd.Timestamp, bought: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    lines = _table(tables, "order_lines", required=True)
    lines = lines.merge(bought[["order_id", "customer_id", "date_order"]], on="order_id", how="inner")
    gross = lines["qty"] * lines["price_unit"]
    net = gross * (1 - lines["discount"].fillna(0) / 100)
    lines = lines.assign(gross=gross, net=net, cost_total=lines["qty"] * lines["cost"],
                         recent_net=net.where(lines["date_order"] >= cutoff - pd.Timedelta(days=365), 0.0))
    sums = lines.groupby("customer_id")[["gross", "net", "cost_total", "recent_net", "qty", "qty_returned"]].sum(
        min_count=1
    )
    sums = sums.reindex(index)
    order_counts = bought.groupby("customer_id").size().reindex(index)
    out = pd.DataFrame(index=index)
    out["avg_order_value"] = sums["net"] / order_counts
    out["revenue_365d"] = sums["recent_net"].fillna(0.0)
    out["margin_rate"] = (sums["net"] - sums["cost_total"]) / sums["net"].where(sums["net"] > 0)
    out["discount_rate"] = 100 * (1 - sums["net"] / sums["gross"].where(sums["gross"] > 0))
    out["return_rate"] = sums["qty_returned"].fillna(0) / sums["qty"].where(sums["qty"] > 0)
    return out


def _invoice_features(invoices: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    due = _dates(invoices["date_due"])
    paid = _dates(invoices["date_paid"])
    due_before = (due < cutoff) & (_dates(invoices["date_invoice"]) < cutoff)
    # A payment after the cut-off is unknown at the cut-off: the invoice is still unpaid then.
    paid_known = paid.where(paid < cutoff)
    settled_or_now = paid_known.fillna(cutoff)
    delay = _days(settled_or_now - due).clip(lower=0)
    frame = pd.DataFrame(
        {"customer_id": invoices["customer_id"], "delay": delay,
         "overdue": invoices["amount"].where(paid_known.isna(), 0.0)}
    )[due_before.to_numpy()]
    grouped = frame.groupby("customer_id")
    return pd.DataFrame({"avg_payment_delay_days": grouped["delay"].mean(), "overdue_amount": grouped["overdue"].sum()})


def _ticket_features(tickets: pd.DataFrame, cutoff: pd.Timestamp, recent_start: pd.Timestamp) -> pd.DataFrame:
    created = _dates(tickets["created_at"])
    closed = _dates(tickets["closed_at"])
    before = (created < cutoff).to_numpy()
    recent = before & (created >= recent_start).to_numpy()
    closed_before = (closed < cutoff).to_numpy()
    frame = pd.DataFrame(
        {
            "customer_id": tickets["customer_id"].to_numpy(),
            "recent": recent,
            "negative_recent": recent & tickets["sentiment"].eq("negative").to_numpy(),
            "open": before & ~closed_before,
            # The rating is given at closing: unknown before the ticket closed.
            "feedback": tickets["feedback_score"].where(closed_before).to_numpy(dtype=float),
        }
    )[before]
    grouped = frame.groupby("customer_id")
    return pd.DataFrame(
        {
            "tickets_recent": grouped["recent"].sum().astype(float),
            "negative_tickets_recent": grouped["negative_recent"].sum().astype(float),
            "open_tickets": grouped["open"].sum().astype(float),
            "avg_feedback_score": grouped["feedback"].mean(),
        }
    )


def _interaction_features(interactions: pd.DataFrame, cutoff: pd.Timestamp, recent_start) -> pd.DataFrame:
    when = _dates(interactions["date"])
    before = (when < cutoff).to_numpy()
    inbound = interactions["direction"].eq("inbound").to_numpy()
    frame = pd.DataFrame(
        {
            "customer_id": interactions["customer_id"].to_numpy(),
            "recent": (when >= recent_start).to_numpy(),
            "response": np.where(inbound, interactions["response_hours"].to_numpy(dtype=float), np.nan),
        }
    )[before]
    grouped = frame.groupby("customer_id")
    return pd.DataFrame(
        {"interactions_recent": grouped["recent"].sum().astype(float), "avg_response_hours": grouped["response"].mean()}
    )


# Features drawn from each optional table; counts become 0 for customers without rows.
_OPTIONAL = {
    "invoices": (lambda table, cutoff, _recent_start: _invoice_features(table, cutoff), ("overdue_amount",)),
    "tickets": (_ticket_features, ("tickets_recent", "negative_tickets_recent", "open_tickets")),
    "interactions": (_interaction_features, ("interactions_recent",)),
}


def build_features(
    tables: Mapping[str, pd.DataFrame | None],
    cutoff,
    *,
    recent_days: int = 90,
    customer_ids=None,
) -> pd.DataFrame:
    """Compute every declared feature for each customer as of ``cutoff``.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The schema's tables by name; ``orders`` and ``order_lines`` are
        required, ``invoices``, ``tickets`` and ``interactions`` optional.
    cutoff : date-like
        Only rows dated strictly before it are read.
    recent_days : int
        Length of the "recent" window for the ``*_recent`` counts.
    customer_ids : array-like, optional
        Customers to describe; default every customer with a purchase before
        ``cutoff``. Customers without any purchase get NaN order features.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``, one float column per entry of
        :data:`FEATURES`, in declaration order.
    """
    cutoff = pd.Timestamp(cutoff)
    recent_start = cutoff - pd.Timedelta(days=recent_days)
    order_part, bought = _order_features(tables, cutoff, recent_start)
    index = pd.Index(
        order_part.index if customer_ids is None else pd.unique(np.asarray(customer_ids)), name="customer_id"
    )
    parts = [order_part.reindex(index), _line_features(tables, cutoff, bought, index)]
    for name, (compute, counts) in _OPTIONAL.items():
        table = _table(tables, name)
        if table is None:
            continue
        part = compute(table, cutoff, recent_start).reindex(index)
        part[list(counts)] = part[list(counts)].fillna(0.0)
        parts.append(part)
    features = pd.concat(parts, axis=1).reindex(columns=list(FEATURES))
    # Order-derived counts are 0, not unknown, for listed customers who never bought.
    features["orders_recent"] = features["orders_recent"].fillna(0.0)
    features["frequency"] = features["frequency"].fillna(0.0)
    return features.astype(float)
