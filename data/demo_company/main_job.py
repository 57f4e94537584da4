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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .report import Section, new_figure, render_report

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
    return f"{value:,.0f}"


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
        "The company at a glance",
        f"{len(customers):,} customers, {len(company.products):,} products in {len(company.warehouses)} warehouses, "
        f"{len(company.orders):,} orders with {len(company.order_lines):,} lines, {len(company.tickets):,} tickets.",
    )
    section.figures = {
        "revenue": _money(revenue),
        "gross margin": f"{lines['margin'].sum() / revenue:.1%}" if revenue else "n/a",
        "average discount": f"{lines['discount'].mean():.1f}%",
        "open quotations": f"{(company.orders['state'] == 'quotation').sum():,}",
        "open tickets": f"{company.tickets['closed_at'].isna().sum():,}",
    }
    monthly = (lines.assign(month=lines["date_order"].dt.to_period("M").dt.to_timestamp())
               .pivot_table(index="month", columns="segment", values="revenue", aggfunc="sum").fillna(0))
    figure, axes = new_figure()
    monthly.plot(ax=axes, marker="o", markersize=3)
    axes.set_ylabel("revenue")
    axes.set_xlabel("")
    section.add_chart("Monthly revenue per segment: B2B and B2C do not peak at the same time.", figure)

    invoices = company.invoices
    paid = invoices.dropna(subset=["date_paid"])
    delay = (paid["date_paid"] - paid["date_due"]).dt.days.clip(lower=0)
    figure, axes = new_figure()
    axes.hist(delay, bins=30, color="#714b67")
    axes.set_xlabel("days paid after the due date")
    axes.set_ylabel("invoices")
    section.add_chart(f"Payment behaviour: {(delay > 0).mean():.0%} of invoices are paid late.", figure)
    ctx.summary.append(f"company: {len(customers):,} customers, {len(company.orders):,} orders, "
                       f"revenue {_money(revenue)}")
    return section


Step = tuple[str, Callable[[JobContext], Section | None]]
STEPS: list[Step] = [("Company overview", overview)]


def _load_company(size: str, seed: int) -> tuple[Any, str]:
    if os.environ.get("ODOO_URL"):
        from crm_bridge.odoo_tables import read_company_from_env

        return read_company_from_env(), f"live Odoo at {os.environ['ODOO_URL']}"
    from . import generate

    return generate(seed=seed, size=size), f"demo company (size {size}, seed {seed})"


def run_main_job(out_dir: str | Path = "reports", size: str = "default", seed: int = 7,
                 echo: Callable[[str], None] = print) -> Path:
    """Run every capability and write the report; return the report's path."""
    out_dir = Path(out_dir)
    started = time.monotonic()
    echo(f"[1/{len(STEPS) + 1}] Loading the company...")
    company, source = _load_company(size, seed)
    echo(f"      {source}: {len(company.customers):,} customers, {len(company.order_lines):,} order lines "
         f"({time.monotonic() - started:.0f} s)")
    ctx = JobContext(company=company, source=source, out_dir=out_dir)
    sections = []
    for number, (title, step) in enumerate(STEPS, start=2):
        step_started = time.monotonic()
        echo(f"[{number}/{len(STEPS) + 1}] {title}...")
        section = step(ctx)
        if section is not None:
            sections.append(section)
        echo(f"      done in {time.monotonic() - step_started:.0f} s")
    path = render_report(out_dir / "fusion-report.html", "ERP-CRM Fusion: what the data says and what to do",
                         source, sections)
    echo("")
    echo("Summary")
    for line in ctx.summary:
        echo(f"  - {line}")
    echo(f"Report: {path.resolve()}  ({time.monotonic() - started:.0f} s in all)")
    return path

