"""One training of the ticket analyzer for the helpdesk addon and make demo (ai_insights.nlp.training)."""

import pandas as pd
import pytest

from ai_insights.nlp import TicketAnalyzer, ticket_texts
from ai_insights.nlp.seed import load_seed_corpus
from ai_insights.nlp.training import (
    DEFAULT_CONFIDENCE,
    OWN_TICKET_WEIGHT,
    seeded_training_set,
    train_ticket_analyzer,
)
from crm_bridge.contract.errors import InsufficientDataError, ValidationError

TASKS = ["category", "urgency", "sentiment"]
OWN = pd.DataFrame({
    "subject": ["Factura duplicada", "Login", "Sin etiqueta"],
    "body": ["Me cobraron dos veces el pedido", "No puedo entrar en mi cuenta", "Solo el asunto"],
    "category": ["billing", "account_access", None],
    "urgency": ["high", None, None],
    "sentiment": ["negative", "negative", None],
    "created_at": pd.to_datetime(["2026-10-01", "2026-10-05", "2026-10-09"]),
})


@pytest.fixture(scope="module")
def seed():
    return load_seed_corpus(limit=300)


@pytest.fixture(scope="module")
def trained(seed):
    return train_ticket_analyzer(ticket_texts(OWN), OWN[TASKS], dates=OWN["created_at"], seed=seed, version="v1")


def test_it_is_the_weighted_seeded_fit_with_the_default_confidence(trained, seed):
    texts, labels, weights = seeded_training_set(ticket_texts(OWN), OWN[TASKS], seed)
    direct = TicketAnalyzer(confidence_threshold=DEFAULT_CONFIDENCE).fit(texts, labels, sample_weight=weights)
    assert trained.confidence_threshold == DEFAULT_CONFIDENCE == 0.6
    # the card measures the same held-out fifth of seed and own tickets as the weighted fit does
    assert trained.card_.metrics == direct.card_.metrics
    probe = ticket_texts(OWN)
    assert trained.predict_many(probe) == direct.predict_many(probe)


def test_card_says_what_it_learnt_from(trained):
    extra = trained.card_.extra
    assert (extra["seed_tickets"], extra["own_tickets"], extra["own_ticket_weight"]) == (300, 2, OWN_TICKET_WEIGHT)
    assert set(extra["seed_corpus"]) == {"sha256", "rows", "created", "licence", "provenance"}
    assert trained.card_.version == "v1"


def test_the_company_threshold_replaces_the_default(seed):
    analyzer = train_ticket_analyzer([], OWN[TASKS].head(0), seed=seed, confidence_threshold=0.8)
    assert analyzer.confidence_threshold == 0.8 and analyzer.card_.extra["own_tickets"] == 0


@pytest.mark.parametrize("threshold", [-0.1, 1.5, float("nan")])
def test_bad_threshold_is_a_structured_error(threshold, seed):
    with pytest.raises(ValidationError) as error:
        train_ticket_analyzer([], OWN[TASKS].head(0), seed=seed, confidence_threshold=threshold)
    assert error.value.field == "confidence_threshold"


def test_too_few_tickets_is_a_clear_error():
    with pytest.raises(InsufficientDataError):
        train_ticket_analyzer(ticket_texts(OWN), OWN[TASKS], seed=load_seed_corpus(limit=40))
