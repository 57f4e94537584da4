"""Cleaning of ticket texts: HTML mail, huge bodies, empty values."""

import pytest

from ai_insights.nlp.text import clean_text
from crm_bridge.contract.errors import ValidationError


def test_html_mail_stripped():
    html = ("<html><head><style>p {color: red}</style></head><body><p>Hola,&nbsp;la factura</p>"
            "<p>est&aacute; mal &amp; duplicada<br>Gracias</p><script>alert(1)</script></body></html>")
    text, flags = clean_text(html)
    assert flags == ["html_stripped"]
    assert text == "Hola, la factura\n\nestá mal & duplicada\nGracias"


def test_plain_text_untouched_apart_from_spaces():
    assert clean_text("  Where is my order?  I paid <3 weeks ago ") == ("Where is my order? I paid <3 weeks ago", [])


def test_one_megabyte_body_truncated():
    """Cut between words; how long it takes is a benchmark figure (ticket_clean_1mb_ms)."""
    body = "El pedido llegó roto. " * 50_000
    text, flags = clean_text(body, max_chars=10_000)
    assert flags == ["truncated"] and 9_900 <= len(text) <= 10_000
    assert body.startswith(text) and body[len(text)] == " "  # cut between words


@pytest.mark.parametrize("value", [None, False, "", "  \n "])
def test_empty(value):
    assert clean_text(value) == ("", ["empty"])


def test_non_text_refused():
    with pytest.raises(ValidationError) as error:
        clean_text(42)
    assert error.value.field == "text"


@pytest.mark.parametrize("mail, own", [
    ("Hola, solo ha llegado la mitad.\n\nEl 12/10/2026, Soporte <s@example.com> escribió:\n> Gracias por escribir",
     "Hola, solo ha llegado la mitad."),
    ("Hi, the label is rejected.\n\n-----Original Message-----\nFrom: Support\nSent: 1 Oct\n\nThanks for waiting",
     "Hi, the label is rejected."),
    ("Locked out since yesterday.\n--\nSarah Miller\nThis e-mail is confidential. If received in error, delete it.",
     "Locked out since yesterday."),
    ("<p>Hi,</p><p>the box is open</p><p>On 19/09/2026 Support wrote:<br>&gt; Could you tell us the order?</p>",
     "Hi,\n\nthe box is open"),
])
def test_quoted_reply_and_signature_cut(mail, own):
    text, flags = clean_text(mail)
    assert text == own and "quote_removed" in flags


@pytest.mark.parametrize("text", [
    "El pedido no ha llegado, el transportista dice: el viernes escribió que vendría",
    "> todo citado\n> nada propio",
])
def test_nothing_cut_when_no_own_words_would_remain_or_no_quote(text):
    assert "quote_removed" not in clean_text(text)[1]
