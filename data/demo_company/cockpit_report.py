"""The cockpit at the top of ``make demo``'s report: what the disconnection cost the demo company.

:func:`cockpit_section` gives the plain lines (the job's console summary and any text report);
:func:`cockpit_report_section` the report's :class:`~demo_company.report.Section`, with the monthly chart
and the tables. Both read :mod:`crm_bridge.cockpit` only: nothing here computes a figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from crm_bridge.cockpit.change import before_after, treated_vs_control
from crm_bridge.cockpit.measures import (
    MEASURES,
    PAIRS,
    CockpitRecords,
    cockpit_figures,
    cockpit_records,
    late_delivery_churn,
)
from demo_company.report import Section, new_figure

__all__ = ["cockpit_report_section", "cockpit_section"]

_UNIT_FORMAT = {"currency": "{:,.0f}", "hours": "{:,.0f} h", "count": "{:,.0f}", "share": "{:.1%}",
                "days": "{:.1f} days"}


def _format(key: str, value: float) -> str:
    return _UNIT_FORMAT[MEASURES[key].unit].format(value)


def _records(company) -> CockpitRecords:
    return cockpit_records({**company.public_tables(), **company.record_tables()}, company.reference_date)


def cockpit_section(company, switch_on: dt.date | None = None, impacts: Mapping | None = None,
                    records: CockpitRecords | None = None) -> list[str]:
    """The cockpit in plain lines: the costs, the paired KPIs, the association, and what changed.

    Parameters
    ----------
    company : demo_company.DemoCompany
        Read through its public and record tables only.
    switch_on : datetime.date, optional
        When the suite's checks were turned on: adds the before/after comparison.
    impacts : mapping, optional
        Rule name to its outcomes or :class:`~ai_insights.actions.impact.ImpactReport` (the main job's
        simulation keeps them): adds treated against control.
    records : CockpitRecords, optional
        Already computed records (default: computed here).
    """
    records = records or _records(company)
    whole = cockpit_figures(records.records, by=()).set_index("measure")["figure"]
    months = records.records["month"].dropna()
    lines = [f"Cockpit: the cost of disconnection, {months.min():%Y-%m} to {months.max():%Y-%m}"]
    for key, measure in MEASURES.items():
        if measure.side == "conflict" and key not in records.unavailable:
            lines.append(f"  {measure.label}: {_format(key, whole.get(key, 0.0))} ({measure.evidence})")
    lines.append("  (An estimated loss below zero: no more cancellations than orders with a feasible promise had.)")
    lines.append("Paired KPIs (sales | operations):")
    for sales, operations in PAIRS:
        lines.append(f"  {MEASURES[sales].label} {_format(sales, whole[sales])} | "
                     f"{MEASURES[operations].label} {_format(operations, whole[operations])}")
    churn = late_delivery_churn(company.public_tables(), company.reference_date).set_index("segment").loc["all"]
    lines.append(
        f"Associated, not caused: customers who got a late delivery lapsed "
        f"{churn['lapsed_late'] / max(churn['customers_late'], 1):.1%} of the time, the others "
        f"{churn['lapsed_on_time'] / max(churn['customers_on_time'], 1):.1%} (difference "
        f"{churn['difference']:+.1%}, 95% interval {churn['ci_low']:+.1%} to {churn['ci_high']:+.1%}); "
        "customers who order more get more late deliveries and lapse less, so this says nothing about cause.")
    for key, reason in records.unavailable.items():
        lines.append(f"  Not measured: {MEASURES[key].label} ({reason}).")
    if switch_on is not None:
        lines.append(f"Before and after {switch_on} (associated: no control group):")
        for row in before_after(records.records, switch_on).itertuples():
            if MEASURES[row.measure].side == "conflict":
                lines.append(f"  {MEASURES[row.measure].label}: {_format(row.measure, row.before)} a month before, "
                             f"{_format(row.measure, row.after)} after (95% interval of the difference "
                             f"{_format(row.measure, row.ci_low)} to {_format(row.measure, row.ci_high)})")
    if impacts:
        lines.append("Treated against control (measured):")
        for row in treated_vs_control(impacts).itertuples():
            lines.append(f"  {row.rule}, {row.outcome}: {row.treated_rate:.1%} treated vs {row.control_rate:.1%} "
                         f"control, uplift {row.uplift:+.1%} ({row.ci_low:+.1%} to {row.ci_high:+.1%}): "
                         f"{row.verdict}")
    return lines


def cockpit_report_section(company, switch_on: dt.date | None = None, impacts: Mapping | None = None) -> Section:
    """The report's first section: the headline costs, the monthly chart, the pairs and the salespeople."""
    records = _records(company)
    lines = cockpit_section(company, switch_on, impacts, records)
    whole = cockpit_figures(records.records, by=()).set_index("measure")["figure"]
    section = Section("The cost of disconnection: the cockpit",
                      intro="What the gap between what sales promised and what operations could do cost, "
                            "from the company's own records. Estimated figures state their correction; "
                            "associated ones are not causes.")
    for key in ("lost_to_late_promise", "lost_to_stock_out", "margin_above_guardrail", "conflict_ticket_hours",
                "promise_accuracy"):
        if key in whole:
            section.figures[MEASURES[key].label] = _format(key, whole[key])
    monthly = cockpit_figures(records.records, by=("month",))
    wide = monthly.pivot(index="month", columns="measure", values="figure")
    figure, axes = new_figure()
    for key in ("lost_after_bad_promise", "margin_above_guardrail"):
        if key in wide:
            axes.plot(wide.index, wide[key], label=MEASURES[key].label)
    axes.set_ylabel("per month")
    axes.legend(frameon=False, fontsize=8)
    section.add_chart("Revenue cancelled after bad promises and margin given above the guardrail, per month",
                      figure)
    people = cockpit_figures(records.records, by=("salesperson",))
    people = people[people["measure"].isin(["lost_after_bad_promise", "margin_above_guardrail",
                                            "conflict_tickets", "promise_accuracy"]) & (people["salesperson"] != "")]
    section.add_table("Per salesperson", people.pivot(index="salesperson", columns="measure", values="figure")
                      .reset_index())
    section.add_table("Paired KPIs", pd.DataFrame([
        {"sales": MEASURES[s].label, "sales figure": _format(s, whole[s]), "operations": MEASURES[o].label,
         "operations figure": _format(o, whole[o])} for s, o in PAIRS]))
    section.notes.extend(line.strip() for line in lines if line.startswith(("Associated", "  Not measured")))
    return section
