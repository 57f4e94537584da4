"""The bridge contract: payload schemas shared by the Odoo addon and the client.

Defined once, here, without Odoo: the addon ``fusion_crm_bridge`` validates
every call with these functions before touching the database, and the client
(``crm_bridge.sync.client``) validates before sending, so a bad record fails fast on
the CRM side with the same error the server would give.

A record sent by a CRM::

    {"idempotency_key": "crm-42-v3",   # unique per source and operation; a replay returns the first result
     "external_id": "crm-42",          # the CRM's id, bound to the Odoo record per source
     "id": 17,                         # optional: the Odoo record the external id is bound to (checked)
     "version": "2026-11-28T10:00:00.123456",  # optional: the record's version the CRM last saw; a
                                       # record changed since is refused (``conflict`` with its current values)
     "modes": {"email": "fill_if_empty"},  # optional, per payload key, on update: overwrite (default),
                                       # fill_if_empty (only where Odoo's value is empty), ignore (create only)
     "values": {"name": "...", ...}}   # payload keys of the operation's RecordSpec

Every result, one per record, in the order sent (XML-RPC has no ``None``, so
absent values are ``False``)::

    {"external_id": str, "idempotency_key": str, "status": "created"|"updated"|"replayed"|"error",
     "id": int|False, "version": str (written records), "error": {"code", "field", "message"}|False}

Error codes: ``invalid_batch``, ``batch_too_large``, ``invalid_type``, ``missing_field``,
``unknown_field``, ``field_not_allowed``, ``invalid_value``, ``too_long``,
``invalid_characters``, ``idempotency_conflict``, ``not_found``, ``other_company``,
``binding_conflict``, ``duplicate_external_id``, ``not_owned`` (a record the source
neither created nor was bound to by a manager), ``protected_record`` (the partner of a
user), ``conflict`` (another call wrote the same key or external id at the same time;
``details.retryable`` is true: send the record again; or the record changed since the
``version`` sent: ``details.retryable`` false, ``details.version`` and ``details.current``, the
record's current version and values), ``odoo_error`` (Odoo refused the
values), ``access_denied``, ``operation_not_allowed``, ``operation_unavailable``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crm_bridge.contract.errors import FusionError, ValidationError

__all__ = [
    "API_VERSION", "MAX_BATCH", "OPERATIONS", "RECORD_OPERATIONS", "FieldSpec", "RecordSpec",
    "ValidatedRecord", "validate_batch", "validate_record", "validate_values", "check_allowlist",
    "missing_for_create", "payload_hash", "error_dict", "error_result", "record_result", "validate_product_codes",
    "validate_cursor_limit", "parse_text_value", "FIELD_MODES", "QUOTE_LINE", "QUOTE_OPTIONS", "MAX_QUOTE_LINES",
    "validate_quote", "validate_cockpit_query", "COCKPIT_DIMENSIONS", "MAX_COCKPIT_MONTHS",
]

API_VERSION = "1.0"
#: Most records one call may carry; larger batches are refused whole (the client splits them).
MAX_BATCH = 500
MAX_KEY_LENGTH = 128
MAX_CHAR_LENGTH = 1024
MAX_TEXT_LENGTH = 100_000
MAX_LINES = 200
#: Most changes one ``changes`` call returns.
MAX_CHANGES = 1000
#: Largest magnitude of a number: beyond it Odoo's arithmetic (amounts, rounding) overflows.
MAX_NUMBER = 1e15
#: Largest Odoo record id (PostgreSQL ``integer``).
MAX_RECORD_ID = 2**31 - 1
# C0 controls other than tab, newline and carriage return (PostgreSQL refuses NUL, XML 1.0
# cannot carry the rest), lone surrogates (no UTF-8 encoding: a JSON answer holding one
# fails) and the 66 Unicode non-characters (U+FFFE and U+FFFF break XML-RPC pages).
_FORBIDDEN_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)) + "]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TYPES = ("char", "text", "float", "int", "bool", "date", "datetime", "selection", "ref", "product", "country",
         "lines")


@dataclass(frozen=True)
class FieldSpec:
    """One payload key.

    ``odoo_field`` is the Odoo field it writes, checked against the source's
    allowlist; ``None`` marks a structural key (the target of an interaction)
    that writes no field of its own. ``ref`` keys name the external id of a
    record of kind ``ref_kind``; ``product`` keys a product's internal
    reference; ``country`` an ISO 3166 alpha-2 code; ``lines`` a list of
    ``lines_spec`` records.
    """

    type: str
    odoo_field: str | None = None
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    ref_kind: str | None = None
    lines_spec: RecordSpec | None = None
    #: The value must be above ``minimum``, not equal to it (a quantity > 0).
    exclusive_minimum: bool = False

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"unknown field type {self.type!r}")


@dataclass(frozen=True)
class RecordSpec:
    """The payload of one kind of record and the Odoo model it lands in."""

    kind: str
    model: str
    fields: Mapping[str, FieldSpec]
    #: A binding to an existing record is not needed: interactions are append-only.
    create_only: bool = False

    def allowlist_fields(self) -> dict[str, set[str]]:
        """Every Odoo field this spec may write, per model (what a source can declare)."""
        models: dict[str, set[str]] = {self.model: set()}
        for spec in self.fields.values():
            if spec.odoo_field:
                models[self.model].add(spec.odoo_field)
            if spec.lines_spec:
                for model, names in spec.lines_spec.allowlist_fields().items():
                    models.setdefault(model, set()).update(names)
        return models


def _char(odoo_field: str, **kw: Any) -> FieldSpec:
    return FieldSpec("char", odoo_field, max_length=kw.pop("max_length", MAX_CHAR_LENGTH), **kw)


def _text(odoo_field: str, **kw: Any) -> FieldSpec:
    return FieldSpec("text", odoo_field, max_length=MAX_TEXT_LENGTH, **kw)


PARTNER = RecordSpec("partner", "res.partner", {
    "name": _char("name", required=True),
    "is_company": FieldSpec("bool", "is_company"),
    "parent_external_id": FieldSpec("ref", "parent_id", ref_kind="partner"),
    "email": _char("email", max_length=254),
    "phone": _char("phone", max_length=64),
    "mobile": _char("mobile", max_length=64),
    "street": _char("street"),
    "street2": _char("street2"),
    "zip": _char("zip", max_length=24),
    "city": _char("city"),
    "country_code": FieldSpec("country", "country_id"),
    "vat": _char("vat", max_length=32),
    "website": _char("website"),
    "ref": _char("ref", max_length=64),
    "comment": _text("comment"),
})

LEAD = RecordSpec("lead", "crm.lead", {
    "name": _char("name", required=True),
    "type": FieldSpec("selection", "type", choices=("lead", "opportunity")),
    "partner_external_id": FieldSpec("ref", "partner_id", ref_kind="partner"),
    "contact_name": _char("contact_name"),
    "partner_name": _char("partner_name"),
    "email_from": _char("email_from", max_length=254),
    "phone": _char("phone", max_length=64),
    "expected_revenue": FieldSpec("float", "expected_revenue", minimum=0),
    "probability": FieldSpec("float", "probability", minimum=0, maximum=100),
    "priority": FieldSpec("selection", "priority", choices=("0", "1", "2", "3")),
    "date_deadline": FieldSpec("date", "date_deadline"),
    "description": _text("description"),
})

ORDER_LINE = RecordSpec("order_line", "sale.order.line", {
    "product_code": FieldSpec("product", "product_id", required=True, max_length=64),
    "product_uom_qty": FieldSpec("float", "product_uom_qty", required=True, minimum=0),
    "price_unit": FieldSpec("float", "price_unit", minimum=0),
    "discount": FieldSpec("float", "discount", minimum=0, maximum=100),
    "name": _char("name"),
})

ORDER = RecordSpec("order", "sale.order", {
    "partner_external_id": FieldSpec("ref", "partner_id", required=True, ref_kind="partner"),
    "client_order_ref": _char("client_order_ref"),
    "commitment_date": FieldSpec("datetime", "commitment_date"),
    "note": _text("note"),
    "lines": FieldSpec("lines", "order_line", required=True, lines_spec=ORDER_LINE),
    # Structural: confirm the quotation into an order once written.
    "confirm": FieldSpec("bool"),
})

INTERACTION = RecordSpec("interaction", "mail.message", {
    "kind": FieldSpec("selection", choices=("call", "email", "meeting", "note"), required=True),
    "target_kind": FieldSpec("selection", choices=("partner", "lead", "order", "ticket"), required=True),
    "target_external_id": FieldSpec("char", required=True, max_length=MAX_KEY_LENGTH),
    "subject": _char("subject"),
    "body": _text("body"),
    "date": FieldSpec("datetime", "date"),
    # Structural: a due date makes a planned activity instead of a logged message.
    "due_date": FieldSpec("date"),
}, create_only=True)

TICKET = RecordSpec("ticket", "helpdesk.ticket", {
    "name": _char("name", required=True),
    "description": _text("description", required=True),
    "partner_external_id": FieldSpec("ref", "partner_id", ref_kind="partner"),
    "priority": FieldSpec("selection", "priority", choices=("0", "1", "2", "3")),
})

#: A line of ``sale.order.fusion_simulate_quote`` (the promise and pricing API of ``fusion_sale_promise``).
QUOTE_LINE = RecordSpec("quote_line", "sale.order.line", {
    "product_id": FieldSpec("int", "product_id", required=True),
    "qty": FieldSpec("float", "product_uom_qty", required=True, minimum=0, exclusive_minimum=True),
    "uom_id": FieldSpec("int", "product_uom"),
    # Structural: the delivery date asked; absent, the earliest the product's lead time allows.
    "date_asked": FieldSpec("date"),
    "discount": FieldSpec("float", "discount", minimum=0, maximum=100),
    "price_unit": FieldSpec("float", "price_unit", minimum=0),
})
#: The ``options`` of ``fusion_simulate_quote``.
QUOTE_OPTIONS = RecordSpec("quote_options", "sale.order", {
    "company_id": FieldSpec("int", "company_id"),
    "warehouse_id": FieldSpec("int", "warehouse_id"),
    "allow_partial": FieldSpec("bool"),
})
#: Most lines one quote simulation may carry.
MAX_QUOTE_LINES = 1000

#: Public operation -> spec of its records (``None``: the operation takes no records).
OPERATIONS: dict[str, RecordSpec | None] = {
    "upsert_partners": PARTNER,
    "upsert_leads": LEAD,
    "upsert_orders": ORDER,
    "push_interactions": INTERACTION,
    "push_tickets": TICKET,
    "changes": None,
    "watch_products": None,
}
RECORD_OPERATIONS = {name: spec for name, spec in OPERATIONS.items() if spec is not None}
SPECS_BY_KIND = {spec.kind: spec for spec in RECORD_OPERATIONS.values()}
_RECORD_KEYS = {"idempotency_key", "external_id", "values", "id", "version", "modes"}
#: How an update treats a payload key: replace Odoo's value, set it only where Odoo's is empty, or skip it.
FIELD_MODES = ("overwrite", "fill_if_empty", "ignore")
MAX_VERSION_LENGTH = 64


@dataclass(frozen=True)
class ValidatedRecord:
    """A record that passed the schema: values normalised (floats as floats, UTC datetimes)."""

    index: int
    idempotency_key: str
    external_id: str
    values: dict[str, Any]
    odoo_id: int | bool = False
    payload_hash: str = field(default="", compare=False)
    version: str | bool = False
    modes: Mapping[str, str] = field(default_factory=dict)


def _type_name(value: Any) -> str:
    return type(value).__name__


def _printable(text: str) -> str:
    """``text`` with the characters no transport can carry escaped (``\\ud800``): safe in a message."""
    return _FORBIDDEN_CHARS.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _echo(value: Any) -> str | bool:
    """An identifier to echo in a result: the string when it is a clean key, else ``False``."""
    clean = isinstance(value, str) and len(value) <= MAX_KEY_LENGTH and not _FORBIDDEN_CHARS.search(value)
    return value if clean else False


def _check_string(value: Any, name: str, max_length: int, *, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string, not {_type_name(value)}", code="invalid_type", field=name)
    if not allow_empty and not value.strip():
        raise ValidationError(f"{name} must not be empty", code="missing_field", field=name)
    if len(value) > max_length:
        raise ValidationError(f"{name} is {len(value)} characters long; at most {max_length} are accepted",
                              code="too_long", field=name, details={"max_length": max_length})
    if _FORBIDDEN_CHARS.search(value):
        raise ValidationError(f"{name} holds a character XML-RPC or JSON cannot carry (a control character, "
                              "a Unicode non-character or a lone surrogate)", code="invalid_characters", field=name)
    return value


def _check_number(value: Any, name: str, spec: FieldSpec) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"{name} must be a number, not {_type_name(value)}", code="invalid_type", field=name)
    if not abs(value) <= MAX_NUMBER:  # NaN and infinities too; checked before float() overflows on a huge int
        raise ValidationError(f"{name} must be a finite number of at most {MAX_NUMBER:.0e} in size",
                              code="invalid_value", field=name, details={"maximum": MAX_NUMBER})
    if spec.type == "int" and not float(value).is_integer():
        raise ValidationError(f"{name} must be a whole number", code="invalid_type", field=name)
    if spec.exclusive_minimum and value <= spec.minimum:
        raise ValidationError(f"{name} must be above {spec.minimum}", code="invalid_value", field=name,
                              details={"minimum": spec.minimum})
    if spec.minimum is not None and value < spec.minimum or spec.maximum is not None and value > spec.maximum:
        raise ValidationError(f"{name} must lie between {spec.minimum} and {spec.maximum}", code="invalid_value",
                              field=name, details={"minimum": spec.minimum, "maximum": spec.maximum})
    return int(value) if spec.type == "int" else float(value)


def _check_date(value: Any, name: str) -> str:
    text = _check_string(value, name, 10)
    try:
        if not _DATE.match(text):
            raise ValueError
        dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{name} must be a date YYYY-MM-DD", code="invalid_value", field=name) from None
    return text


def _check_datetime(value: Any, name: str) -> str:
    """ISO 8601 in, naive UTC ``YYYY-MM-DD HH:MM:SS`` out (how Odoo stores datetimes)."""
    text = _check_string(value, name, 40)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError):  # OverflowError: out of range once in UTC (0001-01-01T00:00+14:00)
        raise ValidationError(f"{name} must be an ISO 8601 date and time from year 1 to 9999 in UTC",
                              code="invalid_value", field=name) from None
    return moment.isoformat(" ", "seconds")


def _check_value(value: Any, name: str, spec: FieldSpec) -> Any:
    if spec.type in ("char", "ref", "product"):
        return _check_string(value, name, spec.max_length or MAX_KEY_LENGTH, allow_empty=spec.type == "char")
    if spec.type == "text":
        return _check_string(value, name, spec.max_length or MAX_TEXT_LENGTH)
    if spec.type in ("float", "int"):
        return _check_number(value, name, spec)
    if spec.type == "bool":
        if not isinstance(value, bool):
            raise ValidationError(f"{name} must be true or false, not {_type_name(value)}", code="invalid_type",
                                  field=name)
        return value
    if spec.type == "date":
        return _check_date(value, name)
    if spec.type == "datetime":
        return _check_datetime(value, name)
    if spec.type == "selection":
        if value not in spec.choices or not isinstance(value, str):
            raise ValidationError(f"{name} must be one of {', '.join(spec.choices)}", code="invalid_value",
                                  field=name, details={"choices": list(spec.choices)})
        return value
    if spec.type == "country":
        code = _check_string(value, name, 2)
        if not re.fullmatch(r"[A-Za-z]{2}", code):
            raise ValidationError(f"{name} must be an ISO 3166 alpha-2 code", code="invalid_value", field=name)
        return code.upper()
    # lines
    if not isinstance(value, list):
        raise ValidationError(f"{name} must be a list, not {_type_name(value)}", code="invalid_type", field=name)
    if not value or len(value) > MAX_LINES:
        raise ValidationError(f"{name} must hold 1 to {MAX_LINES} lines", code="invalid_value", field=name)
    return [validate_values(spec.lines_spec, line, prefix=f"{name}[{i}].", partial=False)
            for i, line in enumerate(value)]


def validate_values(spec: RecordSpec, values: Any, *, prefix: str = "", partial: bool = True) -> dict[str, Any]:
    """Check the ``values`` of one record against ``spec``; return them normalised.

    Unknown keys are refused, never dropped. With ``partial`` (an update),
    required keys may be absent; ``missing_for_create`` checks them once the
    server knows the record is new. ``False`` clears a field (Odoo's empty).
    """
    if not isinstance(values, dict):
        raise ValidationError(f"{prefix or ''}values must be an object, not {_type_name(values)}",
                              code="invalid_type", field=prefix.rstrip(".") or "values")
    clean: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if not isinstance(key, str) or key not in spec.fields:
            raise ValidationError(f"unknown field {_printable(name)} for a {spec.kind}; known: "
                                  f"{', '.join(spec.fields)}", code="unknown_field", field=_printable(name))
        field_spec = spec.fields[key]
        if value is False and field_spec.type not in ("bool",) and not field_spec.required:
            clean[key] = False
            continue
        clean[key] = _check_value(value, name, field_spec)
    if not partial:
        missing = missing_for_create(spec, clean, prefix=prefix)
        if missing:
            raise missing
    return clean


def missing_for_create(spec: RecordSpec, values: Mapping[str, Any], *, prefix: str = "") -> ValidationError | None:
    """The error for the first required key ``values`` lacks to create a record, or ``None``."""
    for key, field_spec in spec.fields.items():
        if field_spec.required and values.get(key) in (None, False, "", []):
            return ValidationError(f"{prefix}{key} is required to create a {spec.kind}", code="missing_field",
                                   field=f"{prefix}{key}")
    return None


def check_allowlist(spec: RecordSpec, values: Mapping[str, Any], allowed: Mapping[str, set[str]]) -> None:
    """Refuse (never drop) a value whose Odoo field the source did not declare.

    ``allowed`` maps an Odoo model to the field names the source declared for it.
    """
    for key, value in values.items():
        field_spec = spec.fields[key]
        if field_spec.odoo_field and field_spec.odoo_field not in allowed.get(spec.model, ()):
            raise ValidationError(
                f"{key} ({spec.model}.{field_spec.odoo_field}) is not in this source's declared data uses",
                code="field_not_allowed", field=key,
            )
        if field_spec.lines_spec:
            for i, line in enumerate(value or ()):
                try:
                    check_allowlist(field_spec.lines_spec, line, allowed)
                except ValidationError as exc:
                    exc.field = f"{key}[{i}].{exc.field}"
                    raise


def payload_hash(record: Mapping[str, Any]) -> str:
    """Stable digest of what a record asks for (not its key): replay or conflict."""
    asked = {k: record.get(k, False) for k in ("external_id", "id", "values")}
    # version and modes count only when given, so the digests of records without them stay as they were
    asked.update({k: record[k] for k in ("version", "modes") if record.get(k)})
    canonical = json.dumps(asked, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def validate_record(spec: RecordSpec, record: Any, index: int = 0) -> ValidatedRecord:
    """Check one record envelope and its values; raise ``ValidationError``."""
    if not isinstance(record, dict):
        raise ValidationError(f"record {index} must be an object, not {_type_name(record)}", code="invalid_type",
                              field="record")
    unknown = sorted(_printable(str(key)) for key in record if key not in _RECORD_KEYS)
    if unknown:
        raise ValidationError(f"unknown key {unknown[0]} in record {index}; a record holds "
                              f"{', '.join(sorted(_RECORD_KEYS))}", code="unknown_field", field=unknown[0])
    for key in ("idempotency_key", "external_id", "values"):
        if key not in record:
            raise ValidationError(f"record {index} lacks {key}", code="missing_field", field=key)
    key = _check_string(record["idempotency_key"], "idempotency_key", MAX_KEY_LENGTH, allow_empty=False)
    external_id = _check_string(record["external_id"], "external_id", MAX_KEY_LENGTH, allow_empty=False)
    odoo_id = record.get("id", False)
    if odoo_id is not False and (isinstance(odoo_id, bool) or not isinstance(odoo_id, int)
                                 or not 0 < odoo_id <= MAX_RECORD_ID):
        raise ValidationError("id must be a positive integer (an existing Odoo record) or false",
                              code="invalid_type", field="id")
    if odoo_id is not False and spec.create_only:
        raise ValidationError(f"id must be false: a {spec.kind} is always created, never bound to a record",
                              code="invalid_value", field="id")
    values = validate_values(spec, record["values"], partial=not spec.create_only)
    version, modes = _validate_version_modes(spec, record)
    normalised = {"external_id": external_id, "id": odoo_id, "values": values, "version": version, "modes": modes}
    return ValidatedRecord(index, key, external_id, values, odoo_id, payload_hash(normalised), version, modes)


def _validate_version_modes(spec: RecordSpec, record: Mapping[str, Any]) -> tuple[str | bool, dict[str, str]]:
    """The optional ``version`` (an opaque string from an earlier result) and ``modes`` of an upsert."""
    version = record.get("version", False)
    if version is not False:
        version = _check_string(version, "version", MAX_VERSION_LENGTH, allow_empty=False)
    modes = record.get("modes", {})
    if modes in (False, {}):
        return version, {}
    if spec.create_only:
        raise ValidationError(f"a {spec.kind} is always created: it takes no modes", code="invalid_value",
                              field="modes")
    if not isinstance(modes, dict):
        raise ValidationError(f"modes must be an object, not {_type_name(modes)}", code="invalid_type",
                              field="modes")
    for key, mode in modes.items():
        if key not in spec.fields:
            raise ValidationError(f"modes names {_printable(str(key))}, which is not a field of a {spec.kind}",
                                  code="unknown_field", field=f"modes.{_echo(key) or '?'}")
        if mode not in FIELD_MODES:
            raise ValidationError(f"a mode is one of {', '.join(FIELD_MODES)}", code="invalid_value",
                                  field=f"modes.{key}")
    return version, dict(modes)


def validate_batch(operation: str, records: Any, *, max_batch: int = MAX_BATCH
                   ) -> list[ValidatedRecord | FusionError]:
    """Validate a call: the batch as a whole (raises), then each record (errors in place).

    One bad record does not sink the others: its slot holds the ``FusionError``.
    """
    spec = RECORD_OPERATIONS.get(operation)
    if spec is None:
        raise ValidationError(f"{operation!s} is not a record operation", code="invalid_batch", field="operation")
    if not isinstance(records, list):
        raise ValidationError(f"records must be a list, not {_type_name(records)}", code="invalid_batch",
                              field="records")
    if len(records) > max_batch:
        raise ValidationError(f"{len(records)} records in one call; the maximum is {max_batch}",
                              code="batch_too_large", field="records",
                              details={"max_batch": max_batch, "received": len(records)})
    checked: list[ValidatedRecord | FusionError] = []
    for index, record in enumerate(records):
        try:
            checked.append(validate_record(spec, record, index))
        except FusionError as exc:
            checked.append(exc)
    return checked


def validate_quote(partner_id: Any, lines: Any, options: Any = None, *, max_lines: int = MAX_QUOTE_LINES
                   ) -> tuple[int, list[dict[str, Any] | FusionError], dict[str, Any]]:
    """Validate the arguments of a quote simulation: the call as a whole (raises), then each line (errors in place).

    Returns ``(partner_id, lines, options)``: each line's values normalised
    (:data:`QUOTE_LINE`) or its ``FusionError``, and the options
    (:data:`QUOTE_OPTIONS`; ``None`` or ``False`` for none).
    """
    if isinstance(partner_id, bool) or not isinstance(partner_id, int):
        raise ValidationError(f"partner_id must be a whole number, not {_type_name(partner_id)}",
                              code="invalid_type", field="partner_id")
    clean_options = validate_values(QUOTE_OPTIONS, {} if options in (None, False) else options, prefix="options.")
    if not isinstance(lines, list) or not lines:
        raise ValidationError("lines must be a non-empty list", code="invalid_batch", field="lines")
    if len(lines) > max_lines:
        raise ValidationError(f"{len(lines)} lines in one call; the maximum is {max_lines}", code="batch_too_large",
                              field="lines", details={"max_batch": max_lines, "received": len(lines)})
    checked: list[dict[str, Any] | FusionError] = []
    for index, line in enumerate(lines):
        try:
            checked.append(validate_values(QUOTE_LINE, line, prefix=f"lines[{index}].", partial=False))
        except FusionError as exc:
            checked.append(exc)
    return partner_id, checked, clean_options


def validate_product_codes(codes: Any, *, max_batch: int = MAX_BATCH) -> list[str]:
    """The product references of a ``watch_products`` call."""
    if not isinstance(codes, list):
        raise ValidationError(f"product_codes must be a list, not {_type_name(codes)}", code="invalid_batch",
                              field="product_codes")
    if len(codes) > max_batch:
        raise ValidationError(f"{len(codes)} products in one call; the maximum is {max_batch}",
                              code="batch_too_large", field="product_codes", details={"max_batch": max_batch})
    return [_check_string(code, "product_codes", 64, allow_empty=False) for code in codes]


def validate_cursor_limit(cursor: Any, limit: Any) -> tuple[str, int]:
    """The arguments of a ``changes`` call: an opaque cursor (``False``/"" to start) and a page size."""
    if cursor is False or cursor is None:
        cursor = ""
    cursor = _check_string(cursor, "cursor", 4096)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_CHANGES:
        raise ValidationError(f"limit must be a whole number from 1 to {MAX_CHANGES}", code="invalid_value",
                              field="limit")
    return cursor, limit


#: What the cockpit's figures break down by over the bridge: salespeople are people, so not here.
COCKPIT_DIMENSIONS = ("month", "segment")
MAX_COCKPIT_MONTHS = 36


def validate_cockpit_query(months: Any, by: Any) -> tuple[list[dt.date], list[str]]:
    """The arguments of a ``cockpit_figures`` call.

    ``months``: a list of ``"YYYY-MM"`` (``False``: every month kept); ``by``: a list drawn from
    :data:`COCKPIT_DIMENSIONS` (empty: the company as a whole). Returns the first days of the
    months and the dimensions.
    """
    if months is False or months is None:
        months = []
    if not isinstance(months, list):
        raise ValidationError(f"months must be a list, not {_type_name(months)}", code="invalid_type", field="months")
    if len(months) > MAX_COCKPIT_MONTHS:
        raise ValidationError(f"{len(months)} months in one call; the maximum is {MAX_COCKPIT_MONTHS}",
                              code="batch_too_large", field="months", details={"max_batch": MAX_COCKPIT_MONTHS})
    firsts = []
    for month in months:
        text = _check_string(month, "months", 7, allow_empty=False)
        try:
            firsts.append(dt.date.fromisoformat(f"{text}-01"))
        except ValueError:
            raise ValidationError(f"{text!r} is not a month written YYYY-MM", code="invalid_value",
                                  field="months") from None
    if not isinstance(by, list) or any(not isinstance(name, str) for name in by):
        raise ValidationError("by must be a list of names", code="invalid_type", field="by")
    wrong = [name for name in by if name not in COCKPIT_DIMENSIONS]
    if wrong:
        raise ValidationError(f"Figures break down by {list(COCKPIT_DIMENSIONS)} over the bridge, not {wrong}",
                              code="invalid_dimension", field="by", details={"invalid": wrong})
    return firsts, list(dict.fromkeys(by))


def error_dict(error: FusionError) -> dict[str, Any]:
    """An error as XML-RPC carries it: ``field`` is ``False`` when no field is at fault."""
    payload = {"code": error.code, "field": error.field or False, "message": error.message}
    if error.details:
        payload["details"] = {key: False if value is None else value for key, value in error.details.items()}
    return payload


def error_result(record: Any, error: FusionError) -> dict[str, Any]:
    """The result slot of a record that failed; identifiers echoed when readable."""
    if isinstance(record, ValidatedRecord):
        external_id, key = record.external_id, record.idempotency_key
    else:
        as_dict = record if isinstance(record, dict) else {}
        external_id, key = as_dict.get("external_id"), as_dict.get("idempotency_key")
    return {
        "external_id": _echo(external_id),
        "idempotency_key": _echo(key),
        "status": "error",
        "id": False,
        "error": error_dict(error),
    }


def record_result(record: ValidatedRecord, status: str, odoo_id: int, **extra: Any) -> dict[str, Any]:
    """The result slot of a record written (or replayed)."""
    return {"external_id": record.external_id, "idempotency_key": record.idempotency_key, "status": status,
            "id": odoo_id, "error": False, **extra}


def parse_text_value(spec: FieldSpec, text: str) -> Any:
    """A CSV cell as the JSON value ``spec`` expects (what an export writes as text)."""
    if spec.type in ("float", "int"):
        try:
            number = float(text.replace(",", ".")) if spec.type == "float" else int(text)
        except ValueError:
            return text  # left for validation to refuse with a clear message
        return number
    if spec.type == "bool":
        lowered = text.strip().lower()
        if lowered in ("1", "true", "yes", "y"):
            return True
        if lowered in ("0", "false", "no", "n"):
            return False
        return text
    return text
