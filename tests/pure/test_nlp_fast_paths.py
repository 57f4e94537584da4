"""The analysis' fast paths give exactly what the paths they replace gave: sklearn's own
``predict_proba`` for the heads and ``transform`` for the features, spaCy's tokens for the words,
VADER's own scores, the language from the detector's public function, one ticket at a time for a
batch, and the labels and probabilities the analysis gave before it was made faster."""

import itertools
import random

import numpy as np
import pytest
import scipy.sparse as sp
import spacy
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import MaxAbsScaler
from sklearn.svm import LinearSVC
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from ai_insights.nlp import TicketAnalyzer, build_ticket_nlp, detect_language, ticket_texts
from ai_insights.nlp.features import TfidfReader, max_abs_scale
from ai_insights.nlp.heads import LinearHeads
from ai_insights.nlp.language import _CLITIC
from ai_insights.nlp.lexicon import TicketVader
from ai_insights.nlp.seed import load_seed_corpus
from ai_insights.nlp.words import doc_words, read_extensions, write_extensions
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


def test_extension_values_are_read_and_written_where_doc_underscore_finds_them():
    doc = build_ticket_nlp(lemma_tables=b"\x80")("No puedo entrar desde ayer")
    names = ("words", "lemmas", "language", "detected_language", "language_confidence", "mixed_language")
    assert read_extensions(doc, *names) == [getattr(doc._, name) for name in names]
    assert doc._.language == "es" and doc._.lemmas
    write_extensions(doc, {"language": "en", "lemmas": ["x"]})
    assert (doc._.language, doc._.lemmas) == ("en", ["x"])
    blank = spacy.blank("xx")("hola")  # no pipeline component ran: every value is the default
    assert read_extensions(blank, *names) == [None] * len(names)


@pytest.mark.parametrize("vectorizer", [
    TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), min_df=2, sublinear_tf=True, dtype=np.float32),
    TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), norm="l1"),
    TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                    dtype=np.float32),
    TfidfVectorizer(use_idf=False, norm=None),
    TfidfVectorizer(ngram_range=(2, 3)),
    TfidfVectorizer(analyzer="char", ngram_range=(3, 3)),  # not one the reader speeds up: left to sklearn
    TfidfVectorizer(stop_words=["the", "el", "la"]),  # neither
], ids=["chars", "chars-l1", "lemmas", "no-idf", "words-2-3", "char", "stop-words"])
def test_tfidf_reader_gives_the_vectorizers_matrix(vectorizer):
    texts = ticket_texts(make_ticket_corpus(n=300, seed=2))
    vectorizer.fit(texts[:200])
    reader = TfidfReader(vectorizer)
    unseen = [*texts[200:], "", "   ", "Ünïcödé  ÑANDÚ\tİstanbul 😡😡 x", "a a a a a"]
    for documents in (unseen, unseen[::-1], unseen[:1]):  # the second pass reads remembered words
        fast, sklearn = reader.transform(documents), vectorizer.transform(documents)
        assert fast.dtype == sklearn.dtype and fast.shape == sklearn.shape
        for part in ("indptr", "indices", "data"):
            np.testing.assert_array_equal(getattr(fast, part), getattr(sklearn, part))


def test_max_abs_scale_is_the_scalers_transform():
    cues = np.random.default_rng(0).normal(size=(50, 6)) * [1, 0, 3, 1e-3, 7, 1]
    scaler = MaxAbsScaler().fit(cues[:30])
    np.testing.assert_array_equal(max_abs_scale(scaler, cues[30:]), scaler.transform(cues[30:]))


# Each of VADER's look-backs and look-aheads: negations one to three words back, "never so", "without doubt",
# idioms before and after, "kind of", "least", "but", capitals, and sentiment words at the list's edges.
VADER_WORDS = ["no", "not", "never", "so", "this", "without", "doubt", "least", "at", "very", "kind", "of", "but",
               "sort", "the", "shit", "bomb", "bad", "ass", "yeah", "right", "GOOD", "good", "great", "horrible",
               "hate", "isn't", "nor", "or", ":)", "😡", "!", "??", "order", "arrived", "late", "thanks", "refund"]


