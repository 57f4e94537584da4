"""The one reader of an Odoo company: one company's records as the schema's plain tables.

The tables and columns are those of :mod:`crm_bridge.tables.schema`, so the
main job, the churn model and the action rules run the same code on the demo
company and on a real Odoo. Reads go through a backend
(:mod:`crm_bridge.tables.backends`): the ORM inside Odoo, odoorpc outside.

What is read, and how each question is decided
----------------------------------------------
* **One company at a time.** Every read is filtered by the company: its
  orders, order lines, posted customer invoices and credit notes, warehouses,
  stock, receipts and tickets (``company_id = company``), its leads and
  products (the company's or shared, ``company_id in (company, False)``).
  Archived records are read too (``active_test=False``): an archived
  customer's or product's history is still history.
* **The customer is the commercial partner.** Orders, invoices, leads and
  tickets of a contact count for its company. ``customers`` holds the
  commercial partners the company's records refer to (whatever their
  customer rank, archived or not) and those with a customer rank that belong
  to the company or are shared; every ``customer_id`` of another table is in
  it.
* **Amounts are ``amount_total_signed``**: in the company currency, so
  amounts of invoices in other currencies add up, and negative for credit
  notes, so a refund lowers what the customer owes and spent.
* **The paid date is the day the invoice was settled**: the latest
  ``max_date`` of the partial reconciliations of its receivable lines (a
  payment, or a credit note), for invoices Odoo says are paid, in payment or
  reversed. An invoice settled without any reconciliation (nothing was owed)
  is paid on its invoice date. Unpaid and partly paid invoices have no paid
  date.
* **SMS consent** is Odoo's phone blacklist (``phone_sanitized_blacklisted``,
  present when the ``sms`` module is installed): consent unless blacklisted.
  Without that field Odoo records no SMS opt-out, and a consent not known is
  no consent: ``False``. E-mail consent is the e-mail blacklist likewise.
  These columns say only whether the address may be written to at all; the
  consent for a purpose (``fusion_privacy``'s register, decided by
  :func:`crm_bridge.privacy.decide_consent`) is asked where a message leaves.
* **Erased customers** (``fusion_privacy``) are in no table: no model trains
  on, scores or acts on them again; their orders and invoices stay in Odoo
  because the law keeps them, but not in the tables.
* **Shipping capacity** is the warehouse's ``fusion_lines_per_day`` when
  ``fusion_sale_promise`` is installed. When it is not, or when it is 0 (which
  that addon reads as "no limit"), ``ship_lines_per_day`` is empty
  (:data:`NO_SHIPPING_LIMIT`): no limit is known, as the sale order's own
  promise check sees it.
* **Order state**: quotations (draft, sent), cancelled, and confirmed orders,
  ``delivered`` once Odoo says their delivery is complete (``delivery_status``
  full). The delivery date is the order's ``effective_date`` (its first
  delivery done).
* Dates are the UTC day of Odoo's datetimes. Line costs are the product's
  current cost in the company (Odoo keeps no cost at the order date without
  ``sale_margin``); returns are not read (``qty_returned`` is 0); Odoo keeps
  no structured log of calls and meetings, so ``interactions`` is empty.
  Models that are not installed (helpdesk, CRM) give empty tables; sales and
  stock (``sale_stock``: an order's warehouse and deliveries) are required.

Rights and declared fields
--------------------------
The reader reads with the backend's rights. Inside Odoo, give it
``OrmBackend(env(su=True))``: decisions then see the whole company whoever
asks, and the company filter keeps other companies out. Over RPC it reads
with the logged-in user's rights: use a user who may read the company's sales,
invoices (including reconciliations), stock and, if installed, CRM and
helpdesk; records that user may not see are not in the tables.

Each column is read from the fields :data:`SOURCES` lists and from no other.
:func:`fields_read` says which fields a set of columns needs, and
``allowed_fields`` makes :func:`read_tables` refuse, before reading anything,
to read a field not in it (:class:`UndeclaredFieldsError`): the addons pass
the fields declared for their use (``fusion.data.purpose``), so nothing
undeclared reaches a model.

Connection settings of :func:`read_company_from_env` come from the
environment: ``ODOO_URL`` (``http://host:8069``), ``ODOO_DB``, ``ODOO_USER``
and ``ODOO_API_KEY`` (an API key, or the password).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from crm_bridge.contract.errors import ValidationError
from crm_bridge.tables.backends import OdooBackend, RpcBackend
from crm_bridge.tables.schema import TABLES, CompanyTables, columns_of, conform

__all__ = [
    "NO_SHIPPING_LIMIT",
    "SOURCES",
    "UndeclaredFieldsError",
    "check_declared",
    "connect_from_env",
    "customer_segment",
    "erased_customers",
    "fields_read",
    "read_company",
    "read_company_from_env",
    "read_tables",
]

# Shipping capacity of a warehouse with no limit set (or no capacity field): no limit known.
NO_SHIPPING_LIMIT = pd.NA
ORDER_STATES = {"draft": "quotation", "sent": "quotation", "sale": "confirmed", "cancel": "cancelled"}
SETTLED_STATES = ("paid", "in_payment", "reversed")
# Stock moves still to happen (as fusion_sale_promise and Odoo's forecast count them).
OPEN_MOVE_STATES = ("waiting", "confirmed", "assigned", "partially_available")
CHANNELS = ("web", "mobile", "social", "messaging", "sales_rep", "external_crm")
LEAD_STAGES = ("new", "qualified", "proposition", "won", "lost")
# Tables whose customer_id refers to ``customers``.
DOCUMENTS = ("orders", "invoices", "leads", "tickets")
# Set on partners erased on request (fusion_privacy): the reader leaves them out of every table.
ERASED_FIELD = "fusion_privacy_erased"

_PARTNER = {"res.partner": ("commercial_partner_id",)}

# {table: {column: {model: fields}}}: the Odoo fields each column is read from, and only those.
SOURCES: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "customers": {
        "customer_id": {"res.partner": ("commercial_partner_id",)},
        "name": {"res.partner": ("name",)},
        "email": {"res.partner": ("email",)},
        "phone": {"res.partner": ("phone",)},
        "segment": {"res.partner": ("is_company",)},
        "region": {"res.partner": ("category_id",), "res.partner.category": ("name",)},
        "country_code": {"res.partner": ("country_code",)},
        "lang": {"res.partner": ("lang",)},
        "created_at": {"res.partner": ("create_date",)},
        "salesperson": {"res.partner": ("user_id",), "res.users": ("name",)},
        "consent_email": {"res.partner": ("is_blacklisted",)},
        "consent_sms": {"res.partner": ("phone_sanitized_blacklisted",)},
        "credit_limit": {"res.partner": ("credit_limit",)},
    },
    "products": {
        "product_id": {},
        "default_code": {"product.product": ("default_code",)},
        "name": {"product.product": ("name",)},
        "category": {"product.product": ("categ_id",), "product.category": ("name",)},
        "type": {"product.product": ("type", "is_storable")},
        "uom": {"product.product": ("uom_id",), "uom.uom": ("name",)},
        "cost": {"product.product": ("standard_price",)},
        "list_price": {"product.product": ("list_price",)},
        "vendor_lead_days": {"product.product": ("seller_ids",), "product.supplierinfo": ("delay", "company_id")},
        "customer_lead_days": {"product.product": ("sale_delay",)},
    },
    "warehouses": {
        "warehouse_id": {},
        "code": {"stock.warehouse": ("code",)},
        "name": {"stock.warehouse": ("name",)},
        "ship_lines_per_day": {"stock.warehouse": ("fusion_lines_per_day",)},
    },
    "stock": {column: {"stock.quant": ("product_id", "location_id", "quantity", "reserved_quantity"),
                       "stock.location": ("warehouse_id",)} for column in columns_of("stock")},
    "incoming": {column: {"stock.move": ("product_id", "location_dest_id", "date", "product_qty"),
                          "stock.location": ("warehouse_id",)} for column in columns_of("incoming")},
    "orders": {
        "order_id": {},
        "customer_id": {"sale.order": ("partner_id",), **_PARTNER},
        "warehouse_id": {"sale.order": ("warehouse_id",)},
        "date_order": {"sale.order": ("date_order",)},
        "channel": {"sale.order": ("origin",)},
        "state": {"sale.order": ("state", "delivery_status")},
        "commitment_date": {"sale.order": ("commitment_date",)},
        "delivery_date": {"sale.order": ("effective_date",)},
    },
    "order_lines": {
        "line_id": {},
        "order_id": {"sale.order.line": ("order_id",)},
        "product_id": {"sale.order.line": ("product_id",)},
        "qty": {"sale.order.line": ("product_uom_qty",)},
        "price_unit": {"sale.order.line": ("price_unit",)},
        "discount": {"sale.order.line": ("discount",)},
        "cost": {"sale.order.line": ("product_id",), "product.product": ("standard_price",)},
        "qty_returned": {},
    },
    "invoices": {
        "invoice_id": {},
        "order_id": {"account.move": ("invoice_origin",), "sale.order": ("name",)},
        "customer_id": {"account.move": ("commercial_partner_id",)},
        "date_invoice": {"account.move": ("invoice_date",)},
        "date_due": {"account.move": ("invoice_date_due",)},
        "amount": {"account.move": ("amount_total_signed",)},
        "date_paid": {"account.move": ("payment_state", "invoice_date"),
                      "account.partial.reconcile": ("debit_move_id", "credit_move_id", "max_date"),
                      "account.move.line": ("move_id",)},
    },
    "leads": {
        "lead_id": {},
        "customer_id": {"crm.lead": ("partner_id",), **_PARTNER},
        "name": {"crm.lead": ("name",)},
        "contact_name": {"crm.lead": ("contact_name",)},
        "email": {"crm.lead": ("email_from",)},
        "created_at": {"crm.lead": ("create_date",)},
        "stage": {"crm.lead": ("stage_id", "active"), "crm.stage": ("name", "is_won")},
        "expected_revenue": {"crm.lead": ("expected_revenue",)},
        "product_id": {},
        "source": {"crm.lead": ("source_id",), "utm.source": ("name",)},
    },
    "interactions": {column: {} for column in columns_of("interactions")},
    "tickets": {
        "ticket_id": {},
        "customer_id": {"helpdesk.ticket": ("commercial_partner_id",)},
        "order_id": {},
        "product_id": {},
        "created_at": {"helpdesk.ticket": ("create_date",)},
        "closed_at": {"helpdesk.ticket": ("closed_date",)},
        "lang": {"helpdesk.ticket": ("fusion_language",)},
        "subject": {"helpdesk.ticket": ("name",)},
        "body": {"helpdesk.ticket": ("description",)},
        "category": {"helpdesk.ticket": ("category_id",), "helpdesk.ticket.category": ("fusion_code",)},
        "urgency": {"helpdesk.ticket": ("fusion_urgency",)},
        "sentiment": {"helpdesk.ticket": ("fusion_sentiment",)},
        "feedback_score": {"helpdesk.ticket": ("fusion_feedback_rating",)},
    },
}

# Fields read only where the module adding them is installed; without them the column is unknown.
OPTIONAL = {
    ("res.partner", "phone_sanitized_blacklisted"),  # sms
    ("stock.warehouse", "fusion_lines_per_day"),  # fusion_sale_promise
    ("helpdesk.ticket", "fusion_language"), ("helpdesk.ticket", "fusion_urgency"),  # fusion_helpdesk
    ("helpdesk.ticket", "fusion_sentiment"), ("helpdesk.ticket", "fusion_feedback_rating"),
    ("helpdesk.ticket.category", "fusion_code"),
}
# Each table's own model: when it is not installed, the table is empty.
MODELS = {"customers": "res.partner", "products": "product.product", "warehouses": "stock.warehouse",
          "stock": "stock.quant", "incoming": "stock.move", "orders": "sale.order",
          "order_lines": "sale.order.line", "invoices": "account.move", "leads": "crm.lead",
          "interactions": None, "tickets": "helpdesk.ticket"}


class UndeclaredFieldsError(ValidationError):
    """The columns asked for need fields the caller did not declare; ``details["undeclared"]`` lists them."""


Columns = Mapping[str, Iterable[str]]


def _wanted(columns: Columns | None) -> dict[str, list[str]]:
    """Columns to read per table, in schema order: every one by default; customers need the documents' customer."""
    wanted = {table: list(columns_of(table)) for table in TABLES} if columns is None else {
        table: [column for column in columns_of(table) if column in set(names)] for table, names in columns.items()}
    if "customers" in wanted:
        for table in DOCUMENTS:
            wanted.setdefault(table, [])
            if "customer_id" not in wanted[table]:
                wanted[table].append("customer_id")
    return wanted


