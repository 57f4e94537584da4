"""Privacy: consent decisions, retention runs and erasures, in the core and inside Odoo.

Core figures (no Odoo): ``consent_decisions_per_s`` (``decide_consent`` on
1,000,000 partner x channel x purpose questions against 500,000 recorded
consents) and ``retention_plan_1m_s`` (``plan_retention`` over a million
candidate records of six classes).

Odoo figures, measured in a throw-away database with ``fusion_privacy`` and
OCA ``helpdesk_mgmt`` installed (this file run as a script):

* ``erasure_1000_partners_s``: one erasure of 1,000 customers, each with an
  order, a note in their chatter, a consent and a ticket;
* ``erasure_queries_per_partner_100`` and ``erasure_queries_per_partner``
  (1,000): SQL queries of the erasure divided by the customers erased; a
  fixed cost per erasure (one read per model that may refer to a partner)
  plus a cost per customer (their own write) that does not grow with the
  number of records;
* ``retention_100k_tickets_s``: the retention cron anonymising the bodies of
  100,000 closed tickets past their period, run as ``ir.cron`` runs it while
  it reports work left (50,000 records a run), dry runs included;
* ``retention_queries_per_1000``: its SQL queries per thousand tickets, at
  10,000 and at 100,000 tickets (``retention_queries_per_1000_10k``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd

from benchmarks._common import best_seconds, measurement_env, odoo_figures, print_measured
from crm_bridge.privacy import CHANNELS, PURPOSES, RetentionPolicy, decide_consent, plan_retention

TODAY = date(2026, 11, 28)
ODOO_FIGURES = ("erasure_1000_partners_s", "erasure_queries_per_partner_100", "erasure_queries_per_partner",
                "retention_100k_tickets_s", "retention_queries_per_1000_10k", "retention_queries_per_1000")


def _core_figures() -> Iterator[tuple[str, object]]:
    rng = np.random.default_rng(16)
    n_records, n_queries = 500_000, 1_000_000
    days = pd.Timestamp(TODAY) - pd.to_timedelta(rng.integers(0, 1500, n_records), unit="D")
    records = pd.DataFrame({
        "partner_id": rng.integers(1, 300_000, n_records), "channel": rng.choice(CHANNELS, n_records),
        "purpose": rng.choice(PURPOSES, n_records), "granted": rng.random(n_records) < 0.7, "date": days,
        "expiry": np.where(rng.random(n_records) < 0.2, days + pd.Timedelta(days=730), pd.NaT),
        "source": rng.choice(["form", "portal", "bridge", "import"], n_records),
    })
    queries = pd.DataFrame({"partner_id": rng.integers(1, 300_000, n_queries),
                            "channel": rng.choice(CHANNELS, n_queries), "purpose": rng.choice(PURPOSES, n_queries),
                            "blacklisted": rng.random(n_queries) < 0.03})
    yield "consent_decisions_per_s", n_queries / best_seconds(lambda: decide_consent(records, queries, TODAY), 2)
    classes = ["interaction_notes", "ticket_bodies", "key_phrases", "bridge_payloads", "score_history",
               "training_labels"]
    candidates = pd.DataFrame({"data_class": rng.choice(classes, 1_000_000), "res_id": np.arange(1_000_000),
                               "date": pd.Timestamp(TODAY) - pd.to_timedelta(rng.integers(0, 2000, 1_000_000),
                                                                             unit="D")})
    policies = [RetentionPolicy(name, 365 * (i + 1), "anonymise" if i % 2 else "delete") for i, name in
                enumerate(classes)]
    yield "retention_plan_1m_s", best_seconds(lambda: plan_retention(policies, candidates, TODAY), 2)


def run() -> Iterator[tuple[str, object]]:
    yield from _core_figures()
    yield from odoo_figures(__file__, ["fusion_privacy", "helpdesk_mgmt"], ODOO_FIGURES)


# ---------------------------------------------------------------- Odoo figures

def _customers(env, count: int, product, prefix: str):
    """``count`` customers, each with a confirmed and paid-up order (nothing open), a note, a consent, a ticket."""
    from odoo import Command

    partners = env["res.partner"].create([{"name": f"{prefix} {i}", "email": f"{prefix.lower()}{i}@example.com",
                                           "phone": f"+34 600 {i:06d}", "customer_rank": 1} for i in range(count)])
    env["sale.order"].create([{"partner_id": p.id, "state": "cancel", "order_line": [
        Command.create({"product_id": product.id, "product_uom_qty": 1, "price_unit": 10.0})]} for p in partners])
    env["mail.message"].create([{"model": "res.partner", "res_id": p.id, "message_type": "comment",
                                 "body": f"Called {p.name} at {p.phone}"} for p in partners])
    env["fusion.privacy.consent"].create([{"partner_id": p.id, "channel": "email", "purpose": "retention",
                                           "granted": False, "source": "import"} for p in partners])
    env["helpdesk.ticket"].create([{"name": f"Ticket of {p.name}", "partner_id": p.id,
                                    "description": f"<p>Write to {p.email}</p>"} for p in partners])
    env.flush_all()
    return partners


def _erase(env, partners) -> tuple[float, int]:
    env.invalidate_all()
    before, started = env.cr.sql_log_count, time.perf_counter()
    env["fusion.privacy.erasure"]._erase_fusion_partners(partners)
    env.flush_all()
    return time.perf_counter() - started, env.cr.sql_log_count - before


def _retention(env, tickets: int, company) -> tuple[float, int]:
    """Close ``tickets`` tickets a year ago (in SQL: their number is what matters), then time the cron."""
    env.cr.execute("DELETE FROM helpdesk_ticket")
    team_stage = env["helpdesk.ticket.stage"].search([], limit=1)
    env.cr.execute("""
        INSERT INTO helpdesk_ticket (number, name, description, stage_id, company_id, closed_date, create_date,
                                     write_date, active, priority, kanban_state)
        SELECT 'B' || g, 'Bench ticket ' || g, '<p>body of ticket ' || g || '</p>', %s, %s,
               now() - interval '400 days', now() - interval '410 days', now(), true, '1', 'normal'
        FROM generate_series(1, %s) AS g""", (team_stage.id, company.id, tickets))
    env.invalidate_all()
    env["fusion.privacy.retention.policy"].search([]).unlink()
    env["fusion.privacy.retention.policy"].create({"data_class": "ticket_bodies", "period_days": 365,
                                                   "action": "anonymise"})
    before, started = env.cr.sql_log_count, time.perf_counter()
    policies = env["fusion.privacy.retention.policy"]
    while len(policies.search([])._get_fusion_retention_plan()):  # ir.cron runs it again while work remains
        policies._cron_apply_retention()
        env.flush_all()
    seconds, queries = time.perf_counter() - started, env.cr.sql_log_count - before
    env.cr.execute("SELECT count(*) FROM helpdesk_ticket WHERE description NOT LIKE '%%[erased]%%'")
    left = env.cr.fetchone()[0]
    if left:
        raise RuntimeError(f"the retention run left {left} ticket bodies")
    return seconds, queries


def _measure_in_odoo(odoo_args: list[str]) -> dict[str, object]:
    from odoo import Command

    figures: dict[str, object] = {}
    with measurement_env(odoo_args, tracking_disable=True, mail_create_nolog=True, mail_notrack=True) as env:
        product = env["product.product"].create({"name": "Bench goods", "list_price": 10.0,
                                                 "taxes_id": [Command.clear()]})
        small = _customers(env, 100, product, "Small")
        large = _customers(env, 1000, product, "Large")
        _seconds, queries = _erase(env, small)
        figures["erasure_queries_per_partner_100"] = queries / len(small)
        seconds, queries = _erase(env, large)
        figures.update(erasure_1000_partners_s=seconds, erasure_queries_per_partner=queries / len(large))
        _seconds, queries = _retention(env, 10_000, env.company)
        figures["retention_queries_per_1000_10k"] = queries / 10
        seconds, queries = _retention(env, 100_000, env.company)
        figures.update(retention_100k_tickets_s=seconds, retention_queries_per_1000=queries / 100)
    return figures


if __name__ == "__main__":
    print_measured(_measure_in_odoo)
