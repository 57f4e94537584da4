"""A real Odoo server for the XML-RPC tests, driven with odoorpc.

``tools/odoo_tier.py test`` runs these tests after the addons' own tests and
passes, in the environment, the Odoo tree, its configuration file and the
freshly installed database. The server runs on a copy of that database, on a
free loopback port, for the whole session.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from configparser import ConfigParser
from pathlib import Path

import odoorpc
import pytest

from tools.odoo_server import OdooServer

REQUIRED = ("FUSION_ODOO_CONFIG", "FUSION_ODOO_DB", "FUSION_PG_BIN", "FUSION_PG_PORT")


@contextlib.contextmanager
def served_copy(tmp_path_factory, suffix: str) -> Iterator[OdooServer]:
    """A running Odoo server (``OdooServer``) on a copy ``<database><suffix>`` of the test database."""
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        pytest.skip(f"run through tools/odoo_tier.py test (missing {', '.join(missing)})")
    config = ConfigParser()
    config.read(os.environ["FUSION_ODOO_CONFIG"])
    options = config["options"]
    template, database = os.environ["FUSION_ODOO_DB"], os.environ["FUSION_ODOO_DB"] + suffix
    subprocess.run(
        [Path(os.environ["FUSION_PG_BIN"]) / "createdb", "-h", "127.0.0.1", "-p", os.environ["FUSION_PG_PORT"],
         "-U", options["db_user"], "-T", template, database],
        check=True, env=dict(os.environ, PGPASSWORD=options["db_password"]),
    )
    filestore = Path(options["data_dir"]) / "filestore"
    if (filestore / template).is_dir():
        shutil.copytree(filestore / template, filestore / database)
    log = tmp_path_factory.mktemp("odoo") / "server.log"
    # A loaded machine takes minutes to load a registry: the harness restarts this server mid-session.
    server = OdooServer(os.environ["FUSION_ODOO_CONFIG"], database, log, timeout=600)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        errors = [line for line in log.read_text().splitlines() if " ERROR " in line or " CRITICAL " in line]
        if errors:
            print("\nOdoo server errors:\n" + "\n".join(errors[-20:]))


@pytest.fixture(scope="session")
def odoo_server(tmp_path_factory):
    """(port, database) of a running Odoo server on a copy of the test database."""
    with served_copy(tmp_path_factory, "_rpc") as server:
        yield server.port, server.database


@pytest.fixture(scope="session")
def pg_connect(odoo_server):
    """Open a plain PostgreSQL connection to the served database (to hold a transaction or a lock open)."""
    import psycopg2  # noqa: PLC0415 - Odoo's dependency, present only in the Odoo tier

    options = ConfigParser()
    options.read(os.environ["FUSION_ODOO_CONFIG"])
    options = options["options"]

    def factory():
        return psycopg2.connect(host="127.0.0.1", port=os.environ["FUSION_PG_PORT"], dbname=odoo_server[1],
                                user=options["db_user"], password=options["db_password"])

    return factory


def connect(port: int, database: str, login: str, password: str) -> odoorpc.ODOO:
    client = odoorpc.ODOO("127.0.0.1", port=port, timeout=600)
    client.login(database, login, password)
    return client


@pytest.fixture(scope="session")
def admin(odoo_server) -> odoorpc.ODOO:
    return connect(*odoo_server, "admin", "admin")


@pytest.fixture(scope="session")
def make_user(admin, odoo_server):
    """Create a user with only the given groups (xml ids); return an odoorpc client logged in as them."""

    def factory(login: str, groups: list[str]) -> odoorpc.ODOO:
        group_ids = [admin.env.ref(xmlid).id for xmlid in groups]
        admin.env["res.users"].create(
            {"name": login, "login": login, "password": login + "-pw-123", "groups_id": [(6, 0, group_ids)]}
        )
        return connect(*odoo_server, login, login + "-pw-123")

    return factory
