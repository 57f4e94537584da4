"""The main job: every capability on one company, and a report a manager can read.

``python -m demo_company run`` builds the demo company (or, when ``ODOO_URL``
is set, reads a live Odoo's company over XML-RPC), then runs each capability
in turn: the company overview, order promises and pricing guardrails, churn
risk and lifetime value, ticket NLP, and whatever else is installed. Each
step reports progress, adds a section to ``reports/fusion-report.html`` and a
line to the printed summary.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crm_bridge.contract.errors import FusionError

from .report import Section, new_figure, render_report, set_language, words

__all__ = ["JobContext", "STEPS", "run_main_job"]


@dataclass
class JobContext:
    """What the steps share: the company's tables and what earlier steps found."""

    company: Any
    source: str
    out_dir: Path
    results: dict[str, Any] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)


def _money(value: float) -> str:
    return words.number(value)


def _count(value: float) -> str:
    return words.number(value)


def overview(ctx: JobContext) -> Section:
    company = ctx.company
    lines = company.order_lines.merge(company.orders[["order_id", "date_order", "state", "customer_id"]],
                                      on="order_id")
    lines = lines[lines["state"] != "cancelled"]
    customers = company.customers.set_index("customer_id")
    lines["segment"] = customers.loc[lines["customer_id"], "segment"].to_numpy()
    lines["revenue"] = lines["qty"] * lines["price_unit"] * (1 - lines["discount"] / 100)
    lines["margin"] = lines["revenue"] - lines["qty"] * lines["cost"]
    revenue = lines["revenue"].sum()
    section = Section(
        words("The company at a glance"),
        words("{customers} customers, {products} products in {warehouses} warehouses, {orders} orders with "
              "{lines} lines, {tickets} tickets.", customers=_count(len(customers)),
              products=_count(len(company.products)), warehouses=_count(len(company.warehouses)),
              orders=_count(len(company.orders)), lines=_count(len(company.order_lines)),
              tickets=_count(len(company.tickets))),
    )
    section.figures = {
        words("revenue"): _money(revenue),
        words("gross margin"): words.percent(lines["margin"].sum() / revenue) if revenue else words("n/a"),
        words("average discount"): words.percent(lines["discount"].mean() / 100),
        words("open quotations"): _count((company.orders["state"] == "quotation").sum()),
        words("open tickets"): _count(company.tickets["closed_at"].isna().sum()),
    }
    monthly = (lines.assign(month=lines["date_order"].dt.to_period("M").dt.to_timestamp())
               .pivot_table(index="month", columns="segment", values="revenue", aggfunc="sum").fillna(0))
    figure, axes = new_figure()
    # Each segment against its own average month: B2B sells far more, and the seasons would not show.
    (monthly / monthly.mean() * 100).plot(ax=axes, marker="o", markersize=3)
    axes.axhline(100, color="#9ca3af", linewidth=0.8)
    axes.set_ylabel(words("revenue index (average month = 100)"))
    axes.set_xlabel("")
    axes.legend(title=words("segment"))
    section.add_chart(words("Monthly revenue per segment, each against its own average: the segments do not peak "
                            "in the same months."), figure)

    invoices = company.invoices
    paid = invoices.dropna(subset=["date_paid"])
    delay = (paid["date_paid"] - paid["date_due"]).dt.days
    figure, axes = new_figure()
    axes.hist(delay[delay > 0], bins=30, color="#714b67")
    axes.set_xlabel(words("days paid after the due date (late invoices only)"))
    axes.set_ylabel(words("invoices"))
    section.add_chart(words("Payment behaviour: {late} of paid invoices were paid late.",
                            late=words.percent((delay > 0).mean(), 0)), figure)
    ctx.summary.append(words("company: {customers} customers, {orders} orders, revenue {revenue}",
                             customers=_count(len(customers)), orders=_count(len(company.orders)),
                             revenue=_money(revenue)))
    return section


CHURN_HORIZON_DAYS = 180
HIGH_RISK = 0.5


def production_churn(company: Any) -> tuple[Any, pd.DataFrame]:
    """The production churn and lifetime value models, and every customer scored with them as of today.

    What Odoo's fusion_churn trains and shows, on the company's tables, at
    :data:`CHURN_HORIZON_DAYS`: ``(ProductionModels, scores)``. The churn step
    and the actions simulation run alone both use it.
    """
    from ai_insights.churn.datasets import data_end, demo_tables
    from ai_insights.churn.features import build_features
    from ai_insights.churn.production import churn_and_value_scores, train_production_models

    tables = demo_tables(company)
    trained = train_production_models(tables, CHURN_HORIZON_DAYS)
    return trained, churn_and_value_scores(trained.churn, trained.value, build_features(tables, data_end(tables)),
                                           trained.value_horizon_days)


