"""The project's addons, seen from outside over XML-RPC."""

import odoorpc
import pytest


def test_server_runs_odoo_18_with_the_addons(admin):
    assert admin.version.startswith("18.")
    installed = admin.env["ir.module.module"].search_read(
        [("name", "=like", "fusion_%"), ("state", "=", "installed")], ["name"]
    )
    assert "fusion_base" in {row["name"] for row in installed}


def test_api_user_neither_reads_nor_writes_declarations(admin, make_user):
    """The register lists every source's fields in every company: the bridge user reads its own allowlist
    through the bridge (as superuser), never the register itself."""
    admin.env["fusion.data.purpose"].create(
        {"consumer": "bridge", "model_name": "res.partner", "field_name": "email", "purpose": "match contacts"}
    )
    api = make_user("rpc_api_user", ["base.group_user", "fusion_base.group_fusion_api"])
    with pytest.raises(odoorpc.error.RPCError, match="not allowed|access"):
        api.env["fusion.data.purpose"].search_read([("consumer", "=", "bridge")], ["field_name"])
    with pytest.raises(odoorpc.error.RPCError, match="not allowed|access"):
        api.env["fusion.data.purpose"].create(
            {"consumer": "bridge", "model_name": "res.partner", "field_name": "name", "purpose": "x"}
        )
