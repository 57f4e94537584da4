"""The reply context the helpdesk and make demo build with one function (ai_insights.nlp.replies.reply_context)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ai_insights.nlp import ReplySuggester
from ai_insights.nlp.replies import reply_context
from crm_bridge.contract.errors import ValidationError
from demo_company import generate
from demo_company.main_job import _ticket_context

TODAY = dt.date(2026, 11, 1)
ORDER = {"name": "S00042", "state": "sale", "promised_date": None, "expected_date": dt.date(2026, 10, 20),
         "delivery_date": None, "amount": 120.5, "currency": "€"}


@pytest.mark.parametrize(("payment_state", "due", "expected"), [
    ("not_paid", dt.date(2026, 10, 31), "overdue"),
    ("partial", pd.Timestamp("2026-10-01"), "overdue"),
    ("not_paid", TODAY, "not_paid"),  # due today is not late yet
    ("paid", dt.date(2026, 1, 1), "paid"),
    ("not_paid", None, "not_paid"),
    ("not_paid", np.nan, "not_paid"),
])
def test_an_owed_invoice_past_its_due_date_is_overdue(payment_state, due, expected):
    invoice = {"name": "INV/1", "payment_state": payment_state, "amount": 10.0, "currency": "€", "due_date": due}
    assert reply_context("Ana", TODAY, invoice=invoice)["invoice_state"] == expected


def test_order_falls_back_to_its_expected_date_and_delivered_wins():
    context = reply_context("Ana", TODAY, order=ORDER)
    assert (context["order_state"], context["promised_date"], context["order_amount"]) == (
        "sale", dt.date(2026, 10, 20), 120.5)
    assert "delivery_date" not in context
    delivered = reply_context("Ana", TODAY, order={**ORDER, "promised_date": dt.date(2026, 10, 18),
                                                   "delivery_date": dt.date(2026, 10, 22)})
    assert (delivered["order_state"], delivered["promised_date"]) == ("delivered", dt.date(2026, 10, 18))


def test_amount_disputed_and_messages_and_nothing_unknown():
    context = reply_context(None, TODAY, text="Me cobraron 45,90 € de más", message_count=2)
    assert context == {"disputed_amount": "45,90 €", "message_count": 2}
    assert reply_context("Ana", TODAY, text="sin importe") == {"customer_name": "Ana"}
    reply = ReplySuggester().suggest("billing", "es", reply_context("Ana", TODAY, order=ORDER, text="45,90 €"))
    assert "45,90 €" in reply["text"] and "None" not in reply["text"]


def test_today_must_be_a_date():
    with pytest.raises(ValidationError) as error:
        reply_context("Ana", "2026-11-01")
    assert error.value.field == "today"


def test_demo_tickets_get_the_overdue_state_of_their_invoice():
    company = generate(seed=3, size="tiny")
    today = pd.Timestamp(company.reference_date)
    invoices = company.invoices.drop_duplicates("order_id").set_index("order_id")
    seen = set()
    for ticket in company.tickets.itertuples():
        context = _ticket_context(company, ticket)
        if pd.isna(ticket.order_id) or int(ticket.order_id) not in invoices.index:
            assert "invoice_state" not in context
            continue
        invoice = invoices.loc[int(ticket.order_id)]
        owed_late = pd.isna(invoice["date_paid"]) and invoice["date_due"] < today
        assert context["invoice_state"] == ("overdue" if owed_late else
                                            "paid" if pd.notna(invoice["date_paid"]) else "not_paid")
        assert context["order_amount"] > 0
        seen.add(context["invoice_state"])
    assert "overdue" in seen, "the tiny company has an overdue invoice to speak of"