def churn_and_value(ctx: JobContext) -> Section:
    """Train the production churn and lifetime value models as Odoo does, then score everyone today with them."""
    trained, scores = production_churn(ctx.company)
    card = trained.card
    ctx.results["churn"] = scores
    ctx.results["churn_card"] = card

    metrics = card.metrics
    high = scores[scores["churn_probability"] >= HIGH_RISK]
    section = Section(
        words("Churn risk and lifetime value"),
        words("Churn means no purchase in the next {days} days. The model learnt on the window after {train} and "
              "was judged on the later window after {evaluation}, which it never saw; that same model scored every "
              "customer as of today, as Odoo does. Lifetime value covers the next {value_days} days, from the model "
              "measured on {folds} rolling cut-offs.", days=_count(CHURN_HORIZON_DAYS),
              train=words.date(trained.train_cutoff), evaluation=words.date(trained.eval_cutoff),
              value_days=_count(trained.value_horizon_days),
              # the cut-offs the evaluation could fit at the value horizon, which may be fewer than asked
              folds=_count((trained.evaluation.folds["horizon_days"] == trained.value_horizon_days).sum())),
    )
    section.figures = {
        words("ROC-AUC on the held-out window"): words.number(metrics["roc_auc"], 3),
        words("BG/NBD baseline ROC-AUC"): words.number(metrics["roc_auc_baseline_bgnbd"], 3),
        words("Brier score (lower is better)"): words.number(metrics["brier"], 3),
        words("customers at high risk (p ≥ {threshold})", threshold=words.percent(HIGH_RISK, 0)): _count(len(high)),
        words("expected revenue at risk, next {days} days", days=_count(trained.value_horizon_days)): _money(
            (high["expected_revenue"].fillna(0) * high["churn_probability"]).sum()),
    }
    calibration = pd.DataFrame(card.extra["calibration_table"])
    figure, axes = new_figure(4.2, 3.2)
    axes.plot([0, 1], [0, 1], color="#9ca3af", linestyle="--", linewidth=1)
    axes.plot(calibration.iloc[:, 0], calibration.iloc[:, 1], marker="o", color="#714b67")
    axes.set_xlabel(words("predicted churn probability"))
    axes.set_ylabel(words("observed churn rate"))
    section.add_chart(words("Calibration on the held-out window: when the model says {share}, about {share} churn.",
                            share=words.percent(0.4, 0)), figure)

    segments = ctx.company.customers.set_index("customer_id")["segment"]
    by_segment = scores.assign(segment=segments.reindex(scores.index).to_numpy(),
                               band=pd.cut(scores["churn_probability"], [0, 0.25, HIGH_RISK, 1.0],
                                           labels=[words("low"), words("medium"), words("high")],
                                           include_lowest=True))
    counts = by_segment.pivot_table(index="segment", columns="band", values="churn_probability", aggfunc="size",
                                    observed=False).fillna(0)
    figure, axes = new_figure(4.2, 3.2)
    counts.plot.barh(stacked=True, ax=axes, color=["#a7f3d0", "#fde68a", "#fca5a5"])
    axes.set_xlabel(words("customers"))
    axes.set_ylabel(words("segment"))
    axes.legend(title=words("risk"))
    section.add_chart(words("Risk by segment."), figure)

    names = ctx.company.customers.set_index("customer_id")["name"]
    top = high.assign(customer=names.reindex(high.index).to_numpy()).sort_values(
        "expected_revenue", ascending=False)
    # The model's reasons (code and figures) in the report's words and number formats, strongest first
    top = top.assign(**{f"reason_{rank}": top["reasons"].map(lambda reasons, at=rank - 1: words.reason(
        reasons[at] if len(reasons) > at else None)) for rank in (1, 2)})
    section.add_table(words("Valuable customers at risk: call them first"),
                      top.reset_index()[["customer", "churn_probability", "expected_revenue", "reason_1", "reason_2"]]
                      .assign(churn_probability=lambda f: f["churn_probability"].map(words.percent))
                      .rename(columns=_columns({"customer": "customer", "churn_probability": "risk",
                                                "expected_revenue": "expected revenue", "reason_1": "main reason",
                                                "reason_2": "second reason"})))
    truth = getattr(ctx.company, "truth", None)
    if truth is not None and len(high):
        churn_dates = truth.set_index("customer_id")["churn_date"].reindex(scores.index)
        lost = churn_dates.notna()
        flagged = scores["churn_probability"] >= HIGH_RISK
        section.notes.append(words(
            "Demo check against the generator's hidden truth: {flagged} of the customers flagged high risk have "
            "churned or will, against {all} of all scored customers.",
            flagged=words.percent(lost[flagged].mean(), 0), all=words.percent(lost.mean(), 0)))
    ctx.summary.append(words("churn: ROC-AUC {auc} (BG/NBD {baseline}), {high} customers at high risk",
                             auc=words.number(metrics["roc_auc"], 3),
                             baseline=words.number(metrics["roc_auc_baseline_bgnbd"], 3), high=_count(len(high))))
    return section


