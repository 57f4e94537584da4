"""Days of cover from the demand forecast: the one cover rule reads forecast demand where there is one."""

import numpy as np
import pandas as pd
import pytest

from ai_insights.forecast import DemandForecaster, weekly_demand
from ai_insights.forecast.demand import daily_demand, daily_from_weekly, demand_over, horizon_days
from crm_bridge.contract.errors import ValidationError
from crm_bridge.pricing.cover import NO_DEMAND_COVER_DAYS, cover_from_tables, days_of_cover
from crm_bridge.promise.quotations import check_quotations
from demo_company import generate


@pytest.fixture(scope="module")
def company():
    return generate(seed=5, size="small")


@pytest.fixture(scope="module")
def forecast(company):
    history = weekly_demand(company.public_tables(), as_of=company.reference_date)
    return DemandForecaster(horizon=8).fit(history).predict()


def test_forecast_demand_replaces_sales_and_the_reason_says_so():
    cover = days_of_cover([100.0, 100.0, 50.0, 0.0, 10.0], [90.0, 90.0, 0.0, 0.0, 9.0],
                          forecast_daily=[5.0, np.nan, 0.0, 0.0, -1.0])
    assert cover.codes().tolist() == ["from_forecast", "from_sales", "no_forecast_demand", "no_stock",
                                      "no_forecast_demand"]
    assert cover.days[:4].tolist() == [20.0, 100.0, NO_DEMAND_COVER_DAYS, 0.0]
    assert cover.daily_demand[0] == 5.0 and cover.daily_demand[1] == 1.0
    reason = cover.reason(0)
    assert reason.code == "from_forecast" and "expected a day (demand forecast)" in reason.message
    assert reason.params["daily_demand"] == 5.0 and reason.params["cover_days"] == 20.0
    assert "forecast expects none" in cover.reason(2).message
    # without a forecast the rule is unchanged
    assert days_of_cover([100.0], [90.0]).codes().tolist() == ["from_sales"]


def test_a_service_has_no_cover_whatever_its_forecast():
    cover = days_of_cover([0.0], [10.0], stocked=[False], forecast_daily=[3.0])
    assert np.isnan(cover.days[0]) and cover.codes()[0] == "not_stocked"


@pytest.mark.parametrize("forecast_daily, code, field", [
    ([np.inf, 1.0], "invalid_quantity", "forecast_daily[0]"),
    ([1.0], "length_mismatch", "forecast_daily"),
])
def test_bad_forecast_demand_is_refused(forecast_daily, code, field):
    with pytest.raises(ValidationError) as error:
        days_of_cover([1.0, 2.0], [1.0, 1.0], forecast_daily=forecast_daily)
    assert (error.value.code, error.value.field) == (code, field)


def test_daily_from_weekly_counts_a_partial_week_pro_rata_and_caps_at_the_weeks_given():
    weekly = pd.DataFrame({"product_id": [1, 1, 2, 1], "week": pd.to_datetime(
        ["2026-01-05", "2026-01-12", "2026-01-05", "2026-01-05"]), "qty": [3.0, 14.0, 7.0, 4.0]})
    ten = daily_from_weekly(weekly, 10)
    assert ten[1] == pytest.approx((7 + 14 * 3 / 7) / 10) and ten[2] == pytest.approx(7 / 10)
    assert daily_from_weekly(weekly, 90)[1] == pytest.approx(21 / 14), "two weeks given: 14 days at most"
    with pytest.raises(ValidationError):
        daily_from_weekly(weekly, 0)


def test_daily_demand_is_the_product_total_over_the_span(forecast):
    daily = daily_demand(forecast, 90)
    span = min(90, horizon_days(forecast))
    total = demand_over(forecast, span, level="product").set_index("product_id")["mean"]
    assert np.allclose(daily.reindex(total.index).to_numpy() * span, total.to_numpy())
    assert (daily >= 0).all()


def test_cover_and_the_guardrail_read_the_forecast(company, forecast):
    tables = company.public_tables()
    today = pd.Timestamp(company.reference_date).date()
    daily = daily_demand(forecast, 90)
    cover = cover_from_tables(tables, today, forecast_daily=daily)
    storable = company.products.loc[company.products["type"] == "storable", "product_id"]
    forecast_products = storable[storable.isin(daily.index)]
    assert len(forecast_products) and (cover.loc[forecast_products, "cover_code"].isin(
        ["from_forecast", "no_forecast_demand"])).all()
    # a demand surge expected for every product leaves less cover, so no more room to discount than on sales
    surge = daily * 50
    lines_sales, _ = check_quotations(tables, today)
    lines_surge, _ = check_quotations(tables, today, forecast_daily=surge)
    assert (lines_surge["max_discount"].fillna(0) <= lines_sales["max_discount"].fillna(0) + 1e-9).all()
    assert (lines_surge["max_discount"].fillna(0) < lines_sales["max_discount"].fillna(0) - 1e-9).any()


def test_the_demo_offers_read_the_forecast_cover_like_the_form(company, forecast):
    """The action simulation's offers use the one cover rule with the forecast, as the quotation does."""
    from crm_bridge.pricing.cover import DEMAND_WINDOW_DAYS
    from demo_company.simulation import demo_offer_inputs

    today = company.reference_date
    daily = daily_demand(forecast, DEMAND_WINDOW_DAYS)
    _candidates, from_sales = demo_offer_inputs(company, today)
    _candidates, from_forecast = demo_offer_inputs(company, today, forecast_daily=daily)
    expected = cover_from_tables(company.public_tables(), today, forecast_daily=daily)
    expected = expected["cover_days"].reindex(from_forecast["product_id"]).to_numpy(float)
    np.testing.assert_allclose(from_forecast["cover_days"].to_numpy(float), expected)
    assert not np.allclose(from_forecast["cover_days"].to_numpy(float), from_sales["cover_days"].to_numpy(float),
                           equal_nan=True)
