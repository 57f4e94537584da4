"""Reasons in the reader's words: days with their unit and plural, numbers and dates in the reader's locale."""

import datetime as dt
from pathlib import Path

from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from crm_bridge.contract.reasons import DAY_UNITS, Reason, days_text, render

BASE_PO = Path(__file__).resolve().parents[2] / "addons" / "fusion_base" / "i18n" / "es.po"


def _spanish() -> dict[str, str]:
    with BASE_PO.open("rb") as po_file:
        return {message.id: message.string for message in read_po(po_file) if message.id and message.string}


def test_days_have_their_unit_and_plural():
    assert [days_text(value) for value in (1, 1.2, 0.6, 2, 40.4844)] == ["1 day", "1 day", "1 day", "2 days",
                                                                        "40 days"]
    assert days_text(0) == "0 days"
    spanish = _spanish()
    assert all(spanish.get(unit) for unit in DAY_UNITS), "fusion_base carries the units' Spanish"
    assert days_text(1, translate=spanish.get) == "1 día"
    assert days_text(1500, translate=spanish.get, number=lambda days: format_decimal(days, locale="es_ES")) \
        == "1.500 días"


def test_a_reason_in_spanish_reads_as_fusion_reason_renders_it():
    """The translation and formats fusion.reason gives render() (Odoo's formatLang and format_date in Spanish)."""
    spanish = _spanish()
    formats = {
        "date": lambda value: format_date(dt.date.fromisoformat(value), "medium", locale="es_ES"),
        "days": lambda value: days_text(value, translate=spanish.get,
                                        number=lambda days: format_decimal(days, locale="es_ES")),
        "percent": lambda value: format_decimal(float(value) * 100, format="#,##0.#", locale="es_ES") + " %",
    }
    cover = Reason("from_sales", "40.4844 days of cover", {"cover_days": 40.4844}).to_dict()
    assert render(cover, translate=spanish.get, formats=formats) == \
        "Stock para aprox. 40 días al ritmo de ventas reciente"
    low = Reason("low_cover", "Low stock cover (1.2 of 60 target days): up to 12.5% off",
                 {"cover_days": 1.2, "stock_room": 0.125}).to_dict()
    assert render(low, translate=spanish.get, formats=formats) == \
        "Poco stock (para aprox. 1 día): hasta un 12,5 % de descuento"
    lead = Reason("lead_time", "Earliest delivery is 2026-11-03", {"earliest_date": dt.date(2026, 11, 3)}).to_dict()
    rendered = render(lead, translate=spanish.get, formats=formats)
    assert "2026-11-03" not in rendered and "3 nov 2026" in rendered
    assert render(lead) == "Earliest delivery 03 Nov 2026"


def test_a_figure_of_zero_is_said_not_dropped_for_the_english_message():
    # 0.0 == False in Python: a zero once made the phrase fall back to the core's English message
    reason = {"code": "stock_short", "params": {"atp_qty": 0.0, "qty": 5, "date": "2026-12-01"},
              "message": "the core's message"}
    assert render(reason).startswith("Only 0 of 5 free")


# Suggested quotation lines: the reasons fusion_recommend stores (sale.order._get_fusion_suggestion_reasons)
SUGGESTION_REASONS = {
    "suggestion_repurchase": {"cycle_days": 30, "days_since": 1},
    "suggestion_complement": {"product": "[DSK] Desk", "product_id": 7, "lift": 3.4567},
    "suggestion_category": {},
    "suggestion_segment": {},
    "suggestion_available": {"promised_date": "2026-12-03", "price": 1234.5},
    "suggestion_not_deliverable": {"promised_date": "2027-01-15"},
    "suggestion_below_floor": {},
    "suggestion_out_of_stock": {},
    "suggestion_recently_refused": {},
    "suggestion_unknown_product": {},
}


def test_every_suggestion_reason_is_said_with_its_figures_filled():
    from crm_bridge.contract.reasons import PARAM_KINDS, PHRASES, phrase_fields, phrase_key

    for code, params in SUGGESTION_REASONS.items():
        key = phrase_key(code, params)
        assert key is not None, code
        assert all(name in PARAM_KINDS for name in phrase_fields(key)), f"{key}: a figure of no kind"
        text = render({"code": code, "message": "the core's message", "params": params})
        assert "{" not in text and text != "the core's message", text
    assert {key.partition(":")[0] for key in PHRASES if key.startswith("suggestion_")} == set(SUGGESTION_REASONS)


def test_suggestion_reasons_in_english_and_in_spanish():
    def said(code, translate=None, formats=None, **params):
        return render({"code": code, "message": "the core's message", "params": params}, translate, formats)

    assert said("suggestion_repurchase", **SUGGESTION_REASONS["suggestion_repurchase"]) == \
        "Bought about every 30 days, last 1 day ago"
    assert said("suggestion_complement", **SUGGESTION_REASONS["suggestion_complement"]) == \
        "Bought with [DSK] Desk 3.46 times more often than by chance"
    assert said("suggestion_available", **SUGGESTION_REASONS["suggestion_available"]) == \
        "Can be delivered on 03 Dec 2026 at 1234.50"
    assert said("suggestion_not_deliverable", **SUGGESTION_REASONS["suggestion_not_deliverable"]) == \
        "Not offered: cannot be delivered in time (earliest 15 Jan 2027)"
    # without the figures a variant needs, the phrase that needs none: no half-filled sentence
    assert said("suggestion_repurchase") == "Due to be bought again by this customer"
    assert said("suggestion_complement") == "Often bought with this quotation's products"
    assert said("suggestion_not_deliverable") == "Not offered: cannot be delivered in time"

    spanish = _spanish()
    formats = {
        "date": lambda value: format_date(dt.date.fromisoformat(value), "medium", locale="es_ES"),
        "days": lambda value: days_text(value, translate=spanish.get,
                                        number=lambda days: format_decimal(days, locale="es_ES")),
        "money": lambda value: format_decimal(value, format="#,##0.00", locale="es_ES") + " €",
        "number": lambda value: format_decimal(value, format="#,##0.00", locale="es_ES"),
    }
    for code, params in SUGGESTION_REASONS.items():
        assert said(code, spanish.get, formats, **params) != said(code, **params), f"{code}: no Spanish"
    assert said("suggestion_repurchase", spanish.get, formats, **SUGGESTION_REASONS["suggestion_repurchase"]) == \
        "Se compra cada 30 días aproximadamente; la última vez hace 1 día"
    assert said("suggestion_complement", spanish.get, formats, **SUGGESTION_REASONS["suggestion_complement"]) == \
        "Se compra con [DSK] Desk 3,46 veces más de lo que cabría esperar por azar"
    assert said("suggestion_available", spanish.get, formats, **SUGGESTION_REASONS["suggestion_available"]) == \
        "Se puede entregar el 3 dic 2026 a 1.234,50 €"