FORECAST_HORIZON_WEEKS = 8


def demand_forecast(ctx: JobContext) -> Section:
    """Forecast weekly demand per product, segment and warehouse; the promise step reads its daily demand.

    The forecaster (``ai_insights.forecast``) learns on the company's history
    of the goods that sold (``ai_insights.forecast.sold_goods``, the products
    the Odoo run forecasts) up to its reference date and measures its value
    added against seasonal naive on its own backtest. ``ctx.results["forecast"]`` keeps the
    forecast; the days of cover of the pricing guardrail read its demand per
    day (``ai_insights.forecast.demand.daily_demand``), as the sale order
    does in Odoo when ``fusion_forecast`` is installed.
    """
    from ai_insights.forecast import DemandForecaster, sold_goods, weekly_demand

    company = ctx.company
    history = weekly_demand(sold_goods(company.public_tables()), as_of=company.reference_date)
    forecast = DemandForecaster(horizon=FORECAST_HORIZON_WEEKS).fit(history).predict()
    ctx.results["forecast"] = forecast
    metrics = forecast.metrics
    section = Section(
        words("Demand forecast per product, segment and warehouse"),
        words("{products} products forecast {weeks} weeks ahead from {history} weeks of orders; the method of each "
              "series was chosen on its own past, and the accuracy below is the backtest's, on weeks each forecast "
              "had not seen.", products=_count(len(history.products)), weeks=_count(FORECAST_HORIZON_WEEKS),
              history=_count(history.n_weeks)),
    )
    section.figures = {
        words("MASE (lower is better)"): words.number(metrics["mase"], 3),
        words("MASE of seasonal naive"): words.number(metrics["mase_snaive"], 3),
        words("value added against seasonal naive"): words.percent(metrics["fva_pct"] / 100),
    }
    totals = forecast.frame[forecast.frame["level"] == "product"].groupby("week")[["mean", "lo_80", "hi_80"]].sum()
    past = pd.Series(history.qty.sum(axis=(0, 1, 2))[-26:], index=history.weeks[-26:])
    figure, axes = new_figure()
    axes.plot(past.index, past.to_numpy(), color="#6b7280", label=words("ordered"))
    axes.plot(totals.index, totals["mean"], color="#714b67", label=words("forecast"))
    axes.set_ylabel(words("units per week, goods sold (no services)"))
    axes.legend(loc="upper left", fontsize=8)
    section.add_chart(words("Units ordered per week and the forecast ahead."), figure)
    stockouts = _forecast_stockouts(company, forecast)
    soon = stockouts[stockouts["days"] <= STOCKOUT_ALERT_DAYS]
    section.figures[words("products and warehouses running out within {days} days",
                          days=_count(STOCKOUT_ALERT_DAYS))] = _count(len(soon))
    names = company.products.set_index("product_id")["name"]
    section.add_table(
        words("Forecast stock-outs within {days} days ({service} service), with the suggested reordering rule "
              "(minimum: demand over the vendor lead time; maximum: four weeks more)",
              days=_count(STOCKOUT_ALERT_DAYS), service=words.percent(SERVICE_LEVEL, 0)),
        soon.assign(product=names.reindex(soon["product_id"]).to_numpy()).sort_values("days")[
            ["product", "warehouse_id", "days", "free_qty", "demand", "min_qty", "max_qty"]].round(1)
        .rename(columns=_columns({"product": "product", "warehouse_id": "warehouse", "days": "days",
                                  "free_qty": "free", "demand": "demand", "min_qty": "minimum",
                                  "max_qty": "maximum"})))
    ctx.summary.append(words(
        "forecast: {products} products, MASE {mase} against {snaive} for seasonal naive ({added} value added); "
        "{soon} stock-outs forecast within {days} days", products=_count(len(history.products)),
        mase=words.number(metrics["mase"], 3), snaive=words.number(metrics["mase_snaive"], 3),
        added=words.percent(metrics["fva_pct"] / 100), soon=_count(len(soon)), days=_count(STOCKOUT_ALERT_DAYS)))
    return section


STOCKOUT_ALERT_DAYS = 14
SERVICE_LEVEL = 0.95


def _forecast_stockouts(company: Any, forecast: Any) -> pd.DataFrame:
    """Forecast stock-outs of the storable products per warehouse, with their suggested reordering rule.

    ``ai_insights.forecast.stockout.days_to_stockout`` on today's stock and
    the receipts due, and ``ai_insights.forecast.replenishment.suggest_reorder_points``:
    the rules the Odoo addons apply.
    """
    from ai_insights.forecast.replenishment import suggest_reorder_points
    from ai_insights.forecast.stockout import days_to_stockout

    first_day = pd.Timestamp(forecast.frame["week"].min())
    receipts = company.incoming.assign(day=(pd.to_datetime(company.incoming["date_expected"]) - first_day).dt.days)
    stockouts = days_to_stockout(forecast, company.stock.rename(columns={"qty_on_hand": "qty"}),
                                 receipts[["product_id", "warehouse_id", "day", "qty"]], service_level=SERVICE_LEVEL)
    storable = company.products[company.products["type"] == "storable"].set_index("product_id")
    rules = suggest_reorder_points(forecast, storable["vendor_lead_days"].astype(float), SERVICE_LEVEL)
    return stockouts[stockouts["product_id"].isin(storable.index)].merge(
        rules[["product_id", "warehouse_id", "min_qty", "max_qty"]], on=["product_id", "warehouse_id"], how="left")


