"""make demo's ticket step trains, predicts and escalates with the core functions the helpdesk addon calls."""

import numpy as np
import pandas as pd
import pytest

from ai_insights.nlp import ticket_texts
from ai_insights.nlp.escalation import applied_labels, escalations
from ai_insights.nlp.seed import load_seed_corpus
from ai_insights.nlp.training import DEFAULT_CONFIDENCE, OWN_TICKET_WEIGHT
from demo_company import generate
from demo_company.main_job import JobContext, tickets_and_replies


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    company = generate(seed=5, size="small")
    customers = company.customers["customer_id"]
    # the churn step's expected margins: every other customer valuable, so both escalation rules can fire
    margins = pd.DataFrame({"expected_margin": np.where(np.arange(len(customers)) % 2 == 0, 5000.0, 10.0)},
                           index=customers.to_numpy())
    ctx = JobContext(company=company, source="test", out_dir=tmp_path_factory.mktemp("report"),
                     results={"churn": margins})
    section = tickets_and_replies(ctx)
    return company, margins, ctx.results["tickets"], section


def test_the_analyzer_is_the_helpdesks_training(run):
    company, _margins, tickets, _section = run
    extra = tickets["analyzer"].card_.extra
    closed = company.tickets["closed_at"].notna().sum()
    assert tickets["analyzer"].confidence_threshold == DEFAULT_CONFIDENCE
    assert (extra["seed_tickets"], extra["own_tickets"], extra["own_ticket_weight"]) == (
        len(load_seed_corpus()), closed, OWN_TICKET_WEIGHT)


def test_escalations_are_the_core_rule_on_the_same_tickets(run):
    company, margins, tickets, section = run
    open_tickets = company.tickets[company.tickets["closed_at"].isna()]
    results = tickets["open_results"]
    assert results == tickets["analyzer"].predict_many(ticket_texts(open_tickets))
    expected = escalations(applied_labels(results, "urgency"), applied_labels(results, "sentiment"),
                           [result["sentiment_score"] for result in results],
                           margins["expected_margin"].reindex(open_tickets["customer_id"]).fillna(0).to_numpy())
    assert tickets["escalations"].tolist() == expected.tolist()
    assert section.figures["open tickets to escalate"] == f"{(expected != '').sum():,}"
    # a high urgency left to a person (under the confidence threshold) does not escalate by itself
    unsure_high = [position for position, result in enumerate(results)
                   if result["urgency"] == "high" and "urgency" in result["needs_review"]]
    assert all(tickets["escalations"][position] != "urgency_predicted" for position in unsure_high)
