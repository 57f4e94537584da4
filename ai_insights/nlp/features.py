"""The fitted feature transformers' transforms, faster and with the same output.

**TF-IDF.** sklearn's ``TfidfVectorizer.transform`` cuts every document
into its n-grams and looks each one up in the vocabulary, ticket after
ticket: for the character 4-grams of a ticket that is some hundreds of
slices and dictionary look-ups, and it was the largest single part of the
analysis. Character n-grams inside word boundaries (``analyzer="char_wb"``)
belong to one word each: the n-grams of a document are the union of its
words' n-grams. :class:`TfidfReader` therefore remembers, for every word it
meets, the vocabulary columns of its n-grams (cut by sklearn's own
``_char_wb_ngrams``), so a word seen before costs one look-up. Word n-grams
(``analyzer="word"``) are joined from the vectorizer's own tokens.
The counts form the matrix sklearn's ``CountVectorizer`` builds (CSR of the
vectorizer's dtype, indices sorted, one entry per column), weighed and
normalised by the steps of the vectorizer's ``TfidfTransformer``, without
its input checks: on a single ticket those checks (``validate_data``, twice)
took longer than the rest of the analysis' features together.

**Cues.** :func:`max_abs_scale` divides by a fitted ``MaxAbsScaler``'s
scales, as its ``transform`` does after the same checks.

Both equal sklearn's transforms bit for bit (``tests/pure/test_nlp_fast_paths.py``);
a transformer configured otherwise (own analyzer, binary counts, input read
from files, clipping...) is left to its own ``transform``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import MaxAbsScaler
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l1, inplace_csr_row_normalize_l2

__all__ = ["TfidfReader", "max_abs_scale"]

# Words remembered before the memory starts afresh: a long-running server meets new words forever.
_MAX_WORDS = 200_000
_NORMALISE = {"l1": inplace_csr_row_normalize_l1, "l2": inplace_csr_row_normalize_l2, None: lambda matrix: None}


class TfidfReader:
    """``vectorizer.transform(documents)`` of a fitted ``TfidfVectorizer``, faster (see the module).

    Parameters
    ----------
    vectorizer : sklearn.feature_extraction.text.TfidfVectorizer
        Fitted; it is read, never changed.
    """

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self.vectorizer = vectorizer
        self.vocabulary = vectorizer.vocabulary_
        self.words: dict[str, list[int]] = {}
        plain = (vectorizer.input == "content" and not vectorizer.binary and vectorizer.preprocessor is None
                 and isinstance(vectorizer.analyzer, str) and vectorizer.norm in _NORMALISE)
        if plain and vectorizer.analyzer == "char_wb":
            self.preprocess = vectorizer.build_preprocessor()
            self.columns = self._char_wb_columns
        elif plain and vectorizer.analyzer == "word" and vectorizer.stop_words is None:
            self.preprocess = vectorizer.build_preprocessor()
            self.tokenize = vectorizer.build_tokenizer()
            self.columns = self._word_columns
        else:
            self.columns = None

    def _char_wb_columns(self, document: str) -> list[int]:
        """Vocabulary columns of the n-grams of ``document``, one per occurrence."""
        words = self.words
        if len(words) > _MAX_WORDS:
            words = self.words = {}
        found = []
        for word in self.preprocess(document).split():
            columns = words.get(word)
            if columns is None:
                vocabulary = self.vocabulary
                columns = words[word] = [vocabulary[gram] for gram in self.vectorizer._char_wb_ngrams(word)
                                         if gram in vocabulary]
            found.append(columns)
        return list(chain.from_iterable(found))

    def _word_columns(self, document: str) -> list[int]:
        """Vocabulary columns of the word n-grams of ``document`` (sklearn's ``_word_ngrams``, in another order)."""
        vocabulary = self.vocabulary
        tokens = self.tokenize(self.preprocess(document))
        first, last = self.vectorizer.ngram_range
        found = []
        for size in range(first, last + 1):
            grams = tokens if size == 1 else map(" ".join, zip(*(tokens[start:] for start in range(size))))
            found += [vocabulary[gram] for gram in grams if gram in vocabulary]
        return found

    def transform(self, documents: Sequence[str]) -> sp.csr_array:
        """TF-IDF rows of ``documents``, as ``vectorizer.transform`` gives them."""
        vectorizer = self.vectorizer
        if self.columns is None:
            return vectorizer.transform(documents)
        per_document = [self.columns(document) for document in documents]
        indptr = np.zeros(len(per_document) + 1, dtype=np.int64)
        np.cumsum([len(columns) for columns in per_document], out=indptr[1:])
        index_dtype = np.int32 if indptr[-1] <= np.iinfo(np.int32).max else np.int64
        counts = sp.csr_array(
            (np.ones(indptr[-1], dtype=vectorizer.dtype),
             np.fromiter(chain.from_iterable(per_document), dtype=index_dtype, count=indptr[-1]),
             indptr.astype(index_dtype)),
            shape=(len(per_document), len(self.vocabulary)))
        counts.sum_duplicates()  # one entry per column, indices sorted: sklearn's count matrix
        return _weigh(vectorizer._tfidf, counts)


def _weigh(transformer: TfidfTransformer, counts: sp.csr_array) -> sp.csr_array:
    """``transformer.transform(counts, copy=False)`` for a CSR count matrix of floats: its steps, in its order."""
    if transformer.sublinear_tf:
        np.log(counts.data, counts.data)
        counts.data += 1.0
    if hasattr(transformer, "idf_"):
        counts.data *= transformer.idf_[counts.indices]
    _NORMALISE[transformer.norm](counts)
    return counts


def max_abs_scale(scaler: MaxAbsScaler, cues: np.ndarray) -> np.ndarray:
    """``scaler.transform(cues)`` for a dense array of float64, without its input checks (a new array)."""
    if getattr(scaler, "clip", False) or cues.dtype != np.float64:
        return scaler.transform(cues)
    return cues / scaler.scale_