def _forecast_daily(ctx: JobContext) -> pd.Series | None:
    """Forecast demand per product and day when the forecast step ran: the guardrail's and the offers' cover."""
    from ai_insights.forecast.demand import daily_demand
    from crm_bridge.pricing.cover import DEMAND_WINDOW_DAYS

    forecast = ctx.results.get("forecast")
    return None if forecast is None else daily_demand(forecast, DEMAND_WINDOW_DAYS)


def promises_and_pricing(ctx: JobContext) -> Section:
    """Check every open quotation against stock, receipts and shipping capacity, and its discounts.

    The check is :func:`crm_bridge.promise.quotations.check_quotations` on the
    company's reference date (the day its tables describe), with the churn
    step's risk and lifetime value and the forecast step's daily demand (for
    days of cover) when they ran: the rules the sale order applies in Odoo.
    The per-line and per-quotation results are kept in
    ``ctx.results["quotation_lines"]`` and ``ctx.results["quotations"]``.
    """
    from crm_bridge.pricing.cover import DEMAND_WINDOW_DAYS
    from crm_bridge.pricing.guardrail import PricingPolicy
    from crm_bridge.promise.engine import STATUSES
    from crm_bridge.promise.quotations import check_quotations

    company = ctx.company
    today = pd.Timestamp(company.reference_date)
    churn = ctx.results.get("churn")
    # As the sale order's guardrail reads a partner's scores: the lifetime value is the expected margin, 0 unknown.
    value = None if churn is None else pd.DataFrame({
        "churn_risk": churn["churn_probability"],
        "clv": churn["expected_margin"].where(churn["expected_margin"] != 0)})
    forecast_daily = _forecast_daily(ctx)
    checked, orders = check_quotations(company.public_tables(), today.date(), PricingPolicy(), value,
                                       forecast_daily=forecast_daily)
    ctx.results["quotation_lines"], ctx.results["quotations"] = checked, orders
    title = words("Order-to-Cash: can we keep the promises on open quotations?")
    if checked.empty:
        ctx.summary.append(words("promises: no open quotation to check"))
        return Section(title, notes=[words("No open quotation to check.")])
    quotations = company.orders.set_index("order_id").loc[orders["order_id"]]
    # A commitment already past is checked against today, and needs a new promise whatever the stock.
    expired = int((quotations["commitment_date"] < today).sum())
    over = checked[~checked["discount_ok"].astype(bool)]
    beyond = over[over["verdict"] == "exceeds_max_discount"]
    lost_margin = ((beyond["discount"] - beyond["max_discount"]) / 100 * beyond["qty"] * beyond["price_unit"]).sum()

    section = Section(
        title,
        words("{orders} open quotations with {lines} lines were checked against free stock, dated receipts, "
              "deliveries already promised, replenishment lead times and each warehouse's shipping capacity, and "
              "their discounts against the margin floor and stock pressure.",
              orders=_count(len(orders)), lines=_count(len(checked))),
    )
    status_counts = orders["status"].value_counts().reindex(STATUSES, fill_value=0)
    section.figures = {words("quotations {status}", status=_status(status)): _count(count)
                       for status, count in status_counts.items()}
    section.figures[words("quotations whose promised date has passed")] = _count(expired)
    section.figures[words("lines over the allowed discount")] = _count(len(beyond))
    section.figures[words("lines priced below the floor")] = _count((over["verdict"] == "below_floor").sum())
    section.figures[words("margin given away beyond the guardrail")] = _money(lost_margin)
    if forecast_daily is not None:
        section.notes.append(words(
            "Days of cover, the stock pressure of the guardrail, read the demand forecast's demand per day over the "
            "next {days} days (at most its horizon) instead of the last days' sales.", days=_count(DEMAND_WINDOW_DAYS)))
    figure, axes = new_figure(4.2, 3.0)
    axes.bar([_status(s) for s in STATUSES], status_counts.to_numpy(),
             color=["#34d399", "#fbbf24", "#f97316", "#ef4444"])
    axes.set_ylabel(words("quotations"))
    section.add_chart(words("Promise status of open quotations (worst line decides)."), figure)
    names = company.customers.set_index("customer_id")["name"]
    products = company.products.set_index("product_id")
    at_risk = checked[checked["status"].isin(["late", "impossible"])].assign(
        customer=lambda f: names.reindex(f["customer_id"]).to_numpy(),
        product=lambda f: products.loc[f["product_id"], "name"].to_numpy())
    section.add_table(words("Lines we cannot deliver on the asked date, and why"),
                      at_risk[["order_id", "customer", "product", "qty", "date_asked", "status", "cause"]]
                      .assign(date_asked=lambda f: f["date_asked"].map(words.date),
                              status=lambda f: f["status"].map(_status),
                              cause=lambda f: f["cause"].map(words.reason))
                      .rename(columns=_columns({"order_id": "order", "customer": "customer", "product": "product",
                                                "qty": "quantity", "date_asked": "date asked", "status": "status",
                                                "cause": "why"})))
    section.add_table(words("Discounts beyond the guardrail (needs a manager's approval)"),
                      over.assign(customer=lambda f: names.reindex(f["customer_id"]).to_numpy(),
                                  product=lambda f: products.loc[f["product_id"], "name"].to_numpy())
                      [["order_id", "customer", "product", "discount", "max_discount", "verdict"]]
                      .sort_values("discount", ascending=False)
                      .assign(verdict=lambda f: f["verdict"].map(_verdict))
                      .rename(columns=_columns({"order_id": "order", "customer": "customer", "product": "product",
                                                "discount": "discount %", "max_discount": "allowed %",
                                                "verdict": "verdict"})))
    ctx.summary.append(words(
        "promises: {on_time} of {orders} open quotations on time, {late} late or impossible; {over} lines over the "
        "pricing guardrail", on_time=_count(status_counts["on_time"]), orders=_count(len(orders)),
        late=_count(status_counts["late"] + status_counts["impossible"]), over=_count(len(over))))
    return section


