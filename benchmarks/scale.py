"""The CRM bridge at scale: Odoo in multi-worker mode with the OCA queue_job runner, and a projection.

Against one real Odoo 18 (started here, on a private PostgreSQL) with
``fusion_crm_bridge_queue``: a source whose batches over ``JOB_SIZE`` records
run as jobs. For 1, 2 and 4 HTTP workers (``--workers N``, ``queue_job`` loaded
server-wide, its job runner with channels ``root:N,root.fusion_bridge:N``), a
client pushes ``PARTNERS`` new partners in calls of 500; every call answers at
once with the records queued, and the clock stops when the last job is done.

* ``scale_partners_per_s_w1``, ``_w2``, ``_w4``: partners written per second, end to end.
* ``scale_failed_jobs``: jobs that failed (must be 0).
* ``scale_partner_batch_s`` and ``scale_order_batch_s``: median time of one job
  (``queue.job.exec_time``) of ``JOB_SIZE`` partners, and of ``ORDER_JOB_SIZE``
  orders of ``LINES_PER_ORDER`` lines, with one worker (the per-batch costs).
* ``scale_tuples_per_partner`` and ``scale_tuples_per_order_line``: rows the
  database inserts, updates or deletes per record (``pg_stat_user_tables``:
  record, binding, request log, outbox, lines...).
* ``scale_db_tuples_per_s``: the write rate of this PostgreSQL: batched INSERTs
  of 500 rows, each committed, into a table with three indexes, one connection.

The projection (``projection_*``): hours to write 1 million partners and 10
million order lines with H Odoo hosts of ``WORKERS_PER_HOST`` workers on one
PostgreSQL, each worker as fast as the measured single worker, capped by the
database's write rate divided by the rows each record writes. Its assumptions
are printed with it; the database figure is measured on this shared 2-core
machine, so the cap scales with the real database host's write rate.
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import odoorpc

from crm_bridge.sync.client import BridgeClient
from tools.odoo_server import wait_until_up
from tools.odoo_tier import (
    DB_USER,
    OdooNotFound,
    cluster,
    create_database,
    ensure_odoo_requirements,
    free_port,
    locate_odoo,
    odoo_env,
    write_config,
)

DATABASE = "fusion_bench_scale"
MODULES = ["fusion_base", "fusion_crm_bridge", "queue_job", "fusion_crm_bridge_queue"]
WORKER_COUNTS = (1, 2, 4)
PARTNERS, JOB_SIZE = 800, 100
ORDERS, ORDER_JOB_SIZE, LINES_PER_ORDER = 60, 10, 10
HOSTS, WORKERS_PER_HOST = (1, 2, 4, 8), 8
TARGETS = {"partners": 1_000_000, "order_lines": 10_000_000}
JOB_TIMEOUT_S = 1800


@contextlib.contextmanager
def multi_worker_server(config: Path, workers: int, log: Path, root: Path) -> Iterator[int]:
    """Odoo with ``workers`` HTTP workers and the queue_job runner (channels of that capacity); yield the port."""
    port = free_port()
    env = dict(odoo_env(root), ODOO_QUEUE_JOB_CHANNELS=f"root:{workers},root.fusion_bridge:{workers}",
               ODOO_QUEUE_JOB_HOST="127.0.0.1", ODOO_QUEUE_JOB_PORT=str(port))
    with log.open("a") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "odoo", "-c", str(config), "-d", DATABASE, "--db-filter", f"^{DATABASE}$",
             "--http-interface", "127.0.0.1", "--http-port", str(port), "--gevent-port", str(free_port()),
             "--workers", str(workers), "--max-cron-threads", "0", "--load", "base,web,queue_job",
             "--limit-time-real", "900", "--limit-time-cpu", "600", "--log-level", "warn"],
            stdout=handle, stderr=subprocess.STDOUT, env=env)
    try:
        wait_until_up(port, process, timeout=600)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _source(admin: odoorpc.ODOO, code: str, job_size: int, purposes: dict[str, list[str]]) -> tuple[str, str]:
    source = admin.env["fusion.bridge.source"].create({
        "name": f"Scale {code}", "code": code, "allow_partners": True, "allow_orders": True,
        "job_batch_size": job_size,
        "purpose_ids": [(0, 0, {"model_name": model, "field_name": name, "purpose": "benchmark"})
                        for model, names in purposes.items() for name in names],
    })
    admin.execute_kw("fusion.bridge.source", "action_create_technical_user", [[source]])
    action = admin.execute_kw("fusion.bridge.source", "action_generate_api_key", [[source]])
    return f"bridge-{code}", action["context"]["default_key"]


def _push_and_wait(admin: odoorpc.ODOO, client: BridgeClient, operation: str, records: list[dict]
                   ) -> tuple[float, list[str]]:
    """Seconds from the first call to the last job done, and the jobs' uuids."""
    started = time.perf_counter()
    results = client.push(operation, records)
    assert {r["status"] for r in results} == {"queued"}, [r for r in results if r["status"] != "queued"][:2]
    uuids = sorted({r["job_uuid"] for r in results})
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while admin.env["queue.job"].search_count([("uuid", "in", uuids), ("state", "not in", ["done", "failed"])]):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{operation}: jobs still running after {JOB_TIMEOUT_S} s")
        time.sleep(0.5)
    return time.perf_counter() - started, uuids


