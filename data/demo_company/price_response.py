"""Hidden truth for dynamic pricing: how much more each product of the demo company sells when it is cheaper.

Every category has a true price elasticity and every product its own around
it (some products barely respond, some a lot). A year of weekly sales
history is drawn from it: the usual price most weeks, past promotions
(5 to 25 % off) in some, and a third of the products never promoted, so
their response must be borrowed from their category. Weekly demand at the
list price is the product's real average in the demo company's sales, and
sales are over-dispersed (gamma-Poisson). The pricing core sees only the
history; the truth scores what it suggests, over the weeks after.

The draws come from their own random stream (``[seed, 2026, 15]``), so the
demo company's tables stay exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from demo_company.company import DemoCompany

__all__ = ["PriceWorld", "price_world"]

_PROMOTED_SHARE = 0.67
_PROMOTION_WEEKS = 0.3
_PROMOTIONS = (0.05, 0.10, 0.15, 0.20, 0.25)
_DISPERSION = 4.0  # gamma shape of the weekly demand noise: over-dispersed, like real sales


@dataclass
class PriceWorld:
    """The demo company's products with their true price response, and the history it generated."""

    products: pd.DataFrame
    history: pd.DataFrame
    elasticity: pd.Series
    category_elasticity: pd.Series
    base_weekly: pd.Series
    rng: np.random.Generator

    def expected_qty(self, discount: np.ndarray, weeks: int) -> np.ndarray:
        """Expected units sold in ``weeks`` weeks at each product's ``discount`` (fraction of the list price)."""
        factor = (1.0 - np.asarray(discount, dtype=float)) ** self.elasticity.to_numpy()
        return self.base_weekly.to_numpy() * factor * weeks

    def sold_qty(self, discount: np.ndarray, weeks: int) -> np.ndarray:
        """Units sold in ``weeks`` weeks at each product's discount: a draw around :meth:`expected_qty`."""
        mean = self.expected_qty(discount, weeks) / weeks
        weekly = self.rng.poisson(self.rng.gamma(_DISPERSION, mean[:, None] / _DISPERSION, (len(mean), weeks)))
        return weekly.sum(axis=1).astype(float)


def price_world(company: DemoCompany, seed: int, weeks: int = 52) -> PriceWorld:
    """The true price response of ``company``'s products and ``weeks`` weeks of sales history drawn from it.

    ``products`` are the company's (``product_id``, ``category``, ``cost``,
    ``list_price``); ``history`` has ``product_id``, ``category``, ``week``,
    ``discount`` and ``qty``, the estimation input of
    :func:`ai_insights.pricing.response.estimate_price_response`.
    """
    rng = np.random.default_rng([int(seed), 2026, 15])
    products = company.products[["product_id", "category", "cost", "list_price"]].reset_index(drop=True)
    categories = sorted(products["category"].unique())
    category_elasticity = pd.Series(rng.uniform(-3.0, -0.6, len(categories)), index=categories)
    elasticity = (category_elasticity.reindex(products["category"]).to_numpy()
                  + rng.normal(0.0, 0.35, len(products)))
    elasticity = pd.Series(np.minimum(elasticity, -0.1), index=products["product_id"], name="elasticity")

    lines = company.order_lines.merge(company.orders[["order_id", "date_order", "state"]], on="order_id")
    lines = lines[lines["state"].isin(("confirmed", "delivered"))]
    days = (pd.to_datetime(lines["date_order"]).max() - pd.to_datetime(lines["date_order"]).min()).days + 1
    base_weekly = (lines.groupby("product_id")["qty"].sum().reindex(products["product_id"], fill_value=0.0)
                   * 7.0 / max(days, 7)).clip(lower=0.2).rename("base_weekly")

    promoted = rng.random(len(products)) < _PROMOTED_SHARE
    on_promotion = promoted[:, None] & (rng.random((len(products), weeks)) < _PROMOTION_WEEKS)
    discount = np.where(on_promotion, rng.choice(_PROMOTIONS, (len(products), weeks)), 0.0)
    mean = base_weekly.to_numpy()[:, None] * (1.0 - discount) ** elasticity.to_numpy()[:, None]
    qty = rng.poisson(rng.gamma(_DISPERSION, mean / _DISPERSION)).astype(float)
    history = pd.DataFrame({
        "product_id": np.repeat(products["product_id"].to_numpy(), weeks),
        "category": np.repeat(products["category"].to_numpy(), weeks),
        "week": np.tile(np.arange(weeks), len(products)),
        "discount": discount.reshape(-1),
        "qty": qty.reshape(-1),
    })
    return PriceWorld(products, history, elasticity, category_elasticity, base_weekly, rng)
