"""The cost of disconnection between sales and operations: every measure, defined once.

:func:`cockpit_records` turns a company's tables (:mod:`crm_bridge.tables.schema`)
into one row per record behind a figure: the measure, the month, the
customer's segment and salesperson, the Odoo model and id of the record (for
drill-down), a ``value`` and a ``base``. :func:`cockpit_figures` adds them up
by any of ``month``, ``segment`` and ``salesperson``: a ``sum`` measure is the
sum of its values, a ``ratio`` measure the sum of its values over the sum of
its bases. The Odoo dashboard, the monthly summary, the bridge and ``make
demo`` all read these two functions.

What each figure is worth as evidence is part of its definition
(:attr:`Measure.evidence`):

* ``measured``: counted from the records (a cancelled order after a late
  verdict, an approved discount above the guardrail, an order delivered late);
* ``estimated``: the records with a stated correction: the revenue lost *to*
  bad promises is the revenue cancelled after them less what the cancellation
  rate of orders with a feasible promise would have cancelled anyway; support
  hours not logged take the mean logged hours of their ticket category;
* ``associated``: later churn of customers who got a late delivery
  (:func:`late_delivery_churn`) is a correlation, never claimed as a cause.

Rules are not re-derived here, and they are the company's: the discount
limit is :meth:`crm_bridge.pricing.guardrail.PricingPolicy.check_batch`'s with
the company's policy and category floors (the cover at the order date is not
known, so the policy's base room applies), scarcity is
:func:`crm_bridge.pricing.cover.cover_from_tables` against the policy's
``scarce_cover_days``, with the demand forecast's daily demand where the
company has one (as the sale order's days of cover), and sold orders are
:data:`~crm_bridge.pricing.cover.SOLD_ORDER_STATES`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ai_insights.actions.impact import newcombe_interval
from crm_bridge.contract.errors import ValidationError
from crm_bridge.pricing.cover import DEMAND_WINDOW_DAYS, SOLD_ORDER_STATES, cover_from_tables, demand_window
from crm_bridge.pricing.guardrail import PricingPolicy

__all__ = [
    "CONFLICT_TICKET_CATEGORIES",
    "DIMENSIONS",
    "MEASURES",
    "NEEDED_COLUMNS",
    "PAIRS",
    "BAD_PROMISE_STATUSES",
    "CockpitRecords",
    "Measure",
    "cockpit_figures",
    "cockpit_records",
    "late_delivery_churn",
]

#: Ticket categories where support reconciles what sales promised with what operations did. Discount
#: complaints are billing tickets in the ticket taxonomy.
CONFLICT_TICKET_CATEGORIES = ("delivery", "billing")
#: Promise check verdicts (``promise_checks.promise_status``) that mean the customer could not get the date asked.
BAD_PROMISE_STATUSES = ("late", "impossible")
#: What a figure can be broken down by.
DIMENSIONS = ("month", "segment", "salesperson")
#: A customer with no order for this many days before today has lapsed (the churn side of the association).
LAPSED_AFTER_DAYS = 180
RECORD_COLUMNS = ("measure", "month", "segment", "salesperson", "model", "record_id", "value", "base")


@dataclass(frozen=True)
class Measure:
    """How one figure is defined.

    Attributes
    ----------
    key : str
        Stable name (the Odoo report's and the bridge's).
    label : str
        English label (the addon translates it).
    unit : str
        ``currency``, ``hours``, ``count``, ``share`` or ``days``.
    aggregation : str
        ``sum`` or ``ratio`` (sum of values over sum of bases).
    evidence : str
        ``measured`` or ``estimated`` (see the module's docstring).
    side : str
        ``conflict`` (a cost of the disconnection), ``sales`` or ``operations`` (one half of a paired KPI).
    needs : tuple of str
        Record tables (:data:`crm_bridge.tables.schema.RECORD_TABLES`) it cannot be measured without.
    definition : str
        One sentence a reader can check the figure against.
    """

    key: str
    label: str
    unit: str
    aggregation: str
    evidence: str
    side: str
    definition: str
    needs: tuple[str, ...] = ()


def _measure(*args: str, needs: tuple[str, ...] = ()) -> Measure:
    return Measure(*args, needs=needs)


MEASURES: dict[str, Measure] = {m.key: m for m in (
    _measure("lost_after_bad_promise", "Revenue cancelled after a late or impossible promise", "currency", "sum",
             "measured", "conflict", "Net amount of cancelled orders whose promise check said late or impossible.",
             needs=("promise_checks",)),
    _measure("lost_to_late_promise", "Revenue lost to late promises", "currency", "sum", "estimated", "conflict",
             "Cancelled after a late verdict, less what the cancellation rate of orders with a feasible promise "
             "would have cancelled of them anyway.", needs=("promise_checks",)),
    _measure("lost_to_stock_out", "Revenue lost to stock-outs", "currency", "sum", "estimated", "conflict",
             "Cancelled after an impossible verdict (no stock, none coming), less what the cancellation rate of "
             "orders with a feasible promise would have cancelled of them anyway.", needs=("promise_checks",)),
    _measure("margin_above_guardrail", "Margin given away above the guardrail", "currency", "sum", "measured",
             "conflict", "On sold lines whose discount the company's pricing guardrail refuses (its margin "
             "floors; cover at the order date unknown: base room), the net amount below the price the guardrail "
             "allows."),
    _measure("discount_on_scarce", "Discount given on scarce products", "currency", "sum", "measured", "conflict",
             "Discount amount on sold lines, in the demand window, of products whose cover today is scarce "
             "(from the demand forecast where there is one, as the sale order reads it)."),
    _measure("conflict_tickets", "Conflict tickets", "count", "sum", "measured", "conflict",
             "Tickets about delivery dates, billing or discounts."),
    _measure("conflict_ticket_hours", "Support hours on conflicts", "hours", "sum", "estimated", "conflict",
             "Hours logged on conflict tickets; a ticket without logged hours counts its category's mean logged "
             "hours.", needs=("ticket_effort",)),
    _measure("conflict_ticket_open_hours", "Hours conflict tickets stayed open", "hours", "sum", "measured",
             "conflict", "Elapsed hours from opening to closing of the closed conflict tickets (time open, not "
             "effort).", needs=("ticket_elapsed",)),
    _measure("credit_notes", "Credit notes", "currency", "sum", "measured", "conflict",
             "Amount of the credit notes issued (invoices with a negative amount)."),
    _measure("billing_disputes", "Billing disputes", "count", "sum", "measured", "conflict",
             "Tickets about billing."),
    _measure("promise_accuracy", "Delivered on time and in full", "share", "ratio", "measured", "operations",
             "Of the orders whose promised date has passed, the share delivered in full by that date."),
    _measure("promised_lead_days", "Promised lead time", "days", "ratio", "measured", "sales",
             "Mean days between the order and the date promised to the customer."),
    _measure("sales_volume", "Sales volume", "currency", "sum", "measured", "sales",
             "Net amount of sold orders."),
    _measure("inventory_value", "Inventory value", "currency", "sum", "measured", "operations",
             "Free stock today at cost (a company figure: no month, segment or salesperson)."),
    _measure("discount_rate", "Discount rate", "share", "ratio", "measured", "sales",
             "Discount over the amount before discount, on sold lines."),
    _measure("margin_rate", "Margin rate", "share", "ratio", "measured", "operations",
             "Net amount less cost over net amount, on sold lines."),
    _measure("new_customers", "New customers", "count", "sum", "measured", "sales",
             "Customers whose first sold order is in the month."),
    _measure("returning_share", "Orders from returning customers", "share", "ratio", "measured", "operations",
             "Share of sold orders placed by customers who had bought before."),
    _measure("transactions", "Transactions", "count", "sum", "measured", "sales", "Number of sold orders."),
    _measure("average_ticket", "Average ticket", "currency", "ratio", "measured", "operations",
             "Net amount per sold order."),
)}

#: The paired KPIs of the two sides, (sales, operations), shown side by side.
PAIRS: tuple[tuple[str, str], ...] = (
    ("sales_volume", "inventory_value"),
    ("discount_rate", "margin_rate"),
    ("promised_lead_days", "promise_accuracy"),
    ("new_customers", "returning_share"),
    ("transactions", "average_ticket"),
)

#: What the cockpit reads of a company (``crm_bridge.tables.schema`` columns), and only that.
NEEDED_COLUMNS = {
    "customers": ("customer_id", "segment", "salesperson"),
    "products": ("product_id", "category", "type", "cost"),
    "stock": ("product_id", "qty_on_hand"),
    "orders": ("order_id", "customer_id", "date_order", "state", "commitment_date", "delivery_date"),
    "order_lines": ("line_id", "order_id", "product_id", "qty", "price_unit", "discount", "cost"),
    "invoices": ("invoice_id", "order_id", "customer_id", "date_invoice", "amount"),
    "tickets": ("ticket_id", "customer_id", "created_at", "category"),
}
_RECORD_NEEDED = {"promise_checks": ("order_id", "promise_status"), "ticket_effort": ("ticket_id", "hours_logged"),
                  "ticket_elapsed": ("ticket_id", "hours_open")}


@dataclass(frozen=True)
class CockpitRecords:
    """The records behind every figure, and what could not be measured.

    Attributes
    ----------
    records : pandas.DataFrame
        Columns ``measure, month, segment, salesperson, model, record_id, value, base``.
    today : datetime.date
    unavailable : dict of str to str
        Measure key to why it is missing (a record table the source does not keep).
    """

    records: pd.DataFrame
    today: dt.date
    unavailable: dict[str, str] = field(default_factory=dict)


def _check(tables: Mapping[str, pd.DataFrame], needed: Mapping[str, Iterable[str]], optional: bool) -> set[str]:
    present = set()
    for name, columns in needed.items():
        frame = tables.get(name)
        if frame is None:
            if optional:
                continue
            raise ValidationError(f"The cockpit needs the {name!r} table.", code="missing_table", field=name)
        missing = [column for column in columns if column not in frame.columns]
        if missing:
            raise ValidationError(f"Table {name!r} lacks columns {missing}.", code="missing_columns", field=name,
                                  details={"missing": missing})
        present.add(name)
    return present


def _rows(measure: str, month, customer_ids, model: str, record_ids, value, base=1.0) -> pd.DataFrame:
    """Records of one measure; every argument is positional (indexes are ignored)."""
    customers = pd.to_numeric(pd.Series(np.asarray(customer_ids, dtype=object)), errors="coerce")
    return pd.DataFrame({"measure": measure, "month": np.asarray(month, dtype="datetime64[ns]"),
                         "customer_id": customers.to_numpy(float), "model": model,
                         "record_id": np.asarray(record_ids, dtype=np.int64),
                         "value": np.broadcast_to(np.asarray(value, dtype=float), len(customers)),
                         "base": np.broadcast_to(np.asarray(base, dtype=float), len(customers))})


def _month(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("M").dt.to_timestamp()


def cockpit_records(tables: Mapping[str, pd.DataFrame], today: dt.date, policy: PricingPolicy | None = None,
                    forecast_daily: pd.Series | None = None) -> CockpitRecords:
    """Every record behind every :data:`MEASURES` figure of a company.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        The company's tables (schema columns; at least those the measures read), plus the record tables
        ``promise_checks``, ``ticket_effort`` and ``ticket_elapsed`` (``ticket_id``, ``hours_open``: hours from
        opening to closing of the closed tickets) when the source keeps them.
    today : datetime.date
        The company's today: promised dates after it are not yet due; the demand window and the stock end there.
    policy : PricingPolicy, optional
        The company's pricing policy, with its category floors keyed as the ``products`` table's ``category``
        (default :class:`PricingPolicy`'s defaults).
    forecast_daily : pandas.Series, optional
        ``product_id`` to the demand per day the company's demand forecast expects
        (:func:`ai_insights.forecast.demand.daily_demand`): the days of cover that decide scarcity read it for
        the products it holds, as the sale order does (default: every cover from the trailing sales).

    Returns
    -------
    CockpitRecords

    Raises
    ------
    ValidationError
        ``missing_table`` or ``missing_columns`` when a table the measures read is absent or incomplete.
    """
    _check(tables, NEEDED_COLUMNS, optional=False)
    kept = _check(tables, _RECORD_NEEDED, optional=True)
    policy = policy or PricingPolicy()
    today_ts = pd.Timestamp(today).normalize()
    orders = tables["orders"].copy()
    orders["date_order"] = pd.to_datetime(orders["date_order"]).dt.normalize()
    lines = tables["order_lines"]
    gross = lines["qty"].to_numpy(float) * lines["price_unit"].to_numpy(float)
    net = gross * (1 - lines["discount"].to_numpy(float) / 100)
    amount = pd.Series(net).groupby(lines["order_id"].to_numpy()).sum().reindex(orders["order_id"], fill_value=0.0)
    orders["amount"] = amount.to_numpy()
    orders["month"] = _month(orders["date_order"])
    sold = orders[orders["state"].isin(SOLD_ORDER_STATES)]

    parts = [
        *_promise_rows(orders, tables.get("promise_checks") if "promise_checks" in kept else None),
        *_pricing_rows(tables, lines, orders, gross, net, policy, today, forecast_daily),
        *_ticket_rows(tables["tickets"], *(tables[name] if name in kept else None
                                           for name in ("ticket_effort", "ticket_elapsed"))),
        _credit_note_rows(tables["invoices"]),
        _accuracy_rows(orders, today_ts),
        *_paired_rows(sold, tables, today_ts),
    ]
    records = pd.concat([part for part in parts if len(part)], ignore_index=True)
    customers = tables["customers"].set_index("customer_id")
    customer_ids = records.pop("customer_id")
    records.insert(2, "segment", customer_ids.map(customers["segment"].astype(str)).fillna("").to_numpy())
    records.insert(3, "salesperson", customer_ids.map(customers["salesperson"].astype(str)).fillna("").to_numpy())
    unavailable = {key: f"the source keeps no {', '.join(m.needs)}" for key, m in MEASURES.items()
                   if not set(m.needs) <= kept}
    return CockpitRecords(records[list(RECORD_COLUMNS)], pd.Timestamp(today).date(), unavailable)


def _promise_rows(orders: pd.DataFrame, checks: pd.DataFrame | None) -> list[pd.DataFrame]:
    """Cancelled after a bad verdict (measured), and the excess over the feasible orders' cancellation rate."""
    if checks is None:
        return []
    checked = orders.merge(checks[["order_id", "promise_status"]], on="order_id")
    decided = checked[checked["state"] != "quotation"]  # an open quotation is neither lost nor won yet
    status = decided["promise_status"].astype(str)
    cancelled = (decided["state"] == "cancelled").to_numpy()
    feasible = (status == "feasible").to_numpy()
    weight = decided["amount"].to_numpy()
    base_rate = (weight * cancelled)[feasible].sum() / max(weight[feasible].sum(), 1e-9)
    bad = status.isin(BAD_PROMISE_STATUSES).to_numpy()
    after = decided[bad & cancelled]
    rows = [_rows("lost_after_bad_promise", after["month"], after["customer_id"], "sale.order", after["order_id"],
                  after["amount"])]
    for key, verdict in (("lost_to_late_promise", "late"), ("lost_to_stock_out", "impossible")):
        mask = (status == verdict).to_numpy()
        mine = decided[mask]
        rows.append(_rows(key, mine["month"], mine["customer_id"], "sale.order", mine["order_id"],
                          mine["amount"].to_numpy() * (cancelled[mask] - base_rate)))
    return rows


def _pricing_rows(tables: Mapping[str, pd.DataFrame], lines: pd.DataFrame, orders: pd.DataFrame,
                  gross: np.ndarray, net: np.ndarray, policy: PricingPolicy, today: dt.date,
                  forecast_daily: pd.Series | None) -> list[pd.DataFrame]:
    """Sold lines above the guardrail (the policy's verdict) and discounts on products scarce today (the cover
    from the forecast's daily demand where there is one)."""
    header = orders.set_index("order_id")[["month", "customer_id", "state", "date_order"]]
    info = header.reindex(lines["order_id"].to_numpy())
    sold = info["state"].isin(SOLD_ORDER_STATES).to_numpy() & (lines["price_unit"].to_numpy(float) > 0)
    mine = lines[sold]
    category = mine["product_id"].map(tables["products"].set_index("product_id")["category"].astype(str))
    check = policy.check_batch(mine["cost"].to_numpy(float), mine["price_unit"].to_numpy(float),
                               np.clip(mine["discount"].to_numpy(float) / 100, 0, 1), category=category.tolist())
    allowed_net = mine["qty"].to_numpy(float) * check.advice.list_price * (1 - check.advice.max_discount)
    given = np.where(check.ok, 0.0, np.maximum(allowed_net - net[sold], 0.0))
    over = given > 0
    rows = [_rows("margin_above_guardrail", info["month"].to_numpy()[sold][over],
                  info["customer_id"].to_numpy()[sold][over], "sale.order.line", mine["line_id"].to_numpy()[over],
                  given[over])]
    cover = cover_from_tables(tables, today, forecast_daily=forecast_daily)
    scarce_ids = cover.index[cover["cover_days"] <= policy.scarce_cover_days]
    first, end = (pd.Timestamp(day) for day in demand_window(today, DEMAND_WINDOW_DAYS))
    when = info["date_order"].to_numpy()[sold]
    in_window = (when >= first) & (when < end) & mine["product_id"].isin(scarce_ids).to_numpy()
    discount = (gross - net)[sold]
    in_window &= discount > 0
    rows.append(_rows("discount_on_scarce", info["month"].to_numpy()[sold][in_window],
                      info["customer_id"].to_numpy()[sold][in_window], "sale.order.line",
                      mine["line_id"].to_numpy()[in_window], discount[in_window]))
    # The paired discount and margin rates, on the same sold lines.
    qty_cost = mine["qty"].to_numpy(float) * mine["cost"].to_numpy(float)
    month, customer, ids = info["month"].to_numpy()[sold], info["customer_id"].to_numpy()[sold], mine["line_id"]
    rows.append(_rows("discount_rate", month, customer, "sale.order.line", ids, discount, gross[sold]))
    rows.append(_rows("margin_rate", month, customer, "sale.order.line", ids, net[sold] - qty_cost, net[sold]))
    return rows


def _ticket_rows(tickets: pd.DataFrame, effort: pd.DataFrame | None,
                 elapsed: pd.DataFrame | None = None) -> list[pd.DataFrame]:
    """Conflict tickets, their hours (logged, else the category's mean logged hours), the hours the closed ones
    stayed open, billing disputes."""
    category = tickets["category"].astype(str)
    month = _month(tickets["created_at"])
    conflict = category.isin(CONFLICT_TICKET_CATEGORIES).to_numpy()
    billing = (category == "billing").to_numpy()
    rows = [
        _rows("conflict_tickets", month[conflict], tickets["customer_id"][conflict], "helpdesk.ticket",
              tickets["ticket_id"][conflict], 1.0),
        _rows("billing_disputes", month[billing], tickets["customer_id"][billing], "helpdesk.ticket",
              tickets["ticket_id"][billing], 1.0),
    ]
    if effort is not None:
        logged = tickets["ticket_id"].map(effort.set_index("ticket_id")["hours_logged"]).astype(float)
        mean_logged = logged.groupby(category.to_numpy()).mean()
        hours = logged.fillna(category.map(mean_logged)).fillna(0.0)
        rows.append(_rows("conflict_ticket_hours", month[conflict], tickets["customer_id"][conflict],
                          "helpdesk.ticket", tickets["ticket_id"][conflict], hours[conflict].to_numpy()))
    if elapsed is not None:
        open_hours = tickets["ticket_id"].map(elapsed.set_index("ticket_id")["hours_open"]).astype(float)
        closed = conflict & open_hours.notna().to_numpy()
        rows.append(_rows("conflict_ticket_open_hours", month[closed], tickets["customer_id"][closed],
                          "helpdesk.ticket", tickets["ticket_id"][closed], open_hours[closed].to_numpy()))
    return rows


def _credit_note_rows(invoices: pd.DataFrame) -> pd.DataFrame:
    notes = invoices[invoices["amount"] < 0]
    return _rows("credit_notes", _month(notes["date_invoice"]), notes["customer_id"], "account.move",
                 notes["invoice_id"], -notes["amount"].to_numpy(float))


def _accuracy_rows(orders: pd.DataFrame, today: pd.Timestamp) -> pd.DataFrame:
    """Orders due (promised date passed, sold): delivered by the promised date or not, by the promised month."""
    promised = pd.to_datetime(orders["commitment_date"])
    due = orders[orders["state"].isin(SOLD_ORDER_STATES) & (promised < today)]
    promised = pd.to_datetime(due["commitment_date"])
    on_time = (due["state"] == "delivered") & (pd.to_datetime(due["delivery_date"]) <= promised)
    return _rows("promise_accuracy", _month(promised), due["customer_id"], "sale.order", due["order_id"],
                 on_time.to_numpy(float))


def _paired_rows(sold: pd.DataFrame, tables: Mapping[str, pd.DataFrame], today: pd.Timestamp) -> list[pd.DataFrame]:
    """The sales side's and the operations side's KPIs that are counted per order, and the inventory."""
    month, customer, ids = sold["month"], sold["customer_id"], sold["order_id"]
    lead = (pd.to_datetime(sold["commitment_date"]) - sold["date_order"]).dt.days.to_numpy(float)
    has_lead = ~np.isnan(lead)
    ordered = sold.sort_values(["date_order", "order_id"])
    returning = ordered.duplicated("customer_id").reindex(sold.index).to_numpy(float)
    first = ordered.drop_duplicates("customer_id")
    stock = tables["stock"].groupby("product_id")["qty_on_hand"].sum().clip(lower=0)
    value = float((stock * tables["products"].set_index("product_id")["cost"].reindex(stock.index)).sum())
    inventory = _rows("inventory_value", [today.to_period("M").to_timestamp()], [np.nan], "stock.quant", [0],
                      [value])
    return [
        _rows("sales_volume", month, customer, "sale.order", ids, sold["amount"]),
        _rows("transactions", month, customer, "sale.order", ids, 1.0),
        _rows("average_ticket", month, customer, "sale.order", ids, sold["amount"]),
        _rows("promised_lead_days", month[has_lead], customer[has_lead], "sale.order", ids[has_lead],
              lead[has_lead]),
        _rows("returning_share", month, customer, "sale.order", ids, returning),
        _rows("new_customers", first["month"], first["customer_id"], "res.partner", first["customer_id"], 1.0),
        inventory,
    ]


def cockpit_figures(records: pd.DataFrame, by: Iterable[str] = ("month",), record_ids: bool = False) -> pd.DataFrame:
    """The figure of every measure per group of ``by`` (a subset of :data:`DIMENSIONS`; empty: the whole).

    ``records`` holds one row per record (``record_id``), or rows already summed that say how many
    records each stands for (a ``records`` column): the figure is the same either way.

    Returns
    -------
    pandas.DataFrame
        Long form: the ``by`` columns, ``measure`` and ``figure`` (sum of values, or their ratio to the bases
        for a ``ratio`` measure), ``value`` and ``base`` (the sums), ``records`` (how many records are behind it);
        with ``record_ids``, also ``model`` and ``record_ids`` (sorted ids of the records, for drill-down).

    Raises
    ------
    ValidationError
        ``invalid_dimension`` when ``by`` names something else.
    """
    by = list(by)
    wrong = [name for name in by if name not in DIMENSIONS]
    if wrong:
        raise ValidationError(f"Figures break down by {list(DIMENSIONS)} only, not {wrong}.",
                              code="invalid_dimension", field="by", details={"invalid": wrong})
    # Rows that already stand for several records (stored figures) carry their ``records`` count.
    counted = ("records", "sum") if "records" in records.columns else ("record_id", "size")
    aggregations = {"value": ("value", "sum"), "base": ("base", "sum"), "records": counted}
    if record_ids:
        aggregations.update(model=("model", "first"), record_ids=("record_id", lambda ids: sorted(ids.tolist())))
    grouped = records.groupby([*by, "measure"], sort=True, observed=True).agg(**aggregations).reset_index()
    ratio = grouped["measure"].map(lambda key: MEASURES[key].aggregation == "ratio").to_numpy(bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        grouped["figure"] = np.where(ratio, grouped["value"] / grouped["base"].where(grouped["base"] != 0),
                                     grouped["value"])
    extra = ["model", "record_ids"] if record_ids else []
    return grouped[[*by, "measure", "figure", "value", "base", "records", *extra]]


def late_delivery_churn(tables: Mapping[str, pd.DataFrame], today: dt.date,
                        lapsed_after_days: int = LAPSED_AFTER_DAYS) -> pd.DataFrame:
    """Associated, not caused: how often customers who got a late delivery lapsed, against those who did not.

    A customer with a delivered order lapsed when their last sold order is more than ``lapsed_after_days``
    before ``today``; deliveries counted are those at least that old, so both groups had the same time to lapse.

    Returns
    -------
    pandas.DataFrame
        One row per segment and one for ``all``: ``customers_late``, ``lapsed_late``, ``customers_on_time``,
        ``lapsed_on_time``, ``difference`` (lapse rate of late minus on time) and its Newcombe interval
        ``ci_low``/``ci_high`` (95 %).
    """
    _check(tables, {key: NEEDED_COLUMNS[key] for key in ("customers", "orders")}, optional=False)
    orders = tables["orders"]
    today_ts = pd.Timestamp(today).normalize()
    sold = orders[orders["state"].isin(SOLD_ORDER_STATES)]
    last = pd.to_datetime(sold.groupby("customer_id")["date_order"].max())
    cutoff = today_ts - pd.Timedelta(days=lapsed_after_days)
    delivered = orders[(orders["state"] == "delivered") & (pd.to_datetime(orders["date_order"]) <= cutoff)]
    late = (pd.to_datetime(delivered["delivery_date"]) > pd.to_datetime(delivered["commitment_date"]))
    got_late = late.groupby(delivered["customer_id"]).any()
    lapsed = (last.reindex(got_late.index) < cutoff)
    segment = got_late.index.map(tables["customers"].set_index("customer_id")["segment"].astype(str))
    frame = pd.DataFrame({"segment": segment, "late": got_late.to_numpy(), "lapsed": lapsed.to_numpy()})
    rows = []
    for name, group in [*frame.groupby("segment", sort=True), ("all", frame)]:
        k1, n1 = int((group["late"] & group["lapsed"]).sum()), int(group["late"].sum())
        k2, n2 = int((~group["late"] & group["lapsed"]).sum()), int((~group["late"]).sum())
        low, high = newcombe_interval(k1, n1, k2, n2) if n1 and n2 else (np.nan, np.nan)
        rows.append({"segment": name, "customers_late": n1, "lapsed_late": k1, "customers_on_time": n2,
                     "lapsed_on_time": k2, "difference": (k1 / n1 - k2 / n2) if n1 and n2 else np.nan,
                     "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)
