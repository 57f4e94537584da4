"""Basket history with known product affinities and repurchase cycles (hidden truth for the recommender).

The company's own tables stay as the generator made them; this module
builds, from its own random stream ``np.random.default_rng([seed, 2026, 14])``,
a separate basket history on the company's customers and products, where the
truth a recommender should find is known:

* **staples and cycles**: each customer has a few staple products, each
  with the customer's own cycle (the product's usual cycle times a personal
  factor); on a visit a staple is bought when its cycle has come round
  (with some slack), so what is *due* is what gets bought;
* **affinities**: some products (anchors) pull a complement, mostly from
  another category, into the same basket with a known chance;
* **exploration**: a few products per basket drawn by the segment's taste,
  which no history predicts;
* customers stop visiting at their hidden churn date.

Deterministic given the company (its seed and tables).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["BasketHistory", "generate_baskets"]

ANCHOR_SHARE = 0.3  # products that pull a complement into the basket
COMPLEMENT_CHANCE = (0.35, 0.8)
BASE_CYCLE_DAYS = (21, 120)
PERSONAL_CYCLE_SIGMA = 0.25
STAPLES = (3, 9)  # per customer, uniform in [low, high)
VISIT_DAYS = {"B2B": (7, 21), "B2C": (12, 40)}
DUE_SLACK = (0.85, 1.15)
OFF_CYCLE_CHANCE = 0.05  # a staple bought on a visit before it is due
EXPLORATION_PER_BASKET = 0.7


@dataclass(frozen=True)
class BasketHistory:
    """Baskets (``lines``) and the truth that drew them (``affinities``, ``cycles``)."""

    lines: pd.DataFrame  # customer_id, order_id, date, product_id, qty
    affinities: pd.DataFrame  # product_id, complement_id, chance
    cycles: pd.DataFrame  # customer_id, product_id, cycle_days


def generate_baskets(company) -> BasketHistory:
    """Draw the basket history of ``company`` (a ``demo_company.DemoCompany``).

    Returns
    -------
    BasketHistory
        Baskets from the company's first customer date (or its window's
        start) to the reference date.
    """
    rng = np.random.default_rng([int(company.seed), 2026, 14])
    products = company.products[company.products["type"].astype(str) != "service"].reset_index(drop=True)
    n_products = len(products)
    product_ids = products["product_id"].to_numpy(np.int64)
    category = products["category"].astype(str).to_numpy()
    # Zipf-like taste per segment: a shared popularity, reshuffled a little per segment.
    popularity = 1.0 / np.arange(1, n_products + 1) ** 0.8
    base_order = rng.permutation(n_products)
    taste = {}
    for segment in ("B2B", "B2C"):
        order = base_order.copy()
        moved = rng.choice(n_products, n_products // 4, replace=False)
        order[moved] = order[rng.permutation(moved)]  # still a permutation: a quarter reshuffled
        weights = np.empty(n_products)
        weights[order] = popularity
        taste[segment] = weights / weights.sum()
    base_cycle = rng.integers(*BASE_CYCLE_DAYS, n_products)

    anchors = rng.choice(n_products, max(1, int(ANCHOR_SHARE * n_products)), replace=False)
    complement = np.full(n_products, -1)
    chance = np.zeros(n_products)
    for anchor in anchors:
        other = np.flatnonzero((category != category[anchor]) & (np.arange(n_products) != anchor))
        pool = other if len(other) and rng.random() < 0.8 else np.setdiff1d(np.arange(n_products), [anchor])
        complement[anchor] = rng.choice(pool)
        chance[anchor] = rng.uniform(*COMPLEMENT_CHANCE)

    end = pd.Timestamp(company.reference_date)
    window_start = pd.Timestamp(company.orders["date_order"].min())
    customers = company.customers.merge(company.truth[["customer_id", "churn_date"]], on="customer_id")
    rows_customer, rows_order, rows_day, rows_product = [], [], [], []
    cycle_rows = []
    order_id = 0
    for customer in customers.itertuples(index=False):
        segment = str(customer.segment)
        first = max(pd.Timestamp(customer.created_at), window_start)
        last = min(end, customer.churn_date) if pd.notna(customer.churn_date) else end
        horizon = (last - first).days
        if horizon <= 0:
            continue
        staples = rng.choice(n_products, rng.integers(*STAPLES), replace=False, p=taste[segment])
        cycle = np.maximum(np.round(base_cycle[staples] * rng.lognormal(0.0, PERSONAL_CYCLE_SIGMA, len(staples))), 7)
        cycle_rows.append(pd.DataFrame({"customer_id": customer.customer_id, "product_id": product_ids[staples],
                                        "cycle_days": cycle.astype(int)}))
        low, high = VISIT_DAYS.get(segment, VISIT_DAYS["B2C"])
        mean_visit = rng.uniform(low, high)
        gaps = rng.gamma(6.0, mean_visit / 6.0, int(horizon / low) + 2)
        visits = np.cumsum(gaps) - gaps[0] * rng.random()
        visits = visits[(visits >= 0) & (visits < horizon)].astype(int)
        # Each staple's last purchase starts at a random point of its cycle.
        last_bought = -rng.uniform(0, 1, len(staples)) * cycle
        for day in visits:
            due = (day - last_bought) >= cycle * rng.uniform(*DUE_SLACK, len(staples))
            due |= rng.random(len(staples)) < OFF_CYCLE_CHANCE
            basket = set(staples[due].tolist())
            last_bought[due] = day
            basket.update(rng.choice(n_products, rng.poisson(EXPLORATION_PER_BASKET), p=taste[segment]).tolist())
            for item in list(basket):
                if complement[item] >= 0 and rng.random() < chance[item]:
                    basket.add(int(complement[item]))
            if not basket:
                continue
            order_id += 1
            items = sorted(basket)
            rows_customer.extend([customer.customer_id] * len(items))
            rows_order.extend([order_id] * len(items))
            rows_day.extend([day] * len(items))
            rows_product.extend(items)
    start_of = customers.set_index("customer_id")["created_at"].clip(lower=window_start)
    dates = start_of.loc[rows_customer].to_numpy(dtype="datetime64[ns]") + np.asarray(rows_day, "timedelta64[D]")
    product_index = np.asarray(rows_product, dtype=np.int64)
    lines = pd.DataFrame({
        "customer_id": np.asarray(rows_customer, dtype=np.int64),
        "order_id": np.asarray(rows_order, dtype=np.int64),
        "date": pd.to_datetime(dates),
        "product_id": product_ids[product_index],
        "qty": rng.integers(1, 6, len(product_index)).astype(float),
    })
    affinities = pd.DataFrame({"product_id": product_ids[anchors], "complement_id": product_ids[complement[anchors]],
                               "chance": np.round(chance[anchors], 3)})
    cycles = pd.concat(cycle_rows, ignore_index=True) if cycle_rows else pd.DataFrame(
        columns=["customer_id", "product_id", "cycle_days"])
    return BasketHistory(lines, affinities, cycles)
