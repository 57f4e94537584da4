"""The analysis' fast paths give exactly what the paths they replace gave: sklearn's own
``predict_proba`` for the heads, spaCy's tokens for the words, one ticket at a time for a batch."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from ai_insights.nlp import TicketAnalyzer, build_ticket_nlp, ticket_texts
from ai_insights.nlp.heads import LinearHeads
from ai_insights.nlp.words import doc_words
from demo_company.tickets import make_ticket_corpus

TASKS = ["category", "urgency", "sentiment"]
TEXTS = [
    "Hola, el pedido 4471 llegó ayer con la pantalla rota. ¿Me pueden mandar otra antes del viernes?",
    "Buenas!! me cobraron dos veces la factura de marzo 😡 y nadie me contesta, es la tercera vez que escribo",
    "Quería saber si hacéis envíos a Canarias y cuánto tardan, sin prisa.",
    "No puedo entrar en mi cuenta desde esta mañana y no podemos facturar. URGENTE",
    "Hi, the invoice you sent charges us twice for the same order. Please fix it today.",
    "Just a quick question: do you ship to Ireland? No rush.",
    "The heater stopped working and there is a burning smell, we can't use the office.",
    "<p>Thanks a lot, the replacement arrived and works <b>perfectly</b>!</p>",
]


@pytest.fixture(scope="module")
def analyzer():
    tickets = make_ticket_corpus(n=600, seed=5)
    return TicketAnalyzer(holdout=0, calibration="isotonic").fit(ticket_texts(tickets), tickets[TASKS])


def test_heads_give_sklearns_probabilities(analyzer):
    views, _, _ = analyzer._analyse(TEXTS)
    matrix = analyzer._transform(views)
    fast = analyzer._heads.predict_proba(matrix)
    for task, head in analyzer.heads_.items():
        np.testing.assert_allclose(fast[task], head.predict_proba(analyzer._columns(matrix, task)), rtol=0, atol=1e-12)


def test_a_batch_gives_what_one_ticket_at_a_time_gives(analyzer):
    one_by_one = [analyzer.predict(text) for text in TEXTS]
    assert analyzer.predict_many(TEXTS) == one_by_one
    assert {result["language"] for result in one_by_one} == {"es", "en"}


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("head", ["sigmoid", "isotonic", "ensemble", "logistic"])
def test_every_kind_of_head_binary_and_multiclass(head, n_classes):
    generator = np.random.default_rng(0)
    features = sp.random(300, 40, density=0.2, format="csr", random_state=1)
    labels = np.array(["a", "b", "c"][:n_classes])[generator.integers(0, n_classes, 300)]
    if head == "logistic":
        model = LogisticRegression(max_iter=500)
    else:
        model = CalibratedClassifierCV(LinearSVC(C=0.5, random_state=0), cv=3, ensemble=head == "ensemble",
                                       method="isotonic" if head == "isotonic" else "sigmoid")
    columns = np.arange(0, 40, 3)  # a task reads only some of the columns
    model.fit(features[:, columns], labels)
    fast = LinearHeads({"task": model}, {"task": columns}, 40).predict_proba(features)["task"]
    np.testing.assert_allclose(fast, model.predict_proba(features[:, columns]), rtol=0, atol=1e-12)


def test_words_are_the_tokens_attributes():
    nlp = build_ticket_nlp(lemma_tables=b"\x80")  # no lemma tables: the words alone
    doc = nlp("¡Hola! No PUEDO entrar: error 404 desde ayer... 😡  ok?")
    words = doc_words(doc)
    assert [(w.text, w.lower, w.is_alpha, w.is_punct, w.is_space, w.is_upper) for w in words] == [
        (t.text, t.lower_, t.is_alpha, t.is_punct, t.is_space, t.is_upper) for t in doc]
    assert doc._.lemmas == [t.lower_ for t in doc]
