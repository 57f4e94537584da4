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


class OdooServer:
    """One Odoo server process (no workers) serving ``database`` on a loopback port, restartable on that port.

    ``kill()`` is SIGKILL, as a crash or an out-of-memory kill would stop it:
    no request finishes, no transaction commits. ``start()`` again serves the
    same database on the same port.
    """

    def __init__(self, config: str | Path, database: str, log: Path, env: dict | None = None,
                 timeout: float = 120.0, port: int | None = None) -> None:
        self.config, self.database, self.log, self.env, self.timeout = config, database, log, env, timeout
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> int:
        with self.log.open("a") as handle:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "odoo", "-c", str(self.config), "-d", self.database,
                 "--db-filter", f"^{self.database}$", "--http-interface", "127.0.0.1",
                 "--http-port", str(self.port), "--workers", "0", "--log-level", "warn"],
                stdout=handle, stderr=subprocess.STDOUT, env=self.env,
            )
        wait_until_up(self.port, self.process, self.timeout)
        return self.port

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@contextlib.contextmanager
def running_server(config: str | Path, database: str, log: Path, env: dict | None = None,
                   timeout: float = 120.0) -> Iterator[int]:
    """Serve ``database`` with one process (no workers) on a free loopback port; yield the port.

    The server's ERROR and CRITICAL lines are printed when it stops.
    """
    log.write_text("")
    server = OdooServer(config, database, log, env, timeout)
    try:
        yield server.start()
    finally:
        server.stop()
        errors = [line for line in log.read_text().splitlines() if " ERROR " in line or " CRITICAL " in line]
        if errors:
            print("\nOdoo server errors:\n" + "\n".join(errors[-20:]))
