"""TicketAnalyzer: quality against a baseline, confidences, review threshold,
too little data, persistence and bad input."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from ai_insights.nlp import TicketAnalyzer, split_holdout, ticket_texts
from ai_insights.registry.store import UntrustedModelError
from crm_bridge.contract.errors import InsufficientDataError
from demo_company.tickets import make_ticket_corpus

TASKS = ["category", "urgency", "sentiment"]


@pytest.fixture(scope="module")
def corpus():
    tickets = make_ticket_corpus(n=1000, seed=11)
    return ticket_texts(tickets), tickets[TASKS].reset_index(drop=True)


@pytest.fixture(scope="module")
def analyzer(corpus):
    texts, labels = corpus
    return TicketAnalyzer(holdout=0.25, refit=False, random_state=1).fit(texts, labels, version="test")


def test_beats_word_baseline_on_small_split(corpus, analyzer):
    texts, labels = corpus
    train, test = split_holdout(labels, 0.25, 1)
    vectorizer = TfidfVectorizer(ngram_range=(1, 2))
    train_matrix, test_matrix = vectorizer.fit_transform([texts[i] for i in train]), vectorizer.transform(
        [texts[i] for i in test])
    baseline = {task: f1_score(labels[task][test], LogisticRegression(max_iter=2000).fit(
        train_matrix, labels[task][train]).predict(test_matrix), average="macro") for task in TASKS}
    ours = {task: analyzer.card_.metrics[f"macro_f1_{task}"] for task in TASKS}
    assert np.mean(list(ours.values())) > np.mean(list(baseline.values())), (ours, baseline)
    assert ours["category"] > baseline["category"]


def test_card(analyzer):
    card = analyzer.card_
    assert {"macro_f1_category_es", "macro_f1_category_en", "ece_sentiment"} <= set(card.metrics)
    matrix = card.extra["confusion_matrices"]["urgency"]
    assert matrix["labels"] == ["high", "low", "normal"] and np.sum(matrix["matrix"]) == card.extra["n_holdout"]


def test_output_shape_and_confidences(corpus, analyzer):
    results = analyzer.predict_many(corpus[0][:50])
    assert len(results) == 50
    for result in results:
        assert result["language"] in ("es", "en", "other")
        for task in TASKS:
            assert result[task] in analyzer.classes_[task] and 0 <= result[f"{task}_confidence"] <= 1
        assert -1 <= result["sentiment_score"] <= 1 and isinstance(result["key_phrases"], list)


def test_needs_review_threshold(corpus, analyzer):
    text = corpus[0][0]
    analyzer.set_params(confidence_threshold=1.01)
    assert analyzer.predict(text)["needs_review"] == TASKS
    analyzer.set_params(confidence_threshold={"category": 0.0, "urgency": 0.0, "sentiment": 0.0})
    assert analyzer.predict(text)["needs_review"] == []
    analyzer.set_params(confidence_threshold=0.5)


@pytest.mark.parametrize("text, flag", [
    ("", "empty"), (None, "empty"), ("😡😡😡", "undetermined_language"),
    ("Bonjour, la facture que nous avons reçue est incorrecte, le montant ne correspond pas.", "other_language"),
    ("<p>La factura est&aacute; <b>duplicada</b>, nos cobraron dos veces</p>", "html_stripped"),
])
def test_bad_input_still_answers(analyzer, text, flag):
    result = analyzer.predict(text)
    assert flag in result["flags"]
    if flag != "html_stripped":
        assert result["needs_review"] == TASKS


def test_one_megabyte_html_body(analyzer):
    """Answered, cut and stripped; how long it takes is a benchmark figure (ticket_1mb_body_ms)."""
    body = "<div>" + "The screen arrived broken and nobody answers my emails!! " * 18_000 + "</div>"
    result = analyzer.predict(body)
    assert {"truncated", "html_stripped"} <= set(result["flags"]) and result["language"] == "en"


def test_too_few_examples(corpus):
    texts, labels = corpus
    with pytest.raises(InsufficientDataError) as error:
        TicketAnalyzer().fit(texts[:150], labels[:150])
    assert error.value.details["n_examples"] == 150 and error.value.details["min_examples"] == 200
    scarce = labels[:300].copy()
    scarce.loc[:2, "urgency"] = "critical"
    with pytest.raises(InsufficientDataError) as error:
        TicketAnalyzer().fit(texts[:300], scarce)
    assert error.value.field == "urgency" and error.value.details["scarce"] == {"critical": 3}


def test_save_load_roundtrip_and_tampering(corpus, analyzer, tmp_path):
    texts = corpus[0][:40] + ["", "<b>hola</b>"]
    analyzer.save(tmp_path)
    loaded = TicketAnalyzer.load(tmp_path)
    assert loaded.predict_many(texts) == analyzer.predict_many(texts)
    assert loaded.card_.metrics == analyzer.card_.metrics
    model_file = tmp_path / "model.skops"
    tampered = bytearray(model_file.read_bytes())
    tampered[len(tampered) // 2] ^= 0xFF
    model_file.write_bytes(bytes(tampered))
    with pytest.raises(UntrustedModelError):
        TicketAnalyzer.load(tmp_path)


def test_model_without_the_urgency_signals_still_predicts(corpus, monkeypatch, tmp_path):
    """A model saved before the urgency signals existed (formats 1-2) reads only the cues it was trained on."""
    from ai_insights.nlp import classifier

    base = tuple(name for name in classifier._BASE_CUES if name != "questions")
    monkeypatch.setattr(classifier, "_TASK_CUES", {"sentiment": classifier._TASK_CUES["sentiment"], None: base})
    texts, labels = corpus
    legacy = TicketAnalyzer(holdout=0, random_state=1)
    legacy.tasks_, legacy.cue_columns_ = TASKS, classifier._BASE_CUES
    legacy.nlp_, legacy._vader = classifier.build_ticket_nlp(), classifier.TicketVader()
    views, _, _ = legacy._analyse(texts)
    assert views["cues"].shape[1] == len(classifier._BASE_CUES) < len(classifier.CUE_COLUMNS)
    legacy._fit_models(views, labels, np.ones(len(labels)))
    legacy.card_ = legacy._make_card(labels, {}, {}, None, "legacy")
    legacy.save(tmp_path)
    loaded = TicketAnalyzer.load(tmp_path)
    assert loaded.cue_columns_ == classifier._BASE_CUES
    assert loaded.predict_many(texts[:20]) == legacy.predict_many(texts[:20])
