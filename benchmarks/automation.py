"""Automation: leads and tickets routed by skill and capacity, against the rules companies use today.

Lead routing (``ai_insights.routing.leads``) learns each salesperson's win
rate by product category, segment, language and source from a history that
the demo's hidden truth generated (``demo_company.routing``), then routes a
new batch of 1,000 leads. The truth scores it against round robin and
against Odoo's rule-based assignment (language domain and a quota per
member, random among members with quota left). Figures are means over five
worlds with their standard deviation; the router never sees the truth.

Ticket routing (``ai_insights.routing.tickets``) learns each agent's hours
and rating per category and language from closed tickets and is scored
against routing by load alone (least loaded agent who speaks the language).

Dynamic pricing (``ai_insights.pricing``) learns each product's price
elasticity from a year of weekly sales that the demo's hidden price response
(``demo_company.price_response``) generated, then suggests prices inside the
guardrail (days of cover from the demo company's stock and sales). A
randomised :data:`PRICING_CONTROL_SHARE` of products keeps the old price;
every product is then sold for :data:`PRICING_EVAL_WEEKS` weeks under the
truth. ``pricing_margin_uplift`` and ``pricing_volume_change`` compare the
treated products with the control (every treated product, suggestion or not:
intention to treat), each group's evaluation weeks over its own last
:data:`PRICING_EVAL_WEEKS` weeks of history; the 95 % interval is a
bootstrap over products of the mean over worlds. ``_truth`` figures are what
the truth expects of the treated products at the new prices against the old
ones (no sampling noise, no control); ``_guardrail_rule`` is the same for
the simple baseline, the guardrail's own suggested discount (overstock and
retention) for every treated product. ``pricing_elasticity_coverage90``
is the share of products whose true elasticity lies in the 90 % interval.

Not measured yet: warehouse selection, and the Odoo-side
figures (``routing_1000_leads_s`` inside Odoo with its query count): the
Odoo adapter is not built. ``routing_1000_leads_core_s`` is the core alone.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from ai_insights.pricing import estimate_price_response, suggest_prices
from ai_insights.routing.leads import LEAD_FEATURES, route_leads
from ai_insights.routing.skills import PersonSkillModel
from ai_insights.routing.tickets import TicketSkills, route_tickets
from benchmarks._common import best_seconds
from crm_bridge.pricing.cover import cover_from_tables
from crm_bridge.pricing.guardrail import PricingPolicy
from demo_company.generator import generate
from demo_company.price_response import PriceWorld, price_world
from demo_company.routing import lead_world, odoo_rule_assignment, round_robin, ticket_world

SEEDS = range(5)
PRICING_EVAL_WEEKS = 8
PRICING_CONTROL_SHARE = 0.3
_BOOTSTRAP = 2000


def _lead_figures(seed: int) -> dict[str, float]:
    world = lead_world(seed)
    model = PersonSkillModel(LEAD_FEATURES, "binary").fit(world.history, world.history["person"],
                                                          world.history["won"])
    routed = route_leads(world.new, world.team, model)
    index = {person: i for i, person in enumerate(world.team["person"])}
    policies = {
        "": routed["person"].map(index).fillna(-1).astype(int).to_numpy(),
        "_odoo_rules": odoo_rule_assignment(np.random.default_rng(seed), world.new["lang"], world.team),
        "_round_robin": round_robin(len(world.new), len(world.team)),
    }
    revenue = world.new["expected_revenue"].to_numpy()
    figures = {}
    for suffix, people in policies.items():
        won = world.conversion(people)
        held = world.team["load"].to_numpy() + np.bincount(people[people >= 0], minlength=len(world.team))
        figures[f"routing_conversion{suffix}"] = won.mean()
        figures[f"routing_revenue{suffix}"] = (won * revenue).sum()
        figures[f"routing_max_load_ratio{suffix}"] = (held / world.team["limit"].to_numpy()).max()
        figures[f"routing_unassigned{suffix}"] = float((people < 0).sum())
    return figures


def _ticket_figures(seed: int) -> dict[str, float]:
    world = ticket_world(seed)
    index = {person: i for i, person in enumerate(world.agents["person"])}
    figures = {}
    for suffix, skills in (("", TicketSkills(world.closed)), ("_load_only", None)):
        people = route_tickets(world.open, world.agents, skills)["person"].map(index).fillna(-1).astype(int)
        figures[f"ticket_routing_resolution_hours{suffix}"] = np.nanmean(world.true_hours(people.to_numpy()))
    return figures


def _margin(world: PriceWorld, discount: np.ndarray, qty: np.ndarray) -> np.ndarray:
    price = world.products["list_price"].to_numpy() * (1.0 - discount)
    return qty * (price - world.products["cost"].to_numpy())


def _pricing_world(company, cover: pd.Series, seed: int) -> dict[str, object]:
    """One world: fit, suggest, sell the evaluation weeks; per-product outcomes for the treated/control comparison."""
    world = price_world(company, seed)
    response, _categories = estimate_price_response(world.history)
    true = world.elasticity.reindex(response.index)
    inside = (true - response["elasticity"]).abs() <= 1.645 * response["elasticity_sd"]
    products = world.products.assign(cover_days=cover.reindex(world.products["product_id"]).to_numpy())
    policy = PricingPolicy()
    suggested = suggest_prices(products, response, policy, control_share=PRICING_CONTROL_SHARE, salt=str(seed))
    discount = suggested["discount"].to_numpy()
    control = suggested["control"].to_numpy()

    last = world.history[world.history["week"] >= world.history["week"].max() - PRICING_EVAL_WEEKS + 1]
    pre_qty = last.groupby("product_id")["qty"].sum().reindex(world.products["product_id"]).to_numpy()
    pre_discount = last.assign(net=last["qty"] * last["discount"]).groupby("product_id")["net"].sum().reindex(
        world.products["product_id"]).to_numpy() / np.maximum(pre_qty, 1e-9)
    sold = world.sold_qty(discount, PRICING_EVAL_WEEKS)

    rule = policy.advise_batch(products["cost"], products["list_price"], products["category"].tolist(),
                               products["cover_days"].to_numpy()).suggested_discount
    old = _margin(world, np.zeros(len(discount)), world.expected_qty(np.zeros(len(discount)), PRICING_EVAL_WEEKS))
    treated = ~control
    return {
        "control": control,
        "pre_margin": _margin(world, pre_discount, pre_qty), "pre_qty": pre_qty,
        "margin": _margin(world, discount, sold), "qty": sold,
        "pricing_margin_uplift_truth": _margin(world, discount, world.expected_qty(discount, PRICING_EVAL_WEEKS))[
            treated].sum() / old[treated].sum() - 1.0,
        "pricing_volume_change_truth": world.expected_qty(discount, 1)[treated].sum()
        / world.expected_qty(np.zeros(len(discount)), 1)[treated].sum() - 1.0,
        "pricing_margin_uplift_guardrail_rule_truth": _margin(
            world, rule, world.expected_qty(rule, PRICING_EVAL_WEEKS))[treated].sum() / old[treated].sum() - 1.0,
        "pricing_volume_change_guardrail_rule_truth": world.expected_qty(rule, 1)[treated].sum()
        / world.expected_qty(np.zeros(len(discount)), 1)[treated].sum() - 1.0,
        "pricing_products_changed_share": float((suggested["code"] == "pricing_discount").mean()),
        "pricing_elasticity_coverage90": float(inside.mean()),
    }


def _treated_vs_control(world: dict[str, object], after: str, before: str, index: np.ndarray | None = None) -> float:
    """Treated products' after/before ratio over the control's, less one (on the products ``index`` picks)."""
    control = world["control"]
    rows = np.arange(len(control)) if index is None else index
    ratio = {}
    for name, members in (("treated", ~control[rows]), ("control", control[rows])):
        ratio[name] = world[after][rows][members].sum() / world[before][rows][members].sum()
    return ratio["treated"] / ratio["control"] - 1.0


def _pricing_figures() -> Iterator[tuple[str, float]]:
    company = generate(7)
    tables = {name: getattr(company, name) for name in ("products", "stock", "orders", "order_lines")}
    cover = cover_from_tables(tables, pd.Timestamp(company.orders["date_order"].max()).date())["cover_days"]
    worlds = [_pricing_world(company, cover, seed) for seed in SEEDS]
    rng = np.random.default_rng(15)
    for figure, after, before in (("pricing_margin_uplift", "margin", "pre_margin"),
                                  ("pricing_volume_change", "qty", "pre_qty")):
        values = np.array([_treated_vs_control(world, after, before) for world in worlds])
        draws = np.mean([[_treated_vs_control(world, after, before, rng.integers(0, len(world["control"]),
                                                                                 len(world["control"])))
                          for _ in range(_BOOTSTRAP)] for world in worlds], axis=0)
        yield figure, float(values.mean())
        yield f"{figure}_ci95_low", float(np.quantile(draws, 0.025))
        yield f"{figure}_ci95_high", float(np.quantile(draws, 0.975))
        yield f"{figure}_sd", float(values.std(ddof=1))
    yield from _summarise([{name: value for name, value in world.items() if isinstance(value, float)}
                           for world in worlds])
    yield "pricing_control_share", float(np.mean([world["control"].mean() for world in worlds]))


def _summarise(rows: list[dict[str, float]]) -> Iterator[tuple[str, float]]:
    for name in rows[0]:
        values = np.array([row[name] for row in rows])
        yield name, float(values.mean())
        yield f"{name}_sd", float(values.std(ddof=1))


def run() -> Iterator[tuple[str, object]]:
    lead_rows = [_lead_figures(seed) for seed in SEEDS]
    yield from _summarise(lead_rows)
    for base in ("odoo_rules", "round_robin"):
        ratios = [row["routing_revenue"] / row[f"routing_revenue_{base}"] for row in lead_rows]
        yield f"routing_revenue_vs_{base}_ratio", float(np.mean(ratios))
    yield from _summarise([_ticket_figures(seed) for seed in SEEDS])
    world = lead_world(0)
    model = PersonSkillModel(LEAD_FEATURES, "binary").fit(world.history, world.history["person"],
                                                          world.history["won"])
    yield from _pricing_figures()
    yield "routing_1000_leads_core_s", best_seconds(lambda: route_leads(world.new, world.team, model))
    yield "worlds", len(SEEDS)
