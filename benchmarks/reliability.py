"""The CRM bridge under attack, faults and load: the large run of the reliability harness.

Against one real Odoo 18 server on a private PostgreSQL (started here), over
XML-RPC and JSON-RPC, as sources' technical users with API keys
(``tests/reliability/harness.py`` has the parts; CI runs a small version):

* 1,200 generated malformed calls over every operation and both transports;
* the access matrix (no group, no source, archived source, operation not
  allowed, another company, records not owned, the partner of a user, context
  injection) on both transports, and each source's feed checked for others' records;
* 8 concurrent clients x 1,000 leads (two sources, four clients each sending the
  same external ids under their own keys: races), each sent twice (replays);
* a server SIGKILLed while a client pushes 1,000 leads, restarted on the same
  port, the client resuming from its saved state file.

Figures: ``reliability_cases``, ``reliability_structured_errors`` and the ones
that must be 0: ``reliability_tracebacks``, ``reliability_partial_writes``,
``reliability_duplicates``, ``reliability_lost``, ``reliability_leaks``. And
``bridge_vs_raw_create_ratio``: 1,000 new leads upserted through the bridge in
batches of 500 against a raw ``crm.lead.create`` of the same leads in batches
of 500 (no validation, no idempotency, no binding), best of three each, the two
interleaved; goal <= 1.5. Both go over JSON-RPC (the bridge client's transport)
and the raw create gets the mail context the bridge sets for its own writes
(``RAW_CONTEXT``, as ``fusion.bridge._as_source``): without it the floor pays
for chatter messages and followers the bridge does not write, which made the
earlier 0.22 meaningless. What is left is the bridge's own cost: validation,
idempotency keys, bindings, the request log and the outbox.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import odoorpc

from crm_bridge.sync.client import BridgeClient
from tools.odoo_server import OdooServer
from tools.odoo_tier import (
    DB_USER,
    OdooNotFound,
    cluster,
    create_database,
    ensure_odoo_requirements,
    locate_odoo,
    odoo_env,
    write_config,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "reliability"))
import harness  # noqa: E402  (tests/ is not a package)

DATABASE = "fusion_bench_reliability"
FUZZ_CASES = 1200
CLIENTS, RECORDS = 8, 1000
KILL_RECORDS = 1000
RATIO_LEADS, RATIO_BATCH, RATIO_REPEATS = 1000, 500, 3
# What fusion.bridge._as_source adds to the context of the bridge's writes.
RAW_CONTEXT = {"tracking_disable": True, "mail_create_nosubscribe": True, "mail_create_nolog": True}


def _connect(port: int, login: str, password: str) -> odoorpc.ODOO:
    odoo = odoorpc.ODOO("127.0.0.1", port=port, timeout=900)
    odoo.login(DATABASE, login, password)
    return odoo


def _bridge_vs_raw(port: int, world: harness.World, admin: odoorpc.ODOO) -> float:
    client = BridgeClient(_connect(port, *world.logins["a"]), batch_size=RATIO_BATCH)
    bridge_s, raw_s = float("inf"), float("inf")
    for repeat in range(RATIO_REPEATS):
        leads = [{"name": f"Ratio {repeat} {i}", "expected_revenue": float(i)} for i in range(RATIO_LEADS)]
        records = [{"idempotency_key": f"ratio-{repeat}-{i}", "external_id": f"RATIO-{repeat}-{i}",
                    "values": values} for i, values in enumerate(leads)]
        started = time.perf_counter()
        results = client.upsert_leads(records)
        bridge_s = min(bridge_s, time.perf_counter() - started)
        assert {r["status"] for r in results} == {"created"}, results[:2]
        raw_leads = [{**values, "name": f"Raw {values['name']}"} for values in leads]
        started = time.perf_counter()
        for start in range(0, RATIO_LEADS, RATIO_BATCH):
            admin.execute_kw("crm.lead", "create", [raw_leads[start:start + RATIO_BATCH]],
                             {"context": RAW_CONTEXT})
        raw_s = min(raw_s, time.perf_counter() - started)
    return bridge_s / raw_s


def run() -> Iterator[tuple[str, object]]:
    try:
        root = locate_odoo()
    except OdooNotFound:
        yield "reliability", "skipped: no Odoo 18"
        return
    ensure_odoo_requirements(root)
    with tempfile.TemporaryDirectory(prefix="fusion-bench-") as scratch, cluster() as pg:
        scratch_dir = Path(scratch)
        config = write_config(scratch_dir / "odoo.conf", root, pg, scratch_dir / "data")
        create_database(root, config, DATABASE, ["fusion_base", "fusion_crm_bridge"], scratch_dir / "install.log")
        server = OdooServer(config, DATABASE, scratch_dir / "server.log", env=odoo_env(root), timeout=300)
        port = server.start()
        try:
            admin = _connect(port, "admin", "admin")
            world = harness.build_world(admin, port, DATABASE)
            yield "bridge_vs_raw_create_ratio", _bridge_vs_raw(port, world, admin)

            tally = harness.Tally()
            started = time.perf_counter()
            harness.run_fuzz(tally, world.identities["a"], FUZZ_CASES, seed=2026, partner="WORLD-A",
                             product=world.product_code, bound_external_ids=lambda: {
                                 row["external_id"] for row in admin.env["fusion.bridge.binding"].search_read(
                                     [("source_id", "=", world.sources["a"])], ["external_id"])})
            yield "reliability_fuzz_s", time.perf_counter() - started
            harness.run_access_matrix(tally, harness.access_probes(world, admin))
            harness.feed_leaks(tally, world)

            def names(prefix: str) -> list[str]:
                return [row["name"] for row in admin.env["crm.lead"].search_read(
                    [("name", "=like", f"{prefix}%")], ["name"])]

            clients = [(_connect(port, *world.logins[tag]), label)
                       for tag, label in (("a", "RA"), ("a2", "RB")) for _client in range(CLIENTS // 2)]
            started = time.perf_counter()
            harness.run_concurrent(tally, clients, RECORDS, lambda tag: names(f"Race {tag} "))
            yield "reliability_concurrent_s", time.perf_counter() - started

            import psycopg2  # noqa: PLC0415 - Odoo's dependency, there once Odoo's requirements are

            database = psycopg2.connect(host="127.0.0.1", port=pg.port, dbname=DATABASE, user=DB_USER,
                                        password=DB_USER)
            database.autocommit = True

            def killed_names() -> list[str]:
                with database.cursor() as cr:
                    cr.execute("SELECT name FROM crm_lead WHERE name LIKE 'KILL lead %'")
                    return [row[0] for row in cr.fetchall()]

            harness.run_kill_and_resume(tally, server, lambda: _connect(port, *world.logins["a"]), KILL_RECORDS,
                                        scratch_dir / "state.json", lambda: len(killed_names()), killed_names)
            database.close()
            yield from tally.figures().items()
            for example in tally.examples:
                print("  ", example)
        finally:
            server.stop()
