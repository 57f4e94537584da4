"""Available to promise by allocation: stock kept for the forecast demand of segments served first."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ai_insights.forecast import DemandForecaster, weekly_demand
from ai_insights.forecast.demand import demand_from_weekly, demand_over
from crm_bridge.contract.errors import ValidationError
from crm_bridge.promise.allocation import allocated_qty, parse_priority
from crm_bridge.promise.engine import STATUSES, Capacity, ProductSupply, PromiseEngine
from crm_bridge.promise.quotations import check_quotations
from demo_company import generate

TODAY = dt.date(2026, 6, 1)  # a Monday
DEMAND = pd.DataFrame({"product_id": [1, 1, 1], "segment": ["B2B", "B2C", "B2B"], "warehouse_id": [1, 1, 2],
                       "qty": [6.0, 3.0, 50.0]})


def engine(free=10.0, lead=14):
    return PromiseEngine([ProductSupply(1, free, replenish_lead_days=lead)], Capacity(), TODAY)


def test_each_line_may_not_take_the_demand_of_the_segments_served_before_it():
    reserved = allocated_qty(DEMAND, ["B2B", "B2C"], [1, 1, 1, 1, 2], [1, 1, 1, 2, 1],
                             ["B2B", "B2C", "Retail", "B2C", "B2C"])
    # B2B first: nothing; B2C: B2B's 6; a segment not ranked: after every ranked one (6 + 3); other warehouse: its
    # own demand; a product without forecast demand: nothing
    assert reserved.tolist() == [0.0, 6.0, 9.0, 50.0, 0.0]
    assert allocated_qty(DEMAND, [], [1], [1], ["B2C"]).tolist() == [0.0], "no ranking, no allocation"


def test_the_allocation_binds_with_its_reason_and_the_first_segment_keeps_its_promise():
    asked = [dt.date(2026, 6, 3)] * 2
    batch = engine().check_batch([1, 1], [5.0, 5.0], asked, order_keys=[1, 2], allocated_qty=[0.0, 6.0])
    first, second = batch.lines()
    assert first.status == "on_time" and [r.code for r in first.reasons] == ["in_stock"]
    assert second.status == "late" and second.atp_qty == 4.0
    assert second.promised_date == TODAY + dt.timedelta(days=14), "served once the product can be replenished"
    cause = second.cause()
    assert cause.code == "allocation" and cause.params == {"allocated_qty": 6.0, "date": dt.date(2026, 6, 15)}
    assert "kept for the forecast demand of customer segments served first" in cause.message
    # the same line without allocation is on time: the allocation is what decided
    alone = engine().check_batch([1], [5.0], asked[:1], allocated_qty=[0.0]).line(0)
    assert alone.status == "on_time"


def test_an_allocation_that_leaves_enough_stock_does_not_show():
    line = engine(free=20.0).check_batch([1], [5.0], [dt.date(2026, 6, 3)], allocated_qty=[6.0]).line(0)
    assert line.status == "on_time" and "allocation" not in [r.code for r in line.reasons]
    after = engine().check_batch([1], [5.0], [dt.date(2026, 6, 20)], allocated_qty=[60.0]).line(0)
    assert after.status == "on_time", "after the lead time more can be bought: nothing is kept back"


@pytest.mark.parametrize("allocated, code, field", [
    ([-1.0], "invalid_allocation", "lines[0].allocated_qty"),
    ([np.nan], "invalid_allocation", "lines[0].allocated_qty"),
    ([1.0, 2.0], "length_mismatch", "allocated_qty"),
])
def test_bad_allocations_are_refused(allocated, code, field):
    with pytest.raises(ValidationError) as error:
        engine().check_batch([1], [5.0], [TODAY], allocated_qty=allocated)
    assert (error.value.code, error.value.field) == (code, field)


def test_bad_demand_and_priority_are_refused():
    with pytest.raises(ValidationError) as error:
        allocated_qty(DEMAND.drop(columns="segment"), ["B2B"], [1], [1], ["B2C"])
    assert error.value.code == "missing_columns"
    with pytest.raises(ValidationError) as error:
        parse_priority("B2B, B2C, B2B")
    assert error.value.code == "duplicate_segment"
    assert parse_priority(" B2B ,B2C,") == ("B2B", "B2C") and parse_priority(None) == ()


def test_demand_from_weekly_rows_is_the_forecasts_demand_over():
    company = generate(seed=5, size="small")
    forecast = DemandForecaster(horizon=8).fit(
        weekly_demand(company.public_tables(), as_of=company.reference_date)).predict()
    lead = company.products.set_index("product_id")["vendor_lead_days"].clip(lower=1, upper=56)
    keys = ("product_id", "segment", "warehouse_id")
    expected = demand_over(forecast, lead, level="product_segment_warehouse").sort_values(list(keys))
    bottom = forecast.frame[forecast.frame["level"] == "product_segment_warehouse"]
    stored = demand_from_weekly(bottom.rename(columns={"mean": "qty"}), lead, keys)
    assert np.allclose(stored["mean"].to_numpy(), expected["mean"].to_numpy())

    # on the demo's open quotations, consumers first and a surge of their demand: their lines keep their promise,
    # the businesses' lines can only lose (the small company's quotations are B2B's, and on time only there)
    today = pd.Timestamp(company.reference_date).date()
    demand = expected.rename(columns={"mean": "qty"}).assign(qty=lambda f: f["qty"] * 100)
    plain, _ = check_quotations(company.public_tables(), today)
    allocated, _ = check_quotations(company.public_tables(), today, allocation_demand=demand,
                                    segment_priority=["B2C", "B2B"])
    segment = company.customers.set_index("customer_id")["segment"].reindex(plain["customer_id"]).to_numpy()
    rank = {status: i for i, status in enumerate(STATUSES)}
    before, after = plain["status"].map(rank).to_numpy(), allocated["status"].map(rank).to_numpy()
    assert (before[segment == "B2C"] == after[segment == "B2C"]).all()
    assert (after >= before).all() and (after > before).any()
    assert allocated.loc[after > before, "reason"].str.contains("segments served first").any()
