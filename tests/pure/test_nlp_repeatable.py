"""Training the ticket analyzer twice on the same tickets gives the same model, in one process or in two.

liblinear visits the tickets in a random order; without a seed of its own the SVMs drew one from
numpy's global generator, so a model retrained on the same tickets (``make demo``, the benchmark, the
helpdesk's retraining) differed from the last one in the fifth decimal of its coefficients. The
analyzer's ``random_state`` seeds them now; both tests fail without it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ai_insights.nlp import TicketAnalyzer, ticket_texts
from demo_company.tickets import make_ticket_corpus

TASKS = ["category", "urgency", "sentiment"]
TEXTS = [
    "Me cobraron dos veces la factura de marzo y nadie contesta",
    "¿Hacéis envíos a Canarias? Sin prisa.",
    "I can't log in since Monday and the whole team is blocked",
    "Thanks, the replacement arrived and works perfectly!",
]
REPOSITORY = Path(__file__).resolve().parents[2]
# Trains the same analyzer in a fresh interpreter (its own hash seed and numpy state) and prints its probabilities.
_FIT_ELSEWHERE = (
    "import json, sys\n"
    "import numpy as np\n"
    "np.random.seed(12345)\n"
    "from test_nlp_repeatable import fitted_probabilities\n"
    "print(json.dumps(fitted_probabilities(int(sys.argv[1]))))\n"
)


def fitted_probabilities(random_state: int) -> dict[str, list[list[float]]]:
    """Train on 400 demo tickets (with a held-out split, so the split's seed is used too); the
    probabilities of every task on ``TEXTS``."""
    tickets = make_ticket_corpus(n=400, seed=3)
    analyzer = TicketAnalyzer(min_examples=50, holdout=0.2, random_state=random_state).fit(
        ticket_texts(tickets), tickets[TASKS], version="repeatable")
    views, _, _ = analyzer._analyse(TEXTS)
    probabilities = analyzer._heads.predict_proba(analyzer._transform(views))
    return {task: proba.tolist() for task, proba in probabilities.items()} | {"card": [analyzer.card_.metrics]}


@pytest.fixture(scope="module")
def first_fit():
    return fitted_probabilities(0)


def test_two_fits_in_one_process_give_the_same_model(first_fit):
    np.random.seed(987)  # a different global numpy state must not matter
    assert fitted_probabilities(0) == first_fit


def test_a_fit_in_another_process_gives_the_same_model(first_fit):
    completed = subprocess.run(
        [sys.executable, "-c", _FIT_ELSEWHERE, "0"], cwd=REPOSITORY, check=True, capture_output=True, text=True,
        env={**os.environ, "PYTHONHASHSEED": "4242",
             "PYTHONPATH": os.pathsep.join(map(str, (REPOSITORY, REPOSITORY / "data", Path(__file__).parent)))})
    assert json.loads(completed.stdout.strip().splitlines()[-1]) == first_fit
