"""Load the demo company into an Odoo 18 database, in batches.

The same loader runs in-process on the ORM (``make odoo``, the docker-compose
init service) and from outside over XML-RPC (the path an external CRM uses):
the ``_prepare_*`` functions map demo rows to plain Odoo value dicts, and a
``crm_bridge.tables.backends`` backend does the I/O with public model methods only. Records carry their demo
key in ``ref`` / ``client_order_ref`` / ``origin`` so a second load finds the
first one and does nothing.

History is loaded the way an ERP migration would: orders older than the
recent window are recorded as confirmed sales without re-running their
deliveries, delivered ones with their delivery date; recent confirmed orders
go through ``action_confirm`` so their deliveries are real stock moves that
the promise checks see (keeping their order date). Warehouses get their
shipping capacity where ``fusion_sale_promise`` adds the field.

Not loaded: invoices (posting and paying a small company's 900 invoices
through the ORM takes many minutes), tickets (they need a helpdesk) and the
returned quantities; interactions become notes on the customers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import pandas as pd

from crm_bridge.tables.backends import OdooBackend

__all__ = ["load_company"]

BATCH = 200
RECENT_DAYS = 45
LANGS = {"es": "es_ES", "en": "en_US"}
UOM_XMLIDS = {"Units": "uom.product_uom_unit", "Dozens": "uom.product_uom_dozen", "kg": "uom.product_uom_kgm"}
LEAD_STAGES = {"new": "crm.stage_lead1", "qualified": "crm.stage_lead2", "proposition": "crm.stage_lead3",
               "won": "crm.stage_lead4", "lost": "crm.stage_lead1"}


def _batches(rows: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _create_all(backend: OdooBackend, model: str, vals_list: list[dict], context: dict | None = None) -> list[int]:
    ids: list[int] = []
    for batch in _batches(vals_list):
        ids += backend.create(model, batch, context)
    return ids


def _date(value) -> str | bool:
    return False if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")


def _write_grouped(backend: OdooBackend, model: str, field: str, values: dict[int, Any]) -> None:
    """Write ``field`` on each record ({id: value}): one write per distinct value."""
    by_value: dict[Any, list[int]] = {}
    for record_id, value in values.items():
        by_value.setdefault(value, []).append(record_id)
    for value, ids in by_value.items():
        for batch in _batches(ids, 1000):
            backend.call(model, "write", batch, {field: value})


def _prepare_partner(row, country_ids: dict, user_ids: dict, tag_ids: dict) -> dict:
    return {
        "name": row.name,
        "ref": f"DEMO-C{row.customer_id}",
        "email": row.email,
        "phone": row.phone,
        "is_company": row.segment == "B2B",
        "lang": LANGS.get(row.lang, "en_US"),
        "country_id": country_ids.get(row.country_code, False),
        "user_id": user_ids[row.salesperson],
        "customer_rank": 1,
        "credit_limit": float(row.credit_limit),
        "category_id": [(6, 0, [tag_ids[row.segment], tag_ids[row.region]])],
    }


def _prepare_product(row, category_ids: dict, uom_ids: dict, vendor_id: int) -> dict:
    values = {
        "name": row.name,
        "default_code": row.default_code,
        "categ_id": category_ids[row.category],
        "type": "service" if row.type == "service" else "consu",
        "is_storable": row.type == "storable",
        "uom_id": uom_ids[row.uom],
        "uom_po_id": uom_ids[row.uom],
        "standard_price": float(row.cost),
        "list_price": float(row.list_price),
        "sale_delay": int(row.customer_lead_days),
    }
    if row.type != "service":
        values["seller_ids"] = [(0, 0, {"partner_id": vendor_id, "delay": int(row.vendor_lead_days),
                                        "price": float(row.cost)})]
    return values


def _prepare_order(order, lines: pd.DataFrame, partner_ids: dict, product_ids: dict, warehouse_ids: dict) -> dict:
    return {
        "partner_id": partner_ids[order.customer_id],
        "client_order_ref": f"DEMO-O{order.order_id}",
        "origin": order.channel,
        "warehouse_id": warehouse_ids[order.warehouse_id],
        "date_order": _date(order.date_order),
        "commitment_date": _date(order.commitment_date),
        "order_line": [
            (0, 0, {"product_id": product_ids[line.product_id], "product_uom_qty": float(line.qty),
                    "price_unit": float(line.price_unit), "discount": float(line.discount)})
            for line in lines.itertuples()
        ],
    }


def _prepare_lead(row, partner_ids: dict, product_names: dict, stage_ids: dict) -> dict:
    values = {
        "name": row.name,
        "type": "opportunity",
        "expected_revenue": float(row.expected_revenue),
        "stage_id": stage_ids[row.stage],
        "active": row.stage != "lost",
        "description": f"Interested in {product_names.get(row.product_id, 'our catalogue')} ({row.source})",
    }
    if pd.notna(row.customer_id):
        values["partner_id"] = partner_ids[int(row.customer_id)]
    else:
        values.update(contact_name=row.contact_name, email_from=row.email)
    return values


def load_company(company: Any, backend: OdooBackend, progress: Callable[[str, int], None] = lambda step, n: None
                 ) -> dict[str, int]:
    """Load ``company`` (a :class:`demo_company.DemoCompany`) through ``backend``.

    Returns the number of records created per model; an empty dict when the
    company was already loaded.
    """
    if backend.search_read("res.partner", [("ref", "=like", "DEMO-C%")], ["id"], limit=1,
                          context={"active_test": False}):
        return {}
    counts: dict[str, int] = {}

    # Spanish customers need Spanish installed as Settings installs it: active and with every module's terms
    # (switching the language on alone leaves views, fields and menus in English for Spanish users)
    es = backend.search_read("res.lang", [("code", "=", "es_ES")], ["id", "active"], context={"active_test": False})
    if not es[0]["active"]:
        wizard = backend.create("base.language.install", [{"lang_ids": [(6, 0, [es[0]["id"]])]}])
        backend.call("base.language.install", "lang_install", wizard)

    salespeople = sorted(company.customers["salesperson"].unique())
    sales_group = backend.ref("sales_team.group_sale_salesman")
    user_ids = dict(zip(salespeople, _create_all(backend, "res.users", [
        {"name": name, "login": f"demo.{name.lower().replace(' ', '.')}@example.com",
         "groups_id": [(6, 0, [backend.ref("base.group_user"), sales_group])]}
        for name in salespeople
    ], {"no_reset_password": True})))

    countries = backend.search_read("res.country", [("code", "in", sorted(company.customers["country_code"].unique()))],
                                     ["code"])
    country_ids = {row["code"]: row["id"] for row in countries}
    tags = sorted(set(company.customers["segment"]) | set(company.customers["region"]))
    tag_ids = dict(zip(tags, backend.create("res.partner.category", [{"name": tag} for tag in tags])))
    customers = list(company.customers.itertuples())
    partner_ids = dict(zip(company.customers["customer_id"], _create_all(
        backend, "res.partner", [_prepare_partner(row, country_ids, user_ids, tag_ids) for row in customers])))
    counts["res.partner"] = len(partner_ids)
    progress("customers", len(partner_ids))

    categories = sorted(company.products["category"].unique())
    category_ids = dict(zip(categories, backend.create("product.category", [{"name": c} for c in categories])))
    uom_ids = {name: backend.ref(xmlid) for name, xmlid in UOM_XMLIDS.items()}
    vendor_id = backend.create("res.partner", [{"name": "Demo Main Supplier", "is_company": True,
                                                "supplier_rank": 1}])[0]
    template_ids = _create_all(backend, "product.template", [
        _prepare_product(row, category_ids, uom_ids, vendor_id) for row in company.products.itertuples()])
    variants = backend.search_read("product.product", [("product_tmpl_id", "in", template_ids)],
                                   ["product_tmpl_id"])
    variant_of = {row["product_tmpl_id"][0]: row["id"] for row in variants}
    product_ids = {pid: variant_of[tid] for pid, tid in zip(company.products["product_id"], template_ids)}
    counts["product.product"] = len(product_ids)
    progress("products", len(product_ids))

    warehouses = company.warehouses.sort_values("warehouse_id")
    existing = backend.search("stock.warehouse", [("company_id", "=", backend.user_company_id())])
    warehouse_ids = {int(warehouses.iloc[0]["warehouse_id"]): existing[0]}
    for row in warehouses.iloc[1:].itertuples():
        warehouse_ids[row.warehouse_id] = backend.create("stock.warehouse", [{"name": row.name, "code": row.code}])[0]
    if "fusion_lines_per_day" in backend.field_names("stock.warehouse"):
        _write_grouped(backend, "stock.warehouse", "fusion_lines_per_day", {
            warehouse_ids[row.warehouse_id]: int(row.ship_lines_per_day) for row in warehouses.itertuples()})
    wh_rows = {row["id"]: row for row in backend.search_read(
        "stock.warehouse", [("id", "in", list(warehouse_ids.values()))], ["lot_stock_id", "in_type_id"])}

    storable = set(company.products.loc[company.products["type"] == "storable", "product_id"])
    stock = company.stock[company.stock["product_id"].isin(storable) & (company.stock["qty_on_hand"] > 0)]
    quant_ids = _create_all(backend, "stock.quant", [
        {"product_id": product_ids[row.product_id],
         "location_id": wh_rows[warehouse_ids[row.warehouse_id]]["lot_stock_id"][0],
         "inventory_quantity": float(row.qty_on_hand)}
        for row in stock.itertuples()
    ], {"inventory_mode": True})
    for batch in _batches(quant_ids):
        backend.call("stock.quant", "action_apply_inventory", batch, context={"inventory_mode": True})
    counts["stock.quant"] = len(quant_ids)
    progress("stock", len(quant_ids))

    supplier_location = backend.ref("stock.stock_location_suppliers")
    incoming = company.incoming[company.incoming["product_id"].isin(storable)]
    receipt_vals = []
    for (warehouse_id, date_expected), moves in incoming.groupby(["warehouse_id", "date_expected"]):
        warehouse = wh_rows[warehouse_ids[warehouse_id]]
        stock_location = warehouse["lot_stock_id"][0]
        receipt_vals.append({
            "picking_type_id": warehouse["in_type_id"][0], "partner_id": vendor_id,
            "location_id": supplier_location, "location_dest_id": stock_location,
            "scheduled_date": _date(date_expected), "origin": "DEMO-RECEIPT",
            "move_ids": [(0, 0, {"name": "Demo receipt", "product_id": product_ids[move.product_id],
                                 "product_uom_qty": float(move.qty), "location_id": supplier_location,
                                 "location_dest_id": stock_location, "date": _date(date_expected)})
                         for move in moves.itertuples()],
        })
    receipt_ids = _create_all(backend, "stock.picking", receipt_vals)
    for batch in _batches(receipt_ids):
        backend.call("stock.picking", "action_confirm", batch)
    counts["stock.picking"] = len(receipt_ids)

    lines_by_order = dict(list(company.order_lines.groupby("order_id")))
    orders = company.orders[company.orders["order_id"].isin(lines_by_order)].sort_values("date_order")
    recent_from = pd.Timestamp(company.reference_date) - timedelta(days=RECENT_DAYS)
    order_ids = {}
    for batch in _batches(list(orders.itertuples())):
        created = backend.create("sale.order", [
            _prepare_order(order, lines_by_order[order.order_id], partner_ids, product_ids, warehouse_ids)
            for order in batch], {"tracking_disable": True})
        order_ids.update(zip((order.order_id for order in batch), created))
    is_recent = orders["date_order"] >= recent_from
    confirm = orders[is_recent & (orders["state"] == "confirmed")]
    to_confirm = [order_ids[i] for i in confirm["order_id"]]
    history = [order_ids[i] for i in orders.loc[orders["state"].isin(["confirmed", "delivered"]) & ~is_recent
                                                | (orders["state"] == "delivered") & is_recent, "order_id"]]
    cancelled = [order_ids[i] for i in orders.loc[orders["state"] == "cancelled", "order_id"]]
    for batch in _batches(to_confirm):
        # These orders were confirmed in the company's history; a manager's approval stands for
        # whatever promise or discount exception they carry (fusion_sale_promise's gate).
        backend.call("sale.order", "action_confirm", batch,
                     context={"tracking_disable": True, "fusion_approval_reason": "Demo company: historical order"})
    # Confirming dates an order today: give them back their order date.
    _write_grouped(backend, "sale.order", "date_order",
                   {order_ids[row.order_id]: _date(row.date_order) for row in confirm.itertuples()})
    for batch in _batches(history, 1000):
        backend.call("sale.order", "write", batch, {"state": "sale"})
    for batch in _batches(cancelled, 1000):
        backend.call("sale.order", "write", batch, {"state": "cancel"})
    # Delivered history is recorded with its delivery date, as a migration would (no delivery re-run).
    delivered = orders[orders["state"] == "delivered"]
    _write_grouped(backend, "sale.order", "effective_date",
                   {order_ids[row.order_id]: _date(row.delivery_date) for row in delivered.itertuples()})
    counts["sale.order"] = len(order_ids)
    progress("orders", len(order_ids))

    product_names = dict(zip(company.products["product_id"], company.products["name"]))
    stage_ids = {name: backend.ref(xmlid) for name, xmlid in LEAD_STAGES.items()}
    lead_ids = _create_all(backend, "crm.lead", [
        _prepare_lead(row, partner_ids, product_names, stage_ids) for row in company.leads.itertuples()
    ], {"tracking_disable": True, "mail_create_nolog": True})
    counts["crm.lead"] = len(lead_ids)
    progress("leads", len(lead_ids))

    note = backend.ref("mail.mt_note")
    recent_interactions = company.interactions[company.interactions["date"] >= recent_from]
    message_ids = _create_all(backend, "mail.message", [
        {"model": "res.partner", "res_id": partner_ids[row.customer_id], "message_type": "comment",
         "subtype_id": note, "date": _date(row.date),
         "body": f"{row.kind.capitalize()} ({row.direction}): {row.summary}"}
        for row in recent_interactions.itertuples()
    ])
    counts["mail.message"] = len(message_ids)
    progress("interactions", len(message_ids))
    return counts
