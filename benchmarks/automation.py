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
intention to treat), each group's evaluation weeks over its own
:data:`PRICING_PRE_WEEKS` weeks of history before, scaled to as many weeks
(the whole year: a longer before-period halves its noise; the interval was
±7.8 points with the last 8 weeks); the 95 % interval is a bootstrap over
products of the mean over worlds. ``_truth`` figures are what
the truth expects of the treated products at the new prices against the old
ones (no sampling noise, no control); ``_guardrail_rule`` is the same for
the simple baseline, the guardrail's own suggested discount (overstock and
retention) for every treated product. ``pricing_margin_uplift_oracle_truth``
is the ceiling: the margin-best discount inside the guardrail at each
product's *true* elasticity (no estimation error). It is about +0.4 %: at
list prices about 1.55 times cost and elasticities of -0.6 to -3, the
margin-best price is above the list price for most products, and the
guardrail allows only discounts, so no discounting policy can earn much, and
an experiment of 300 products cannot tell an effect that small from none. ``pricing_elasticity_coverage90``
is the share of products whose true elasticity lies in the 90 % interval.

``routing_1000_leads_core_s`` is the core alone. Inside Odoo (a throw-away
Odoo 18 database with ``fusion_routing``; "skipped" without an Odoo 18), a
sales team of :data:`ODOO_TEAM` salespeople (room for 150 open leads each) with :data:`ODOO_HISTORY` decided
leads routes new, unassigned leads: ``routing_100_leads_s`` and
``routing_1000_leads_s`` are the time of ``crm.lead._fusion_route`` on a
batch of 100 and of 1,000 (the load, the skill model's predictions, the
assignment and the writes, flushed; the fitted skill model is kept until the
decided leads change, as all day long), ``routing_1000_leads_cold_s`` the same
right after a lead was won or lost (the model is fitted again first), and
``routing_100_leads_queries_per_lead`` / ``routing_1000_leads_queries_per_lead``
its SQL queries over the leads (they fall with the batch when the queries do
not grow per lead; ``routing_1000_leads_queries`` is the count).
``routing_1000_leads_odoo_assign_s`` is Odoo's own rule-based assignment
(``crm.team._assign_and_convert_leads``, quota per member) of a like batch of
1,000 in the same process, ``routing_vs_odoo_assign_ratio`` ours over it.
``routing_1000_leads_tracked_s`` and ``_tracked_odoo_assign_s`` are the same
two with mail tracking and followers on, as a form, the mail gateway or a cron
runs them (``routing_tracked_vs_odoo_assign_ratio`` ours over Odoo's).
``routing_1000_leads_create_s`` / ``_create_unrouted_s`` are creating the
1,000 leads with routing on (routed as they are created) and off.
Warehouse choice is measured in ``benchmarks/warehouse.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from ai_insights.pricing import estimate_price_response, suggest_prices
from ai_insights.routing.leads import LEAD_FEATURES, route_leads
from ai_insights.routing.skills import PersonSkillModel
from ai_insights.routing.tickets import TicketSkills, route_tickets
from benchmarks._common import best_seconds, measurement_env, odoo_figures, print_measured
from crm_bridge.pricing.cover import cover_from_tables
from crm_bridge.pricing.guardrail import PricingPolicy
from demo_company.generator import generate
from demo_company.price_response import PriceWorld, price_world
from demo_company.routing import lead_world, odoo_rule_assignment, round_robin, ticket_world

SEEDS = range(5)
PRICING_EVAL_WEEKS = 8
PRICING_PRE_WEEKS = 52
PRICING_CONTROL_SHARE = 0.3
_BOOTSTRAP = 2000
ODOO_TEAM = 20
ODOO_HISTORY = 1000
ODOO_FIGURES = ("routing_100_leads_s", "routing_100_leads_queries_per_lead", "routing_1000_leads_s",
                "routing_1000_leads_queries", "routing_1000_leads_queries_per_lead", "routing_1000_leads_cold_s",
                "routing_1000_leads_odoo_assign_s",
                "routing_1000_leads_odoo_assign_queries_per_lead", "routing_vs_odoo_assign_ratio",
                "routing_1000_leads_create_s", "routing_1000_leads_create_unrouted_s",
                "routing_1000_leads_tracked_s", "routing_1000_leads_tracked_odoo_assign_s",
                "routing_tracked_vs_odoo_assign_ratio")


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

    last = world.history[world.history["week"] >= world.history["week"].max() - PRICING_PRE_WEEKS + 1]
    pre_qty = last.groupby("product_id")["qty"].sum().reindex(world.products["product_id"]).to_numpy()
    pre_discount = last.assign(net=last["qty"] * last["discount"]).groupby("product_id")["net"].sum().reindex(
        world.products["product_id"]).to_numpy() / np.maximum(pre_qty, 1e-9)
    pre_qty = pre_qty * PRICING_EVAL_WEEKS / PRICING_PRE_WEEKS
    sold = world.sold_qty(discount, PRICING_EVAL_WEEKS)

    rule = policy.advise_batch(products["cost"], products["list_price"], products["category"].tolist(),
                               products["cover_days"].to_numpy()).suggested_discount
    old = _margin(world, np.zeros(len(discount)), world.expected_qty(np.zeros(len(discount)), PRICING_EVAL_WEEKS))
    oracle = _oracle_discount(world, products["cost"].to_numpy(), suggested["max_discount"].to_numpy())
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
        "pricing_margin_uplift_oracle_truth": _margin(
            world, oracle, world.expected_qty(oracle, PRICING_EVAL_WEEKS))[treated].sum() / old[treated].sum() - 1.0,
        "pricing_products_changed_share": float((suggested["code"] == "pricing_discount").mean()),
        "pricing_elasticity_coverage90": float(inside.mean()),
    }


