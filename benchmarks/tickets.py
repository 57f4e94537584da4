"""Ticket NLP on the demo tickets: quality against a plain baseline, and speed.

Quality: the analyzer and a TF-IDF (word 1-2 grams) + LogisticRegression
baseline learn from the same seeded, stratified 80% of 5,000 demo tickets and
are scored (macro-F1) on the same 20%. Speed: batch throughput (full analysis
with key phrases) and single-ticket latency of a model loaded from disk, the
load itself timed in a fresh interpreter, and the time a 1 MB body takes (the
whole analysis of an HTML one, the cleaning of a plain one). Wall-clock
figures depend on what else runs on the machine, so CPU-time throughput and
the load average are printed next to them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import spacy
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from ai_insights.nlp import TicketAnalyzer, clean_text, split_holdout, ticket_texts
from benchmarks._common import measurement_env, odoo_figures, print_measured
from demo_company.tickets import make_ticket_corpus

TASKS = ("category", "urgency", "sentiment")
_LOAD_SNIPPET = (
    "import sys, time\n"
    "from ai_insights.nlp import TicketAnalyzer\n"
    "start = time.perf_counter(); TicketAnalyzer.load(sys.argv[1]); print(time.perf_counter() - start)\n"
)


def _baseline_f1(texts: list[str], labels, train: np.ndarray, test: np.ndarray) -> dict[str, float]:
    vectorizer = TfidfVectorizer(ngram_range=(1, 2))
    train_matrix = vectorizer.fit_transform([texts[i] for i in train])
    test_matrix = vectorizer.transform([texts[i] for i in test])
    return {
        task: f1_score(
            labels[task].iloc[test],
            LogisticRegression(max_iter=2000).fit(train_matrix, labels[task].iloc[train]).predict(test_matrix),
            average="macro",
        )
        for task in TASKS
    }


def run():
    corpus = make_ticket_corpus(n=5000, seed=7)
    texts, labels = ticket_texts(corpus), corpus[list(TASKS)]
    analyzer = TicketAnalyzer(holdout=0.2, refit=False, random_state=0).fit(texts, labels, version="benchmark")
    train, test = split_holdout(labels, 0.2, 0)
    baseline = _baseline_f1(texts, labels, train, test)
    metrics = analyzer.card_.metrics
    for task in TASKS:
        yield f"tickets_macro_f1_{task}", metrics[f"macro_f1_{task}"]
        yield f"tickets_macro_f1_{task}_baseline", baseline[task]
    for name in sorted(metrics):
        if name.startswith("macro_f1_") and name.count("_") == 3:
            yield f"tickets_{name}", metrics[name]
    for task in TASKS:
        yield f"tickets_ece_{task}", metrics[f"ece_{task}"]

    held_out = [texts[i] for i in test]
    languages = corpus["lang"].astype(str).to_numpy()[test]
    with tempfile.TemporaryDirectory() as directory:
        analyzer.save(directory)
        load_times = [float(subprocess.run([sys.executable, "-c", _LOAD_SNIPPET, directory], check=True,
                                           capture_output=True, text=True).stdout) for _ in range(3)]
        yield "ticket_model_load_s", float(np.median(load_times))
        loaded = TicketAnalyzer.load(directory)

    wall, cpu = time.perf_counter(), time.process_time()
    results = loaded.predict_many(held_out)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    yield "tickets_batch_per_s", len(held_out) / wall
    yield "tickets_batch_per_cpu_s", len(held_out) / cpu
    yield "tickets_language_accuracy", float(np.mean([r["language"] == lang for r, lang in zip(results, languages)]))

    latencies = []
    for text in held_out[:400]:
        start = time.perf_counter()
        loaded.predict(text)
        latencies.append((time.perf_counter() - start) * 1000)
    yield "ticket_p95_ms", float(np.percentile(latencies, 95))
    huge = "<p>" + "La caja llegó rota y nadie responde. " * 28_000 + "</p>"
    start = time.perf_counter()
    flags = loaded.predict(huge)["flags"]
    yield "ticket_1mb_body_ms", (time.perf_counter() - start) * 1000
    yield "ticket_1mb_body_flags", ",".join(flags)
    plain = "El pedido llegó roto. " * 50_000  # a 1 MB plain-text body, cut to 10,000 characters
    start = time.perf_counter()
    clean_text(plain, max_chars=10_000)
    yield "ticket_clean_1mb_ms", (time.perf_counter() - start) * 1000

    detector = spacy.blank("xx")
    detector.add_pipe("ticket_language")
    start = time.perf_counter()
    list(detector.pipe(held_out))
    yield "language_detect_per_s", len(held_out) / (time.perf_counter() - start)
    from langdetect import DetectorFactory, detect  # reference only: seeded, much slower

    DetectorFactory.seed = 0
    start = time.perf_counter()
    for text in held_out[:200]:
        detect(text)
    yield "langdetect_per_s", 200 / (time.perf_counter() - start)
    yield "load_average_1min", os.getloadavg()[0]
    yield from _odoo_figures()


# ---------------------------------------------------------------- Odoo figures

ODOO_FIGURES = ("ticket_odoo_install_s", "ticket_odoo_batch_create_per_s", "ticket_odoo_batch_queries_per_ticket",
                "ticket_odoo_create_one_ms", "ticket_odoo_queries_one")
ODOO_BATCH = 500
ODOO_SINGLE = 20


def _odoo_figures():
    """Ticket creation with analysis, routing and escalation inside a throw-away Odoo 18 database.

    ``fusion_helpdesk`` is installed (its install trains the analyzer on the
    seed corpus shipped with ai_insights: ``ticket_odoo_install_s`` covers the whole install);
    the measuring code runs in this file run as a script (``_measure_in_odoo``).
    """
    return odoo_figures(__file__, ["fusion_helpdesk"], ODOO_FIGURES, install_figure="ticket_odoo_install_s")


def _measure_in_odoo(odoo_args: list[str]) -> dict[str, float]:
    """Time and SQL queries of ``helpdesk.ticket.create`` with the analysis.

    A team with three agents handles every category; ``ODOO_BATCH`` demo
    tickets (a corpus the analyzer did not learn from) are created in one call
    (one ``predict_many``, one load query for the routing), then
    ``ODOO_SINGLE`` one by one, as the form does. Query counts come from the
    cursor's counter; everything is rolled back.
    """
    from odoo import Command

    corpus = make_ticket_corpus(n=ODOO_BATCH + ODOO_SINGLE, seed=31)
    vals = [{"name": row.subject, "description": row.body} for row in corpus.itertuples()]
    figures = {}
    with measurement_env(odoo_args, tracking_disable=True, mail_create_nolog=True) as env:
        agents = env["res.users"].create([{"name": f"Bench agent {n}", "login": f"bench_agent_{n}"} for n in range(3)])
        env["helpdesk.ticket.team"].create({
            "name": "Bench care", "user_ids": [Command.set(agents.ids)],
            "category_ids": [Command.set(env["helpdesk.ticket.category"].search([("fusion_code", "!=", False)]).ids)],
        })
        env["helpdesk.ticket"].create(vals[:1])  # warm: analyzer loaded into this worker's cache
        env.flush_all()
        before, started = env.cr.sql_log_count, time.perf_counter()
        env["helpdesk.ticket"].create(vals[:ODOO_BATCH])
        env.flush_all()
        seconds, queries = time.perf_counter() - started, env.cr.sql_log_count - before
        figures.update(ticket_odoo_batch_create_per_s=ODOO_BATCH / seconds,
                       ticket_odoo_batch_queries_per_ticket=queries / ODOO_BATCH)
        timings, counts = [], []
        for single in vals[ODOO_BATCH:]:
            before, started = env.cr.sql_log_count, time.perf_counter()
            env["helpdesk.ticket"].create(single)
            env.flush_all()
            timings.append((time.perf_counter() - started) * 1000)
            counts.append(env.cr.sql_log_count - before)
        figures.update(ticket_odoo_create_one_ms=float(np.median(timings)),
                       ticket_odoo_queries_one=float(np.median(counts)))
    return figures


if __name__ == "__main__":
    print_measured(_measure_in_odoo)
