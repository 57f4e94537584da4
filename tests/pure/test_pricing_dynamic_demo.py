"""The demo company's hidden price response: reproducible, apart from the company's tables, and learnable."""

from __future__ import annotations

import numpy as np
import pytest

from ai_insights.pricing import estimate_price_response
from demo_company.generator import generate
from demo_company.price_response import price_world


@pytest.fixture(scope="module")
def company():
    """The default company, the one the benchmark prices (on the small one, whose few promoted products can make
    the estimated spread between products zero, the intervals are too narrow: see the benchmark's notes)."""
    return generate(7)


def test_the_world_is_reproducible_and_leaves_the_company_tables_alone(company):
    before = company.order_lines.copy()
    first, again = price_world(company, 3), price_world(company, 3)
    assert first.history.equals(again.history)
    assert first.elasticity.equals(again.elasticity)
    assert company.order_lines.equals(before)
    assert not first.history.equals(price_world(company, 4).history)


def test_the_truth_is_recovered_within_the_estimated_intervals(company):
    world = price_world(company, 0)
    response, _ = estimate_price_response(world.history)
    error = (response["elasticity"] - world.elasticity.reindex(response.index)).abs()
    assert (error <= 1.645 * response["elasticity_sd"]).mean() >= 0.75
    assert (response["source"] == "category").any()  # never-promoted products borrow from their category


def test_cheaper_sells_more_in_the_truth(company):
    world = price_world(company, 0)
    none = world.expected_qty(np.zeros(len(world.products)), 4)
    assert (world.expected_qty(np.full(len(world.products), 0.1), 4) > none).all()