TICKET_TASKS = ["category", "urgency", "sentiment"]


def _ticket_context(company, ticket) -> dict[str, Any]:
    """The reply context of one ticket, by the helpdesk's builder (:func:`ai_insights.nlp.replies.reply_context`)
    from the demo's tables: an unpaid invoice past its due date on the reference date is overdue."""
    from ai_insights.nlp.replies import reply_context

    order = invoice = product = None
    if pd.notna(ticket.order_id):
        order_id = int(ticket.order_id)
        row = company.orders.set_index("order_id").loc[order_id]
        lines = company.order_lines[company.order_lines["order_id"] == order_id]
        order = {"name": f"S{order_id:05d}", "state": row["state"], "promised_date": row["commitment_date"],
                 "delivery_date": row["delivery_date"], "currency": "EUR",
                 "amount": float((lines["qty"] * lines["price_unit"] * (1 - lines["discount"] / 100)).sum())}
        invoices = company.invoices[company.invoices["order_id"] == order_id]
        if len(invoices):
            first = invoices.iloc[0]
            invoice = {"name": f"INV/{int(first['invoice_id']):05d}", "amount": first["amount"], "currency": "EUR",
                       "due_date": first["date_due"],
                       "payment_state": "paid" if pd.notna(first["date_paid"]) else "not_paid"}
    if pd.notna(ticket.product_id):
        product_id = int(ticket.product_id)
        receipts = company.incoming.loc[company.incoming["product_id"] == product_id, "date_expected"]
        product = {"name": company.products.set_index("product_id").at[product_id, "name"],
                   "stock_qty": company.stock.loc[company.stock["product_id"] == product_id, "qty_on_hand"].sum(),
                   "next_receipt_date": receipts.min() if len(receipts) else None}
    name = company.customers.set_index("customer_id").at[ticket.customer_id, "name"]
    # A demo ticket is one message: its text, as the helpdesk counts a ticket's description.
    return reply_context(name, pd.Timestamp(company.reference_date), order=order, invoice=invoice, product=product,
                         text=f"{ticket.subject} {ticket.body}", message_count=1)


