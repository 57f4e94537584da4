"""The bridge payload schemas: every kind of bad input gets a clear, structured error."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_bridge.contract import schemas
from crm_bridge.contract.errors import FusionError, ValidationError


def record(values, key="k1", external_id="e1", **extra):
    return {"idempotency_key": key, "external_id": external_id, "values": values, **extra}


def lead_error(values=None, **envelope):
    rec = record(values if values is not None else {"name": "x"})
    rec.update(envelope)
    with pytest.raises(ValidationError) as caught:
        schemas.validate_record(schemas.LEAD, rec)
    return caught.value


@pytest.mark.parametrize(("values", "code", "field"), [
    ({"name": 12}, "invalid_type", "name"),
    ({"name": ["a"]}, "invalid_type", "name"),
    ({"expected_revenue": "1000"}, "invalid_type", "expected_revenue"),
    ({"expected_revenue": True}, "invalid_type", "expected_revenue"),
    ({"expected_revenue": float("nan")}, "invalid_value", "expected_revenue"),
    ({"probability": 101.0}, "invalid_value", "probability"),
    ({"type": "deal"}, "invalid_value", "type"),
    ({"date_deadline": "2024-02-30"}, "invalid_value", "date_deadline"),
    ({"date_deadline": "30/01/2024"}, "invalid_value", "date_deadline"),
    ({"name": "x" * (schemas.MAX_CHAR_LENGTH + 1)}, "too_long", "name"),
    ({"name": "nul\x00byte"}, "invalid_characters", "name"),
    ({"name": "bell\x07"}, "invalid_characters", "name"),
    ({"name": "lone \ud800 surrogate"}, "invalid_characters", "name"),
    ({"nickname": "x"}, "unknown_field", "nickname"),
    ({"id": 3}, "unknown_field", "id"),
])
def test_bad_values_are_refused_with_code_and_field(values, code, field):
    error = lead_error(values)
    assert (error.code, error.field) == (code, field)
    assert error.message


@pytest.mark.parametrize(("envelope", "code", "field"), [
    ({"idempotency_key": 5}, "invalid_type", "idempotency_key"),
    ({"idempotency_key": "  "}, "missing_field", "idempotency_key"),
    ({"external_id": "x" * 129}, "too_long", "external_id"),
    ({"id": "7"}, "invalid_type", "id"),
    ({"id": True}, "invalid_type", "id"),
    ({"id": -1}, "invalid_type", "id"),
    ({"values": "name=x"}, "invalid_type", "values"),
    ({"extra": 1}, "unknown_field", "extra"),
])
def test_bad_envelopes_are_refused(envelope, code, field):
    error = lead_error(**envelope)
    assert (error.code, error.field) == (code, field)


def test_missing_envelope_keys_and_non_objects():
    for key in ("idempotency_key", "external_id", "values"):
        rec = record({"name": "x"})
        del rec[key]
        with pytest.raises(ValidationError, match=key) as caught:
            schemas.validate_record(schemas.LEAD, rec)
        assert caught.value.code == "missing_field"
    with pytest.raises(ValidationError) as caught:
        schemas.validate_record(schemas.LEAD, ["not", "a", "dict"])
    assert caught.value.code == "invalid_type"


def test_batch_level_errors_and_per_record_slots():
    with pytest.raises(ValidationError) as caught:
        schemas.validate_batch("upsert_leads", {"records": []})
    assert caught.value.code == "invalid_batch"
    with pytest.raises(ValidationError) as caught:
        schemas.validate_batch("upsert_leads", [record({"name": "x"})] * (schemas.MAX_BATCH + 1))
    assert caught.value.code == "batch_too_large"
    assert caught.value.details["max_batch"] == schemas.MAX_BATCH
    checked = schemas.validate_batch("upsert_leads", [record({"name": "ok"}), 42, record({"name": 1})])
    assert isinstance(checked[0], schemas.ValidatedRecord)
    assert [type(item) for item in checked[1:]] == [ValidationError, ValidationError]
    results = [schemas.error_result(raw, err) for raw, err in zip([42, record({"name": 1})], checked[1:])]
    assert results[0] == {"external_id": False, "idempotency_key": False, "status": "error", "id": False,
                          "error": {"code": "invalid_type", "field": "record", "message": checked[1].message}}
    assert results[1]["external_id"] == "e1" and results[1]["error"]["field"] == "name"


def test_odd_unicode_and_injection_looking_strings_pass_verbatim():
    odd = ["Zoë Ñúñez 🦄", "مرحبا", "a\u0301\u200d", "Robert'); DROP TABLE res_partner;--",
           "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
           "tab\tand\nnewline"]
    for text in odd:
        checked = schemas.validate_record(schemas.PARTNER, record({"name": text, "city": text}))
        assert checked.values == {"name": text, "city": text}


def test_orders_lines_are_validated_one_by_one():
    order = {"partner_external_id": "p1", "lines": [{"product_code": "A", "product_uom_qty": 1},
                                                    {"product_code": "B", "product_uom_qty": -2}]}
    with pytest.raises(ValidationError) as caught:
        schemas.validate_record(schemas.ORDER, record(order))
    assert (caught.value.code, caught.value.field) == ("invalid_value", "lines[1].product_uom_qty")
    order["lines"] = [{"product_uom_qty": 1}]
    with pytest.raises(ValidationError, match="product_code"):
        schemas.validate_record(schemas.ORDER, record(order))
    order["lines"] = []
    with pytest.raises(ValidationError):
        schemas.validate_record(schemas.ORDER, record(order))


def test_datetimes_are_normalised_to_utc():
    checked = schemas.validate_record(schemas.ORDER, record({"commitment_date": "2024-05-01T10:00:00+02:00"}))
    assert checked.values["commitment_date"] == "2024-05-01 08:00:00"


def test_create_needs_required_keys_update_does_not():
    partial = schemas.validate_record(schemas.LEAD, record({"expected_revenue": 10}))
    assert schemas.missing_for_create(schemas.LEAD, partial.values).field == "name"
    assert schemas.missing_for_create(schemas.LEAD, {"name": "x"}) is None
    with pytest.raises(ValidationError, match="target_kind"):  # interactions are create-only
        schemas.validate_record(schemas.INTERACTION, record({"kind": "call"}))


def test_allowlist_refuses_undeclared_fields_including_line_fields():
    allowed = {"sale.order": {"partner_id", "order_line"}, "sale.order.line": {"product_id", "product_uom_qty"}}
    values = {"partner_external_id": "p", "lines": [{"product_code": "A", "product_uom_qty": 1.0}]}
    schemas.check_allowlist(schemas.ORDER, values, allowed)
    values["lines"].append({"product_code": "B", "product_uom_qty": 1.0, "discount": 5.0})
    with pytest.raises(ValidationError) as caught:
        schemas.check_allowlist(schemas.ORDER, values, allowed)
    assert (caught.value.code, caught.value.field) == ("field_not_allowed", "lines[1].discount")
    with pytest.raises(FusionError, match="field_not_allowed|declared"):
        schemas.check_allowlist(schemas.ORDER, {"client_order_ref": "x"}, allowed)
    schemas.check_allowlist(schemas.ORDER, {"confirm": True}, allowed)  # structural keys write no field


def test_payload_hash_ignores_key_order_number_form_and_the_key():
    a = schemas.validate_record(schemas.LEAD, record({"name": "x", "expected_revenue": 1}, key="k1"))
    b = schemas.validate_record(schemas.LEAD, record({"expected_revenue": 1.0, "name": "x"}, key="k2"))
    c = schemas.validate_record(schemas.LEAD, record({"name": "y", "expected_revenue": 1.0}))
    assert a.payload_hash == b.payload_hash != c.payload_hash


def test_product_codes_and_cursor_arguments():
    assert schemas.validate_product_codes(["A", "B"]) == ["A", "B"]
    for bad in ("A", ["A", 3], ["x"] * (schemas.MAX_BATCH + 1)):
        with pytest.raises(ValidationError):
            schemas.validate_product_codes(bad)
    assert schemas.validate_cursor_limit(False, 10) == ("", 10)
    for limit in (0, schemas.MAX_CHANGES + 1, "5", True):
        with pytest.raises(ValidationError):
            schemas.validate_cursor_limit("", limit)


def test_allowlist_fields_lists_every_writable_model():
    fields = schemas.ORDER.allowlist_fields()
    assert fields["sale.order"] == {"partner_id", "client_order_ref", "commitment_date", "note", "order_line"}
    assert "product_id" in fields["sale.order.line"]


NONCHARACTERS = [chr(c) for c in range(0xFDD0, 0xFDF0)] + [chr(plane << 16 | low) for plane in range(17)
                                                           for low in (0xFFFE, 0xFFFF)]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=NONCHARACTERS),
               min_size=1, max_size=200))
def test_any_printable_text_round_trips(text):
    checked = schemas.validate_record(schemas.PARTNER, record({"name": text}))
    assert checked.values["name"] == text


@pytest.mark.parametrize("char", NONCHARACTERS + ["\ud800", "\udfff", "\x00", "\x1f"])
def test_noncharacters_surrogates_and_controls_are_refused_at_the_door(char):
    assert len(NONCHARACTERS) == 66
    error = lead_error({"name": f"a{char}b"})
    assert (error.code, error.field) == ("invalid_characters", "name")
    with pytest.raises(ValidationError) as caught:
        schemas.validate_product_codes([f"P{char}"])
    assert caught.value.code == "invalid_characters"


@pytest.mark.parametrize("envelope", [
    {"values": {"name\ud800": "x"}},
    {"values": {"\uffff": "x"}},
    {"key\udfff": 1},
])
def test_refusals_never_echo_what_json_or_xml_cannot_carry(envelope):
    error = lead_error(**envelope)
    assert error.code == "unknown_field"
    for text in (error.message, error.field):
        text.encode("utf-8")
        assert not any(char in text for char in ("\ud800", "\udfff", "\uffff"))
    assert "\\u" in error.field  # escaped, still readable


def test_error_results_echo_only_clean_identifiers():
    for bad in ("crm\ud800", "crm\uffff", "x" * 10_000, 42):
        raw = record({"name": "x"}, key=bad, external_id=bad)
        checked = schemas.validate_batch("upsert_leads", [raw])[0]
        result = schemas.error_result(raw, checked)
        assert (result["external_id"], result["idempotency_key"]) == (False, False)
    good = record({"name": 1}, key="k-1", external_id="E-1")
    assert schemas.error_result(good, schemas.validate_batch("upsert_leads", [good])[0])["external_id"] == "E-1"


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_datetimes_out_of_range_in_utc_are_refused(moment):
    with pytest.raises(ValidationError) as caught:
        schemas.validate_record(schemas.ORDER, record({"commitment_date": moment}))
    assert (caught.value.code, caught.value.field) == ("invalid_value", "commitment_date")


def test_early_datetimes_keep_four_digit_years():
    checked = schemas.validate_record(schemas.ORDER, record({"commitment_date": "0001-01-01T10:00:00+02:00"}))
    assert checked.values["commitment_date"] == "0001-01-01 08:00:00"


@pytest.mark.parametrize("value", [1e308, -1e308, float("inf"), 10**400, schemas.MAX_NUMBER * 10])
def test_numbers_too_large_for_odoo_arithmetic_are_refused(value):
    error = lead_error({"expected_revenue": value})
    assert (error.code, error.field) == ("invalid_value", "expected_revenue")
    order = {"lines": [{"product_code": "A", "product_uom_qty": 1.0, "price_unit": value}]}
    with pytest.raises(ValidationError) as caught:
        schemas.validate_record(schemas.ORDER, record(order))
    assert (caught.value.code, caught.value.field) == ("invalid_value", "lines[0].price_unit")
    assert schemas.validate_record(schemas.LEAD, record({"expected_revenue": schemas.MAX_NUMBER})).values


def test_record_ids_must_fit_odoo_and_interactions_take_none():
    assert lead_error(id=2**31).field == "id"
    assert schemas.validate_record(schemas.LEAD, record({"name": "x"}, id=2**31 - 1)).odoo_id == 2**31 - 1
    interaction = record({"kind": "call", "target_kind": "partner", "target_external_id": "P1"}, id=7)
    with pytest.raises(ValidationError) as caught:
        schemas.validate_record(schemas.INTERACTION, interaction)
    assert (caught.value.code, caught.value.field) == ("invalid_value", "id")


def test_version_and_field_modes_are_validated_and_part_of_the_payload():
    base = {"idempotency_key": "k", "external_id": "P1", "values": {"name": "Ann", "email": "a@x.org"}}
    plain = schemas.validate_record(schemas.PARTNER, base)
    assert (plain.version, plain.modes) == (False, {})
    asked = schemas.validate_record(schemas.PARTNER, {**base, "version": "2026-01-01T10:00:00.5",
                                                      "modes": {"email": "fill_if_empty", "name": "ignore"}})
    assert asked.version == "2026-01-01T10:00:00.5"
    assert asked.modes == {"email": "fill_if_empty", "name": "ignore"}
    # the same key with another version or other modes is another payload (an idempotency conflict)
    assert len({plain.payload_hash, asked.payload_hash}) == 2
    with_empty = schemas.validate_record(schemas.PARTNER, {**base, "modes": {}})
    assert with_empty.payload_hash == plain.payload_hash
    for extra, code, field in [
        ({"version": 5}, "invalid_type", "version"),
        ({"version": "x" * 65}, "too_long", "version"),
        ({"modes": ["email"]}, "invalid_type", "modes"),
        ({"modes": {"email": "merge"}}, "invalid_value", "modes.email"),
        ({"modes": {"phone_number": "ignore"}}, "unknown_field", "modes.phone_number"),
    ]:
        with pytest.raises(ValidationError) as refused:
            schemas.validate_record(schemas.PARTNER, {**base, **extra})
        assert (refused.value.code, refused.value.field) == (code, field), extra
    interaction = {"idempotency_key": "i", "external_id": "I1", "modes": {"body": "ignore"},
                   "values": {"kind": "note", "target_kind": "partner", "target_external_id": "P1"}}
    with pytest.raises(ValidationError) as refused:
        schemas.validate_record(schemas.INTERACTION, interaction)
    assert (refused.value.code, refused.value.field) == ("invalid_value", "modes")


@pytest.mark.parametrize("months, by, code", [
    ("2026-09", ["month"], "invalid_type"), (["2026-13"], [], "invalid_value"), ([9], [], "invalid_type"),
    (["2026-09"], ["salesperson"], "invalid_dimension"), (["2026-01"] * 37, [], "batch_too_large"),
    (["2026-09"], "month", "invalid_type"),
])
def test_cockpit_queries_are_checked(months, by, code):
    with pytest.raises(ValidationError) as error:
        schemas.validate_cockpit_query(months, by)
    assert error.value.code == code


def test_a_cockpit_query_reads_months_and_dimensions():
    firsts, by = schemas.validate_cockpit_query(["2026-09", "2025-12"], ["segment", "month", "segment"])
    assert firsts == [dt.date(2026, 9, 1), dt.date(2025, 12, 1)]
    assert by == ["segment", "month"]
    assert schemas.validate_cockpit_query(False, []) == ([], [])
