"""Start a real Odoo server on a loopback port and wait until it answers.

Shared by the XML-RPC tests (``tests/odoo_rpc/conftest.py``) and the benchmarks
that need a running Odoo (``benchmarks/bridge.py``).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tools.odoo_tier import free_port


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 120.0) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/web/webclient/version_info",
        data=json.dumps({"jsonrpc": "2.0", "params": {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Odoo server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(request, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the Odoo server did not answer on port {port} within {timeout:.0f} s")


@contextlib.contextmanager
def running_server(config: str | Path, database: str, log: Path, env: dict | None = None,
                   timeout: float = 120.0) -> Iterator[int]:
    """Serve ``database`` with one process (no workers) on a free loopback port; yield the port.

    The server's ERROR and CRITICAL lines are printed when it stops.
    """
    port = free_port()
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "odoo", "-c", str(config), "-d", database, "--db-filter", f"^{database}$",
             "--http-interface", "127.0.0.1", "--http-port", str(port), "--workers", "0", "--log-level", "warn"],
            stdout=handle, stderr=subprocess.STDOUT, env=env,
        )
    try:
        wait_until_up(port, process, timeout)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        errors = [line for line in log.read_text().splitlines() if " ERROR " in line or " CRITICAL " in line]
        if errors:
            print("\nOdoo server errors:\n" + "\n".join(errors[-20:]))
