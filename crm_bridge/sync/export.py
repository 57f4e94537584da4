"""From an external CRM's export to bridge records, and pushing them.

An export is a CSV file (one row per record; for orders one row per line,
rows of one order sharing its ``external_id``) or a JSON file (a list of
objects, either flat like a CSV row or already shaped as bridge records with
``values``). Columns are payload keys of the kind (``crm_bridge.contract.schemas``);
``--map "Company name=name"`` renames the export's own headers. Order line
columns are prefixed ``lines.`` (``lines.product_code``, ``lines.product_uom_qty``).

Without an ``idempotency_key`` column, a record's key is derived from its
kind, external id and values: pushing the same export again replays, a
changed row updates.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from crm_bridge.contract import schemas

__all__ = ["KIND_OPERATIONS", "derive_key", "push_export", "read_export", "rows_to_records", "summarize"]

KIND_OPERATIONS = {
    "partners": "upsert_partners",
    "leads": "upsert_leads",
    "orders": "upsert_orders",
    "interactions": "push_interactions",
    "tickets": "push_tickets",
}
LINE_PREFIX = "lines."


def derive_key(kind: str, external_id: str, values: Mapping[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:24]
    return f"{kind}:{external_id}:{digest}"[-schemas.MAX_KEY_LENGTH:]


def _spec(kind: str) -> schemas.RecordSpec:
    return schemas.RECORD_OPERATIONS[KIND_OPERATIONS[kind]]


def _typed(spec: schemas.RecordSpec, key: str, value: Any) -> Any:
    field = spec.fields.get(key)
    if field is None or not isinstance(value, str):
        return value  # unknown keys are kept so the schema refuses them by name
    return schemas.parse_text_value(field, value)


def rows_to_records(kind: str, rows: Iterable[Mapping[str, Any]],
                    column_map: Mapping[str, str] | None = None) -> list[dict]:
    """Bridge records from export rows (CSV strings or JSON values); empty cells are not sent."""
    spec = _spec(kind)
    line_spec = spec.fields["lines"].lines_spec if "lines" in spec.fields else None
    column_map = column_map or {}
    records: dict[str, dict] = {}
    for row in rows:
        if "values" in row:  # already a bridge record
            record = dict(row)
            record.setdefault("idempotency_key", derive_key(kind, str(row.get("external_id")), row["values"]))
            records[f"#{len(records)}"] = record
            continue
        renamed = {column_map.get(column, column): value for column, value in row.items()}
        external_id = renamed.pop("external_id", None)
        key = renamed.pop("idempotency_key", None) or None
        values: dict[str, Any] = {}
        line: dict[str, Any] = {}
        for column, value in renamed.items():
            if value in ("", None):
                continue
            if line_spec and column.startswith(LINE_PREFIX):
                name = column[len(LINE_PREFIX):]
                line[name] = _typed(line_spec, name, value)
            else:
                values[column] = _typed(spec, column, value)
        slot = str(external_id) if line_spec else f"#{len(records)}"
        record = records.setdefault(slot, {"external_id": external_id, "values": values, "_key": key})
        if line:
            record["values"].setdefault("lines", []).append(line)
    result = []
    for record in records.values():
        key = record.pop("_key", None)
        if "idempotency_key" not in record:
            record["idempotency_key"] = key or derive_key(kind, str(record["external_id"]), record["values"])
        result.append(record)
    return result


def read_export(kind: str, path: str | Path, column_map: Mapping[str, str] | None = None) -> list[dict]:
    """Bridge records from a CSV or JSON export file."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        rows = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(rows, list):
            raise ValueError(f"{path}: a JSON export must be a list of objects")
    else:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    return rows_to_records(kind, rows, column_map)


def summarize(results: Iterable[Mapping[str, Any]]) -> Counter:
    """Records per status: created, updated, replayed, error."""
    return Counter(result["status"] for result in results)


def push_export(client: Any, kind: str, records: list[dict],
                progress: Callable[[int], Any] | None = None) -> list[dict]:
    """Push records of ``kind`` with a ``BridgeClient``; one result per record."""
    return client.push(KIND_OPERATIONS[kind], records, progress)
