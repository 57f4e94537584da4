"""The seed ticket corpus: what a company with no labelled tickets of its own learns from first.

Shipped as package data of ``ai_insights`` (never read from the demo company):

- ``tickets.csv.gz``: labelled tickets, one a row, gzip CSV (UTF-8) with the
  columns ``lang``, ``subject``, ``body``, ``category``, ``urgency``,
  ``sentiment``: the demo generator's tickets and the hand-written ones of
  ``written_tickets.csv``, shuffled together;
- ``tickets.card.json``: its card: what it is, how it was made (generator,
  seed, size, the command that regenerates it, the hand-written file and its
  checksum), licence, language and label distribution, the file's SHA-256 and
  row count, date;
- ``written_tickets.csv``: tickets written by hand in the registers the
  generator does not produce (see ``WRITTEN.md``); only read when the corpus
  is written.

A corpus and not a trained analyzer: the gzip CSV weighs about 140 KB where a
saved analyzer (its lemma tables included) weighs over 4 MB, and training
from it at install takes the time it took before; the analyzer trained from
it gets its own card with held-out metrics, like any other version.

:func:`write_seed_corpus` writes both files (``python
data/demo_company/tickets.py seed-tickets`` calls it with the demo
generator's tickets); :func:`load_seed_corpus` checks the file against its
card and reads it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ai_insights.registry.store import UntrustedModelError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = ["SEED_CARD", "SEED_COLUMNS", "SEED_FILE", "WRITTEN_FILE", "load_seed_corpus", "read_seed_card",
           "read_written_tickets", "write_seed_corpus"]

SEED_FILE = "tickets.csv.gz"
SEED_CARD = "tickets.card.json"
WRITTEN_FILE = "written_tickets.csv"
# Seed of the shuffle that mixes the hand-written tickets into the generated ones (any prefix stays a sample).
_SHUFFLE_SEED = 0
SEED_TASKS = ("category", "urgency", "sentiment")
SEED_COLUMNS = ("lang", "subject", "body", *SEED_TASKS)
LICENCE = "LGPL-3.0-or-later, the licence of the erp-crm-fusion project that ships it"


def _place(directory: str | Path | None) -> Traversable:
    """``directory``, or the package's own folder (inside an installed wheel or the checkout)."""
    return Path(directory) if directory else files(__name__)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(label): int(count) for label, count in values.value_counts().sort_index().items()}


def read_written_tickets() -> pd.DataFrame:
    """The hand-written seed tickets shipped beside this module (:data:`SEED_COLUMNS`, as strings)."""
    return pd.read_csv(io.BytesIO(files(__name__).joinpath(WRITTEN_FILE).read_bytes()), dtype=str,
                       keep_default_na=False)


def read_seed_card(directory: str | Path | None = None) -> dict[str, Any]:
    """The card of the seed corpus in ``directory`` (default: the one shipped with the package)."""
    return json.loads(_place(directory).joinpath(SEED_CARD).read_text(encoding="utf-8"))


def load_seed_corpus(limit: int | None = None, directory: str | Path | None = None) -> pd.DataFrame:
    """The seed tickets, after checking the file against its card.

    Parameters
    ----------
    limit : int, optional
        Keep only the first ``limit`` tickets (the corpus is in random
        order, so any prefix is a random sample); all by default.
    directory : path, optional
        Where the corpus and its card are; default: the ones shipped with the package.

    Returns
    -------
    pandas.DataFrame
        The :data:`SEED_COLUMNS`, as strings (an empty body stays ``""``).

    Raises
    ------
    UntrustedModelError
        When the file's checksum or row count differs from its card's: a
        corpus altered after it was made must not train a model.
    """
    card = read_seed_card(directory)
    data = _place(directory).joinpath(SEED_FILE).read_bytes()
    if _sha256(data) != card["sha256"]:
        raise UntrustedModelError(f"{SEED_FILE} does not match the checksum of its card", field=SEED_FILE)
    tickets = pd.read_csv(io.BytesIO(data), compression="gzip", dtype=str, keep_default_na=False)
    if len(tickets) != card["rows"] or tuple(tickets.columns) != SEED_COLUMNS:
        raise UntrustedModelError(f"{SEED_FILE} does not hold the rows and columns its card lists", field=SEED_FILE)
    return tickets if limit is None else tickets.head(limit)


def write_seed_corpus(tickets: pd.DataFrame, directory: str | Path, provenance: Mapping[str, Any]) -> dict[str, Any]:
    """Write a seed corpus and its card into ``directory``; return the card.

    The generated ``tickets`` are joined by the hand-written ones
    (:func:`read_written_tickets`) and shuffled with a fixed seed, so any
    prefix of the corpus is a sample of both. The file is byte-for-byte
    reproducible: the same tickets give the same checksum (the gzip header
    carries no date nor name).

    Parameters
    ----------
    tickets : pandas.DataFrame
        Generated tickets with at least the :data:`SEED_COLUMNS`; other columns are left out.
    directory : path
        Where to write (created if needed).
    provenance : mapping
        How the tickets were made, in the card as it is: at least
        ``generator``, ``seed``, ``size`` and ``command``.
    """
    missing = {"generator", "seed", "size", "command"} - set(provenance)
    if missing:
        raise ValueError(f"the provenance must say {', '.join(sorted(missing))}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = read_written_tickets().loc[:, list(SEED_COLUMNS)]
    frame = pd.concat([tickets.loc[:, list(SEED_COLUMNS)].fillna("").astype(str), written], ignore_index=True)
    frame = frame.iloc[np.random.RandomState(_SHUFFLE_SEED).permutation(len(frame))].reset_index(drop=True)
    data = gzip.compress(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"), mtime=0)
    (directory / SEED_FILE).write_bytes(data)
    card = {
        "name": "seed ticket corpus",
        "what": "Support tickets in Spanish and English (and about 1% in French, German or Portuguese), labelled "
                "with category, urgency and sentiment: the demo generator's synthetic tickets and tickets written "
                "by hand in the registers no template produces. A company whose closed tickets are too few to "
                "train on gets its first ticket analyzer from these; its own tickets replace them as they close.",
        "file": SEED_FILE,
        "sha256": _sha256(data),
        "bytes": len(data),
        "rows": len(frame),
        "columns": {
            "lang": "language the ticket was written in (es, en, other)",
            "subject": "ticket title",
            "body": "ticket text as a customer wrote it (typos, emoji, missing accents included)",
            "category": "billing, delivery, product_defect, returns, account_access or other (about 5% of the "
                        "generated tickets mislabelled)",
            "urgency": "low, normal or high",
            "sentiment": "negative, neutral or positive",
        },
        "language_counts": _counts(frame["lang"]),
        "label_counts": {task: _counts(frame[task]) for task in SEED_TASKS},
        "provenance": dict(provenance),
        "written": {
            "file": WRITTEN_FILE,
            "rows": len(written),
            "sha256": _sha256(files(__name__).joinpath(WRITTEN_FILE).read_bytes()),
            "how": "written by hand, one ticket at a time, without templates, in Peninsular and Latin American "
                   "Spanish and English: factual complaints, plain questions, quoted mails, HTML, typos, emoji, "
                   "polite complaints (see WRITTEN.md beside the file)",
        },
        "personal_data": "none: names, order and invoice references, amounts and dates are generated",
        "licence": LICENCE,
        "created": datetime.now(timezone.utc).date().isoformat(),
    }
    (directory / SEED_CARD).write_text(json.dumps(card, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                                       encoding="utf-8")
    return card