def tickets_and_replies(ctx: JobContext) -> Section:
    """Learn from closed tickets, read the open ones, and draft replies with the operational context."""
    from ai_insights.nlp import ReplySuggester, group_key_phrases, ticket_texts, trending_phrases
    from ai_insights.nlp.escalation import applied_labels, escalations
    from ai_insights.nlp.training import train_ticket_analyzer

    company = ctx.company
    tickets = company.tickets
    closed = tickets[tickets["closed_at"].notna()]
    analyzer = train_ticket_analyzer(ticket_texts(closed), closed[TICKET_TASKS].reset_index(drop=True),
                                     dates=closed["created_at"])
    card = analyzer.card_
    open_tickets = tickets[tickets["closed_at"].isna()]
    results = analyzer.predict_many(ticket_texts(open_tickets))
    predictions = pd.DataFrame(results, index=open_tickets.index)
    phrases = analyzer.candidate_phrases(ticket_texts(tickets))
    names = company.products.set_index("product_id")["name"]

    section = Section(
        words("Service-to-Resolution: what customers write about, and the replies ready to send"),
        words("The ticket model learnt category, urgency and sentiment as the helpdesk does, from the {seed} tickets "
              "of the seed corpus and the {closed} closed tickets in Spanish and English, each closed ticket weighing "
              "{weight} seed tickets (a fifth of them all held out to judge it), then read the {open} open tickets.",
              seed=_count(card.extra["seed_tickets"]), closed=_count(card.extra["own_tickets"]),
              weight=_count(card.extra["own_ticket_weight"]), open=_count(len(open_tickets))),
    )
    section.figures = {words("macro-F1 {task} (held out)", task=words(task)):
                       words.number(card.metrics[f"macro_f1_{task}"], 3) for task in TICKET_TASKS}
    # The helpdesk's rule: the labels the analysis applies (confident ones), the churn step's expected margin.
    churn = ctx.results.get("churn")
    value = (churn["expected_margin"].reindex(open_tickets["customer_id"]).fillna(0).to_numpy()
             if churn is not None else np.zeros(len(open_tickets)))
    codes = escalations(applied_labels(results, "urgency"), applied_labels(results, "sentiment"),
                        [result["sentiment_score"] for result in results], value)
    escalate = pd.Series(codes != "", index=open_tickets.index)
    ctx.results["tickets"] = {"analyzer": analyzer, "open_results": results, "escalations": codes}
    section.figures[words("open tickets to escalate")] = _count(int(escalate.sum()))
    # Counted on the results, not a frame of them: with no open ticket the frame has no column.
    section.figures[words("left to a person (low confidence)")] = _count(
        sum(bool(result["needs_review"]) for result in results))

    matrix = card.extra["confusion_matrices"]["category"]
    figure, axes = new_figure(5.0, 4.0)
    axes.imshow(np.array(matrix["matrix"]), cmap="Purples")
    axes.set_xticks(range(len(matrix["labels"])), matrix["labels"], rotation=45, ha="right")
    axes.set_yticks(range(len(matrix["labels"])), matrix["labels"])
    axes.set_xlabel(words("predicted"))
    axes.set_ylabel(words("labelled"))
    section.add_chart(words("Category confusion on held-out tickets: returns and defects are the usual mix-up."),
                      figure)
    if results:  # a company with no open ticket has no chart of them
        counts = predictions.groupby(["category", "sentiment"]).size().unstack(fill_value=0)
        figure, axes = new_figure(5.0, 3.2)
        counts.plot.barh(stacked=True, ax=axes, color={"negative": "#fca5a5", "neutral": "#e5e7eb",
                                                        "positive": "#a7f3d0"})
        axes.set_xlabel(words("open tickets"))
        axes.set_ylabel("")
        axes.legend(title=words("sentiment"))
        section.add_chart(words("Open tickets by predicted category and sentiment."), figure)

    with_product = tickets["product_id"].notna().to_numpy()
    per_product = group_key_phrases([p for p, keep in zip(phrases, with_product) if keep],
                                    tickets.loc[with_product, "product_id"].astype(int).tolist(), top_n=3)
    busiest = tickets["product_id"].value_counts().head(8).index.astype(int)
    section.add_table(words("What customers say about the most discussed products"), pd.DataFrame([
        {words("product"): names[pid], words("tickets"): int((tickets["product_id"] == pid).sum()),
         words("key phrases"): ", ".join(item["phrase"] for item in per_product.get(pid, []))} for pid in busiest]))
    trending = trending_phrases(phrases, tickets["created_at"], reference_date=company.reference_date)
    if trending:
        section.add_table(words("Trending in the last 30 days"), pd.DataFrame(trending)[
            ["phrase", "recent_count", "previous_count", "lift"]].rename(columns=_columns({
                "phrase": "phrase", "recent_count": "last 30 days", "previous_count": "30 days before",
                "lift": "lift"})))

    suggester = ReplySuggester()
    examples = []
    # At most three open tickets, the escalated ones first; none when nothing is open.
    for index in predictions.index[escalate.to_numpy()][:3].tolist() or predictions.index[:3].tolist():
        ticket, prediction = tickets.loc[index], predictions.loc[index]
        reply = suggester.suggest(prediction["category"], prediction["language"], _ticket_context(company, ticket))
        examples.append({words("ticket"): f"{ticket['subject']}", words("category"): words(prediction["category"]),
                         words("urgency"): words(prediction["urgency"]),
                         words("sentiment"): words(prediction["sentiment"]), words("suggested reply"): reply["text"]})
    if examples:
        section.add_table(words("Suggested replies, in the customer's language, with the order and invoice facts"),
                          pd.DataFrame(examples))
    ctx.summary.append(words(
        "tickets: macro-F1 category {category}, urgency {urgency}, sentiment {sentiment}; {escalate} of {open} open "
        "tickets to escalate", category=words.number(card.metrics["macro_f1_category"], 3),
        urgency=words.number(card.metrics["macro_f1_urgency"], 3),
        sentiment=words.number(card.metrics["macro_f1_sentiment"], 3), escalate=_count(int(escalate.sum())),
        open=_count(len(open_tickets))))
    return section


