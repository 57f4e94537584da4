"""The spaCy pipeline every ticket goes through.

``spacy.blank("xx")`` (language-neutral tokenizer) -> ``ticket_words``
(each token's attributes read once, see :mod:`ai_insights.nlp.words`) ->
``ticket_language`` (see :mod:`ai_insights.nlp.language`) ->
``ticket_lemmatizer``, which lemmatises each token with the lookup table of
the language just detected (Spanish and English tables from
``spacy-lookups-data``; other languages keep the lower-cased form). One
pipeline for both languages, so ``nlp.pipe`` runs a mixed batch in one pass.

The lemmas are the list ``doc._.lemmas`` (one per token), not each token's
``lemma_``: writing them token by token cost as much as the rest of the
pipeline, and every reader (the analyzer, the key phrases) takes the list.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import load_language_data, registry

from ai_insights.nlp.language import DEFAULT_LANGUAGES, SUPPORTED_LANGUAGES
from ai_insights.nlp.words import LEXICAL_ATTRIBUTES, doc_words, read_extensions, write_extensions

__all__ = ["BilingualLemmatizer", "build_ticket_nlp"]


class BilingualLemmatizer:
    """spaCy component: lookup lemmas in the language of ``doc._.language``, as ``doc._.lemmas``.

    The tables are plain dicts serialised with msgpack: loading them takes a
    tenth of the time spaCy's ``Lookups`` tables need, which keeps model
    loading under a second.
    """

    def __init__(self, languages: tuple[str, ...]) -> None:
        self.languages = tuple(languages)
        self.tables: dict[str, dict[str, str]] = {}

    def initialize(self, get_examples=None, *, nlp: Language | None = None, keep_forms: Iterable[str] = ()) -> None:
        """Read the lemma lookup tables from ``spacy-lookups-data``.

        Only forms in the language's word-frequency list (``lexeme_prob``,
        the million most frequent words) or in ``keep_forms`` (e.g. the
        training vocabulary) are kept: a fifth of the Spanish table, which
        keeps model loading well under a second. Other forms keep their
        lower-cased text as lemma.
        """
        keep = {form.lower() for form in keep_forms}
        self.tables = {}
        for code in self.languages:
            files = registry.lookups.get(code)
            frequent = load_language_data(files["lexeme_prob"]) if "lexeme_prob" in files else None
            self.tables[code] = {
                form.lower(): lemma.lower()
                for form, lemma in load_language_data(files["lemma_lookup"]).items()
                if frequent is None or form in frequent or form.lower() in frequent or form.lower() in keep
            }

    def __call__(self, doc: Doc) -> Doc:
        [language] = read_extensions(doc, "language")
        table = self.tables.get(language, {})
        write_extensions(doc, {"lemmas": [table.get(word.lower, word.lower) for word in doc_words(doc)]})
        return doc

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps(self.tables)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> BilingualLemmatizer:
        self.tables = srsly.msgpack_loads(data)
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        Path(path).write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> BilingualLemmatizer:
        return self.from_bytes(Path(path).read_bytes())


@Language.factory("ticket_lemmatizer", default_config={"languages": list(SUPPORTED_LANGUAGES)})
def make_bilingual_lemmatizer(nlp: Language, name: str, languages: list[str]) -> BilingualLemmatizer:
    return BilingualLemmatizer(tuple(languages))


def build_ticket_nlp(
    lemma_tables: bytes | None = None,
    keep_forms: Iterable[str] = (),
    languages: tuple[str, ...] = DEFAULT_LANGUAGES,
    mixed_share: float = 0.25,
) -> Language:
    """Build the ticket pipeline.

    Parameters
    ----------
    lemma_tables : bytes, optional
        Output of the lemmatizer's ``to_bytes`` (as stored with a saved
        model). When omitted the tables are read from ``spacy-lookups-data``.
    keep_forms : iterable of str
        Word forms whose lemmas must be kept however rare (the training
        vocabulary); see :meth:`BilingualLemmatizer.initialize`.
    languages : tuple of str
        Languages the detector can recognise.
    mixed_share : float
        See :func:`ai_insights.nlp.language.detect_language`.

    Notes
    -----
    Words new to the pipeline get only the lexical attributes the analysis
    reads (:data:`ai_insights.nlp.words.LEXICAL_ATTRIBUTES`); spaCy's others
    (shape, prefix, ``like_num``...) are left unset.
    """
    nlp = spacy.blank("xx")
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {attribute: getters[attribute] for attribute in LEXICAL_ATTRIBUTES}
    nlp.add_pipe("ticket_words")
    nlp.add_pipe("ticket_language", config={"languages": list(languages), "mixed_share": mixed_share})
    lemmatizer = nlp.add_pipe("ticket_lemmatizer")
    if lemma_tables is None:
        lemmatizer.initialize(keep_forms=keep_forms)
    else:
        lemmatizer.from_bytes(lemma_tables)
    return nlp
