"""Urgency signals: each group finds the situations it names in Spanish (with or without accents) and
English, and stays silent on plain questions."""

import pytest

from ai_insights.nlp.signals import SIGNAL_GROUPS, fold_accents, signal_counts


def _found(text: str) -> set[str]:
    return {group for group, count in zip(SIGNAL_GROUPS, signal_counts(text)) if count}


@pytest.mark.parametrize(("text", "group"), [
    ("Lo necesitamos para mañana a primera hora", "deadline"),
    ("lo necesitamos para manana", "deadline"),
    ("We need it before Friday, the event is tomorrow", "deadline"),
    ("Estoy bloqueado desde ayer", "lasting"),
    ("It has not worked since yesterday", "lasting"),
    ("Desde esta mañana no podemos facturar", "blocked"),
    ("The card terminal is broken and we can't take payments", "blocked"),
    ("Me habéis cobrado dos veces el mismo pedido", "charged_twice"),
    ("You charged me twice: 2 x 89 $", "charged_twice"),
    ("Es la tercera vez que escribo y nadie responde", "repeated"),
    ("This is my third email, still no reply", "repeated"),
    ("Sale humo del enchufe y huele a quemado", "safety"),
    ("I got an electric shock from the lamp", "safety"),
    ("Inicio de sesión desde otro país, no fui yo", "security"),
    ("A former employee still has access", "security"),
    ("No hay prisa, es solo una consulta", "calm"),
    ("Not urgent, just a quick question", "calm"),
])
def test_each_group_finds_its_situation(text, group):
    assert group in _found(text)


@pytest.mark.parametrize("text", [
    "¿Hacéis envíos a Canarias? ¿Cuánto tarda?",
    "Do you offer net 30 payment terms for businesses?",
    "Muchas gracias, el pedido llegó perfecto",
])
def test_plain_tickets_raise_no_alarm(text):
    assert not _found(text) - {"calm"}


def test_accents_and_case_are_folded():
    assert fold_accents("MAÑANA, ¿Está? 🙏") == "manana, esta? "
    assert signal_counts("DESDE AYER") == signal_counts("desde ayer")
    assert len(signal_counts("")) == len(SIGNAL_GROUPS) and not any(signal_counts(""))


def test_the_one_scan_for_no_signal_counts_what_each_group_counts():
    """Tickets with no signal are told by one scan of every group at once; the counts stay each group's own."""
    from ai_insights.nlp import ticket_texts
    from ai_insights.nlp.seed import load_seed_corpus
    from ai_insights.nlp.signals import _COMPILED

    texts = ticket_texts(load_seed_corpus())
    counts = [signal_counts(text) for text in texts]
    assert counts == [tuple(len(pattern.findall(fold_accents(text))) for pattern in _COMPILED) for text in texts]
    assert 0 < sum(map(any, counts)) < len(texts)  # both kinds of ticket are in the seed