def actions_and_impact(ctx: JobContext) -> Section:
    """Predictions wired to actions, a control group per rule, and the impact measured afterwards."""
    if getattr(ctx.company, "truth", None) is None:
        return Section(words("Prediction to action: measured impact"),
                       notes=[words("On a live company the impact is measured in Odoo as outcomes come in "
                                    "(ERP-CRM Fusion > Action impact); the simulation needs the demo company.")])
    from demo_company.simulation import simulate_rules

    # The churn step's production scores and card: the churn risk and lifetime value Odoo's rules read
    simulation = simulate_rules(ctx.company, forecast_daily=_forecast_daily(ctx), scores=ctx.results.get("churn"),
                                card=ctx.results.get("churn_card"))
    ctx.results["actions"] = simulation
    section = Section(
        words("Prediction to action: measured impact"),
        words("Each rule acts on the customers its prediction selects, except a random control group that gets "
              "nothing. What customers did in the next 90 days was decided by the demo's hidden response model, not "
              "by this software, so a bad rule shows up as no effect or harm."),
    )
    if words.language == "en":
        ctx.summary.extend(f"actions: {line}" for line in simulation.summary_lines())
    else:  # the core's sentences are English: the report says the same from the figures
        ctx.summary.extend(words("actions: {summary}", summary=_impact_summary(run.impact)) for run in simulation.rules)
    section.notes.extend(words("{name}: not measured ({why}).", name=name, why=why)
                         for name, why in simulation.unmeasured.items())
    if not simulation.rules:
        return section
    for run in simulation.rules:
        primary = run.impact.primary
        section.figures[words("{rule}: churn uplift", rule=words(run.rule.name))] = (
            f"{words.percent(primary.uplift, signed=True)} [{words.percent(primary.ci_low, signed=True)}, "
            f"{words.percent(primary.ci_high, signed=True)}]")
    data = simulation.chart_data()
    figure, axes = new_figure(6.4, 2.6)
    positions = np.arange(len(data["rules"]))
    axes.errorbar(np.array(data["uplift"]) * 100, positions, color="#714b67", fmt="o", capsize=4,
                  xerr=[np.array(data["err_low"]) * 100, np.array(data["err_high"]) * 100], label=words("measured"))
    axes.scatter(np.array(data["true_uplift"]) * 100, positions, marker="x", color="#9ca3af",
                 label=words("true effect (demo only)"))
    axes.axvline(0, color="#9ca3af", linewidth=0.8)
    axes.set_yticks(positions, data["rules"])
    axes.set_xlabel(words("churn uplift, points (positive = fewer customers lost)"))
    axes.legend(loc="lower right", fontsize=8)
    section.add_chart(words("Uplift with its 95% interval, per rule."), figure)
    section.add_table(words("Rules, what they did and what it was worth"), pd.DataFrame([{
        words("rule"): words(run.rule.name),
        words("acted on"): run.decisions.get("act", 0),
        words("control"): run.decisions.get("control", 0),
        words("skipped"): sum(n for status, n in run.decisions.items() if status not in ("act", "control")),
        words("churn treated"): words.percent(run.impact.primary.treated_rate),
        words("churn control"): words.percent(run.impact.primary.control_rate),
        words("margin per customer"): run.impact.margin_uplift,
        words("cost of actions"): run.impact.cost,
        words("verdict"): words(run.impact.verdict),
    } for run in simulation.rules]))
    section.notes.extend(run.impact.summary() if words.language == "en" else _impact_summary(run.impact)
                         for run in simulation.rules)
    return section


def _impact_summary(impact: Any) -> str:
    """An :class:`~ai_insights.actions.impact.ImpactReport`'s ``summary()`` in the report's language."""
    primary = impact.primary
    text = words(
        "{rule}: {outcome} {treated} treated (n={n_treated}) vs {control} control (n={n_control}); uplift {uplift} "
        "({confidence} CI {low} to {high}; positive = {better}): {verdict}.", rule=words(impact.rule),
        outcome=words(primary.outcome), treated=words.percent(primary.treated_rate), n_treated=impact.n_treated,
        control=words.percent(primary.control_rate), n_control=impact.n_control,
        uplift=words.percent(primary.uplift, signed=True), confidence=words.percent(impact.confidence, 0),
        low=words.percent(primary.ci_low, signed=True), high=words.percent(primary.ci_high, signed=True),
        better=words("less {outcome}" if primary.lower_is_better else "more {outcome}",
                     outcome=words(primary.outcome)), verdict=words(impact.verdict))
    text += " " + words("Margin per customer {margin} (CI {low} to {high}); actions cost {cost}.",
                        margin=_signed(impact.margin_uplift), low=_signed(impact.margin_ci_low),
                        high=_signed(impact.margin_ci_high), cost=words.number(impact.cost, 2))
    if impact.verdict != "helps":
        text += " " + words("The rule should be changed or switched off.")
    return text


