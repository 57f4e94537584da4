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
    own: pd.DataFrame,
    seed: pd.DataFrame | None = None,
    own_weight: float = OWN_TICKET_WEIGHT,
) -> tuple[list[str], pd.DataFrame, np.ndarray]:
    """Texts, labels and weights for :meth:`TicketAnalyzer.fit <ai_insights.nlp.TicketAnalyzer.fit>`.

    Parameters
    ----------
    own : pandas.DataFrame
        The company's labelled tickets: ``subject``, ``body`` and any of the
        task columns (``category``, ``urgency``, ``sentiment``); a missing
        label leaves that ticket out of that task only. May be empty.
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
        ``own`` lacks ``subject`` or ``body``, or ``own_weight`` is not positive.
    """
    missing = {"subject", "body"} - set(own.columns)
    if missing:
        raise ValidationError(f"own tickets lack the columns {', '.join(sorted(missing))}", field="own")
    if not own_weight > 0:
        raise ValidationError("own_weight must be positive", field="own_weight")
    seed = load_seed_corpus() if seed is None else seed
    tasks = list(SEED_TASKS)
    own_labels = own.reindex(columns=tasks).replace("", np.nan).reset_index(drop=True)
    labelled = own_labels.notna().any(axis=1).to_numpy()
    own_labels = own_labels[labelled].reset_index(drop=True)
    texts = ticket_texts(seed) + [text for text, keep in zip(ticket_texts(own), labelled) if keep]
    labels = pd.concat([seed[tasks].reset_index(drop=True), own_labels], ignore_index=True)
    weights = np.concatenate([np.ones(len(seed)), np.full(len(own_labels), float(own_weight))])
    return texts, labels, weights
