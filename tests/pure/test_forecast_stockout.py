"""Forecast stock-outs: the first day demand at the service level overtakes free stock and receipts due."""

import numpy as np
import pandas as pd
import pytest

from ai_insights.forecast import DemandForecaster, weekly_demand
from ai_insights.forecast.demand import demand_over, horizon_days
from ai_insights.forecast.stockout import STOCKOUT_COLUMNS, days_to_stockout
from crm_bridge.contract.errors import ValidationError
from demo_company import generate


@pytest.fixture(scope="module")
def forecast():
    company = generate(seed=5, size="small")
    return DemandForecaster(horizon=8).fit(weekly_demand(company.public_tables(), as_of=company.reference_date)
                                           ).predict()


def _series(forecast):
    return demand_over(forecast, 0, level="product_warehouse")[["product_id", "warehouse_id"]]


def test_without_stock_every_series_with_demand_runs_out_the_first_day_it_expects_any(forecast):
    out = days_to_stockout(forecast, pd.DataFrame(columns=["product_id", "warehouse_id", "qty"]))
    assert list(out.columns) == list(STOCKOUT_COLUMNS)
    quantiles = np.column_stack([demand_over(forecast, d, level="product_warehouse", service_level=0.95)["quantile"]
                                 for d in range(1, horizon_days(forecast) + 1)])
    demand = quantiles > 1e-9
    assert len(out) == int(demand.any(axis=1).sum())
    assert sorted(out["days"]) == sorted(np.argmax(demand[demand.any(axis=1)], axis=1) + 1)
    assert (out["supply"] == 0).all() and (out["days"] <= 7).mean() > 0.9, "goods that sell run out within a week"


def test_the_stockout_day_is_when_the_quantile_overtakes_the_stock(forecast):
    series = _series(forecast)
    key = series.iloc[0]
    at_20 = demand_over(forecast, 20, level="product_warehouse", service_level=0.9)
    need = float(at_20.loc[(at_20["product_id"] == key.product_id) & (at_20["warehouse_id"] == key.warehouse_id),
                           "quantile"].iloc[0])
    free = pd.DataFrame({"product_id": [key.product_id], "warehouse_id": [key.warehouse_id], "qty": [need - 1e-6]})
    out = days_to_stockout(forecast, free, service_level=0.9).set_index(["product_id", "warehouse_id"])
    row = out.loc[(key.product_id, key.warehouse_id)]
    assert row["days"] <= 20 and row["demand"] > row["supply"]
    # enough for the whole horizon: no stock-out
    plenty = free.assign(qty=1e9)
    assert (key.product_id, key.warehouse_id) not in days_to_stockout(forecast, plenty).set_index(
        ["product_id", "warehouse_id"]).index


def test_a_receipt_due_postpones_the_stockout(forecast):
    key = _series(forecast).iloc[0]
    free = pd.DataFrame({"product_id": [key.product_id], "warehouse_id": [key.warehouse_id], "qty": [0.0]})
    receipts = pd.DataFrame({"product_id": [key.product_id], "warehouse_id": [key.warehouse_id], "day": [0],
                             "qty": [1e9]})
    before = days_to_stockout(forecast, free).set_index(["product_id", "warehouse_id"])
    after = days_to_stockout(forecast, free, receipts).set_index(["product_id", "warehouse_id"])
    assert (key.product_id, key.warehouse_id) in before.index
    assert (key.product_id, key.warehouse_id) not in after.index, "received on day 0: serves day 1 on"
    late = receipts.assign(day=horizon_days(forecast) - 1)
    assert days_to_stockout(forecast, free, late).set_index(["product_id", "warehouse_id"]).loc[
        (key.product_id, key.warehouse_id), "days"] == before.loc[(key.product_id, key.warehouse_id), "days"]


@pytest.mark.parametrize("service_level, free, code", [
    (1.0, pd.DataFrame({"product_id": [1], "warehouse_id": [1], "qty": [1.0]}), "invalid_service_level"),
    (0.9, pd.DataFrame({"product_id": [1], "warehouse_id": [1], "qty": [np.inf]}), "invalid_quantity"),
])
def test_bad_input_is_refused(forecast, service_level, free, code):
    with pytest.raises(ValidationError) as error:
        days_to_stockout(forecast, free, service_level=service_level)
    assert error.value.code == code