def _signed(value: float) -> str:
    return ("-" if value < 0 else "+") + words.number(abs(value), 2)


def _status(status: str) -> str:
    """A promise status (``on_time``, ``late``...) in words."""
    return words(status.replace("_", " "))


def _verdict(verdict: str) -> str:
    """A pricing verdict (``exceeds_max_discount``...) in words."""
    return words(verdict.replace("_", " "))


def _columns(names: dict[str, str]) -> dict[str, str]:
    """Column renames to the report's words: {column: English heading} -> {column: heading in the language}."""
    return {column: words(heading) for column, heading in names.items()}


def cost_of_disconnection(ctx: JobContext) -> Section:
    """The cockpit: what the gap between sales and operations cost, and what the rules changed."""
    if getattr(ctx.company, "promise_checks", None) is None:
        return Section(words(COCKPIT_TITLE), notes=[words("On a live company the cockpit is in Odoo (Sales > "
                                                          "Reporting > Cockpit), filled from the promise verdicts "
                                                          "kept on each order.")])
    from crm_bridge.pricing.guardrail import PricingPolicy
    from demo_company.cockpit_report import cockpit_report_section, cockpit_section, company_records

    simulation = ctx.results.get("actions")
    impacts = {words(run.rule.name): run.impact for run in simulation.rules} if simulation else None
    # The rules the promise step applies to quotations: its pricing policy, the forecast's days of cover.
    records = company_records(ctx.company, PricingPolicy(), _forecast_daily(ctx))
    ctx.summary.extend(words("cockpit: {line}", line=line)
                       for line in cockpit_section(ctx.company, impacts=impacts, records=records))
    return cockpit_report_section(ctx.company, impacts=impacts, records=records)


COCKPIT_TITLE = "The cost of disconnection: the cockpit"
Step = tuple[str, Callable[[JobContext], Section | None]]
STEPS: list[Step] = [
    ("Company overview", overview),
    ("Churn risk and lifetime value", churn_and_value),
    ("Demand forecast", demand_forecast),
    ("Promises and pricing on open quotations", promises_and_pricing),
    ("Ticket NLP, escalations and suggested replies", tickets_and_replies),
    ("Prediction to action: simulation and measured impact", actions_and_impact),
    # Last, because it reads the rules' measured impact; the report opens with it.
    (COCKPIT_TITLE, cost_of_disconnection),
]


def _load_company(size: str, seed: int) -> tuple[Any, str]:
    if os.environ.get("ODOO_URL"):
        from crm_bridge.tables.odoo import read_company_from_env

        return read_company_from_env(), words("live Odoo at {url}", url=os.environ["ODOO_URL"])
    from . import generate

    return generate(seed=seed, size=size), words("demo company (size {size}, seed {seed})", size=size, seed=seed)


def run_main_job(out_dir: str | Path = "reports", size: str = "default", seed: int = 7,
                 echo: Callable[[str], None] = print, lang: str = "en") -> Path:
    """Run every capability and write the report in ``lang`` (``en`` or ``es``); return the report's path."""
    set_language(lang)
    out_dir = Path(out_dir)
    started = time.monotonic()
    echo(f"[1/{len(STEPS) + 1}] " + words("Loading the company..."))
    company, source = _load_company(size, seed)
    echo("      " + words("{source}: {customers} customers, {lines} order lines ({seconds} s)", source=source,
                          customers=_count(len(company.customers)), lines=_count(len(company.order_lines)),
                          seconds=_count(time.monotonic() - started)))
    ctx = JobContext(company=company, source=source, out_dir=out_dir)
    sections = []
    for number, (title, step) in enumerate(STEPS, start=2):
        step_started = time.monotonic()
        echo(f"[{number}/{len(STEPS) + 1}] {words(title)}...")
        try:
            section = step(ctx)
        except FusionError as error:  # e.g. too little history: say so instead of showing nonsense
            section = Section(words(title), notes=[words("Not run: {why}", why=error.message)])
            ctx.summary.append(words("{step}: not run ({code}: {why})", step=words(title).lower(), code=error.code,
                                     why=error.message))
        if section is not None:
            sections.append(section)
        echo("      " + words("done in {seconds} s", seconds=_count(time.monotonic() - step_started)))
    sections.sort(key=lambda section: section.title != words(COCKPIT_TITLE))  # stable: the cockpit first
    path = render_report(out_dir / "fusion-report.html", words("ERP-CRM Fusion: what the data says and what to do"),
                         source, sections)
    echo("")
    echo(words("Summary"))
    for line in ctx.summary:
        echo(f"  - {line}")
    echo(words("Report: {path}  ({seconds} s in all)", path=path.resolve(),
               seconds=_count(time.monotonic() - started)))
    return path

