"""Key phrases per ticket, per product, and trending between two windows."""

import pandas as pd
import pytest
import srsly

from ai_insights.nlp import (
    build_ticket_nlp,
    candidate_phrases,
    group_key_phrases,
    rank_phrases,
    trending_phrases,
)

TABLES = {"es": {"pantallas": "pantalla", "rota": "romper", "llegó": "llegar", "cajas": "caja"},
          "en": {"screens": "screen", "arrived": "arrive", "batteries": "battery"}}


@pytest.fixture(scope="module")
def nlp():
    return build_ticket_nlp(lemma_tables=srsly.msgpack_dumps(TABLES))


def test_candidates_are_content_lemmas_in_both_languages(nlp):
    spanish = candidate_phrases(nlp("La pantalla rota llegó en una caja abierta."))
    assert "pantalla romper" in spanish and "caja abierta" in spanish  # "llegó" is a spaCy stop word
    assert all(word not in spanish for word in ("la", "en", "una", "llegar"))
    english = candidate_phrases(nlp("The screens arrived cracked, and the batteries are dead."))
    assert "screen arrive cracked" in english and {"battery", "dead"} <= set(english)
    assert all(word not in english for word in ("the", "and", "are"))


def test_a_person_reads_the_words_the_ticket_wrote_not_the_lemmas(nlp):
    written = {}
    phrases = candidate_phrases(nlp("La pantalla rota llegó. Otra pantalla rota."), surface_forms=written)
    assert "pantalla romper" in phrases and written["pantalla romper"] == "pantalla rota"


def test_rank_prefers_longer_and_rarer(nlp):
    phrases = candidate_phrases(nlp("Pantalla rota. Pantalla rota otra vez. Envío lento."))
    ranked = rank_phrases(phrases, weight=lambda word: {"envío": 0.1, "lento": 0.1}.get(word, 2.0), top_n=2)
    assert ranked[0] == "pantalla romper"


def test_group_key_phrases_per_product(nlp):
    texts = ["La pantalla rota otra vez"] * 4 + ["Batería dura poco"] * 3 + ["Envío lento"] * 2
    products = [1] * 4 + [2] * 3 + ["P3", "P3"]
    phrases = [candidate_phrases(doc) for doc in nlp.pipe(texts)]
    result = group_key_phrases(phrases, products, top_n=3, min_count=2)
    assert result[1][0]["phrase"] == "pantalla romper" and result[1][0]["count"] == 4
    assert result[2][0]["phrase"] == "batería durar" or result[2][0]["phrase"].startswith("batería")
    assert [item["phrase"] for item in result["P3"]] == ["envío lento"]


def test_trending_phrases(nlp):
    old = ["Envío lento"] * 5 + ["Factura duplicada"] * 5
    new = ["Envío lento"] * 5 + ["Pantalla rota"] * 6
    phrases = [candidate_phrases(doc) for doc in nlp.pipe(old + new)]
    dates = [pd.Timestamp("2025-01-10")] * len(old) + [pd.Timestamp("2025-02-20")] * len(new)
    trending = trending_phrases(phrases, dates, reference_date="2025-02-28", window_days=30, min_count=3)
    # Two words without a stop word: language undetermined, so no lemmas.
    assert [item["phrase"] for item in trending] == ["pantalla rota"]
    assert trending[0]["recent_count"] == 6 and trending[0]["previous_count"] == 0 and trending[0]["lift"] > 1.5
