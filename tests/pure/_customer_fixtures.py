"""A small synthetic company in the schema's columns, for the churn and CLV tests.

Each customer buys at a personal rate; some stop at a random churn date, and
before stopping their orders get further apart, they pay later and complain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

START = pd.Timestamp("2023-01-01")
END = pd.Timestamp("2025-01-01")


def synthetic_company(n_customers: int = 600, seed: int = 0) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    orders, lines, invoices, tickets, interactions = [], [], [], [], []
    for customer in range(1, n_customers + 1):
        gap = rng.uniform(10, 60)
        churn_at = START + pd.Timedelta(days=float(rng.uniform(120, 1100)))
        day = START + pd.Timedelta(days=float(rng.uniform(0, 90)))
        while day < min(churn_at, END):
            fading = day > churn_at - pd.Timedelta(days=120)  # the slowdown before leaving
            order_id = len(orders) + 1
            orders.append((order_id, customer, day, "delivered", day + pd.Timedelta(days=3),
                           day + pd.Timedelta(days=5 if fading else 2)))
            lines.append((order_id, order_id, 1, rng.integers(1, 5), 100.0, 20.0 if fading else 0.0, 60.0, 0.0))
            due = day + pd.Timedelta(days=30)
            invoices.append((order_id, order_id, customer, day, due, 100.0,
                             due + pd.Timedelta(days=float(rng.integers(10, 30) if fading else 0))))
            if fading and rng.random() < 0.5:
                tickets.append((len(tickets) + 1, customer, day + pd.Timedelta(days=4), day + pd.Timedelta(days=9),
                                "negative", 2.0))
            interactions.append((len(interactions) + 1, customer, day - pd.Timedelta(days=2), "call", "inbound",
                                 30.0 if fading else 4.0))
            day += pd.Timedelta(days=float(rng.exponential(gap * (2.5 if fading else 1.0))) + 1)
    return {
        "customers": pd.DataFrame({"customer_id": np.arange(1, n_customers + 1), "segment": "B2B"}),
        "orders": pd.DataFrame(orders, columns=["order_id", "customer_id", "date_order", "state",
                                                "commitment_date", "delivery_date"]),
        "order_lines": pd.DataFrame(lines, columns=["line_id", "order_id", "product_id", "qty", "price_unit",
                                                    "discount", "cost", "qty_returned"]).astype({"qty": float}),
        "invoices": pd.DataFrame(invoices, columns=["invoice_id", "order_id", "customer_id", "date_invoice",
                                                    "date_due", "amount", "date_paid"]),
        "tickets": pd.DataFrame(tickets, columns=["ticket_id", "customer_id", "created_at", "closed_at",
                                                  "sentiment", "feedback_score"]),
        "interactions": pd.DataFrame(interactions, columns=["interaction_id", "customer_id", "date", "kind",
                                                            "direction", "response_hours"]),
    }