def _fields_of(backend: OdooBackend, wanted: Mapping[str, Iterable[str]]) -> dict[str, dict[str, list[str]]]:
    """{table: {model: fields}} that ``wanted`` reads in this database (installed models and fields only)."""
    existing: dict[str, set[str] | None] = {}

    def installed(model: str | None) -> bool:
        if model not in existing:
            existing[model] = backend.field_names(model) if model and backend.has_model(model) else None
        return existing[model] is not None

    def present(model: str, field: str) -> bool:
        return installed(model) and (field in existing[model] or (model, field) not in OPTIONAL)

    plan: dict[str, dict[str, list[str]]] = {}
    for table, columns in wanted.items():
        if not installed(MODELS[table]):
            plan[table] = {}
            continue
        models: dict[str, list[str]] = {MODELS[table]: []}
        for column in columns:
            for model, names in SOURCES[table][column].items():
                models.setdefault(model, [])
                models[model] += [name for name in names if name not in models[model] and present(model, name)]
        plan[table] = models
    return plan


def _needed(plan: dict[str, dict[str, list[str]]]) -> dict[str, set[str]]:
    needed: dict[str, set[str]] = {}
    for models in plan.values():
        for model, names in models.items():
            needed.setdefault(model, set()).update(names)
    return {model: names for model, names in needed.items() if names}


