"""The seed ticket corpus shipped with ai_insights: it matches its card, loads without the
demo company, refuses a tampered file, and is what its card says made it."""

import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ai_insights.nlp import seed
from ai_insights.registry.store import UntrustedModelError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = Path(seed.__file__).parent


@pytest.fixture(scope="module")
def card():
    return seed.read_seed_card()


def test_shipped_file_matches_its_card(card):
    data = (SHIPPED / seed.SEED_FILE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == card["sha256"] and len(data) == card["bytes"]
    assert len(data) < 300_000, "a compact corpus: a few hundred KB at most"
    tickets = pd.read_csv(SHIPPED / seed.SEED_FILE, dtype=str, keep_default_na=False)
    assert len(tickets) == card["rows"] == card["provenance"]["size"] + card["written"]["rows"]
    assert list(tickets.columns) == list(seed.SEED_COLUMNS) and set(card["columns"]) == set(seed.SEED_COLUMNS)
    assert tickets["lang"].value_counts().to_dict() == card["language_counts"]
    for task, counts in card["label_counts"].items():
        assert tickets[task].value_counts().to_dict() == counts, task
    assert set(card["label_counts"]) == {"category", "urgency", "sentiment"}
    assert (tickets["subject"] + tickets["body"]).str.strip().ne("").all()
    assert card["licence"].startswith("LGPL-3.0-or-later")
    assert {"generator", "seed", "size", "command"} <= set(card["provenance"])
    assert date.fromisoformat(card["created"]) <= date.today()


def test_loads_with_nothing_from_the_demo_company(card):
    """In a fresh interpreter whose path holds the packages but not data/, as after ``pip install .``."""
    code = (
        "import importlib.util, json, sys\n"
        "from ai_insights.nlp.seed import load_seed_corpus\n"
        "tickets = load_seed_corpus()\n"
        "print(json.dumps({'rows': len(tickets),"
        " 'demo_importable': importlib.util.find_spec('demo_company') is not None,"
        " 'demo_loaded': sorted(m for m in sys.modules if m.startswith('demo_company'))}))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(env, PYTHONPATH=str(ROOT)),
                         check=True, capture_output=True, text=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == {"rows": card["rows"], "demo_importable": False,
                                                        "demo_loaded": []}


def test_hand_written_tickets_are_in_the_corpus(card):
    """The hand-written tickets are the ones its card names, all inside the corpus, mixed among the generated
    ones (a prefix, as fusion_helpdesk's smaller seed takes, holds some of them)."""
    written_bytes = (SHIPPED / seed.WRITTEN_FILE).read_bytes()
    assert hashlib.sha256(written_bytes).hexdigest() == card["written"]["sha256"]
    written = seed.read_written_tickets()
    assert len(written) == card["written"]["rows"] >= 200 and list(written.columns) == list(seed.SEED_COLUMNS)
    assert set(written["lang"]) == {"es", "en"}
    for task, labels in card["label_counts"].items():
        assert set(written[task]) <= set(labels), task
    corpus = seed.load_seed_corpus()
    keys = list(zip(corpus["subject"], corpus["body"]))
    positions = [keys.index(key) for key in zip(written["subject"], written["body"])]
    assert len(set(positions)) == len(written)
    assert 0 < sum(position < 400 for position in positions) < len(written)


def test_load_limit_and_labels():
    tickets = seed.load_seed_corpus(limit=250)
    assert len(tickets) == 250 and list(tickets.columns) == list(seed.SEED_COLUMNS)
    assert set(tickets["category"]) <= {"billing", "delivery", "product_defect", "returns", "account_access", "other"}


def test_tampered_corpus_refused(tmp_path):
    for name in (seed.SEED_FILE, seed.SEED_CARD):
        (tmp_path / name).write_bytes((SHIPPED / name).read_bytes())
    assert len(seed.load_seed_corpus(directory=tmp_path)) == seed.read_seed_card(tmp_path)["rows"]
    data = bytearray((tmp_path / seed.SEED_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / seed.SEED_FILE).write_bytes(bytes(data))
    with pytest.raises(UntrustedModelError):
        seed.load_seed_corpus(directory=tmp_path)


def test_card_provenance_regenerates_the_same_file(tmp_path, card):
    """The card's generator, seed and size give the shipped file byte for byte (else: regenerate it with
    the card's command and commit both files)."""
    from demo_company.tickets import write_ticket_seed

    fresh = write_ticket_seed(tmp_path, n=card["provenance"]["size"], seed=card["provenance"]["seed"])
    assert fresh["sha256"] == card["sha256"]
    assert {key: value for key, value in fresh.items() if key != "created"} == {
        key: value for key, value in card.items() if key != "created"}


def test_write_refuses_a_card_without_provenance(tmp_path):
    with pytest.raises(ValueError, match="command"):
        seed.write_seed_corpus(seed.load_seed_corpus(limit=10), tmp_path, {"generator": "x", "seed": 1, "size": 10})
