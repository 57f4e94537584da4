"""Key phrases: what customers talk about, per ticket, per product, and what is rising.

Candidate phrases are the n-grams (up to three words) inside runs of content
lemmas, i.e. lemmas that are neither stop words of the ticket's language nor
punctuation or numbers: a cheap stand-in for noun chunks that works the same
in Spanish and English without a parser. A phrase contained in a longer one
that occurs (almost) as often is dropped as redundant, so "pantalla rota"
wins over "pantalla" and "rota" when they always come together.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import lru_cache

import pandas as pd
from spacy.tokens import Doc

from ai_insights.nlp.language import stop_words
from ai_insights.nlp.words import doc_words, read_extensions

__all__ = ["candidate_phrases", "group_key_phrases", "rank_phrases", "trending_phrases"]

# A shorter phrase is redundant when a longer phrase containing it has at least this share of its count.
_REDUNDANCY_SHARE = 0.8


@lru_cache(maxsize=32)
def _phrase_stop_words(language: str | None) -> frozenset[str]:
    try:
        return stop_words(language)
    except (FileNotFoundError, TypeError):  # undetermined language, or one spaCy has no list for
        return stop_words("es") | stop_words("en")


def candidate_phrases(doc: Doc, max_words: int = 3, surface_forms: dict[str, str] | None = None) -> list[str]:
    """All candidate phrases of a processed ticket, with repetitions, as lemmas.

    Parameters
    ----------
    doc : spacy.tokens.Doc
        Output of the ticket pipeline (``doc._.lemmas`` and ``doc._.detected_language`` set).
    max_words : int
        Longest phrase, in words.
    surface_forms : dict, optional
        Filled with {phrase: its words as the ticket first wrote them}: lemmas
        group what tickets say ("cobrar duplicar"), a person reads the words
        ("cobro duplicado").
    """
    detected_language, lemmas = read_extensions(doc, "detected_language", "lemmas")
    excluded = _phrase_stop_words(detected_language)
    phrases: list[str] = []
    run: list[str] = []
    written: list[str] = []
    for word, lemma in zip(doc_words(doc), lemmas):
        if word.is_alpha and len(lemma) > 1 and lemma not in excluded and word.lower not in excluded:
            run.append(lemma)
            written.append(word.lower)
        elif run:
            _add_ngrams(run, written, max_words, phrases, surface_forms)
            run, written = [], []
    if run:
        _add_ngrams(run, written, max_words, phrases, surface_forms)
    return phrases


def _add_ngrams(run: list[str], written: list[str], max_words: int, phrases: list[str],
                surface_forms: dict[str, str] | None) -> None:
    """Append the n-grams of one run of content lemmas (shortest first) to ``phrases``."""
    for size in range(1, max_words + 1):
        for start in range(len(run) - size + 1):
            phrase = " ".join(run[start:start + size])
            phrases.append(phrase)
            if surface_forms is not None:
                surface_forms.setdefault(phrase, " ".join(written[start:start + size]))


def _drop_redundant(counts: Counter) -> Counter:
    container_count: dict[str, int] = {}  # phrase -> highest count of a longer phrase containing it
    for phrase, count in counts.items():
        if " " not in phrase:  # a single word contains no other phrase
            continue
        words = phrase.split()
        for size in range(1, len(words)):
            for start in range(len(words) - size + 1):
                part = " ".join(words[start:start + size])
                container_count[part] = max(container_count.get(part, 0), count)
    return Counter({
        phrase: count for phrase, count in counts.items()
        if container_count.get(phrase, 0) < _REDUNDANCY_SHARE * count
    })


def rank_phrases(
    phrases: Sequence[str],
    weight: Callable[[str], float] = lambda word: 1.0,
    top_n: int = 5,
) -> list[str]:
    """The ``top_n`` key phrases of one ticket.

    Parameters
    ----------
    phrases : sequence of str
        Candidates from :func:`candidate_phrases`.
    weight : callable
        Word -> informativeness (e.g. its IDF over the training tickets).
        A phrase scores its count times the mean weight of its words times
        the square root of its length (longer phrases say more).
    top_n : int
        How many phrases to return.
    """
    ranked = [
        (-(count * sum(map(weight, words)) / len(words) * math.sqrt(len(words))), phrase)
        for phrase, count in _drop_redundant(Counter(phrases)).items() for words in (phrase.split(),)
    ]
    return [phrase for _, phrase in heapq.nsmallest(top_n, ranked)]  # best score first, ties alphabetical


def group_key_phrases(
    phrase_lists: Sequence[Sequence[str]],
    groups: Sequence[Hashable],
    top_n: int = 10,
    min_count: int = 2,
) -> dict[Hashable, list[dict]]:
    """What each group of tickets (e.g. each product) is about, by class-based TF-IDF.

    Parameters
    ----------
    phrase_lists : sequence of sequence of str
        Candidate phrases of each ticket.
    groups : sequence
        Group key of each ticket (e.g. ``product_id``); missing keys are skipped.
    top_n : int
        Phrases per group.
    min_count : int
        Fewest tickets of the group that must mention a phrase.

    Returns
    -------
    dict
        Group -> list of ``{"phrase", "score", "count"}``, best first, where
        ``count`` is the number of the group's tickets mentioning the phrase
        and ``score`` its c-TF-IDF: frequent in the group, rare elsewhere.
    """
    per_group: dict[Hashable, Counter] = {}
    for phrases, group in zip(phrase_lists, groups):
        if group is None or (isinstance(group, float) and math.isnan(group)):
            continue
        per_group.setdefault(group, Counter()).update(set(phrases))
    per_group = {group: _drop_redundant(counts) for group, counts in per_group.items()}
    overall = Counter()
    for counts in per_group.values():
        overall.update(counts)
    mean_group_size = sum(overall.values()) / max(len(per_group), 1)
    result = {}
    for group, counts in per_group.items():
        total = sum(counts.values())
        scored = [
            {"phrase": phrase, "score": round(count / total * math.log(1 + mean_group_size / overall[phrase]), 6),
             "count": count}
            for phrase, count in counts.items()
            if count >= min_count
        ]
        result[group] = sorted(scored, key=lambda item: (-item["score"], item["phrase"]))[:top_n]
    return result


def trending_phrases(
    phrase_lists: Sequence[Sequence[str]],
    dates: Iterable,
    reference_date=None,
    window_days: int = 30,
    min_count: int = 3,
    min_lift: float = 1.5,
    top_n: int = 10,
) -> list[dict]:
    """Phrases mentioned by a rising share of tickets: last window vs the one before.

    Parameters
    ----------
    phrase_lists : sequence of sequence of str
        Candidate phrases of each ticket.
    dates : iterable of date-like
        Creation date of each ticket.
    reference_date : date-like, optional
        End of the recent window (inclusive); the latest date by default.
    window_days : int
        Length of each window.
    min_count : int
        Fewest recent tickets that must mention a phrase.
    min_lift : float
        Smallest ratio of recent to previous share of tickets.
    top_n : int
        How many phrases to return.

    Returns
    -------
    list of dict
        ``{"phrase", "recent_count", "previous_count", "recent_share",
        "previous_share", "lift"}``, highest lift first. Shares are
        add-one smoothed, so a phrase absent before has a finite lift.
    """
    dates = pd.to_datetime(pd.Series(list(dates)), errors="coerce")
    reference = pd.Timestamp(reference_date) if reference_date is not None else dates.max()
    window = pd.Timedelta(days=window_days)
    recent_mask = (dates > reference - window) & (dates <= reference)
    previous_mask = (dates > reference - 2 * window) & (dates <= reference - window)
    recent, previous = Counter(), Counter()
    for phrases, is_recent, is_previous in zip(phrase_lists, recent_mask, previous_mask):
        if is_recent:
            recent.update(set(phrases))
        elif is_previous:
            previous.update(set(phrases))
    n_recent, n_previous = int(recent_mask.sum()), int(previous_mask.sum())
    rising = []
    for phrase, count in _drop_redundant(recent).items():
        recent_share = (count + 1) / (n_recent + 2)
        previous_share = (previous[phrase] + 1) / (n_previous + 2)
        lift = recent_share / previous_share
        if count >= min_count and lift >= min_lift:
            rising.append({
                "phrase": phrase, "recent_count": count, "previous_count": previous[phrase],
                "recent_share": round(recent_share, 6), "previous_share": round(previous_share, 6),
                "lift": round(lift, 4),
            })
    return sorted(rising, key=lambda item: (-item["lift"], -item["recent_count"], item["phrase"]))[:top_n]
