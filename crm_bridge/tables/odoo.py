"""Read a live Odoo company into the plain tables every capability works on.

The tables and columns are those of ``crm_bridge/tables/schema.py``, so the
main job runs the same code on the demo company and on a real Odoo. Reads go
through a backend (the ORM inside Odoo, odoorpc outside) in pages; models that
are not installed (helpdesk, CRM) give empty tables with the right columns.

Connection settings come from the environment: ``ODOO_URL``
(``http://host:8069``), ``ODOO_DB``, ``ODOO_USER`` and ``ODOO_API_KEY`` (an API
key, or the password).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from datetime import date
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from crm_bridge.tables.backends import OdooBackend, RpcBackend
from crm_bridge.contract.errors import ValidationError

__all__ = ["CompanyTables", "connect_from_env", "read_company", "read_company_from_env"]

PAGE = 2000
ORDER_STATES = {"draft": "quotation", "sent": "quotation", "sale": "confirmed", "cancel": "cancelled"}


@dataclass
class CompanyTables:
    """A company as plain tables (see ``crm_bridge.tables.schema``)."""

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


def _read(backend: OdooBackend, model: str, domain: list, fields: list[str]) -> list[dict]:
    rows: list[dict] = []
    while True:
        page = backend.search_read(model, domain, fields, limit=PAGE, offset=len(rows), order="id")
        rows += page
        if len(page) < PAGE:
            return rows


def _m2o(value: Any) -> Any:
    """Id of a many2one as read (``(id, name)`` or ``False``)."""
    return value[0] if value else pd.NA


def _name(value: Any) -> Any:
    return value[1] if value else pd.NA


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column].replace({False: None}), errors="coerce").dt.normalize()
    return frame


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def read_company(backend: OdooBackend, reference_date: date | None = None) -> CompanyTables:
    """Read the company behind ``backend`` into :class:`CompanyTables`."""
    partners = _read(backend, "res.partner", [("customer_rank", ">", 0)],
                     ["name", "email", "phone", "is_company", "country_code", "lang", "create_date", "user_id",
                      "is_blacklisted", "credit_limit", "category_id"])
    tag_names = {row["id"]: row["name"] for row in _read(backend, "res.partner.category", [], ["name"])}
    customers = _frame([{
        "customer_id": p["id"], "name": p["name"], "email": p["email"] or "", "phone": p["phone"] or "",
        "segment": "B2B" if p["is_company"] else "B2C",
        "region": next((tag_names[t] for t in p["category_id"] if tag_names.get(t) not in ("B2B", "B2C")), "unknown"),
        "country_code": p["country_code"] or "", "lang": (p["lang"] or "en")[:2], "created_at": p["create_date"],
        "salesperson": _name(p["user_id"]), "consent_email": not p["is_blacklisted"], "consent_sms": True,
        "credit_limit": p["credit_limit"],
    } for p in partners], ["customer_id", "name", "email", "phone", "segment", "region", "country_code", "lang",
                            "created_at", "salesperson", "consent_email", "consent_sms", "credit_limit"])

    variants = _read(backend, "product.product", [("sale_ok", "=", True)],
                     ["default_code", "name", "categ_id", "type", "is_storable", "uom_id", "standard_price",
                      "list_price", "sale_delay", "seller_ids"])
    sellers = {row["id"]: row["delay"] for row in _read(backend, "product.supplierinfo", [], ["delay"])}
    products = _frame([{
        "product_id": v["id"], "default_code": v["default_code"] or "", "name": v["name"],
        "category": _name(v["categ_id"]),
        "type": "service" if v["type"] == "service" else ("storable" if v["is_storable"] else "consumable"),
        "uom": _name(v["uom_id"]), "cost": v["standard_price"], "list_price": v["list_price"],
        "vendor_lead_days": min((sellers[s] for s in v["seller_ids"] if s in sellers), default=0),
        "customer_lead_days": int(v["sale_delay"]),
    } for v in variants], ["product_id", "default_code", "name", "category", "type", "uom", "cost", "list_price",
                           "vendor_lead_days", "customer_lead_days"])

    warehouses = _frame([{"warehouse_id": w["id"], "code": w["code"], "name": w["name"], "ship_lines_per_day": 200}
                         for w in _read(backend, "stock.warehouse", [], ["code", "name"])],
                        ["warehouse_id", "code", "name", "ship_lines_per_day"])
    quants = backend.read_group("stock.quant", [("location_id.usage", "=", "internal")],
                                ["quantity:sum", "reserved_quantity:sum"], ["product_id", "warehouse_id"])
    stock = _frame([{"product_id": _m2o(q["product_id"]), "warehouse_id": _m2o(q["warehouse_id"]),
                     "qty_on_hand": q["quantity"] - q["reserved_quantity"]} for q in quants],
                   ["product_id", "warehouse_id", "qty_on_hand"])
    moves = _read(backend, "stock.move", [("picking_code", "=", "incoming"), ("state", "not in", ["done", "cancel"])],
                  ["product_id", "warehouse_id", "date", "product_qty"])
    incoming = _dates(_frame([{"move_id": m["id"], "product_id": _m2o(m["product_id"]),
                               "warehouse_id": _m2o(m["warehouse_id"]), "date_expected": m["date"],
                               "qty": m["product_qty"]} for m in moves],
                             ["move_id", "product_id", "warehouse_id", "date_expected", "qty"]), "date_expected")

    sale_orders = _read(backend, "sale.order", [], ["name", "partner_id", "warehouse_id", "date_order", "origin",
                                                   "state", "commitment_date", "effective_date", "delivery_status"])
    orders = _dates(_frame([{
        "order_id": o["id"], "customer_id": _m2o(o["partner_id"]), "warehouse_id": _m2o(o["warehouse_id"]),
        "date_order": o["date_order"], "channel": o["origin"] or "sales_rep",
        "state": "delivered" if o["delivery_status"] == "full" else ORDER_STATES.get(o["state"], "confirmed"),
        "commitment_date": o["commitment_date"], "delivery_date": o["effective_date"],
    } for o in sale_orders], ["order_id", "customer_id", "warehouse_id", "date_order", "channel", "state",
                              "commitment_date", "delivery_date"]), "date_order", "commitment_date", "delivery_date")
    costs = dict(zip(products["product_id"], products["cost"]))
    sale_lines = _read(backend, "sale.order.line", [("display_type", "=", False)],
                       ["order_id", "product_id", "product_uom_qty", "price_unit", "discount"])
    order_lines = _frame([{
        "line_id": line["id"], "order_id": _m2o(line["order_id"]), "product_id": _m2o(line["product_id"]),
        "qty": line["product_uom_qty"], "price_unit": line["price_unit"], "discount": line["discount"],
        "cost": costs.get(_m2o(line["product_id"]), 0.0), "qty_returned": 0.0,
    } for line in sale_lines], ["line_id", "order_id", "product_id", "qty", "price_unit", "discount", "cost",
                                "qty_returned"])

    moves_out = _read(backend, "account.move", [("move_type", "=", "out_invoice"), ("state", "=", "posted")],
                      ["partner_id", "invoice_date", "invoice_date_due", "amount_total", "payment_state",
                       "invoice_origin"])
    names = {o["name"]: o["id"] for o in sale_orders}
    invoices = _dates(_frame([{
        "invoice_id": m["id"], "order_id": names.get(m["invoice_origin"], pd.NA), "customer_id": _m2o(m["partner_id"]),
        "date_invoice": m["invoice_date"], "date_due": m["invoice_date_due"], "amount": m["amount_total"],
        # Odoo keeps the payment date on the reconciliation; the due date is the stand-in when paid.
        "date_paid": m["invoice_date_due"] if m["payment_state"] in ("paid", "in_payment") else None,
    } for m in moves_out], ["invoice_id", "order_id", "customer_id", "date_invoice", "date_due", "amount",
                            "date_paid"]), "date_invoice", "date_due", "date_paid")

    lead_columns = ["lead_id", "customer_id", "name", "contact_name", "email", "created_at", "stage",
                    "expected_revenue", "product_id", "source"]
    leads = _frame([], lead_columns)
    if backend.has_model("crm.lead"):
        leads = _frame([{
            "lead_id": lead["id"], "customer_id": _m2o(lead["partner_id"]), "name": lead["name"],
            "contact_name": lead["contact_name"] or "", "email": lead["email_from"] or "",
            "created_at": lead["create_date"], "stage": (_name(lead["stage_id"]) or "new").lower(),
            "expected_revenue": lead["expected_revenue"], "product_id": pd.NA,
            "source": _name(lead["source_id"]) if lead["source_id"] else "unknown",
        } for lead in _read(backend, "crm.lead", [], ["partner_id", "name", "contact_name", "email_from",
                                                     "create_date", "stage_id", "expected_revenue", "source_id"])],
            lead_columns)
    interactions = _frame([], ["interaction_id", "customer_id", "date", "kind", "direction", "response_hours",
                               "summary"])
    ticket_columns = ["ticket_id", "customer_id", "order_id", "product_id", "created_at", "closed_at", "lang",
                      "subject", "body", "category", "urgency", "sentiment", "feedback_score"]
    tickets = _frame([], ticket_columns)
    if backend.has_model("helpdesk.ticket"):
        tickets = _frame([{
            "ticket_id": t["id"], "customer_id": _m2o(t["partner_id"]), "order_id": pd.NA, "product_id": pd.NA,
            "created_at": t["create_date"], "closed_at": t["closed_date"] or None, "lang": pd.NA,
            "subject": t["name"], "body": t["description"] or "", "category": pd.NA, "urgency": pd.NA,
            "sentiment": pd.NA, "feedback_score": pd.NA,
        } for t in _read(backend, "helpdesk.ticket", [], ["partner_id", "create_date", "closed_date", "name",
                                                        "description"])], ticket_columns)
    return CompanyTables(
        customers=_dates(customers, "created_at"), products=products, warehouses=warehouses, stock=stock,
        incoming=incoming, orders=orders, order_lines=order_lines, invoices=invoices,
        leads=_dates(leads, "created_at"), interactions=interactions,
        tickets=_dates(tickets, "created_at", "closed_at"), reference_date=reference_date or date.today(),
    )


def read_company_from_env() -> CompanyTables:
    """:func:`read_company` on the Odoo the ``ODOO_*`` environment variables point to."""
    return read_company(RpcBackend(connect_from_env()))
