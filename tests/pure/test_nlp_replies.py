"""Reply suggestions per category and language, with missing context left out."""

import math

import pytest

from ai_insights.nlp.replies import DEFAULT_TEMPLATES, ReplySuggester, disputed_amount
from crm_bridge.contract.errors import ValidationError

FULL = {"customer_name": "Ana Pérez", "order_name": "S00042", "order_state": "confirmed",
        "promised_date": "2025-03-10", "delivery_date": "2025-03-14", "invoice_name": "INV/2025/0007",
        "invoice_state": "not_paid", "invoice_amount": 1234.5, "currency": "EUR", "invoice_due_date": "2025-04-01",
        "product_name": "Taladro X", "stock_qty": 12, "next_receipt_date": "2025-03-20"}


@pytest.mark.parametrize("category", sorted(DEFAULT_TEMPLATES))
@pytest.mark.parametrize("context", [FULL, {}, dict.fromkeys(FULL), {"order_name": False, "stock_qty": math.nan}])
def test_every_template_renders_cleanly(category, context):
    for language in ("es", "en"):
        reply = ReplySuggester().suggest(category, language, context)
        assert reply["language"] == language and reply["category"] == category
        for junk in ("None", "nan", "False", "{", "}", "  "):
            assert junk not in reply["text"]


def test_spanish_delivery_uses_context():
    reply = ReplySuggester().suggest("delivery", "es", FULL)
    assert reply["text"].startswith("Hola Ana Pérez:")
    assert "10 de marzo de 2025" in reply["text"] and "4 días de retraso" in reply["text"]
    assert {"order_name", "promised_date", "delivery_date"} <= set(reply["used_context"])


def test_english_billing_formats_amount_and_state():
    text = ReplySuggester().suggest("billing", "en", FULL)["text"]
    assert "INV/2025/0007 is for 1,234.50 EUR" in text and "awaiting payment" in text and "1 April 2025" in text


def test_missing_pieces_leave_their_sentence_out():
    reply = ReplySuggester().suggest("product_defect", "es", {"product_name": "Taladro X", "stock_qty": 0,
                                                               "next_receipt_date": "2025-03-20"})
    assert "20 de marzo de 2025" in reply["text"] and "unidades disponibles" not in reply["text"]
    assert reply["text"].startswith("Hola:") and "customer_name" in reply["missing_context"]


def test_other_language_and_unknown_category_fall_back():
    reply = ReplySuggester().suggest("warranty", "fr", {"customer_name": "Jean"})
    assert (reply["category"], reply["language"]) == ("other", "en")
    assert reply["text"].startswith("Dear Jean,")


def test_custom_templates():
    templates = {"other": {"en": ["Hi {customer_name}.", "Order {order_name} noted."]},
                 "billing": {"es": [("Hola {customer_name}.", "Hola."), "Revisamos {invoice_name}."]}}
    suggester = ReplySuggester(templates)
    assert suggester.suggest("billing", "es", {"invoice_name": "F1"})["text"] == "Hola. Revisamos F1."
    assert suggester.suggest("billing", "en", {"customer_name": "Bo"})["text"] == "Hi Bo."


def test_bad_configuration_and_context():
    with pytest.raises(ValidationError):
        ReplySuggester({"billing": {"es": ["x"]}})
    with pytest.raises(ValidationError):
        ReplySuggester().suggest("billing", "es", ["not", "a", "dict"])


def test_billing_states_no_invoice_it_does_not_hold_and_uses_what_it_holds():
    """A Spanish double charge, third message, an order but no invoice (issue 11)."""
    context = {"customer_name": "Ana", "order_name": "S00012", "message_count": 3,
               "disputed_amount": disputed_amount("Me habéis cobrado dos veces 45,90 € por el pedido S00012")}
    text = ReplySuggester().suggest("billing", "es", context)["text"]
    assert "factura" not in text.lower() and "revisado" not in text
    assert "45,90 €" in text and "S00012" in text and "3 veces" in text
    english = ReplySuggester().suggest("billing", "en", {"message_count": 1})["text"]
    assert "invoice" not in english.lower() and "times" not in english  # a first message is not a repeat


@pytest.mark.parametrize(("text", "amount"), [
    ("Me habéis cobrado dos veces 45,90 € en la tarjeta", "45,90 €"), ("charged twice $120.50", "$120.50"),
    ("un cargo de 1.234,50€", "1.234,50€"), ("cobro de 30 euros", "30 euros"),
    ("pedido S00012 de 12 unidades", None), (None, None),
])
def test_disputed_amount_needs_a_currency(text, amount):
    assert disputed_amount(text) == amount
