"""VADER's English sentiment scores, with its look-backs reading only the words they look at.

For every word of its lexicon in a text, VADER's ``_negation_check`` (three
times) and ``_special_idioms_check`` lower-case the whole text's word list
to read the three words before it and the two after it: a text of n words
with k sentiment words lower-cases some 4 k n words, the largest part of
its time on a long ticket. :class:`TicketVader` gives those checks a slice
of the list around the word instead, with the word's place shifted to
match, so they read the same words and return the same valence: its
``polarity_scores`` equal VADER's (``tests/pure/test_nlp_fast_paths.py``).
"""

from __future__ import annotations

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

__all__ = ["TicketVader"]

# Words before a sentiment word the checks read (VADER reads up to i - 3), and after it (up to i + 2).
_BEFORE, _AFTER = 3, 2


class TicketVader(SentimentIntensityAnalyzer):
    """VADER (``vaderSentiment``'s ``SentimentIntensityAnalyzer``), same scores, faster look-backs."""

    @staticmethod
    def _window(words_and_emoticons: list[str], i: int) -> tuple[list[str], int]:
        """The words VADER's checks may read around position ``i``, and ``i``'s place among them.

        VADER calls the checks only for ``i`` beyond the words they read behind it; a smaller ``i``
        (a negative index in VADER's list would wrap around) keeps the whole list.
        """
        if i < _BEFORE:
            return words_and_emoticons, i
        return words_and_emoticons[i - _BEFORE:i + _AFTER + 1], _BEFORE

    def _negation_check(self, valence, words_and_emoticons, start_i, i):
        window, place = self._window(words_and_emoticons, i)
        return SentimentIntensityAnalyzer._negation_check(valence, window, start_i, place)

    def _special_idioms_check(self, valence, words_and_emoticons, i):
        window, place = self._window(words_and_emoticons, i)
        return SentimentIntensityAnalyzer._special_idioms_check(valence, window, place)
