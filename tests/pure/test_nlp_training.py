"""The company's own tickets beside the seed corpus: what the analyzer learns from, and with what weight."""

import numpy as np
import pandas as pd
import pytest

from ai_insights.nlp import TicketAnalyzer, ticket_texts
from ai_insights.nlp.seed import load_seed_corpus
from ai_insights.nlp.training import OWN_TICKET_WEIGHT, seeded_training_set
from crm_bridge.contract.errors import ValidationError

OWN = pd.DataFrame({
    "subject": ["Factura", "Login", "Sin etiqueta"],
    "body": ["Me cobraron dos veces", "No puedo entrar", "Solo el asunto"],
    "category": ["billing", "account_access", ""],
    "urgency": ["high", None, ""],
    "sentiment": ["negative", "negative", ""],
})
TASKS = ["category", "urgency", "sentiment"]


def _own(frame):
    return ticket_texts(frame), frame[[column for column in TASKS if column in frame]]


def test_seed_first_then_labelled_own_tickets_with_their_weight():
    seed = load_seed_corpus(limit=300)
    texts, labels, weights = seeded_training_set(*_own(OWN), seed)
    assert len(texts) == len(labels) == len(weights) == 302  # the ticket with no label at all is left out
    assert texts[-2:] == ["Factura\n\nMe cobraron dos veces", "Login\n\nNo puedo entrar"]
    assert list(labels.columns) == ["category", "urgency", "sentiment"]
    assert labels["urgency"].iloc[-1] is np.nan or pd.isna(labels["urgency"].iloc[-1])
    assert (weights[:300] == 1).all() and (weights[300:] == OWN_TICKET_WEIGHT).all()


def test_no_own_tickets_is_the_seed_alone():
    seed = load_seed_corpus(limit=50)
    texts, labels, weights = seeded_training_set(*_own(OWN.head(0)), seed)
    assert len(texts) == 50 and labels.equals(seed[["category", "urgency", "sentiment"]].reset_index(drop=True))
    assert (weights == 1).all()


@pytest.mark.parametrize("texts, labels, weight, field", [
    (ticket_texts(OWN)[:2], OWN[TASKS], OWN_TICKET_WEIGHT, "own_labels"),
    (ticket_texts(OWN), OWN[TASKS], 0.0, "own_weight"),
])
def test_bad_input_refused(texts, labels, weight, field):
    with pytest.raises(ValidationError) as error:
        seeded_training_set(texts, labels, load_seed_corpus(limit=10), own_weight=weight)
    assert error.value.field == field


N_OWN = 2  # so few that, weighing as much as a seed ticket, they do not outvote the seed


def test_weights_move_the_model():
    """A company ticket weighted heavily is learnt even against many seed tickets saying otherwise."""
    seed = load_seed_corpus(limit=400)
    own = pd.DataFrame({"subject": ["Zorblax"] * N_OWN, "body": ["zorblax quibbet frobnicate"] * N_OWN,
                        "category": ["other"] * N_OWN, "urgency": ["high"] * N_OWN, "sentiment": ["positive"] * N_OWN})
    text = "Zorblax\n\nzorblax quibbet frobnicate"
    results = []
    for own_weight in (1.0, 50.0):
        texts, labels, weights = seeded_training_set(*_own(own), seed, own_weight=own_weight)
        results.append(TicketAnalyzer(holdout=0).fit(texts, labels, sample_weight=weights).predict(text))
    plain, weighted = results
    assert weighted["urgency"] == "high"
    assert plain["urgency"] != "high" or plain["urgency_confidence"] < weighted["urgency_confidence"]


@pytest.mark.parametrize("weights", [[1.0] * 5, [0.0] * 250, [np.nan] * 250])
def test_fit_refuses_bad_weights(weights):
    seed = load_seed_corpus(limit=250)
    texts, labels, _ = seeded_training_set(*_own(OWN.head(0)), seed)
    with pytest.raises(ValidationError) as error:
        TicketAnalyzer(holdout=0).fit(texts, labels, sample_weight=weights)
    assert error.value.field == "sample_weight"
