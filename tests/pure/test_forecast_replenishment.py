"""Suggested reordering rules from the forecast, and the min/max simulation that judges rules."""

import numpy as np
import pandas as pd
import pytest

from ai_insights.forecast import DemandForecaster, weekly_demand
from ai_insights.forecast.demand import demand_over
from ai_insights.forecast.replenishment import (
    MIN_LEAD_DAYS,
    ORDER_CYCLE_DAYS,
    simulate_min_max,
    suggest_reorder_points,
)
from crm_bridge.contract.errors import ValidationError
from demo_company import generate


@pytest.fixture(scope="module")
def forecast():
    company = generate(seed=5, size="small")
    return DemandForecaster(horizon=8).fit(weekly_demand(company.public_tables(), as_of=company.reference_date)
                                           ).predict()


def test_minimum_is_lead_time_demand_at_the_service_level_and_maximum_one_cycle_more(forecast):
    products = forecast.series["product_id"].unique()
    lead = pd.Series({int(products[0]): 3.0, int(products[1]): 30.0, int(products[2]): 400.0})
    rules = suggest_reorder_points(forecast, lead, 0.95)
    assert set(rules["product_id"]) <= set(lead.index), "products without a lead time get no rule"
    # a week at least, the horizon at most
    assert rules.set_index("product_id")["lead_days"].to_dict() == {
        int(products[0]): MIN_LEAD_DAYS, int(products[1]): 30.0, int(products[2]): 56.0}
    row = rules[rules["product_id"] == products[1]].iloc[0]
    expected = demand_over(forecast, 30, service_level=0.95)
    expected = expected[(expected["product_id"] == products[1]) & (expected["warehouse_id"] == row["warehouse_id"])]
    assert row["min_qty"] == pytest.approx(float(expected["quantile"].iloc[0]))
    assert row["max_qty"] == pytest.approx(row["min_qty"] + row["cycle_qty"]) and row["cycle_days"] == ORDER_CYCLE_DAYS
    # a higher service level keeps more stock
    higher = suggest_reorder_points(forecast, lead, 0.99)
    assert (higher["min_qty"].to_numpy() >= rules["min_qty"].to_numpy() - 1e-9).all()


def test_simulation_orders_at_the_minimum_and_receives_after_the_lead_time():
    demand = np.array([[4.0] * 10, [4.0] * 10])
    result = simulate_min_max(demand, [8.0, 0.0], [20.0, 0.0], [2, 2], [20.0, 5.0])
    # first series: 20 -> 16 -> 12 -> 8 (order 12, arrives two days later) -> 4 -> 0 + 12 ... never short
    assert result["stockout_days"].tolist() == [0.0, 9.0]
    assert result["short_qty"][1] == pytest.approx(35.0), "no rule: five served, then lost sales"
    assert result["orders"][0] >= 2 and result["mean_on_hand"][0] > 0


def test_a_bad_rule_is_refused():
    with pytest.raises(ValidationError) as error:
        simulate_min_max(np.ones((1, 3)), [5.0], [4.0], [1], [0.0])
    assert error.value.code == "invalid_rule"
    with pytest.raises(ValidationError) as error:
        simulate_min_max(np.ones((2, 3)), [1.0], [4.0], [1], [0.0])
    assert error.value.code == "length_mismatch"