def fields_read(backend: OdooBackend, columns: Columns | None = None) -> dict[str, set[str]]:
    """{model: field names} that reading ``columns`` ({table: columns}; default all) reads in this database."""
    return _needed(_fields_of(backend, _wanted(columns)))


class _Reader:
    """Reads of one company, each limited to the fields its table's columns need."""

    def __init__(self, backend: OdooBackend, company_id: int, plan: dict[str, dict[str, list[str]]]) -> None:
        self.backend, self.company_id, self.plan = backend, company_id, plan
        self.context = {"active_test": False}

    def fields(self, table: str, model: str) -> list[str]:
        return self.plan[table].get(model, [])

    def read(self, table: str, model: str, ids: Iterable[int], context: dict | None = None) -> list[dict]:
        """Rows of ``model`` for ``ids`` (many2ones as ids) with the fields ``table`` needs; [] when none."""
        names = self.fields(table, model)
        ids = sorted({int(i) for i in ids if i})
        if not names or not ids:
            return []
        return self.backend.read(model, ids, names, dict(self.context, **(context or {})))

    def search_read(self, table: str, domain: list, context: dict | None = None) -> list[dict]:
        """Rows of the table's own model matching ``domain``, in id order."""
        model = MODELS[table]
        if model not in self.plan[table]:
            return []
        ids = self.backend.search(model, domain, context=dict(self.context, **(context or {})))
        if not self.fields(table, model):
            return [{"id": i} for i in ids]
        return self.read(table, model, ids, context)

    def names(self, table: str, model: str, ids: Iterable[int], field: str = "name") -> dict[int, Any]:
        return {row["id"]: row[field] for row in self.read(table, model, ids) if field in row}

    def commercial(self, table: str, partner_ids: Iterable[int]) -> dict[int, int]:
        return {row["id"]: row["commercial_partner_id"] for row in self.read(table, "res.partner", partner_ids)}

    def company_context(self) -> dict:
        """Company-dependent fields (costs) as the company sees them."""
        return {"allowed_company_ids": [self.company_id]}