def _oracle_discount(world: PriceWorld, cost: np.ndarray, max_discount: np.ndarray) -> np.ndarray:
    """The margin-best discount at each product's true elasticity, inside the guardrail's maximum.

    With constant elasticity ``e < -1`` the margin-best price is ``cost * e / (1 + e)``; margin is
    single-peaked in price, so the best allowed discount is that price's, clipped to [0, max].
    """
    elasticity = world.elasticity.to_numpy()
    best_price = np.where(elasticity < -1, cost * elasticity / np.minimum(1 + elasticity, -1e-9), np.inf)
    return np.clip(1.0 - best_price / world.products["list_price"].to_numpy(), 0.0, max_discount)


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
    yield from odoo_figures(__file__, ["fusion_routing"], ODOO_FIGURES)


def _measure_in_odoo(odoo_args: list[str]) -> dict[str, object]:
    """Route batches of new leads in Odoo; Odoo's own assignment of a like batch is the same-process baseline."""
    import threading
    import time

    threading.current_thread().testing = True  # Odoo's assignment commits every 100 leads otherwise
    rng = np.random.default_rng(15)
    with measurement_env(odoo_args, tracking_disable=True, mail_create_nolog=True, mail_notrack=True,
                         mail_auto_subscribe_no_notify=True) as env:
        company = env.company
        env["res.lang"]._activate_lang("es_ES")
        spanish = env["res.lang"]._lang_get("es_ES")
        users = env["res.users"].create([{
            "name": f"Bench seller {i}", "login": f"bench_seller_{i}",
            "groups_id": [(6, 0, env.ref("sales_team.group_sale_salesman").ids)]} for i in range(ODOO_TEAM)])
        team = env["crm.team"].create({"name": "Bench team", "company_id": company.id})
        env["crm.team.member"].create([{
            "crm_team_id": team.id, "user_id": user.id, "assignment_max": 1500, "fusion_open_limit": 150,
            "fusion_lang_ids": [(6, 0, spanish.ids)] if i % 3 == 0 else []} for i, user in enumerate(users)])
        partners = env["res.partner"].create([{
            "name": f"Bench customer {i}", "is_company": bool(i % 2), "lang": ("es_ES", "en_US")[i % 3 == 0]}
            for i in range(200)])
        won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1)
        history = env["crm.lead"].create([{
            "name": f"Past lead {i}", "type": "opportunity", "team_id": team.id, "expected_revenue": 1000.0,
            "user_id": int(rng.choice(users.ids)), "partner_id": int(rng.choice(partners.ids))}
            for i in range(ODOO_HISTORY)])
        won = rng.random(len(history)) < 0.4
        env["crm.lead"].browse(np.array(history.ids)[won].tolist()).write({"stage_id": won_stage.id})
        history.filtered(lambda lead: not lead.stage_id.is_won).action_set_lost()

        def new_leads(size: int):
            return env["crm.lead"].create([{
                "name": f"New lead {i}", "type": "opportunity", "team_id": team.id, "user_id": False,
                "expected_revenue": float(rng.integers(500, 5000)), "partner_id": int(rng.choice(partners.ids))}
                for i in range(size)])

        def timed(work) -> tuple[float, int]:
            env.flush_all()
            env.invalidate_all()
            before, started = env.cr.sql_log_count, time.perf_counter()
            work()
            env.flush_all()
            return time.perf_counter() - started, env.cr.sql_log_count - before

        company.fusion_routing_enabled = False
        batches = {size: new_leads(size) for size in (10, 100, 1000)}
        cold = new_leads(1000)
        baseline = new_leads(1000)
        timed(batches[10]._fusion_route)  # warms the registry caches and fits the skill model
        figures = {}
        for size in (100, 1000):
            seconds, queries = timed(batches[size]._fusion_route)
            assert all(batches[size].mapped("user_id")), "every lead is routed"
            figures[f"routing_{size}_leads_s"] = seconds
            figures[f"routing_{size}_leads_queries_per_lead"] = queries / size
        figures["routing_1000_leads_queries"] = round(figures["routing_1000_leads_queries_per_lead"] * 1000)
        lost = new_leads(1)
        lost.user_id = users[0]
        lost.action_set_lost()  # the decided leads changed: the next routing fits the skill model again
        figures["routing_1000_leads_cold_s"], _ = timed(cold._fusion_route)
        seconds, queries = timed(lambda: team._assign_and_convert_leads(force_quota=True))
        figures["routing_1000_leads_odoo_assign_s"] = seconds
        figures["routing_1000_leads_odoo_assign_queries_per_lead"] = queries / len(baseline)
        figures["routing_vs_odoo_assign_ratio"] = figures["routing_1000_leads_s"] / seconds
        # As a form, the mail gateway or a cron runs: mail tracking and followers on.
        tracked = {"tracking_disable": False, "mail_notrack": False, "mail_auto_subscribe_no_notify": False}
        figures["routing_1000_leads_tracked_s"], _ = timed(new_leads(1000).with_context(**tracked)._fusion_route)
        new_leads(1000)
        seconds, _ = timed(lambda: team.with_context(**tracked)._assign_and_convert_leads(force_quota=True))
        figures["routing_1000_leads_tracked_odoo_assign_s"] = seconds
        figures["routing_tracked_vs_odoo_assign_ratio"] = figures["routing_1000_leads_tracked_s"] / seconds
        figures["routing_1000_leads_create_unrouted_s"], _ = timed(lambda: new_leads(1000))
        company.fusion_routing_enabled = True
        figures["routing_1000_leads_create_s"], _ = timed(lambda: new_leads(1000))
    return figures


if __name__ == "__main__":
    print_measured(_measure_in_odoo)