def _written_tuples(pg_cursor) -> int:
    time.sleep(11)  # an idle backend reports its table statistics within 10 s (PGSTAT_IDLE_INTERVAL)
    pg_cursor.execute("SELECT pg_stat_clear_snapshot()")
    pg_cursor.execute("SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_user_tables")
    return int(pg_cursor.fetchone()[0])


def _database_write_rate(pg_cursor, rows: int = 50_000, batch: int = 500) -> float:
    """Rows per second this PostgreSQL commits: INSERTs of ``batch`` rows (one transaction each, autocommit)
    into a table with three indexes."""
    pg_cursor.execute("""CREATE TABLE scale_write_probe (id serial PRIMARY KEY, key varchar, name varchar,
                                                         amount numeric, created timestamp DEFAULT now())""")
    pg_cursor.execute("CREATE UNIQUE INDEX ON scale_write_probe (key)")
    pg_cursor.execute("CREATE INDEX ON scale_write_probe (name)")
    started = time.perf_counter()
    for start in range(0, rows, batch):
        pg_cursor.execute("""INSERT INTO scale_write_probe (key, name, amount)
                             SELECT 'k' || n, 'Name ' || n, n * 1.5 FROM generate_series(%s, %s) AS n""",
                          (start, start + batch - 1))
    rate = rows / (time.perf_counter() - started)
    pg_cursor.execute("DROP TABLE scale_write_probe")
    return rate


def _median_exec_time(admin: odoorpc.ODOO, uuids: list[str]) -> float:
    rows = admin.env["queue.job"].search_read([("uuid", "in", uuids)], ["exec_time"])
    return statistics.median(row["exec_time"] for row in rows)


def projection(per_worker: dict[str, float], tuples_per_record: dict[str, float], db_rate: float
               ) -> Iterator[tuple[str, object]]:
    """Hours for ``TARGETS`` with H hosts: min(H x workers x per-worker rate, database rate / rows per record)."""
    for kind, target in TARGETS.items():
        db_cap = db_rate / tuples_per_record[kind]
        yield f"projection_{kind}_db_cap_per_s", db_cap
        for hosts in HOSTS:
            rate = min(hosts * WORKERS_PER_HOST * per_worker[kind], db_cap)
            limit = "database" if rate == db_cap else "workers"
            yield f"projection_{kind}_{hosts}_hosts_h", f"{target / rate / 3600:.2f} ({rate:.0f}/s, {limit}-bound)"


