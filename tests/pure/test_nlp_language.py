"""Language detection: Spanish, English, other languages flagged, mixed, emoji, empty."""

import pytest
import spacy

import ai_insights.nlp.language  # noqa: F401  (registers the ticket_language factory)


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("xx")
    pipeline.add_pipe("ticket_language")
    return pipeline


@pytest.mark.parametrize(
    "text, language, detected",
    [
        (
            "Hola, el pedido que hicimos la semana pasada todavía no ha llegado y necesitamos saber cuándo llegará.",
            "es",
            "es",
        ),
        (
            "Hello, the order we placed last week has still not arrived and we need to know when it will come.",
            "en",
            "en",
        ),
        ("Bonjour, la commande que nous avons passée la semaine dernière n'est toujours pas arrivée.", "other", "fr"),
        (
            "Hallo, die Bestellung, die wir letzte Woche aufgegeben haben, ist immer noch nicht angekommen.",
            "other",
            "de",
        ),
        ("Olá, a encomenda que fizemos na semana passada ainda não chegou e não sabemos quando chega.", "other", "pt"),
    ],
)
def test_languages(nlp, text, language, detected):
    doc = nlp(text)
    assert (doc._.language, doc._.detected_language) == (language, detected)
    assert 0.5 < doc._.language_confidence <= 1


def test_mixed_languages_flagged(nlp):
    doc = nlp("Hola, el pedido que hicimos todavía no ha llegado y lo necesitamos para la obra. "
              "I need it for the site work, it is the order of last week.")
    assert doc._.language in ("es", "en") and doc._.mixed_language


@pytest.mark.parametrize("text", ["", "   ", "😡😡😡 👍", "12345 !!!"])
def test_nothing_to_detect(nlp, text):
    doc = nlp(text)
    assert doc._.language == "other" and doc._.detected_language is None and doc._.language_confidence == 0


def test_deterministic(nlp):
    text = "Factura duplicada, por favor revisen el cargo"
    assert len({(nlp(text)._.language, nlp(text)._.language_confidence) for _ in range(5)}) == 1
