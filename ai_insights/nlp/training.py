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

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ai_insights.nlp.seed import SEED_TASKS, load_seed_corpus
from ai_insights.nlp.text import ticket_texts
from crm_bridge.contract.errors import ValidationError

__all__ = ["OWN_TICKET_WEIGHT", "seeded_training_set"]

# Weight of one of the company's own tickets against one seed ticket. Chosen on
# folds of a company's labelled tickets (train on the seed plus 50-200 of them,
# score the rest), never on the independent evaluation set.
OWN_TICKET_WEIGHT = 4.0


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
