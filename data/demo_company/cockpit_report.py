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
from crm_bridge.pricing.guardrail import PricingPolicy
from demo_company.report import Section, new_figure, words

__all__ = ["cockpit_report_section", "cockpit_section", "company_records"]

#: How each unit of a measure is written, in the report's language.
_UNIT_FORMAT = {"currency": lambda value: words.number(value), "hours": lambda value: f"{words.number(value)} h",
                "count": lambda value: words.number(value), "share": lambda value: words.percent(value),
                "days": lambda value: words("{days} days", days=words.number(value, 1))}


def _format(key: str, value: float) -> str:
    return _UNIT_FORMAT[MEASURES[key].unit](value)


def _label(key: str) -> str:
    """A measure's label in the report's language (the cockpit addon's translation)."""
    return words(MEASURES[key].label)


def company_records(company, policy: PricingPolicy | None = None,
                    forecast_daily: pd.Series | None = None) -> CockpitRecords:
    """The cockpit's records of ``company``: :func:`~crm_bridge.cockpit.measures.cockpit_records` on its public and
    record tables at its reference date.

    ``policy`` and ``forecast_daily`` are the main job's: the pricing policy its promise step checks quotations
    with and its forecast's daily demand, so the guardrail and scarcity are those the sale order applies (as
    Odoo's cockpit passes the company's policy and stored forecast). Without them, the core's defaults.
    """
    return cockpit_records({**company.public_tables(), **company.record_tables()}, company.reference_date,
                           policy=policy, forecast_daily=forecast_daily)


def _caveats(company, records: CockpitRecords) -> list[str]:
    """The association between late deliveries and lapsing (not a cause), and what could not be measured."""
    churn = late_delivery_churn(company.public_tables(), company.reference_date).set_index("segment").loc["all"]
    lines = [words(
        "Associated, not caused: customers who got a late delivery lapsed {late} of the time, the others {on_time} "
        "(difference {difference}, 95% interval {low} to {high}); customers who order more get more late "
        "deliveries and lapse less, so this says nothing about cause.",
        late=words.percent(churn["lapsed_late"] / max(churn["customers_late"], 1)),
        on_time=words.percent(churn["lapsed_on_time"] / max(churn["customers_on_time"], 1)),
        difference=words.percent(churn["difference"], signed=True), low=words.percent(churn["ci_low"], signed=True),
        high=words.percent(churn["ci_high"], signed=True))]
    # The reason names source columns: for an integrator's log, not for the manager reading this
    return lines + [words("Not measured: {measure} (the company's records do not hold what it needs).",
                          measure=_label(key)) for key in records.unavailable]


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
        Already computed records (default: :func:`company_records` with the core's defaults).
    """
    records = records or company_records(company)
    whole = cockpit_figures(records.records, by=()).set_index("measure")["figure"]
    months = records.records["month"].dropna()
    lines = [words("Cockpit: the cost of disconnection, {start} to {end}", start=words.month(months.min()),
                   end=words.month(months.max()))]
    for key, measure in MEASURES.items():
        if measure.side == "conflict" and key not in records.unavailable:
            lines.append(f"  {_label(key)}: {_format(key, whole.get(key, 0.0))} ({words(measure.evidence)})")
    lines.append("  " + words("(An estimated loss below zero: no more cancellations than orders with a feasible "
                              "promise had.)"))
    lines.append(words("Paired KPIs (sales | operations):"))
    for sales, operations in PAIRS:
        lines.append(f"  {_label(sales)} {_format(sales, whole[sales])} | "
                     f"{_label(operations)} {_format(operations, whole[operations])}")
    lines.extend(_caveats(company, records))
    if switch_on is not None:
        lines.append(words("Before and after {date} (associated: no control group):", date=words.date(switch_on)))
        for row in before_after(records.records, switch_on).itertuples():
            if MEASURES[row.measure].side == "conflict":
                lines.append("  " + words(
                    "{measure}: {before} a month before, {after} after (95% interval of the difference {low} to "
                    "{high})", measure=_label(row.measure), before=_format(row.measure, row.before),
                    after=_format(row.measure, row.after), low=_format(row.measure, row.ci_low),
                    high=_format(row.measure, row.ci_high)))
    if impacts:
        lines.append(words("Treated against control (measured):"))
        for row in treated_vs_control(impacts).itertuples():
            lines.append("  " + words(
                "{rule}, {outcome}: {treated} treated vs {control} control, uplift {uplift} ({low} to {high}): "
                "{verdict}", rule=row.rule, outcome=words(row.outcome), treated=words.percent(row.treated_rate),
                control=words.percent(row.control_rate), uplift=words.percent(row.uplift, signed=True),
                low=words.percent(row.ci_low, signed=True), high=words.percent(row.ci_high, signed=True),
                verdict=words(row.verdict)))
    return lines


def cockpit_report_section(company, switch_on: dt.date | None = None, impacts: Mapping | None = None,
                           records: CockpitRecords | None = None) -> Section:
    """The report's first section: the headline costs, the monthly chart, the pairs and the salespeople.

    The parameters are :func:`cockpit_section`'s.
    """
    records = records or company_records(company)
    whole = cockpit_figures(records.records, by=()).set_index("measure")["figure"]
    section = Section(words("The cost of disconnection: the cockpit"),
                      intro=words("What the gap between what sales promised and what operations could do cost, "
                                  "from the company's own records. Estimated figures state their correction; "
                                  "associated ones are not causes."))
    for key in ("lost_to_late_promise", "lost_to_stock_out", "margin_above_guardrail", "conflict_ticket_hours",
                "promise_accuracy"):
        if key in whole:
            section.figures[_label(key)] = _format(key, whole[key])
    monthly = cockpit_figures(records.records, by=("month",))
    wide = monthly.pivot(index="month", columns="measure", values="figure")
    figure, axes = new_figure()
    for key in ("lost_after_bad_promise", "margin_above_guardrail"):
        if key in wide:
            axes.plot(wide.index, wide[key], label=_label(key))
    axes.set_ylabel(words("per month"))
    axes.legend(frameon=False, fontsize=8)
    section.add_chart(words("Revenue cancelled after bad promises and margin given above the guardrail, per month"),
                      figure)
    people = cockpit_figures(records.records, by=("salesperson",))
    people = people[people["measure"].isin(["lost_after_bad_promise", "margin_above_guardrail",
                                            "conflict_tickets", "promise_accuracy"]) & (people["salesperson"] != "")]
    per_person = people.pivot(index="salesperson", columns="measure", values="figure").reset_index()
    section.add_table(words("Per salesperson"), per_person.rename(
        columns={"salesperson": words("salesperson"), **{key: _label(key) for key in MEASURES}}))
    section.add_table(words("Paired KPIs"), pd.DataFrame([
        {words("sales"): _label(s), words("sales figure"): _format(s, whole[s]), words("operations"): _label(o),
         words("operations figure"): _format(o, whole[o])} for s, o in PAIRS]))
    section.notes.extend(_caveats(company, records))
    return section
