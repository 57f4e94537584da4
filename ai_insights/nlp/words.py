"""A processed ticket's tokens as plain Python values, read from spaCy once.

Every attribute read on a spaCy token builds a Python ``Token`` object
first; the analysis read each token five times (language, lemma, cues, the
lemma view, key phrases), and building those objects was a fifth of its
time. :func:`doc_words` reads the token ids of a doc in one call
(``Doc.to_array``) and turns each id into a :class:`Word` remembered per
lexeme, so a word seen before costs one dictionary look-up. The words are
kept on the doc (``doc._.words``) for every later step.

All the attributes of a :class:`Word` belong to the lexeme (the string),
not to its place in the text, so the same id always gives the same word.
They are the only lexical attributes the analysis reads
(:data:`LEXICAL_ATTRIBUTES`): the ticket pipeline computes no other for a
word it meets for the first time (spaCy computes some twenty, such as the
word's shape, which made a new word cost twice as much).

The pipeline's values on a doc (``doc._.words``, ``doc._.lemmas``,
``doc._.language``...) are read and written with :func:`read_extensions` and
:func:`write_extensions`, straight in ``doc.user_data`` where spaCy keeps
them: each ``doc._`` builds a Python object and each attribute read through
it costs a few microseconds, some ten per ticket. ``doc._.<name>`` reads the
same values.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from spacy.attrs import IS_ALPHA, IS_PUNCT, IS_SPACE, IS_UPPER, LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

__all__ = ["LEXICAL_ATTRIBUTES", "Word", "WordReader", "doc_words", "read_extensions", "write_extensions"]

# spaCy's lexical attributes a Word reads besides the text itself.
LEXICAL_ATTRIBUTES = (LOWER, IS_ALPHA, IS_PUNCT, IS_SPACE, IS_UPPER)

# Lexemes remembered before the memory starts afresh: a long-running server meets new words forever.
_MAX_LEXEMES = 200_000

for _name in ("words", "lemmas"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
_EMPTY_DOC = Doc(Vocab(), words=[])


@cache
def _user_data_key(name: str) -> tuple:
    """Where spaCy keeps ``doc._.<name>`` in ``doc.user_data`` (its own ``Underscore._get_key``)."""
    return _EMPTY_DOC._._get_key(name)


def read_extensions(doc: Doc, *names: str) -> list[Any]:
    """``[doc._.<name> for name in names]`` (extensions registered with a ``None`` default and no getter)."""
    data = doc.user_data
    return [data.get(_user_data_key(name)) for name in names]


def write_extensions(doc: Doc, values: dict[str, Any]) -> None:
    """``doc._.<name> = value`` for each item of ``values`` (extensions registered without a setter)."""
    data = doc.user_data
    for name, value in values.items():
        data[_user_data_key(name)] = value


class Word(NamedTuple):
    """What the analysis reads of a token (spaCy's ``Token`` attributes of the same names)."""

    text: str
    lower: str
    is_alpha: bool
    is_punct: bool
    is_space: bool
    is_upper: bool


class WordReader:
    """spaCy component: set ``doc._.words``, remembering the :class:`Word` of every lexeme it met."""

    def __init__(self) -> None:
        self.lexemes: dict[int, Word] = {}

    def __call__(self, doc: Doc) -> Doc:
        if len(self.lexemes) > _MAX_LEXEMES:
            self.lexemes = {}
        write_extensions(doc, {"words": _read_words(doc, self.lexemes)})
        return doc


def _read_words(doc: Doc, lexemes: dict[int, Word]) -> list[Word]:
    vocab = doc.vocab
    words = []
    for orth in doc.to_array(ORTH).tolist():
        word = lexemes.get(orth)
        if word is None:
            lexeme = vocab[orth]
            word = lexemes[orth] = Word(lexeme.orth_, lexeme.lower_, lexeme.is_alpha, lexeme.is_punct,
                                        lexeme.is_space, lexeme.is_upper)
        words.append(word)
    return words


def doc_words(doc: Doc) -> list[Word]:
    """The :class:`Word` of each token of ``doc``, in order.

    Read by the ticket pipeline's first component (``ticket_words``); a doc
    from a pipeline without it has its words read here, on first use.
    """
    words = doc.user_data.get(_user_data_key("words"))
    if words is None:
        words = _read_words(doc, {})
        write_extensions(doc, {"words": words})
    return words


@Language.factory("ticket_words")
def make_word_reader(nlp: Language, name: str) -> WordReader:
    return WordReader()
