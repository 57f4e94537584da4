"""Demand forecast: the weekly history, censored weeks, new and short-history products, intermittent
series, coherent totals, intervals, seasonality, value added, what other decisions read, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ai_insights.forecast import DemandForecaster, sold_goods, weekly_demand
from ai_insights.forecast.demand import demand_over
from ai_insights.forecast.hierarchy import LEVELS
from ai_insights.forecast.methods import INTERMITTENT_METHODS
from crm_bridge.contract.errors import InsufficientDataError, ValidationError

START = pd.Timestamp("2024-01-01")  # a Monday
SEGMENTS = ("B2B", "B2C")
WAREHOUSES = (1, 2)


def company(demand: dict[tuple[int, str, int], np.ndarray], categories: dict[int, str],
            weeks: int) -> tuple[dict[str, pd.DataFrame], pd.Timestamp]:
    """Tables whose weekly demand is ``demand[(product, segment, warehouse)]`` (one order per week and series).

    Products in ``categories`` without demand exist but were never sold. Returns the tables and the
    last day of the last week.
    """
    orders, lines = [], []
    for (product, segment, warehouse), qty in demand.items():
        for week in np.flatnonzero(qty > 0):
            order_id = len(orders) + 1
            orders.append((order_id, 1 + SEGMENTS.index(segment), warehouse,
                           START + pd.Timedelta(days=7 * int(week) + 2), "delivered"))
            lines.append((order_id, order_id, product, float(qty[week]), 10.0, 0.0))
    tables = {
        "orders": pd.DataFrame(orders, columns=["order_id", "customer_id", "warehouse_id", "date_order", "state"]),
        "order_lines": pd.DataFrame(lines, columns=["line_id", "order_id", "product_id", "qty", "price_unit",
                                                    "discount"]),
        "customers": pd.DataFrame({"customer_id": [1, 2], "segment": list(SEGMENTS)}),
        "products": pd.DataFrame({"product_id": list(categories), "category": list(categories.values())}),
        "warehouses": pd.DataFrame({"warehouse_id": list(WAREHOUSES)}),
    }
    # The first order of the company opens its first week.
    first = pd.DataFrame([(0, 1, 1, START, "delivered")], columns=tables["orders"].columns)
    tables["orders"] = pd.concat([first, tables["orders"]], ignore_index=True)
    return tables, START + pd.Timedelta(days=7 * weeks - 1)


def poisson_company(means: dict[int, float], weeks: int, seed: int = 0, categories: dict[int, str] | None = None):
    """Every product sells Poisson(mean) a week in every segment and warehouse."""
    rng = np.random.default_rng(seed)
    categories = categories or dict.fromkeys(means, "Tools")
    demand = {(product, segment, warehouse): rng.poisson(mean, weeks).astype(float)
              for product, mean in means.items() for segment in SEGMENTS for warehouse in WAREHOUSES}
    return company(demand, categories, weeks)


def bottom_mean(forecast, product: int, segment: str = "B2B", warehouse: int = 1) -> np.ndarray:
    frame = forecast.frame
    rows = ((frame["product_id"] == product) & (frame["segment"] == segment) & (frame["warehouse_id"] == warehouse))
    return frame.loc[rows, "mean"].to_numpy()


def series_of(forecast, product: int, level: str = LEVELS[-1]) -> pd.DataFrame:
    series = forecast.series
    return series[(series["product_id"] == product) & (series["level"] == level)]


# --------------------------------------------------------------------------- history


def test_weekly_demand_counts_orders_not_cancelled_in_complete_weeks():
    tables, _ = company({(1, "B2B", 1): np.array([3.0, 0, 5]), (1, "B2C", 2): np.array([0, 2.0, 0])},
                        {1: "Tools"}, 3)
    orders, lines = tables["orders"], tables["order_lines"]
    cancelled = pd.DataFrame([(90, 1, 1, START + pd.Timedelta(days=8), "cancelled")], columns=orders.columns)
    partial = pd.DataFrame([(91, 1, 1, START + pd.Timedelta(days=22), "quotation")], columns=orders.columns)
    tables["orders"] = pd.concat([orders, cancelled, partial], ignore_index=True)
    tables["order_lines"] = pd.concat([lines, pd.DataFrame([(90, 90, 1, 100.0, 10.0, 0.0),
                                                           (91, 91, 1, 7.0, 10.0, 50.0)], columns=lines.columns)])
    history = weekly_demand(tables, as_of=START + pd.Timedelta(days=22))  # a Tuesday: its week is not over
    assert list(history.weeks) == [START, START + pd.Timedelta(days=7), START + pd.Timedelta(days=14)]
    assert history.segments == SEGMENTS and history.warehouses == WAREHOUSES
    np.testing.assert_array_equal(history.qty[0, 0, 0], [3, 0, 5])  # the cancelled 100 is not demand
    np.testing.assert_array_equal(history.qty[0, 1, 1], [0, 2, 0])
    assert history.revenue[0, 0, 0, 2] == pytest.approx(50.0)
    whole = weekly_demand(tables, as_of=START + pd.Timedelta(days=27))  # that Sunday the week is complete
    assert whole.qty[0, 0, 0, 3] == 7.0 and whole.revenue[0, 0, 0, 3] == pytest.approx(35.0)


# --------------------------------------------------------------------------- censored weeks


def test_only_the_goods_that_sold_are_forecast():
    # 1 and 2 are goods that sold, 3 a service that sold, 4 a good never sold, 5 a good only on a cancelled order.
    tables, end = poisson_company({1: 5.0, 2: 3.0, 3: 4.0}, weeks=40, categories=dict.fromkeys(range(1, 6), "Tools"))
    tables["products"]["type"] = ["storable", "consumable", "service", "storable", "storable"]
    orders, lines = tables["orders"], tables["order_lines"]
    cancelled = pd.DataFrame([(9000, 1, 1, START + pd.Timedelta(days=8), "cancelled")], columns=orders.columns)
    tables["orders"] = pd.concat([orders, cancelled], ignore_index=True)
    tables["order_lines"] = pd.concat([lines, pd.DataFrame([(9000, 9000, 5, 9.0, 10.0, 0.0)],
                                                           columns=lines.columns)])
    goods = sold_goods(tables)
    assert goods["products"]["product_id"].tolist() == [1, 2]
    assert set(goods["order_lines"]["product_id"]) == {1, 2}
    assert goods["orders"] is tables["orders"] and goods["customers"] is tables["customers"]
    assert weekly_demand(goods, as_of=end).products["product_id"].tolist() == [1, 2]

    # The goods' intervals are those of a company that never sold the service: its errors are not pooled in.
    without_service = {**tables, "order_lines": lines[lines["product_id"] != 3]}
    goods_only = DemandForecaster().fit(weekly_demand(without_service, as_of=end)).predict()
    pooled = [DemandForecaster().fit(weekly_demand(source, as_of=end)).predict() for source in (goods, tables)]
    rows = goods_only.frame["product_id"].isin([1, 2])
    assert np.allclose(pooled[0].quantile(0.95), goods_only.quantile(0.95)[rows])
    every_product = pooled[1].frame["product_id"].isin([1, 2]).to_numpy()
    assert not np.allclose(pooled[1].quantile(0.95)[every_product], pooled[0].quantile(0.95))


def test_sold_goods_says_what_is_missing():
    tables, _ = poisson_company({1: 5.0}, weeks=10)
    with pytest.raises(ValidationError) as raised:
        sold_goods(tables)
    assert raised.value.code == "missing_columns" and raised.value.details == {"missing": ["type"]}
    tables["products"]["type"] = "service"
    with pytest.raises(InsufficientDataError) as raised:
        sold_goods(tables)
    assert raised.value.field == "products"


def test_censored_weeks_are_not_zero_demand():
    rng = np.random.default_rng(1)
    weeks = 60
    steady = {(p, s, w): rng.poisson(10, weeks).astype(float) for p in (1, 2) for s in SEGMENTS for w in WAREHOUSES}
    out_of_stock = [weeks - 12, weeks - 11, weeks - 7, weeks - 6, weeks - 5, weeks - 2]
    for segment in SEGMENTS:
        steady[(1, segment, 1)][out_of_stock] = 0.0  # nothing could be sold: no stock in warehouse 1
    tables, end = company(steady, {1: "Tools", 2: "Tools"}, weeks)
    censored = pd.DataFrame({"product_id": 1, "warehouse_id": 1,
                             "week": [START + pd.Timedelta(days=7 * w + 3) for w in out_of_stock]})
    masked = DemandForecaster().fit(weekly_demand(tables, as_of=end, censored=censored)).predict()
    naive = DemandForecaster().fit(weekly_demand(tables, as_of=end)).predict()
    assert abs(bottom_mean(masked, 1).mean() - 10) < 1.5
    assert bottom_mean(naive, 1).mean() < bottom_mean(masked, 1).mean() - 1.0
    assert "stockouts_masked" in series_of(masked, 1)["flags"].iloc[0]
    assert "stockouts_masked" not in series_of(masked, 2)["flags"].iloc[0]
    assert "stockouts_masked" not in series_of(naive, 1)["flags"].iloc[0]


# --------------------------------------------------------------------------- new products, short history


def test_new_products_get_their_category_and_segment_prior():
    rng = np.random.default_rng(2)
    weeks = 60
    level = {("Tools", "B2B"): 20.0, ("Tools", "B2C"): 4.0, ("Garden", "B2B"): 2.0, ("Garden", "B2C"): 8.0}
    categories = {1: "Tools", 2: "Tools", 3: "Tools", 4: "Garden", 5: "Garden", 6: "Tools", 7: "Garden"}
    demand = {(p, s, w): rng.poisson(level[(categories[p], s)], weeks).astype(float)
              for p in range(1, 6) for s in SEGMENTS for w in WAREHOUSES}
    tables, end = company(demand, categories, weeks)
    forecast = DemandForecaster().fit(weekly_demand(tables, as_of=end)).predict()
    for product, category in ((6, "Tools"), (7, "Garden")):
        bottom = series_of(forecast, product)
        assert (bottom["method"] == "category_prior").all() and bottom["flags"].str.contains("new_product").all()
        for segment in SEGMENTS:
            assert bottom_mean(forecast, product, segment).mean() == pytest.approx(level[(category, segment)],
                                                                                   rel=0.2)
    assert "new_product" not in series_of(forecast, 1)["flags"].iloc[0]


def test_too_short_history_is_flagged_and_blended_with_the_prior():
    rng = np.random.default_rng(3)
    weeks = 60
    demand = {(p, s, w): rng.poisson(20.0, weeks).astype(float) for p in (1, 2, 3) for s in SEGMENTS
              for w in WAREHOUSES}
    late = rng.poisson(4.0, weeks).astype(float)
    late[:weeks - 10] = 0.0  # launched ten weeks ago, selling far less than its category
    demand.update({(4, s, w): late.copy() for s in SEGMENTS for w in WAREHOUSES})
    tables, end = company(demand, dict.fromkeys((1, 2, 3, 4), "Tools"), weeks)
    forecaster = DemandForecaster()
    forecast = forecaster.fit(weekly_demand(tables, as_of=end)).predict()
    assert forecaster.min_history == 3 * 8 + 13
    short = series_of(forecast, 4)
    assert (short["method"] == "category_prior_blend").all() and short["flags"].str.contains("short_history").all()
    mean = bottom_mean(forecast, 4).mean()
    assert 4.0 < mean < 20.0  # between its own average and the prior, nearer its own (10 weeks against 8)
    assert abs(mean - 4.0) < abs(mean - 20.0)
    assert forecast.card.extra["flag_counts"]["short_history"] == 9  # every series of the product


def test_a_history_too_short_for_any_backtest_says_so():
    tables, end = poisson_company({1: 5.0, 2: 3.0}, weeks=30)
    with pytest.raises(InsufficientDataError) as raised:
        DemandForecaster().fit(weekly_demand(tables, as_of=end))
    assert raised.value.details == {"weeks": 30, "needed": 37}
    assert "37 weeks" in raised.value.message


# --------------------------------------------------------------------------- intermittent series


def test_intermittent_series_get_intermittent_methods():
    rng = np.random.default_rng(4)
    weeks = 70
    lumpy = np.where(rng.random(weeks) < 0.2, rng.integers(5, 30, weeks), 0).astype(float)
    demand = {(1, s, w): rng.poisson(15, weeks).astype(float) for s in SEGMENTS for w in WAREHOUSES}
    demand.update({(2, s, w): np.roll(lumpy, 3 * i) for i, (s, w) in
                   enumerate((s, w) for s in SEGMENTS for w in WAREHOUSES)})
    tables, end = company(demand, {1: "Tools", 2: "Tools"}, weeks)
    forecast = DemandForecaster().fit(weekly_demand(tables, as_of=end)).predict()
    smooth, intermittent = series_of(forecast, 1), series_of(forecast, 2)
    assert (smooth["method"] == "ses").all() and not smooth["flags"].str.contains("intermittent").any()
    assert intermittent["method"].isin(INTERMITTENT_METHODS).all()
    assert intermittent["flags"].str.contains("intermittent").all()
    # The forecast is the demand rate, not a copy of the last lumpy week.
    assert bottom_mean(forecast, 2).mean() == pytest.approx(lumpy.mean(), rel=0.5)


# --------------------------------------------------------------------------- coherence, intervals


@pytest.fixture(scope="module")
def simulated():
    """30 products with Poisson demand of various sizes: fitted on 70 weeks, eight more weeks held out."""
    rng = np.random.default_rng(5)
    means = {product: float(rng.choice([0.3, 1.0, 3.0, 10.0, 30.0])) for product in range(1, 31)}
    tables, _ = poisson_company(means, weeks=78, seed=6)
    everything = weekly_demand(tables, as_of=START + pd.Timedelta(days=7 * 78 - 1))
    fitted = weekly_demand(tables, as_of=START + pd.Timedelta(days=7 * 70 - 1))
    return DemandForecaster().fit(fitted).predict(), everything


def test_totals_add_up_across_segments_and_warehouses(simulated):
    forecast, _ = simulated
    frame = forecast.frame
    table = frame.pivot_table(index=["product_id", "week"], columns=["level", "segment", "warehouse_id"],
                              values="mean", aggfunc="sum")
    bottom = table["product_segment_warehouse"]
    np.testing.assert_allclose(table["product"].iloc[:, 0], bottom.sum(axis=1))
    for segment in SEGMENTS:
        np.testing.assert_allclose(table["product_segment"][segment].iloc[:, 0], bottom[segment].sum(axis=1))
    for warehouse in WAREHOUSES:
        np.testing.assert_allclose(table["product_warehouse"][""][warehouse],
                                   bottom.xs(warehouse, axis=1, level="warehouse_id").sum(axis=1))
    assert (frame["mean"] >= 0).all()
    assert set(frame.loc[frame["level"] != LEVELS[-1], "method"]) == {"bottom_up"}


def test_intervals_are_ordered_and_cover_what_they_say(simulated):
    forecast, everything = simulated
    frame = forecast.frame
    bounds = frame[["lo_95", "lo_80", "median", "hi_80", "hi_95"]].to_numpy()
    assert (bounds >= 0).all() and (np.diff(bounds, axis=1) >= -1e-12).all()
    assert (frame["hi_95"] > frame["lo_95"]).mean() > 0.95
    # Held-out weeks of every series, in the frame's order.
    from ai_insights.forecast.hierarchy import aggregate

    actual = aggregate(everything.qty[..., 70:]).reshape(-1)
    inside_80 = ((actual >= frame["lo_80"]) & (actual <= frame["hi_80"])).mean()
    inside_95 = ((actual >= frame["lo_95"]) & (actual <= frame["hi_95"])).mean()
    assert 0.72 <= inside_80 <= 0.88
    assert 0.90 <= inside_95 <= 0.99
    service = forecast.quantile(0.95)
    assert (service >= frame["median"].to_numpy() - 1e-12).all()


# --------------------------------------------------------------------------- season, value added, card


def test_a_seasonal_segment_is_forecast_with_its_season():
    rng = np.random.default_rng(7)
    weeks = 100  # the history ends on 30 November 2025; the peak is in mid-January
    t = np.arange(weeks + 8)
    day_of_year = (START + pd.to_timedelta(7 * t + 3, unit="D")).dayofyear.to_numpy()
    wave = np.exp(1.3 * np.cos(2 * np.pi * (day_of_year - 15) / 365.25))
    demand = {(p, s, w): rng.poisson(6.0 * (wave[:weeks] if s == "B2B" else np.ones(weeks))).astype(float)
              for p in (1, 2, 3) for s in SEGMENTS for w in WAREHOUSES}
    tables, end = company(demand, {1: "Heating", 2: "Heating", 3: "Heating"}, weeks)
    forecast = DemandForecaster().fit(weekly_demand(tables, as_of=end)).predict()
    seasonal, flat = bottom_mean(forecast, 1, "B2B"), bottom_mean(forecast, 1, "B2C")
    assert seasonal[-1] > 1.25 * seasonal[0]  # rising towards the winter peak (truth: x1.37)
    np.testing.assert_allclose(seasonal, 6.0 * wave[weeks:], rtol=0.35)
    assert flat.max() < 1.3 * flat.min()
    metrics = forecast.metrics
    assert metrics["fva_pct"] == pytest.approx(100 * (1 - metrics["mase"] / metrics["mase_snaive"]))
    assert metrics["fva_pct"] > 10  # seasonal naive copies one noisy week of last year


def test_every_run_returns_value_added_and_a_card(simulated):
    forecast, _ = simulated
    card = forecast.card
    for name in ("mase", "mase_snaive", "fva_pct", "rmsse", "rmsse_snaive"):
        assert np.isfinite(forecast.metrics[name]) and card.metrics[name] == forecast.metrics[name]
    assert card.name == "demand_forecast"
    assert card.data_window == ("2024-01-01", (START + pd.Timedelta(days=7 * 70 - 1)).date().isoformat())
    assert sum(card.extra["bottom_method_counts"].values()) == 30 * 4
    assert "customers.segment" in card.features and card.trained_at


# --------------------------------------------------------------------------- what other decisions read


def test_demand_over_days_sums_weeks_pro_rata(simulated):
    forecast, _ = simulated
    weekly = forecast.frame[forecast.frame["level"] == "product_warehouse"]
    first = weekly.groupby(["product_id", "warehouse_id"])["mean"].apply(lambda values: values.iloc[0]
                                                                         + values.iloc[1] * 3 / 7)
    over = demand_over(forecast, 10, service_level=0.95).set_index(["product_id", "warehouse_id"])
    np.testing.assert_allclose(over["mean"], first.reindex(over.index))
    assert (over["quantile"] >= over["mean"]).mean() > 0.9
    per_product = demand_over(forecast, {1: 7, 2: 14}, level="product")
    assert list(per_product["days"][:3]) == [7, 14, 0] and per_product["mean"].iloc[2] == 0
    with pytest.raises(ValidationError) as raised:
        demand_over(forecast, 7 * 8 + 1)
    assert raised.value.code == "invalid_days"
    with pytest.raises(ValidationError):
        demand_over(forecast, 7, level="region")


# --------------------------------------------------------------------------- bad input


def test_bad_input_gives_clear_errors():
    tables, end = poisson_company({1: 5.0}, weeks=40)
    with pytest.raises(InsufficientDataError) as raised:
        weekly_demand({**tables, "orders": tables["orders"].iloc[:0]})
    assert raised.value.field == "orders"
    with pytest.raises(ValidationError) as raised:
        weekly_demand({name: frame for name, frame in tables.items() if name != "customers"})
    assert raised.value.code == "missing_table" and raised.value.field == "customers"
    with pytest.raises(ValidationError) as raised:
        weekly_demand({**tables, "order_lines": tables["order_lines"].drop(columns="qty")})
    assert raised.value.code == "missing_columns" and raised.value.details == {"missing": ["qty"]}
    censored = pd.DataFrame({"product_id": [1], "warehouse_id": [1], "week": [START], "store": ["X"]})
    with pytest.raises(ValidationError) as raised:
        weekly_demand(tables, censored=censored)
    assert raised.value.code == "invalid_censored" and raised.value.details["unknown"] == ["store"]
    with pytest.raises(ValidationError) as raised:
        weekly_demand(tables, segments=["B2B"])
    assert raised.value.code == "unknown_segment"
    with pytest.raises(InsufficientDataError):
        weekly_demand({**tables, "products": tables["products"].iloc[:0]})
    with pytest.raises(ValidationError) as raised:
        DemandForecaster(n_windows=1).fit(weekly_demand(tables, as_of=end))
    assert raised.value.field == "n_windows"
    with pytest.raises(ValidationError):
        DemandForecaster().fit(tables)
    with pytest.raises(ValidationError) as raised:
        DemandForecaster().predict()
    assert raised.value.code == "not_fitted"
