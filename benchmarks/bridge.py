"""CRM bridge throughput against one real Odoo 18 server (started here, on a private PostgreSQL).

* ``bridge_batch_1000_s``: 1,000 new leads upserted in batched calls (the client's
  default batch, ``crm_bridge.contract.schemas.MAX_BATCH``).
* ``bridge_single_1000_s``: 1,000 other new leads, one call per lead.
* ``bridge_single_vs_batch_ratio``: single time / batched time.
* ``bridge_replay_duplicates``: leads created when the first 1,000 are sent again
  (idempotency keys make it a replay): must be 0.

All calls go over JSON-RPC as the source's technical user, authenticated with an API key.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import odoorpc

from crm_bridge.sync.client import BridgeClient
from tools.odoo_server import running_server
from tools.odoo_tier import (
    OdooNotFound,
    cluster,
    create_database,
    ensure_odoo_requirements,
    locate_odoo,
    odoo_env,
    write_config,
)

N_LEADS = 1000
DATABASE = "fusion_bench_bridge"


def _leads(prefix: str) -> list[dict]:
    return [{"idempotency_key": f"{prefix}-{i}", "external_id": f"{prefix}-{i}",
             "values": {"name": f"Lead {prefix} {i}", "expected_revenue": float(i), "email_from": f"{i}@x.test"}}
            for i in range(N_LEADS)]


def _technical_user_key(admin: odoorpc.ODOO) -> tuple[str, str]:
    source = admin.env["fusion.bridge.source"].create({
        "name": "Benchmark CRM", "code": "bench", "allow_leads": True,
        "purpose_ids": [(0, 0, {"model_name": "crm.lead", "field_name": name, "purpose": "benchmark"})
                        for name in ("name", "expected_revenue", "email_from")],
    })
    admin.execute_kw("fusion.bridge.source", "action_create_technical_user", [[source]])
    action = admin.execute_kw("fusion.bridge.source", "action_generate_api_key", [[source]])
    return "bridge-bench", action["context"]["default_key"]


def run() -> Iterator[tuple[str, object]]:
    try:
        root = locate_odoo()
    except OdooNotFound:
        yield "bridge", "skipped: no Odoo 18"
        return
    ensure_odoo_requirements(root)
    with tempfile.TemporaryDirectory(prefix="fusion-bench-") as scratch, cluster() as pg:
        scratch_dir = Path(scratch)
        config = write_config(scratch_dir / "odoo.conf", root, pg, scratch_dir / "data")
        create_database(root, config, DATABASE, ["fusion_base", "fusion_crm_bridge"], scratch_dir / "install.log")
        with running_server(config, DATABASE, scratch_dir / "server.log", env=odoo_env(root)) as port:
            admin = odoorpc.ODOO("127.0.0.1", port=port, timeout=600)
            admin.login(DATABASE, "admin", "admin")
            login, key = _technical_user_key(admin)
            client = BridgeClient.connect(f"http://127.0.0.1:{port}", DATABASE, login, key, timeout=600)

            batched = _leads("batch")
            started = time.perf_counter()
            results = client.upsert_leads(batched)
            batch_s = time.perf_counter() - started
            assert {r["status"] for r in results} == {"created"}, results[:3]
            yield "bridge_batch_1000_s", batch_s

            started = time.perf_counter()
            for record in _leads("single"):
                client.call("upsert_leads", [record])
            single_s = time.perf_counter() - started
            yield "bridge_single_1000_s", single_s
            yield "bridge_single_vs_batch_ratio", single_s / batch_s

            before = admin.env["crm.lead"].search_count([])
            # A fresh client: the first one's state would skip acknowledged records without sending them.
            replayed = BridgeClient(client.odoo).upsert_leads(batched)
            assert {r["status"] for r in replayed} == {"replayed"}
            yield "bridge_replay_duplicates", admin.env["crm.lead"].search_count([]) - before