def _id(value: Any) -> Any:
    """Id of a many2one as ``read_group`` gives it (``(id, name)`` or ``False``)."""
    return value[0] if value else False


def _number(value: Any) -> float:
    """A selection of digits (a rating) as a number; NaN when empty."""
    return float(value) if value else float("nan")


def _day(values: Iterable[Any]) -> pd.Series:
    """Odoo dates and datetimes (objects or strings, ``False`` when empty) as days at midnight."""
    return pd.to_datetime(pd.Series([None if v is False else v for v in values], dtype=object),
                          errors="coerce").dt.normalize()


def _text(value: Any) -> str:
    """An HTML field as plain text."""
    return html.unescape(re.sub(r"<[^>]+>", " ", value or "")).strip() if value else ""


def _frame(table: str, rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """The ``columns`` of ``rows`` typed as the schema says, dates as days."""
    frame = pd.DataFrame(rows, columns=columns_of(table))
    for column in TABLES[table]:
        if column.name not in columns or column.dtype == "bool":
            continue
        if column.dtype == "date":
            frame[column.name] = _day(frame[column.name])
        else:  # Odoo's False for an empty value
            frame[column.name] = [None if value is False else value for value in frame[column.name]]
    return conform(table, frame, columns)


SEGMENTS = ("B2B", "B2C")


def customer_segment(is_company: Any) -> str:
    """The ``segment`` of a customer: "B2B" for a company, "B2C" for a person.

    The one rule for every reader of Odoo partners (this reader, the forecast
    and the action rules in Odoo): pass the ``is_company`` of the customer's
    commercial partner.
    """
    return SEGMENTS[0] if is_company else SEGMENTS[1]


def _customers(r: _Reader, referenced: set[int]) -> list[dict]:
    table = "customers"
    # Active partners with a customer rank, the company's or shared, are customers even before a first order.
    ranked = r.backend.search("res.partner", [("customer_rank", ">", 0),
                                              ("company_id", "in", [r.company_id, False])])
    partners = r.read(table, "res.partner", referenced | set(r.commercial(table, ranked).values()))
    tags = r.names(table, "res.partner.category", {t for p in partners for t in p.get("category_id") or ()})
    users = r.names(table, "res.users", {p.get("user_id") for p in partners})
    return [{
        "customer_id": p["id"], "name": p.get("name"), "email": p.get("email") or "", "phone": p.get("phone") or "",
        "segment": customer_segment(p.get("is_company")),
        "region": next((tags[t] for t in p.get("category_id") or () if tags.get(t) not in (None, *SEGMENTS)),
                       "unknown"),
        "country_code": p.get("country_code") or "", "lang": (p.get("lang") or "en")[:2],
        "created_at": p.get("create_date"), "salesperson": users.get(p.get("user_id")),
        "consent_email": not p.get("is_blacklisted", True),
        "consent_sms": not p.get("phone_sanitized_blacklisted", True),
        "credit_limit": p.get("credit_limit"),
    } for p in partners]


def _products(r: _Reader) -> list[dict]:
    table = "products"
    variants = r.search_read(table, [("company_id", "in", [r.company_id, False])], r.company_context())
    categories = r.names(table, "product.category", {v.get("categ_id") for v in variants})
    uoms = r.names(table, "uom.uom", {v.get("uom_id") for v in variants})
    sellers = {s["id"]: s["delay"] for s in r.read(table, "product.supplierinfo",
                                                   {s for v in variants for s in v.get("seller_ids") or ()})
               if s["company_id"] in (r.company_id, False)}
    return [{
        "product_id": v["id"], "default_code": v.get("default_code") or "", "name": v.get("name"),
        "category": categories.get(v.get("categ_id")),
        "type": "service" if v.get("type") == "service" else ("storable" if v.get("is_storable") else "consumable"),
        "uom": uoms.get(v.get("uom_id")), "cost": v.get("standard_price"),
        "list_price": v.get("list_price"),
        "vendor_lead_days": min((sellers[s] for s in v.get("seller_ids") or () if s in sellers), default=0),
        "customer_lead_days": int(v.get("sale_delay") or 0),
    } for v in variants]


def _warehouses(r: _Reader) -> list[dict]:
    return [{"warehouse_id": w["id"], "code": w.get("code"), "name": w.get("name"),
             "ship_lines_per_day": w.get("fusion_lines_per_day") or NO_SHIPPING_LIMIT}
            for w in r.search_read("warehouses", [("company_id", "=", r.company_id)])]


def _warehouse_of(r: _Reader, table: str, location_ids: Iterable[int]) -> dict[int, Any]:
    return {row["id"]: row["warehouse_id"] for row in r.read(table, "stock.location", location_ids)}


def _stock(r: _Reader) -> list[dict]:
    if "stock.quant" not in r.plan["stock"]:
        return []
    groups = r.backend.read_group(
        "stock.quant", [("company_id", "=", r.company_id), ("location_id.usage", "=", "internal")],
        ["quantity:sum", "reserved_quantity:sum"], ["product_id", "location_id"])
    warehouse = _warehouse_of(r, "stock", {_id(g["location_id"]) for g in groups})
    free: dict[tuple[int, int], float] = {}
    for group in groups:
        key = (_id(group["product_id"]), warehouse.get(_id(group["location_id"])))
        if key[0] and key[1]:  # stock outside any warehouse cannot be shipped from one
            free[key] = free.get(key, 0.0) + group["quantity"] - group["reserved_quantity"]
    return [{"product_id": product, "warehouse_id": wh, "qty_on_hand": qty} for (product, wh), qty in free.items()]


def _incoming(r: _Reader) -> list[dict]:
    table = "incoming"
    moves = r.search_read(table, [("company_id", "=", r.company_id), ("picking_code", "=", "incoming"),
                                  ("state", "in", OPEN_MOVE_STATES)])
    warehouse = _warehouse_of(r, table, {m["location_dest_id"] for m in moves})
    return [{"move_id": m["id"], "product_id": m["product_id"], "warehouse_id": warehouse.get(m["location_dest_id"]),
             "date_expected": m["date"], "qty": m["product_qty"]}
            for m in moves if warehouse.get(m["location_dest_id"])]  # receipts into a warehouse only


def _orders(r: _Reader) -> list[dict]:
    table = "orders"
    orders = r.search_read(table, [("company_id", "=", r.company_id)])
    commercial = r.commercial(table, {o.get("partner_id") for o in orders})
    return [{
        "order_id": o["id"], "customer_id": commercial.get(o.get("partner_id")),
        "warehouse_id": o.get("warehouse_id"), "date_order": o.get("date_order"),
        "channel": o.get("origin") if o.get("origin") in CHANNELS else "sales_rep",
        "state": ("delivered" if o.get("delivery_status") == "full" else "confirmed")
        if o.get("state") == "sale" else ORDER_STATES.get(o.get("state"), "quotation"),
        "commitment_date": o.get("commitment_date"), "delivery_date": o.get("effective_date"),
    } for o in orders]


def _order_lines(r: _Reader) -> list[dict]:
    table = "order_lines"
    lines = r.search_read(table, [("company_id", "=", r.company_id), ("display_type", "=", False)])
    costs = {row["id"]: row["standard_price"] for row in r.read(
        table, "product.product", {line.get("product_id") for line in lines}, r.company_context())}
    return [{
        "line_id": line["id"], "order_id": line.get("order_id"), "product_id": line.get("product_id"),
        "qty": line.get("product_uom_qty"), "price_unit": line.get("price_unit"), "discount": line.get("discount"),
        "cost": costs.get(line.get("product_id"), float("nan")), "qty_returned": 0.0,
    } for line in lines]


def _paid_on(r: _Reader, settled: list[int]) -> dict[int, Any]:
    """{invoice id: latest reconciliation date} of the ``settled`` invoices, read in batches."""
    table, paid_on = "invoices", {}
    if not settled or not r.fields(table, "account.partial.reconcile"):
        return paid_on
    partials = r.read(table, "account.partial.reconcile", r.backend.search(
        "account.partial.reconcile", ["|", ("debit_move_id.move_id", "in", settled),
                                      ("credit_move_id.move_id", "in", settled)]))
    sides = ("debit_move_id", "credit_move_id")
    move_of = {row["id"]: row["move_id"] for row in r.read(
        table, "account.move.line", {p[side] for p in partials for side in sides})}
    dates = pd.DataFrame([(move_of.get(p[side]), p["max_date"]) for p in partials for side in sides],
                         columns=["move", "date"])
    dates = dates[dates["move"].isin(settled)]
    return _day(dates["date"]).groupby(dates["move"].to_numpy()).max().to_dict()


def _invoices(r: _Reader) -> list[dict]:
    table = "invoices"
    moves = r.search_read(table, [("company_id", "=", r.company_id), ("state", "=", "posted"),
                                  ("move_type", "in", ("out_invoice", "out_refund"))])
    paid_on = _paid_on(r, [m["id"] for m in moves if m.get("payment_state") in SETTLED_STATES])
    # The invoice's order is the first one its origin names ("S00012, S00013" when it bills several).
    origin = {m["id"]: (m.get("invoice_origin") or "").split(",")[0].strip() for m in moves}
    orders = {}
    if r.fields(table, "sale.order") and any(origin.values()):
        orders = {row["name"]: row["id"] for row in r.read(table, "sale.order", r.backend.search(
            "sale.order", [("company_id", "=", r.company_id), ("name", "in", sorted(set(origin.values()) - {""}))],
            context=r.context))}
    return [{
        "invoice_id": m["id"], "order_id": orders.get(origin[m["id"]]),
        "customer_id": m.get("commercial_partner_id"), "date_invoice": m.get("invoice_date"),
        "date_due": m.get("invoice_date_due"), "amount": m.get("amount_total_signed"),
        "date_paid": paid_on.get(m["id"], m.get("invoice_date")) if m.get("payment_state") in SETTLED_STATES
        else None,
    } for m in moves]


def _leads(r: _Reader) -> list[dict]:
    table = "leads"
    leads = r.search_read(table, [("company_id", "in", [r.company_id, False])])
    commercial = r.commercial(table, {lead.get("partner_id") for lead in leads})
    stages = {row["id"]: row for row in r.read(table, "crm.stage", {lead.get("stage_id") for lead in leads})}
    sources = r.names(table, "utm.source", {lead.get("source_id") for lead in leads})

    def stage(lead: dict) -> str:
        found = stages.get(lead.get("stage_id"), {})
        if not lead.get("active", True):
            return "lost"
        return "won" if found.get("is_won") else (found.get("name") or "new").lower()

    return [{
        "lead_id": lead["id"], "customer_id": commercial.get(lead.get("partner_id")), "name": lead.get("name"),
        "contact_name": lead.get("contact_name") or "", "email": lead.get("email_from") or "",
        "created_at": lead.get("create_date"), "stage": stage(lead),
        "expected_revenue": lead.get("expected_revenue"), "product_id": None,
        "source": sources.get(lead.get("source_id"), "unknown"),
    } for lead in leads]


def _tickets(r: _Reader) -> list[dict]:
    table = "tickets"
    tickets = r.search_read(table, [("company_id", "=", r.company_id)])
    categories = r.names(table, "helpdesk.ticket.category", {t.get("category_id") for t in tickets}, "fusion_code")
    return [{
        "ticket_id": t["id"], "customer_id": t.get("commercial_partner_id"), "order_id": None, "product_id": None,
        "created_at": t.get("create_date"), "closed_at": t.get("closed_date"), "lang": t.get("fusion_language"),
        "subject": t.get("name"), "body": _text(t.get("description")),
        "category": categories.get(t.get("category_id")), "urgency": t.get("fusion_urgency"),
        "sentiment": t.get("fusion_sentiment"),
        "feedback_score": _number(t.get("fusion_feedback_rating")),
    } for t in tickets]


def erased_customers(backend: OdooBackend) -> set[int]:
    """Partners erased on request (``fusion_privacy``'s ``fusion_privacy_erased``), empty where it is not installed.

    One search, and no field of theirs is read: it is not a data use but its
    refusal, so it needs no declared purpose.
    """
    if not backend.has_model("res.partner") or ERASED_FIELD not in backend.field_names("res.partner"):
        return set()
    return set(backend.search("res.partner", [(ERASED_FIELD, "=", True)], context={"active_test": False}))


def _drop_erased(backend: OdooBackend, rows: dict[str, list[dict]]) -> None:
    """Leave the erased customers out of every table read: no model trains on, nor scores, them again.

    What the law keeps of them (orders, invoices) stays in Odoo, not in the tables.
    """
    erased = erased_customers(backend)
    if not erased:
        return
    dropped_orders = {row["order_id"] for row in rows.get("orders", ()) if row.get("customer_id") in erased}
    for table in (*DOCUMENTS, "customers"):
        if table in rows:
            rows[table] = [row for row in rows[table] if row.get("customer_id") not in erased]
    if "order_lines" in rows and dropped_orders:
        rows["order_lines"] = [row for row in rows["order_lines"] if row.get("order_id") not in dropped_orders]


def check_declared(needed: Mapping[str, Collection[str]], allowed: Mapping[str, Collection[str]]) -> None:
    """Raise :class:`UndeclaredFieldsError` unless ``allowed`` holds every field of ``needed`` ({model: fields})."""
    undeclared = {model: sorted(set(names) - set(allowed.get(model, ()))) for model, names in needed.items()}
    undeclared = {model: names for model, names in undeclared.items() if names}
    if undeclared:
        listed = "; ".join(f"{model}: {', '.join(names)}" for model, names in sorted(undeclared.items()))
        raise UndeclaredFieldsError(f"fields read without a declared purpose: {listed}", code="undeclared_fields",
                                    field=next(iter(sorted(undeclared))), details={"undeclared": undeclared})


def read_tables(backend: OdooBackend, company_id: int, columns: Columns | None = None, *,
                allowed_fields: Mapping[str, Collection[str]] | None = None) -> dict[str, pd.DataFrame]:
    """Read ``columns`` of company ``company_id`` as the schema's tables.

    Parameters
    ----------
    backend : OdooBackend
        Whose rights the reads run with (see the module's documentation).
    company_id : int
        The company read; every read is filtered by it.
    columns : mapping of str to iterable of str, optional
        {table: columns} to read; default every column of every table.
        Asking for ``customers`` also reads the ``customer_id`` of the
        documents (orders, invoices, leads, tickets), whose customers it lists.
    allowed_fields : mapping of str to collection of str, optional
        {model: fields} the caller may read (its declared purposes). When
        given, nothing is read if a column asked for needs another field.

    Returns
    -------
    dict of str to DataFrame
        One frame per table read, with the asked columns in schema order,
        typed as the schema says (dates at midnight, empty values as NA).

    Raises
    ------
    UndeclaredFieldsError
        When ``allowed_fields`` lacks a field the columns need.
    """
    wanted = _wanted(columns)
    plan = _fields_of(backend, wanted)
    if allowed_fields is not None:
        check_declared(_needed(plan), allowed_fields)
    r = _Reader(backend, company_id, plan)
    rows: dict[str, list[dict]] = {}
    for table, build in (("products", _products), ("warehouses", _warehouses), ("stock", _stock),
                         ("incoming", _incoming), ("orders", _orders), ("order_lines", _order_lines),
                         ("invoices", _invoices), ("leads", _leads), ("tickets", _tickets),
                         ("interactions", lambda _reader: [])):
        if table in wanted:
            rows[table] = build(r)
    if "customers" in wanted:
        referenced = {row["customer_id"] for table in DOCUMENTS for row in rows.get(table, ())
                      if row.get("customer_id")}
        rows["customers"] = _customers(r, referenced)
    _drop_erased(backend, rows)
    return {table: _frame(table, table_rows, wanted[table]) for table, table_rows in rows.items()}


def read_company(backend: OdooBackend, company_id: int | None = None,
                 reference_date: date | None = None) -> CompanyTables:
    """Every table of one company (default: the backend user's current company) as :class:`CompanyTables`.

    ``reference_date`` is the day the tables describe (default today).
    """
    company_id = company_id or backend.user_company_id()
    return CompanyTables(**read_tables(backend, company_id), reference_date=reference_date or date.today())


def connect_from_env() -> Any:
    """An odoorpc client logged in with the ``ODOO_*`` environment variables."""
    import odoorpc

    missing = [name for name in ("ODOO_URL", "ODOO_DB", "ODOO_USER", "ODOO_API_KEY") if not os.environ.get(name)]
    if missing:
        raise ValidationError(f"set {', '.join(missing)} to read a live Odoo", code="missing_settings",
                              field=missing[0])
    url = urlparse(os.environ["ODOO_URL"])
    protocol = "jsonrpc+ssl" if url.scheme == "https" else "jsonrpc"
    client = odoorpc.ODOO(url.hostname, protocol=protocol, port=url.port or (443 if url.scheme == "https" else 80),
                          timeout=300)
    client.login(os.environ["ODOO_DB"], os.environ["ODOO_USER"], os.environ["ODOO_API_KEY"])
    return client


def read_company_from_env() -> CompanyTables:
    """:func:`read_company` on the Odoo the ``ODOO_*`` environment variables point to."""
    return read_company(RpcBackend(connect_from_env()))