def run() -> Iterator[tuple[str, object]]:
    try:
        root = locate_odoo()
    except OdooNotFound:
        yield "scale", "skipped: no Odoo 18"
        return
    ensure_odoo_requirements(root)
    import psycopg2  # noqa: PLC0415 - Odoo's dependency, there once Odoo's requirements are

    with tempfile.TemporaryDirectory(prefix="fusion-bench-") as scratch, cluster() as pg:
        scratch_dir = Path(scratch)
        config = write_config(scratch_dir / "odoo.conf", root, pg, scratch_dir / "data")
        create_database(root, config, DATABASE, MODULES, scratch_dir / "install.log")
        connection = psycopg2.connect(host="127.0.0.1", port=pg.port, dbname=DATABASE, user=DB_USER,
                                      password=DB_USER)
        connection.autocommit = True  # no transaction left open while the server works
        pg_cursor = connection.cursor()
        log = scratch_dir / "server.log"
        per_worker, tuples, failed = {}, {}, 0
        for workers in WORKER_COUNTS:
            with multi_worker_server(config, workers, log, root) as port:
                admin = odoorpc.ODOO("127.0.0.1", port=port, timeout=900)
                admin.login(DATABASE, "admin", "admin")
                code = f"scale{workers}"
                login, key = _source(admin, code, JOB_SIZE, {"res.partner": ["name", "email", "city"]})
                client = BridgeClient.connect(f"http://127.0.0.1:{port}", DATABASE, login, key, timeout=900)
                partners = [{"idempotency_key": f"{code}-{i}", "external_id": f"{code}-{i}",
                             "values": {"name": f"Partner {code} {i}", "email": f"p{i}@{code}.test",
                                        "city": "Lyon"}} for i in range(PARTNERS)]
                before = _written_tuples(pg_cursor)
                elapsed, uuids = _push_and_wait(admin, client, "upsert_partners", partners)
                failed += admin.env["queue.job"].search_count([("uuid", "in", uuids), ("state", "=", "failed")])
                yield f"scale_partners_per_s_w{workers}", PARTNERS / elapsed
                if workers == 1:
                    tuples["partners"] = (_written_tuples(pg_cursor) - before) / PARTNERS
                    batch_s = _median_exec_time(admin, uuids)
                    per_worker["partners"] = JOB_SIZE / batch_s
                    yield "scale_partner_batch_s", batch_s
                    yield "scale_tuples_per_partner", tuples["partners"]
                    yield from _measure_orders(admin, port, client, code, pg_cursor, per_worker, tuples)
        yield "scale_failed_jobs", failed
        db_rate = _database_write_rate(pg_cursor)
        connection.close()
        yield "scale_db_tuples_per_s", db_rate
        yield from projection(per_worker, tuples, db_rate)
        yield "projection_assumptions", (
            f"{WORKERS_PER_HOST} workers per Odoo host, each as fast as the one measured worker; jobs of "
            f"{JOB_SIZE} partners or {ORDER_JOB_SIZE} orders of {LINES_PER_ORDER} lines; one PostgreSQL whose "
            f"write rate (measured here, shared 2 cores) caps the rows per second; reads, WAL shipping, vacuum, "
            f"index growth and network latency ignored")


def _measure_orders(admin, port, partner_client, code, pg_cursor, per_worker, tuples):
    """Orders of ``LINES_PER_ORDER`` lines through jobs of ``ORDER_JOB_SIZE`` orders, with one worker."""
    admin.env["product.product"].create({"name": "Scale widget", "default_code": "SCALE-1", "type": "consu",
                                         "list_price": 5.0})
    order_code = f"{code}o"
    login, key = _source(admin, order_code, ORDER_JOB_SIZE, {
        "res.partner": ["name"], "sale.order": ["partner_id", "order_line", "client_order_ref"],
        "sale.order.line": ["product_id", "product_uom_qty"]})
    client = BridgeClient.connect(f"http://127.0.0.1:{port}", DATABASE, login, key, timeout=900)
    customer = [{"idempotency_key": f"{order_code}-c", "external_id": f"{order_code}-c",
                 "values": {"name": "Scale customer"}}]
    assert client.upsert_partners(customer)[0]["status"] == "created"
    orders = [{"idempotency_key": f"{order_code}-{i}", "external_id": f"{order_code}-{i}",
               "values": {"partner_external_id": f"{order_code}-c", "client_order_ref": f"REF {i}",
                          "lines": [{"product_code": "SCALE-1", "product_uom_qty": 1.0 + line}
                                    for line in range(LINES_PER_ORDER)]}} for i in range(ORDERS)]
    before = _written_tuples(pg_cursor)
    elapsed, uuids = _push_and_wait(admin, client, "upsert_orders", orders)
    lines = ORDERS * LINES_PER_ORDER
    tuples["order_lines"] = (_written_tuples(pg_cursor) - before) / lines
    batch_s = _median_exec_time(admin, uuids)
    per_worker["order_lines"] = ORDER_JOB_SIZE * LINES_PER_ORDER / batch_s
    yield "scale_order_lines_per_s_w1", lines / elapsed
    yield "scale_order_batch_s", batch_s
    yield "scale_tuples_per_order_line", tuples["order_lines"]
