"""Exports of an external CRM turned into bridge records, and the command line's dry run."""

import json

from crm_bridge.contract import schemas
from crm_bridge.sync.cli import main
from crm_bridge.sync.export import read_export, rows_to_records, summarize


def test_csv_rows_become_typed_records_with_stable_keys(tmp_path):
    export = tmp_path / "leads.csv"
    export.write_text("Id,Title,Revenue,Email\nL1,Big deal,1200.5,a@x.com\nL2,Small,,\n", encoding="utf-8")
    column_map = {"Id": "external_id", "Title": "name", "Revenue": "expected_revenue", "Email": "email_from"}
    records = read_export("leads", export, column_map)
    assert records[0]["values"] == {"name": "Big deal", "expected_revenue": 1200.5, "email_from": "a@x.com"}
    assert records[1]["values"] == {"name": "Small"}  # empty cells are not sent
    assert all(isinstance(schemas.validate_record(schemas.LEAD, r), schemas.ValidatedRecord) for r in records)
    again = read_export("leads", export, column_map)
    assert [r["idempotency_key"] for r in again] == [r["idempotency_key"] for r in records]
    changed = rows_to_records("leads", [{"external_id": "L1", "name": "Big deal!"}])
    assert changed[0]["idempotency_key"] != records[0]["idempotency_key"]


def test_order_rows_are_grouped_into_lines():
    rows = [
        {"external_id": "O1", "partner_external_id": "P1", "confirm": "yes", "lines.product_code": "A",
         "lines.product_uom_qty": "2"},
        {"external_id": "O1", "partner_external_id": "P1", "confirm": "yes", "lines.product_code": "B",
         "lines.product_uom_qty": "1,5"},
    ]
    [order] = rows_to_records("orders", rows)
    assert order["values"]["confirm"] is True
    assert order["values"]["lines"] == [{"product_code": "A", "product_uom_qty": 2.0},
                                        {"product_code": "B", "product_uom_qty": 1.5}]
    schemas.validate_record(schemas.ORDER, order)


def test_json_exports_accept_flat_objects_and_bridge_records(tmp_path):
    export = tmp_path / "partners.json"
    export.write_text(json.dumps([
        {"external_id": "P1", "name": "Acme", "is_company": True},
        {"idempotency_key": "given", "external_id": "P2", "values": {"name": "Beta"}},
    ]), encoding="utf-8")
    records = read_export("partners", export)
    assert records[0]["values"] == {"name": "Acme", "is_company": True}
    assert records[1]["idempotency_key"] == "given"


def test_cli_dry_run_validates_without_sending(tmp_path, capsys):
    export = tmp_path / "partners.csv"
    export.write_text("external_id,name,nickname\nP1,Acme,\nP2,Beta,bee\n", encoding="utf-8")
    assert main(["push", "partners", str(export), "--dry-run"]) == 1
    out, err = capsys.readouterr()
    assert "error: 1" in out and "valid: 1" in out
    assert "unknown_field" in err and "P2" in err
    assert summarize([{"status": "created"}, {"status": "created"}])["created"] == 2
