"""Open quotations of the company tables promised and priced, as the sale order does in Odoo.

The Odoo form (``fusion_sale_promise``), its XML-RPC methods and the main job
answer the same question with the same rules; this module is the table side:

* each line asks for its order's commitment day, or the earliest its lead
  time allows (:meth:`PromiseEngine.asked_dates`);
* with an allocation (``allocation_demand`` and ``segment_priority``), a
  line may not take the stock the segments served before its customer's
  need until replenishment (:mod:`crm_bridge.promise.allocation`);
* the lines of one quotation compete for stock and shipping capacity, and
  quotations are independent what-ifs against the warehouse's state
  (:func:`crm_bridge.promise.inputs.engines_from_tables`); the order's result
  is the engine's (:meth:`BatchPromise.order`);
* a line with a price gets the pricing verdict
  (:meth:`PricingPolicy.check_batch`) on its unit price, the product's current
  cost, the days of cover (:func:`crm_bridge.pricing.cover.cover_from_tables`,
  from the demand forecast's daily demand when one is given) and the
  customer's value when known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crm_bridge.pricing.cover import cover_from_tables
from crm_bridge.pricing.guardrail import VERDICT_CODES, PricingPolicy
from crm_bridge.promise.allocation import allocated_qty
from crm_bridge.promise.calendar import WorkingCalendar
from crm_bridge.promise.inputs import engines_from_tables

__all__ = ["LINE_COLUMNS", "ORDER_COLUMNS", "check_quotations"]

LINE_COLUMNS = ("line_id", "order_id", "customer_id", "warehouse_id", "product_id", "qty", "price_unit", "discount",
                "date_asked", "status", "promised_date", "reason", "cause", "max_discount", "discount_ok", "verdict")
ORDER_COLUMNS = ("order_id", "status", "promised_date", "reasons")
QUOTATION_STATE = "quotation"


def check_quotations(
    tables: Mapping[str, pd.DataFrame],
    today: dt.date,
    policy: PricingPolicy | None = None,
    customer_value: pd.DataFrame | None = None,
    calendar: WorkingCalendar | None = None,
    forecast_daily: pd.Series | None = None,
    allocation_demand: pd.DataFrame | None = None,
    segment_priority: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Promise and price every line of the open quotations on ``today``.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The company tables (``products``, ``warehouses``, ``stock``,
        ``incoming``, ``orders``, ``order_lines``).
    today : date
    policy : PricingPolicy, optional
        The company's guardrail (default: the policy's defaults).
    customer_value : DataFrame, optional
        Indexed by ``customer_id``, with ``churn_risk`` and ``clv`` (NaN when
        unknown).
    calendar : WorkingCalendar, optional
        The warehouses' shipping days (default Monday to Friday).
    forecast_daily : Series, optional
        Demand per day of each product (``product_id`` index) from the
        demand forecast (``ai_insights.forecast.demand.daily_demand``): the
        days of cover of those products read it instead of trailing sales.
    allocation_demand : DataFrame, optional
        Forecast demand per product, segment and warehouse over the
        replenishment lead time (:data:`crm_bridge.promise.allocation.DEMAND_COLUMNS`);
        with ``segment_priority`` (segments in the order they are served),
        available to promise by allocation.

    Returns
    -------
    (DataFrame, DataFrame)
        One row per quotation line, :data:`LINE_COLUMNS` (dates as
        ``datetime64``, NaT when a line cannot be delivered; ``reason``: the
        cause of a line not on time, else empty; ``cause``: the same as a
        reason dict (code, params, message) for a reader to put in its own
        words, else None; ``max_discount`` in percent,
        NaN and ``discount_ok`` true for a line without price; ``verdict`` one
        of :data:`VERDICT_CODES`, empty without price), and one row per
        quotation, :data:`ORDER_COLUMNS` (``reasons``: the engine's order
        reasons as dicts).
    """
    policy = policy or PricingPolicy()
    orders = tables["orders"]
    quotations = orders[(orders["state"] == QUOTATION_STATE) & orders["warehouse_id"].notna()]
    lines = (tables["order_lines"]
             .merge(quotations[["order_id", "customer_id", "warehouse_id", "commitment_date"]], on="order_id")
             .sort_values(["order_id", "line_id"], kind="stable"))
    lines = lines[lines["qty"] > 0].reset_index(drop=True)
    if lines.empty:
        return pd.DataFrame(columns=LINE_COLUMNS), pd.DataFrame(columns=ORDER_COLUMNS)

    engines = engines_from_tables(tables, today, calendar)
    promised, order_rows = [], []
    for warehouse_id, mine in lines.groupby("warehouse_id", sort=False):
        engine = engines[int(warehouse_id)]
        commitment = [None if pd.isna(day) else pd.Timestamp(day).date() for day in mine["commitment_date"]]
        asked = engine.asked_dates(mine["product_id"].to_numpy(np.int64), commitment)
        reserved = None
        if allocation_demand is not None:
            segment = tables["customers"].set_index("customer_id")["segment"].astype(str)
            reserved = allocated_qty(allocation_demand, segment_priority, mine["product_id"].to_numpy(np.int64),
                                     mine["warehouse_id"].to_numpy(np.int64),
                                     segment.reindex(mine["customer_id"]).fillna("").tolist())
        batch = engine.check_batch(mine["product_id"].to_numpy(np.int64), mine["qty"].to_numpy(float), asked,
                                   order_keys=mine["order_id"].to_numpy(), allocated_qty=reserved)
        causes = [batch.line(i).cause().to_dict() if batch.status[i] else None for i in range(len(mine))]
        promised.append(pd.DataFrame({"date_asked": asked, "status": batch.status_names(),
                                      "promised_date": batch.promised_date,
                                      "reason": [cause["message"] if cause else "" for cause in causes],
                                      "cause": causes}, index=mine.index))
        positions = pd.Series(np.arange(len(mine)), index=mine["order_id"].to_numpy())
        for order_id, rows in positions.groupby(level=0, sort=False):
            order = batch.order(rows.to_numpy())
            order_rows.append({"order_id": order_id, "status": order.status,
                               "promised_date": pd.Timestamp(order.promised_date) if order.promised_date else pd.NaT,
                               "reasons": [reason.to_dict() for reason in order.reasons]})
    lines = lines.join(pd.concat(promised))

    products = tables["products"].set_index("product_id")
    priced = lines[lines["price_unit"] > 0]
    value = customer_value if customer_value is not None else pd.DataFrame(columns=["churn_risk", "clv"])
    cover = cover_from_tables(tables, today, forecast_daily=forecast_daily)
    checks = policy.check_batch(
        products.loc[priced["product_id"], "cost"].to_numpy(float), priced["price_unit"].to_numpy(float),
        priced["discount"].to_numpy(float) / 100,
        category=products.loc[priced["product_id"], "category"].astype(object).tolist(),
        cover_days=cover["cover_days"].reindex(priced["product_id"]).to_numpy(float),
        clv=value["clv"].reindex(priced["customer_id"]).to_numpy(float),
        churn_risk=value["churn_risk"].reindex(priced["customer_id"]).to_numpy(float),
    )
    lines["max_discount"] = pd.Series(checks.advice.max_discount * 100, index=priced.index)
    lines["discount_ok"] = pd.Series(checks.ok, index=priced.index).reindex(lines.index, fill_value=True)
    lines["verdict"] = pd.Series(np.asarray(VERDICT_CODES)[checks.verdict], index=priced.index).reindex(
        lines.index, fill_value="")
    return lines[list(LINE_COLUMNS)], pd.DataFrame(order_rows, columns=ORDER_COLUMNS)

