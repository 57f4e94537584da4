"""What a company's ticket analyzer learns from: its own labelled tickets, with the seed corpus beside them.

A company starts with the seed corpus shipped with ``ai_insights`` (synthetic
tickets, see :mod:`ai_insights.nlp.seed`). Every ticket a person labels or
corrects in the helpdesk is the company's own data, written the way its
customers write: it joins the seed corpus with more weight, so a few dozen
corrections already move the analyzer towards the company's language. The
benchmark's learning curve (``python -m benchmarks tickets``,
``tickets_learning_f1_*``) measures exactly this path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ai_insights.nlp.classifier import TicketAnalyzer
from ai_insights.nlp.seed import SEED_TASKS, load_seed_corpus, read_seed_card
from ai_insights.nlp.text import ticket_texts
from crm_bridge.contract.errors import ValidationError

__all__ = ["DEFAULT_CONFIDENCE", "OWN_TICKET_WEIGHT", "seeded_training_set", "train_ticket_analyzer"]

# Weight of one of the company's own tickets against one seed ticket. Chosen on
# folds of a company's labelled tickets (train on the seed plus 50-200 of them,
# score the rest), never on the independent evaluation set.
OWN_TICKET_WEIGHT = 4.0
# Confidence under which a prediction is not applied but left to a person (a company may set its own).
DEFAULT_CONFIDENCE = 0.6
# What the card says of the seed corpus a version learnt beside the company's tickets.
SEED_CARD_KEYS = ("sha256", "rows", "created", "licence", "provenance")


def seeded_training_set(
    own_texts: Sequence[str],
    own_labels: pd.DataFrame,
    seed: pd.DataFrame | None = None,
    own_weight: float = OWN_TICKET_WEIGHT,
) -> tuple[list[str], pd.DataFrame, np.ndarray]:
    """Texts, labels and weights for :meth:`TicketAnalyzer.fit <ai_insights.nlp.TicketAnalyzer.fit>`.

    Parameters
    ----------
    own_texts : sequence of str
        The company's labelled tickets as the analyzer reads them
        (:func:`~ai_insights.nlp.text.ticket_texts`). May be empty.
    own_labels : pandas.DataFrame
        Aligned with ``own_texts``: any of the task columns (``category``,
        ``urgency``, ``sentiment``); a missing or empty label leaves that
        ticket out of that task only, a ticket with no label at all is left out.
    seed : pandas.DataFrame, optional
        The seed corpus; by default the one shipped with the package
        (:func:`~ai_insights.nlp.seed.load_seed_corpus`).
    own_weight : float
        Weight of each own ticket (seed tickets weigh 1).

    Returns
    -------
    texts : list of str
        Seed tickets first, then the company's.
    labels : pandas.DataFrame
        One column per task of the seed corpus.
    weights : numpy.ndarray
        1 for seed tickets, ``own_weight`` for the company's.

    Raises
    ------
    ValidationError
        ``own_texts`` and ``own_labels`` differ in length, or ``own_weight`` is not positive.
    """
    if len(own_texts) != len(own_labels):
        raise ValidationError(f"{len(own_texts)} own texts but {len(own_labels)} label rows", field="own_labels")
    if not own_weight > 0:
        raise ValidationError("own_weight must be positive", field="own_weight")
    seed = load_seed_corpus() if seed is None else seed
    tasks = list(SEED_TASKS)
    labels = own_labels.reindex(columns=tasks).replace("", np.nan).reset_index(drop=True)
    labelled = labels.notna().any(axis=1).to_numpy()
    texts = ticket_texts(seed) + [text for text, keep in zip(own_texts, labelled) if keep]
    labels = pd.concat([seed[tasks].reset_index(drop=True), labels[labelled]], ignore_index=True)
    weights = np.concatenate([np.ones(len(seed)), np.full(int(labelled.sum()), float(own_weight))])
    return texts, labels, weights


def train_ticket_analyzer(
    own_texts: Sequence[str],
    own_labels: pd.DataFrame,
    dates: Iterable | None = None,
    seed: pd.DataFrame | None = None,
    confidence_threshold: float = DEFAULT_CONFIDENCE,
    version: str | None = None,
) -> TicketAnalyzer:
    """The company's ticket analyzer: the seed corpus plus its own labelled tickets, as the helpdesk trains it.

    The one training of the helpdesk addon (``fusion.ticket.model``) and of
    ``make demo``: :func:`seeded_training_set` with ``OWN_TICKET_WEIGHT``,
    then :meth:`TicketAnalyzer.fit <ai_insights.nlp.TicketAnalyzer.fit>`, whose
    card measures macro-F1 on a seeded fifth held out of that same set (seed
    and own tickets) before refitting on all of it.

    Parameters
    ----------
    own_texts : sequence of str
        The company's closed tickets as the analyzer reads them
        (:func:`~ai_insights.nlp.text.ticket_texts`); may be empty.
    own_labels : pandas.DataFrame
        Their labels (``category``, ``urgency``, ``sentiment``), aligned with
        ``own_texts``; a missing label leaves the ticket out of that task.
    dates : iterable of date-like, optional
        The own tickets' dates, for the card's data window.
    seed : pandas.DataFrame, optional
        The seed corpus; the one shipped with the package by default.
    confidence_threshold : float
        Under this confidence a prediction is left to a person (``needs_review``).
    version : str, optional
        The card's version.

    Returns
    -------
    TicketAnalyzer
        Fitted; its card's ``extra`` says what it learnt from (``seed_corpus``
        provenance, ``seed_tickets``, ``own_tickets``, ``own_ticket_weight``).

    Raises
    ------
    ValidationError
        Texts and labels differ in length, or the threshold is not in [0, 1].
    InsufficientDataError
        Too few labelled tickets for a task or a label.
    """
    if not 0.0 <= confidence_threshold <= 1.0:  # NaN fails too
        raise ValidationError(f"confidence_threshold must lie in [0, 1], got {confidence_threshold}",
                              field="confidence_threshold")
    seed = load_seed_corpus() if seed is None else seed
    texts, labels, weights = seeded_training_set(own_texts, own_labels, seed)
    analyzer = TicketAnalyzer(confidence_threshold=confidence_threshold)
    analyzer.fit(texts, labels, dates=dates, version=version, sample_weight=weights)
    seed_card = read_seed_card()
    analyzer.card_.extra.update(
        seed_corpus={key: seed_card[key] for key in SEED_CARD_KEYS}, seed_tickets=len(seed),
        own_tickets=len(texts) - len(seed), own_ticket_weight=OWN_TICKET_WEIGHT)
    return analyzer
