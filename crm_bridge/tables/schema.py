"""A company's tables: names, columns, types and what each column is for.

Every capability reads these plain tables (pandas DataFrames, or the CSV
files the demo company writes), so the same code runs on the demo company, on
an external CRM's exports and on a company read from Odoo
(:mod:`crm_bridge.tables.odoo`). The ``HIDDEN_TABLES`` are the demo
generator's ground truth: no model or capability may read them; tests and the
action simulation use them to check what the software found.

Column types, as :func:`conform` gives them: ``int`` ids are ``int64``
(pandas ``Int64`` when the column is ``nullable``), ``float`` is ``float64``
(empty = NaN), ``str`` is pandas' string dtype, ``category`` is
``category``, ``bool`` is ``bool`` and ``date`` is ``datetime64[ns]`` at
midnight (empty = NaT).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import date

import pandas as pd

from crm_bridge.contract.errors import ValidationError

__all__ = ["HIDDEN_TABLES", "RECORD_TABLES", "TABLES", "Column", "CompanyTables", "columns_of", "conform"]


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "int", "float", "str", "date", "bool", "category"
    purpose: str
    nullable: bool = False  # only read for "int": an empty value is allowed (pandas Int64)


def _cols(*specs: tuple) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


TABLES: dict[str, tuple[Column, ...]] = {
    "customers": _cols(
        ("customer_id", "int", "key"),
        ("name", "str", "display on documents"),
        ("email", "str", "contact channel, used only with consent"),
        ("phone", "str", "contact channel, used only with consent"),
        ("segment", "category", "B2B or B2C: pricing, seasonality, reporting"),
        ("region", "category", "north, south, east, west, export: logistics and reporting"),
        ("country_code", "str", "ES, MX, AR, CO, GB, US, IE: language and taxes"),
        ("lang", "category", "es or en: the language we write to the customer in"),
        ("created_at", "date", "customer tenure"),
        ("salesperson", "str", "owner of the relationship"),
        ("consent_email", "bool", "marketing by email allowed"),
        ("consent_sms", "bool", "marketing by SMS allowed (false when not known)"),
        ("credit_limit", "float", "credit check at order validation"),
    ),
    "products": _cols(
        ("product_id", "int", "key"),
        ("default_code", "str", "internal reference"),
        ("name", "str", "display"),
        ("category", "category", "margin floor per category, reporting"),
        ("type", "category", "storable, consumable or service: stock check or not"),
        ("uom", "str", "unit of measure of the quantities: Units, Dozens, kg"),
        ("cost", "float", "margin floor"),
        ("list_price", "float", "pricing"),
        ("vendor_lead_days", "int", "replenishment lead time"),
        ("customer_lead_days", "int", "days between shipping and the customer's delivery"),
    ),
    "warehouses": _cols(
        ("warehouse_id", "int", "key"),
        ("code", "str", "short code, e.g. WH1"),
        ("name", "str", "display"),
        ("ship_lines_per_day", "int", "shipping capacity in order lines per working day; empty: no limit set",
         True),
    ),
    "stock": _cols(
        ("product_id", "int", "key part"),
        ("warehouse_id", "int", "key part"),
        ("qty_on_hand", "float", "free stock now (the generation's reference date)"),
    ),
    "incoming": _cols(
        ("move_id", "int", "key"),
        ("product_id", "int", "product"),
        ("warehouse_id", "int", "receiving warehouse"),
        ("date_expected", "date", "when the receipt is expected"),
        ("qty", "float", "quantity expected"),
    ),
    "orders": _cols(
        ("order_id", "int", "key"),
        ("customer_id", "int", "customer"),
        ("warehouse_id", "int", "shipping warehouse"),
        ("date_order", "date", "order date"),
        ("channel", "category", "web, mobile, social, messaging, sales_rep, external_crm"),
        ("state", "category", "quotation, confirmed, delivered, cancelled"),
        ("commitment_date", "date", "date promised to the customer"),
        ("delivery_date", "date", "actual delivery date, empty when not delivered"),
    ),
    "order_lines": _cols(
        ("line_id", "int", "key"),
        ("order_id", "int", "order"),
        ("product_id", "int", "product"),
        ("qty", "float", "ordered quantity, in the product's uom"),
        ("price_unit", "float", "unit price before discount"),
        ("discount", "float", "discount in percent, 0-100"),
        ("cost", "float", "unit cost at the order date: margin"),
        ("qty_returned", "float", "quantity returned by the customer"),
    ),
    "invoices": _cols(
        ("invoice_id", "int", "key"),
        ("order_id", "int", "invoiced order, empty when not known", True),
        ("customer_id", "int", "customer"),
        ("date_invoice", "date", "invoice date"),
        ("date_due", "date", "due date"),
        ("amount", "float", "total in the company currency, credit notes negative"),
        ("date_paid", "date", "payment date, empty when unpaid"),
    ),
    "leads": _cols(
        ("lead_id", "int", "key"),
        ("customer_id", "int", "customer, empty for a prospect", True),
        ("name", "str", "lead title"),
        ("contact_name", "str", "prospect contact"),
        ("email", "str", "prospect email"),
        ("created_at", "date", "creation date"),
        ("stage", "category", "new, qualified, proposition, won, lost"),
        ("expected_revenue", "float", "funnel value"),
        ("product_id", "int", "product of interest", True),
        ("source", "category", "web, referral, campaign, trade_show, external_crm"),
    ),
    "interactions": _cols(
        ("interaction_id", "int", "key"),
        ("customer_id", "int", "customer"),
        ("date", "date", "when it happened"),
        ("kind", "category", "call, email, meeting"),
        ("direction", "category", "inbound or outbound"),
        ("response_hours", "float", "hours until we answered an inbound contact"),
        ("summary", "str", "short note in the customer's language"),
    ),
    "tickets": _cols(
        ("ticket_id", "int", "key"),
        ("customer_id", "int", "customer, empty when the ticket names none", True),
        ("order_id", "int", "related order, may be empty", True),
        ("product_id", "int", "related product, may be empty", True),
        ("created_at", "date", "opening date"),
        ("closed_at", "date", "closing date, empty when open"),
        ("lang", "category", "language the customer wrote in"),
        ("subject", "str", "ticket subject"),
        ("body", "str", "ticket text as the customer wrote it"),
        ("category", "category", "billing, delivery, product_defect, returns, account_access, other"),
        ("urgency", "category", "low, normal, high"),
        ("sentiment", "category", "negative, neutral, positive"),
        ("feedback_score", "float", "customer rating 1-5 at closing, empty when none"),
    ),
}

# Records some sources keep beside the company tables (the demo company does; an Odoo company through the
# suite's addons). They are not part of CompanyTables: a capability that reads them takes them as an optional
# input and says what it cannot measure without them.
RECORD_TABLES: dict[str, tuple[Column, ...]] = {
    "promise_checks": _cols(
        ("order_id", "int", "order whose delivery promise was checked when it was quoted"),
        ("promise_status", "category", "the check's verdict: feasible, late (the date asked for cannot be met) "
                                       "or impossible (no stock and none coming in time)"),
    ),
    "ticket_effort": _cols(
        ("ticket_id", "int", "ticket"),
        ("hours_logged", "float", "support hours logged on the ticket, empty when nobody logged them"),
    ),
}

# Ground truth of the generator: never a model input.
HIDDEN_TABLES: dict[str, tuple[Column, ...]] = {
    "truth": _cols(
        ("customer_id", "int", "key"),
        ("churn_date", "date", "date the customer stops buying, empty if never"),
        ("churn_propensity", "float", "latent risk that drove the slowdown"),
        ("offer_uplift", "float", "how much a retention offer lowers the churn chance"),
        ("offer_cost_sensitivity", "float", "how the response depends on the discount size"),
    ),
    "product_truth": _cols(
        ("product_id", "int", "key"),
        ("seasonal_segment", "category", "segment whose demand is seasonal, empty if none"),
        ("peak_month", "int", "month of the seasonal peak, 0 if none"),
        ("stock_status", "category", "scarce, normal or overstocked: how stock was drawn"),
    ),
    "lost_sales_truth": _cols(
        ("order_id", "int", "cancelled order lost because of a promise the company could not keep"),
        ("cause", "category", "late_promise (the date asked for could not be met) or stock_out"),
        ("revenue_lost", "float", "the order's net amount, company currency"),
    ),
    "ticket_truth": _cols(
        ("ticket_id", "int", "key"),
        ("conflict", "bool", "the ticket reconciles what sales promised with what operations did "
                             "(delivery dates, billing, discounts)"),
        ("handling_hours", "float", "support hours the ticket really took, logged or not"),
    ),
}


def columns_of(table: str) -> list[str]:
    """Column names of a public, record or hidden table, in order."""
    spec = TABLES.get(table) or RECORD_TABLES.get(table) or HIDDEN_TABLES[table]
    return [column.name for column in spec]


def _conform_column(column: Column, values: pd.Series) -> pd.Series:
    kind = column.dtype
    if kind == "int":
        return pd.to_numeric(values).astype("Int64" if column.nullable else "int64")
    if kind == "float":
        return pd.to_numeric(values).astype("float64")
    if kind == "bool":
        if values.dtype == bool:
            return values
        return values.astype(str).str.lower().map({"true": True, "false": False}).astype(bool)
    if kind == "date":
        return pd.to_datetime(values).astype("datetime64[ns]")
    if kind == "category":
        return values.astype("str").astype("category")
    return values.astype("str")


def conform(table: str, frame: pd.DataFrame, columns: Collection[str] | None = None) -> pd.DataFrame:
    """Select and type ``frame``'s columns exactly as the schema of ``table`` says.

    ``columns`` limits the selection to those of the schema's columns (default all), in schema order.

    Raises
    ------
    ValidationError
        If ``table`` is unknown or a selected schema column is missing.
    """
    spec = TABLES.get(table) or RECORD_TABLES.get(table) or HIDDEN_TABLES.get(table)
    if spec is None:
        raise ValidationError(f"Unknown table {table!r}.", code="unknown_table", field="table")
    spec = spec if columns is None else tuple(column for column in spec if column.name in columns)
    missing = [column.name for column in spec if column.name not in frame.columns]
    if missing:
        raise ValidationError(f"Table {table!r} lacks columns {missing}.", code="missing_columns",
                              field=table, details={"missing": missing})
    return pd.DataFrame({column.name: _conform_column(column, frame[column.name]) for column in spec}
                        ).reset_index(drop=True)


@dataclass
class CompanyTables:
    """A company as plain tables, one DataFrame per entry of :data:`TABLES`."""

    customers: pd.DataFrame
    products: pd.DataFrame
    warehouses: pd.DataFrame
    stock: pd.DataFrame
    incoming: pd.DataFrame
    orders: pd.DataFrame
    order_lines: pd.DataFrame
    invoices: pd.DataFrame
    leads: pd.DataFrame
    interactions: pd.DataFrame
    tickets: pd.DataFrame
    reference_date: date

    def public_tables(self) -> dict[str, pd.DataFrame]:
        """The tables every capability may read, by name."""
        return {field.name: getattr(self, field.name) for field in fields(CompanyTables)
                if field.type in (pd.DataFrame, "pd.DataFrame")}  # annotations may be strings