def test_vader_scores_are_vaders():
    generator = random.Random(0)
    texts = [" ".join(generator.choice(VADER_WORDS) for _ in range(generator.randint(1, 12))) for _ in range(3000)]
    texts += ["The plot was good, but the characters are uncompelling and the dialog is not great.",
              "At least it isn't a horrible book.", "Not such a badass after all.", "Without a doubt, excellent idea."]
    vader, ours = SentimentIntensityAnalyzer(), TicketVader()
    assert [ours.polarity_scores(text) for text in texts] == [vader.polarity_scores(text) for text in texts]


def test_the_detector_component_is_detect_language():
    """The component works out each word's evidence once; the answer is the public function's on the same words."""
    nlp = spacy.blank("xx")
    nlp.add_pipe("ticket_language")
    generator = random.Random(1)
    vocabulary = ["the", "and", "don't", "it\u2019s", "el", "que", "ñandú", "não", "straße", "der", "les", "och",
                  "i", "è", "😀", "123", "--", "pedido", "order"]
    texts = [" ".join(generator.choice(vocabulary) for _ in range(generator.randint(0, 25))) for _ in range(400)]
    for doc in nlp.pipe(itertools.chain(texts, texts)):  # the second pass reads remembered words
        lowers = [token.lower_ for token in doc]
        words = []
        for token in doc:
            if token.is_alpha:
                words.append(token.lower_)
            elif clitic := _CLITIC.match(token.lower_.replace("\u2019", "'")):
                words.extend(clitic.groups())
        expected = detect_language(words, " ".join(lowers))
        assert {name: getattr(doc._, name) for name in expected} == expected


# Labels and probabilities (of each task's chosen label) of an analyzer trained on the first 900 seed tickets,
# measured with the analysis as it was before the TF-IDF reader, VADER's look-backs and the detector's memory
# (commit 6118553): the fast paths change no figure.
PINNED_TEXTS = [
    "Hola, el pedido 4471 llegó ayer con la pantalla rota. ¿Me pueden mandar otra antes del viernes?",
    "Buenas!! me cobraron dos veces la factura de marzo 😡 y nadie me contesta, es la tercera vez que escribo",
    "Quería saber si hacéis envíos a Canarias y cuánto tardan, sin prisa.",
    "Hi, the invoice you sent charges us twice for the same order. Please fix it TODAY, this is not OK!!",
    "Just a quick question: do you ship to Ireland? No rush, kind of curious about the delivery window.",
    "<p>Thanks a lot, the replacement arrived and works <b>perfectly</b>, but the box was not great :)</p>",
]
PINNED = [
    ({"category": ("product_defect", 0.49590909217717777), "urgency": ("normal", 0.6227340274375867),
      "sentiment": ("negative", 0.7751599431578364)}, "es", 0.0),
    ({"category": ("billing", 0.9063704296131198), "urgency": ("normal", 0.8415518445438265),
      "sentiment": ("negative", 0.9539638438034997)}, "es", 0.0),
    ({"category": ("delivery", 0.7677423983379259), "urgency": ("low", 0.8066057203380812),
      "sentiment": ("neutral", 0.8615323974710944)}, "es", 0.0),
    ({"category": ("billing", 0.9119553120197175), "urgency": ("high", 0.5752829199967376),
      "sentiment": ("negative", 0.8467589722799143)}, "en", 0.1984),
    ({"category": ("delivery", 0.5622793989292738), "urgency": ("low", 0.7609491100927503),
      "sentiment": ("neutral", 0.6581124904389868)}, "en", -0.0498),
    ({"category": ("product_defect", 0.8349944744714358), "urgency": ("normal", 0.72098661829442),
      "sentiment": ("negative", 0.9116604595175518)}, "en", -0.6262),
]


def test_labels_and_probabilities_as_before_the_fast_paths():
    seed = load_seed_corpus(limit=900)
    analyzer = TicketAnalyzer(holdout=0).fit(ticket_texts(seed), seed[TASKS])
    views, _, _ = analyzer._analyse(PINNED_TEXTS)
    probabilities = analyzer._heads.predict_proba(analyzer._transform(views))
    for position, (result, (tasks, language, vader)) in enumerate(zip(analyzer.predict_many(PINNED_TEXTS), PINNED)):
        assert (result["language"], views["cues"][position, 0]) == (language, vader)
        for task, (label, probability) in tasks.items():
            assert result[task] == label
            assert probabilities[task][position].max() == pytest.approx(probability, rel=0, abs=1e-9)
