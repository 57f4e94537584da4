"""Fast, deterministic language identification from spaCy's stop word lists.

Every language spaCy ships stop words for votes with the stop words it finds
in the text; a word shared by several languages splits its vote between them,
and a few letters only some languages use (``ñ``, ``ã``, ``ß``...) add
evidence. No model file, no randomness: the same text always gets the same
answer, in microseconds.
"""

from __future__ import annotations

import importlib.util
import re
from collections import defaultdict
from functools import cache, lru_cache
from itertools import islice
from pathlib import Path

import spacy.lang
from spacy.language import Language
from spacy.tokens import Doc

from ai_insights.nlp.words import Word, doc_words, write_extensions

__all__ = ["DEFAULT_LANGUAGES", "SUPPORTED_LANGUAGES", "LanguageDetector", "detect_language", "stop_words"]

SUPPORTED_LANGUAGES = ("es", "en")
DEFAULT_LANGUAGES = ("es", "en", "fr", "de", "pt", "it", "nl", "ca", "ro", "sv", "da", "nb", "pl", "tr", "fi", "cs")
OTHER = "other"

_LETTER_HINTS = {
    "ñ": ("es",), "¿": ("es",), "¡": ("es",),
    "ã": ("pt",), "õ": ("pt",), "ç": ("pt", "fr", "ca"),
    "ß": ("de",), "ł": ("pl",), "ą": ("pl",), "ę": ("pl",), "ğ": ("tr",), "ı": ("tr",),
    "ř": ("cs",), "ě": ("cs",), "ø": ("da", "nb"), "æ": ("da", "nb"), "å": ("sv", "da", "nb"),
}
_HINT_PATTERN = re.compile("[" + "".join(_LETTER_HINTS) + "]")
# English clitics the multi-language tokenizer leaves attached: "don't" -> "do", "n't".
_CLITIC = re.compile(r"^([^\W\d_]+?)(n't|'s|'re|'m|'d|'ll|'ve)$")
# Words whose evidence is remembered before the memory starts afresh (a server meets new words forever).
_MAX_WORDS = 200_000

for _name in ("language", "detected_language", "language_confidence", "mixed_language"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@cache
def stop_words(code: str) -> frozenset[str]:
    """spaCy's stop words of a language, read from ``spacy/lang/<code>/stop_words.py`` alone.

    Importing ``spacy.lang.<code>.stop_words`` the usual way first runs the
    language package, which for French compiles tokenizer exceptions for
    seconds; the stop word file itself has no imports.
    """
    path = Path(spacy.lang.__path__[0]) / code / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"_ticket_stop_words_{code}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(word.lower() for word in module.STOP_WORDS)


@lru_cache(maxsize=8)
def _stop_word_votes(languages: tuple[str, ...]) -> dict[str, tuple[tuple[str, float], ...]]:
    """Word -> ((language, vote), ...), each word's vote split among its languages."""
    owners: dict[str, list[str]] = defaultdict(list)
    for code in languages:
        for word in stop_words(code):
            owners[word].append(code)
    return {word: tuple((code, 1.0 / len(codes)) for code in codes) for word, codes in owners.items()}


def detect_language(
    words: list[str],
    text: str = "",
    languages: tuple[str, ...] = DEFAULT_LANGUAGES,
    mixed_share: float = 0.25,
) -> dict:
    """Identify the language of a text from its lower-cased words.

    Parameters
    ----------
    words : list of str
        Lower-cased words of the text.
    text : str
        The lower-cased text, scanned for language-specific letters.
    languages : tuple of str
        spaCy language codes that can be recognised.
    mixed_share : float
        Share of the Spanish + English evidence the weaker of the two needs
        for the text to count as mixed.

    Returns
    -------
    dict
        ``language`` (``"es"``, ``"en"`` or ``"other"``), ``detected_language``
        (a code, or ``None`` when there is no evidence at all),
        ``language_confidence`` in [0, 1] and ``mixed_language`` (bool).
    """
    votes = _stop_word_votes(tuple(languages))
    return _decide([vote for word in words for vote in votes.get(word, ())], _HINT_PATTERN.findall(text),
                   tuple(languages), mixed_share)


def _decide(votes: list[tuple[str, float]], letters: list[str], languages: tuple[str, ...],
            mixed_share: float) -> dict:
    """:func:`detect_language`'s answer from the stop words' votes, in the text's order, and its hint letters."""
    scores: dict[str, float] = defaultdict(float)
    for code, vote in votes:
        scores[code] += vote
    for letter in letters:
        owners = [code for code in _LETTER_HINTS[letter] if code in languages]
        for code in owners:
            scores[code] += 1.0 / len(owners)
    total = sum(scores.values())
    if total == 0:
        return {"language": OTHER, "detected_language": None, "language_confidence": 0.0, "mixed_language": False}
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    # Margin over the runner-up, shrunk when there is little evidence (a short text).
    confidence = best_score / (best_score + runner_up) * total / (total + 1.0)
    supported_scores = sorted((scores.get(code, 0.0) for code in SUPPORTED_LANGUAGES), reverse=True)
    mixed = best in SUPPORTED_LANGUAGES and supported_scores[1] / sum(supported_scores) >= mixed_share
    return {
        "language": best if best in SUPPORTED_LANGUAGES else OTHER,
        "detected_language": best,
        "language_confidence": round(confidence, 4),
        "mixed_language": mixed,
    }


class LanguageDetector:
    """spaCy component writing the detected language on ``doc._``.

    Sets ``doc._.language``, ``doc._.detected_language``,
    ``doc._.language_confidence`` and ``doc._.mixed_language`` (see
    :func:`detect_language`). Only the first ``max_words`` tokens are read,
    so long texts cost the same as short ones. The evidence of each word (the
    votes of its stop words, an English clitic split off, and its hint letters)
    is worked out once per word and remembered.
    """

    def __init__(self, languages: tuple[str, ...], mixed_share: float, max_words: int) -> None:
        self.languages = tuple(languages)
        self.mixed_share = mixed_share
        self.max_words = max_words
        self.votes = _stop_word_votes(self.languages)  # built now, not on the first ticket
        self.evidence: dict[str, tuple[tuple, tuple]] = {}

    def _word_evidence(self, word: Word) -> tuple[tuple, tuple]:
        """The votes of the word (a word of letters, or the two parts of an English clitic) and its hint letters."""
        lower = word.lower
        if word.is_alpha:
            parts = (lower,)
        elif clitic := _CLITIC.match(lower.replace("\u2019", "'")):
            parts = clitic.groups()
        else:
            parts = ()
        evidence = self.evidence[word.text] = (
            tuple(vote for part in parts for vote in self.votes.get(part, ())), tuple(_HINT_PATTERN.findall(lower)))
        return evidence

    def __call__(self, doc: Doc) -> Doc:
        if len(self.evidence) > _MAX_WORDS:
            self.evidence = {}
        votes, letters = [], []
        for word in islice(doc_words(doc), self.max_words):
            word_votes, word_letters = self.evidence.get(word.text) or self._word_evidence(word)
            votes += word_votes
            letters += word_letters
        write_extensions(doc, _decide(votes, letters, self.languages, self.mixed_share))
        return doc


@Language.factory(
    "ticket_language",
    default_config={"languages": list(DEFAULT_LANGUAGES), "mixed_share": 0.25, "max_words": 400},
)
def make_language_detector(nlp: Language, name: str, languages: list[str], mixed_share: float, max_words: int):
    return LanguageDetector(tuple(languages), mixed_share, max_words)
