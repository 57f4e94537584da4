"""The reliability harness's own server (it kills and restarts it), with the XML-RPC tests' fixtures.

The fixtures of ``tests/odoo_rpc/conftest.py`` are loaded from that file (by
path: ``tests`` is not a package, and another one by that name may be
installed) and re-exported; only ``odoo_server`` differs: a copy of the test
database of its own, served by an ``OdooServer`` the tests may SIGKILL.
"""

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("odoo_rpc_conftest", Path(__file__).parent.parent / "odoo_rpc" /
                                               "conftest.py")
odoo_rpc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(odoo_rpc)

admin, make_user, pg_connect, connect = odoo_rpc.admin, odoo_rpc.make_user, odoo_rpc.pg_connect, odoo_rpc.connect


@pytest.fixture(scope="session")
def reliability_server(tmp_path_factory):
    """The ``OdooServer`` the harness runs against (and kills)."""
    with odoo_rpc.served_copy(tmp_path_factory, "_rel") as server:
        yield server


@pytest.fixture(scope="session")
def connect_as():
    """``connect(port, database, login, password)``: a logged-in odoorpc client."""
    return connect


@pytest.fixture(scope="session")
def odoo_server(reliability_server):
    return reliability_server.port, reliability_server.database
