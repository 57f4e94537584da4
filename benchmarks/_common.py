"""What the benchmarks share: best-of-N timing, and measuring inside a throw-away Odoo database.

An Odoo figure is measured by the benchmark's own file run as a script
inside a fresh database with the addons it needs installed: the script
loads the registry, measures, and prints its figures as one JSON line.
Without an Odoo 18 every figure says "skipped" and why.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import odoo_tier  # noqa: E402  (tools/ is not a package)

__all__ = ["best_seconds", "odoo_figures", "measurement_env", "print_measured"]


def best_seconds(work: Callable[[], object], repeats: int = 3) -> float:
    """The fastest of ``repeats`` runs of ``work``: the machine is shared and noisy."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def odoo_figures(script: str, modules: Sequence[str], figures: Sequence[str],
                 install_figure: str = "odoo_install_s") -> Iterator[tuple[str, object]]:
    """Run ``script -c CONFIG -d DB`` in a fresh database with ``modules``; yield ``figures`` from its JSON.

    The time the addons took to install is available to ``figures`` as
    ``install_figure``, besides what the script printed.
    """
    try:
        root = odoo_tier.locate_odoo()
    except odoo_tier.OdooNotFound as exc:
        for figure in figures:
            yield figure, f"skipped ({exc})"
        return
    with tempfile.TemporaryDirectory(prefix="fusion-bench-") as scratch, odoo_tier.cluster() as pg:
        scratch_dir = Path(scratch)
        config = odoo_tier.write_config(scratch_dir / "odoo.conf", root, pg, scratch_dir / "data")
        database = "fusion_bench"
        started = time.perf_counter()
        odoo_tier.create_database(root, config, database, list(modules), scratch_dir / "install.log")
        install_s = time.perf_counter() - started
        result = subprocess.run([sys.executable, script, "-c", str(config), "-d", database],
                                env=odoo_tier.odoo_env(root), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"measuring inside Odoo failed:\n{result.stderr[-3000:]}")
    measured = dict(json.loads(result.stdout.strip().splitlines()[-1]), **{install_figure: install_s})
    for figure in figures:
        yield figure, measured[figure]


@contextlib.contextmanager
def measurement_env(odoo_args: list[str], **context: Any) -> Iterator[Any]:
    """A superuser environment on the database the Odoo options name; everything is rolled back after."""
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(odoo_args)
    registry = odoo.modules.registry.Registry(odoo.tools.config["db_name"])
    with registry.cursor() as cr:
        try:
            yield api.Environment(cr, SUPERUSER_ID, context)
        finally:
            cr.rollback()


def print_measured(measure: Callable[[list[str]], dict]) -> None:
    """The script side of :func:`odoo_figures`: measure with the command-line Odoo options, print one JSON line."""
    print(json.dumps(measure(sys.argv[1:])))
