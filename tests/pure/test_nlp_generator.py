"""The demo ticket generator the seed corpus comes from: labels as a person gives them, the ways people
write, and two disjoint halves of phrase families for the cross-family evaluation."""

import pandas as pd
import pytest

from demo_company import tickets as generator


@pytest.fixture(scope="module")
def halves():
    return [generator.make_ticket_corpus(n=600, seed=5, family_half=half) for half in (0, 1)]


def _phrases_used(corpus: pd.DataFrame, bank: dict) -> set[str]:
    """Placeholder-free phrases of ``bank`` found in the corpus bodies."""
    bodies = "\n".join(corpus["body"])
    return {phrase for by_category in bank.values() for options in by_category.values() for phrase in options
            if "{" not in phrase and phrase in bodies}


def test_family_halves_share_no_phrase(halves):
    used = [_phrases_used(corpus, {"en": generator._PROBLEMS["en"], "es": generator._PROBLEMS["es"]})
            for corpus in halves]
    assert used[0] and used[1] and used[0].isdisjoint(used[1])
    requests = [_phrases_used(corpus, {"en": generator._REQUESTS["en"]}) for corpus in halves]
    assert requests[0] and requests[1] and requests[0].isdisjoint(requests[1])


def test_labels_follow_what_the_ticket_says():
    corpus = generator.make_ticket_corpus(n=1500, seed=9)
    complaints = _rows_with(corpus, generator._PROBLEMS)
    questions = _rows_with(corpus, generator._REQUESTS)
    # A reported problem is negative however it is told; a plain question or request is not.
    assert (corpus.loc[complaints, "sentiment"] == "negative").all()
    assert (corpus.loc[questions, "sentiment"] != "negative").all()
    # Questions carry little time pressure: mostly low urgency; complaints seldom are.
    assert (corpus.loc[questions, "urgency"] == "low").mean() > 0.5
    assert (corpus.loc[complaints, "urgency"] == "low").mean() < 0.1


def _rows_with(corpus: pd.DataFrame, bank: dict) -> pd.Series:
    phrases = [phrase for by_category in bank.values() for options in by_category.values() for phrase in options
               if "{" not in phrase]
    return corpus["body"].apply(lambda body: any(phrase in body for phrase in phrases))


def test_ways_people_write():
    corpus = generator.make_ticket_corpus(n=1500, seed=9)
    bodies = corpus["body"]
    assert bodies.str.contains("<p>").mean() > 0.03  # HTML mail
    assert bodies.str.contains(r"(?:escribió|escribio|wrote):\n>", regex=True).any()  # quoted replies
    assert bodies.str.contains("confidencial|confidential", regex=True).any()  # legal footers
    assert bodies.str.contains(r"\b(?:ustedes|les|pueden)\b", regex=True).any()  # Latin American Spanish
    assert bodies.str.contains(r"\b(?:os|podéis|vosotros)\b", regex=True).any()  # Peninsular Spanish
    assert bodies.str.contains(r"\b(?:porfa|xq|pls|thx)\b", regex=True).any()  # chat register
    assert bodies.str.contains("Only half the order arrived|Solo llegó la mitad del pedido", regex=True).any()
