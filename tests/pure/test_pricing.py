"""Pricing guardrail (floors, stock pressure, customer value, verdicts, bad inputs) and days of cover."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_bridge.contract.errors import ValidationError
from crm_bridge.pricing.cover import (
    NO_DEMAND_COVER_DAYS,
    cover_from_tables,
    days_of_cover,
    demand_window,
    sold_in_window,
)
from crm_bridge.pricing.guardrail import VERDICT_CODES, PricingPolicy

POLICY = PricingPolicy(category_floors={"premium": 0.40})


def codes(advice) -> list[str]:
    return [reason.code for reason in advice.reasons]


def test_company_floor_binds_when_margin_is_thin():
    advice = POLICY.advise(cost=80, list_price=100, cover_days=200)
    assert advice.floor_price == pytest.approx(80 / 0.85)
    assert advice.max_discount == pytest.approx(1 - 80 / 0.85 / 100)
    assert codes(advice)[0] == "margin_floor"  # the binding constraint comes first
    assert "(company)" in advice.reasons[0].message


def test_category_floor_overrides_the_company_floor():
    company = POLICY.advise(cost=50, list_price=100, category="tools", cover_days=200)
    premium = POLICY.advise(cost=50, list_price=100, category="premium", cover_days=200)
    assert company.floor_price == pytest.approx(50 / 0.85)
    assert premium.floor_price == pytest.approx(50 / 0.60)
    assert premium.max_discount < company.max_discount
    assert "category_floor" in codes(premium) and "margin_floor" not in codes(premium)


def test_overstock_allows_more_discount_and_scarcity_none():
    scarce = POLICY.advise(cost=10, list_price=100, cover_days=5, churn_risk=1.0, clv=1e6)
    low = POLICY.advise(cost=10, list_price=100, cover_days=37.5)
    target = POLICY.advise(cost=10, list_price=100, cover_days=60)
    over = POLICY.advise(cost=10, list_price=100, cover_days=120)
    flooded = POLICY.advise(cost=10, list_price=100, cover_days=1000)
    assert scarce.max_discount == 0 and codes(scarce)[0] == "scarcity"
    assert low.max_discount == pytest.approx(0.05)
    assert target.max_discount == pytest.approx(0.10) and target.suggested_price == 100
    assert over.max_discount == pytest.approx(0.20) and over.suggested_discount == pytest.approx(0.10)
    assert flooded.max_discount == pytest.approx(0.30) and "overstock" in codes(flooded)


def test_no_free_stock_says_so_instead_of_about_zero_days():
    from crm_bridge.contract.reasons import render

    empty = next(r for r in POLICY.advise(cost=10, list_price=100, cover_days=0).reasons if r.code == "scarcity")
    scarce = next(r for r in POLICY.advise(cost=10, list_price=100, cover_days=5).reasons if r.code == "scarcity")
    assert render(empty) == "No free stock left: no discount"
    assert render(scarce).startswith("Scarce stock (about 5 days left)")


def test_unknown_cover_gives_the_base_room():
    advice = POLICY.advise(cost=10, list_price=100)
    assert advice.max_discount == pytest.approx(0.10) and "cover_unknown" in codes(advice)


def test_churn_risk_of_a_valuable_customer_adds_room():
    plain = POLICY.advise(cost=10, list_price=100, cover_days=60)
    valuable = POLICY.advise(cost=10, list_price=100, cover_days=60, clv=20_000, churn_risk=0.8)
    small = POLICY.advise(cost=10, list_price=100, cover_days=60, clv=1_000, churn_risk=0.8)
    unknown_value = POLICY.advise(cost=10, list_price=100, cover_days=60, churn_risk=0.8)
    assert valuable.max_discount == pytest.approx(0.10 + 0.05 * 0.8)
    assert plain.max_discount < small.max_discount < unknown_value.max_discount < valuable.max_discount
    assert valuable.suggested_discount == pytest.approx(0.04) and "retention" in codes(valuable)
    assert POLICY.advise(cost=10, list_price=100, cover_days=60, clv=20_000).max_discount == plain.max_discount


def test_policy_cap_limits_the_sum():
    advice = POLICY.advise(cost=1, list_price=100, cover_days=500, clv=1e5, churn_risk=1.0)
    assert advice.max_discount == pytest.approx(0.30) and "policy_cap" in codes(advice)


def test_list_price_below_floor_suggests_the_floor():
    advice = POLICY.advise(cost=95, list_price=100, cover_days=500)
    assert advice.max_discount == 0 and advice.suggested_price == pytest.approx(95 / 0.85)
    assert codes(advice)[0] == "list_below_floor"


def test_check_discount_and_price():
    ok = POLICY.check_discount(cost=50, list_price=100, discount=0.05, cover_days=60)
    assert ok.ok and ok.reasons[0].code == "within_bounds" and ok.price == pytest.approx(95)
    too_much = POLICY.check_discount(cost=50, list_price=100, discount=0.25, cover_days=60)
    assert not too_much.ok and too_much.reasons[0].code == "exceeds_max_discount"
    assert too_much.reasons[0].params["cause"] == "target_cover"
    by_price = POLICY.check_discount(cost=80, list_price=100, price=90, cover_days=500)
    assert not by_price.ok and by_price.reasons[0].params["cause"] == "margin_floor"
    above_list = POLICY.check_discount(cost=50, list_price=100, price=120)
    assert above_list.ok and above_list.discount == 0
    payload = too_much.to_dict()
    assert payload["advice"]["max_discount"] == pytest.approx(0.10) and payload["ok"] is False


def test_batch_matches_single_lines():
    cost = np.array([10.0, 80.0, 50.0])
    price = np.array([100.0, 100.0, 100.0])
    cover = [5.0, None, 300.0]
    batch = POLICY.advise_batch(cost, price, ["x", "premium", None], cover, [None, 5000.0, None], [0.5, 0.5, None])
    for i in range(3):
        single = POLICY.advise(cost[i], price[i], ["x", "premium", None][i], cover[i],
                               [None, 5000.0, None][i], [0.5, 0.5, None][i])
        assert batch.advice(i) == single
    checks = POLICY.check_batch(cost, price, [0.0, 0.2, 0.3], cover_days=cover)
    assert checks.ok.tolist() == [True, False, True]
    for i, discount in enumerate([0.0, 0.2, 0.3]):
        assert checks.check(i) == POLICY.check_discount(cost[i], price[i], discount, cover_days=cover[i])


def test_net_price_below_the_floor_is_its_own_verdict():
    # cost 50, floor 15%: floor price 58.82; a list price of 55 allows no discount, and even none is too little
    checks = POLICY.check_batch([50.0, 50.0, 50.0], [55.0, 55.0, 100.0], [0.0, 0.05, 0.0], cover_days=[60, 60, 60])
    assert checks.ok.tolist() == [False, False, True]
    below, exceeds, fine = (checks.check(i) for i in range(3))
    assert below.reasons[0].code == "below_floor" and "below the floor price 58.82" in below.reasons[0].message
    assert below.reasons[0].params["price"] == pytest.approx(55) and below.advice.max_discount == 0
    assert exceeds.reasons[0].code == "exceeds_max_discount", "exceeding the maximum is said first"
    assert fine.reasons[0].code == "within_bounds"
    assert [VERDICT_CODES[v] for v in checks.verdict] == ["below_floor", "exceeds_max_discount", "within_bounds"]


def test_unsold_stock_is_overstock():
    advice = POLICY.advise(cost=10, list_price=100, cover_days=NO_DEMAND_COVER_DAYS)
    assert advice.max_discount == pytest.approx(0.30)
    assert "unsold_stock" in codes(advice) and "overstock" not in codes(advice)


# ---- days of cover


def test_days_of_cover_one_meaning_of_no_demand():
    cover = days_of_cover(free_qty=[30.0, 40.0, 0.0, -5.0, 10.0, 8.0], sold_qty=[90.0, 0.0, 0.0, 90.0, 0.0, 1e9],
                          window_days=90, stocked=[True, True, True, True, False, True])
    assert cover.days[:4].tolist() == [30.0, NO_DEMAND_COVER_DAYS, 0.0, 0.0]
    assert np.isnan(cover.days[4]) and cover.days[5] == pytest.approx(8 / (1e9 / 90))
    assert cover.codes().tolist() == ["from_sales", "unsold_stock", "no_stock", "from_sales", "not_stocked",
                                      "from_sales"]
    assert cover.free_qty[3] == 0, "negative stock is no stock"
    assert cover.reason(1).code == "unsold_stock" and "overstock" in cover.reason(1).message
    assert cover.reason(0).params == {"free_qty": 30.0, "daily_demand": 1.0, "cover_days": 30.0, "window_days": 90}
    capped = days_of_cover([1e9], [1.0], window_days=90)
    assert capped.days[0] == NO_DEMAND_COVER_DAYS


def test_days_of_cover_bad_inputs():
    for kwargs, code in (({"free_qty": [1.0], "sold_qty": [1.0, 2.0]}, "length_mismatch"),
                         ({"free_qty": [float("nan")], "sold_qty": [1.0]}, "invalid_quantity"),
                         ({"free_qty": [1.0], "sold_qty": [1.0], "window_days": 0}, "invalid_window")):
        with pytest.raises(ValidationError) as err:
            days_of_cover(**kwargs)
        assert err.value.code == code


def test_cover_from_tables_counts_confirmed_sales_of_the_window():
    today = dt.date(2026, 10, 31)
    first, end = demand_window(today, 90)
    assert (first, end) == (dt.date(2026, 8, 3), dt.date(2026, 11, 1)) and (end - first).days == 90
    day = pd.Timestamp
    tables = {
        "products": pd.DataFrame({"product_id": [1, 2, 3, 4], "type": ["storable", "storable", "storable", "service"]}),
        "stock": pd.DataFrame({"product_id": [1, 1, 2], "warehouse_id": [1, 2, 1], "qty_on_hand": [20.0, 25.0, 7.0]}),
        "orders": pd.DataFrame({
            "order_id": [1, 2, 3, 4, 5, 6],
            "date_order": [day(today), day(first), day(first) - pd.Timedelta(days=1), day(today), day(today),
                           day(today)],
            "state": ["confirmed", "delivered", "delivered", "quotation", "cancelled", "confirmed"],
        }),
        "order_lines": pd.DataFrame({"order_id": [1, 2, 3, 4, 5, 6], "product_id": [1, 1, 1, 1, 1, 4],
                                     "qty": [30.0, 15.0, 1000.0, 1000.0, 1000.0, 5.0]}),
    }
    assert sold_in_window(tables["orders"], tables["order_lines"], today, 90).to_dict() == {1: 45.0, 4: 5.0}
    cover = cover_from_tables(tables, today, 90)
    assert cover.loc[1, "cover_days"] == pytest.approx(45 / (45 / 90)) and cover.loc[1, "cover_code"] == "from_sales"
    assert cover.loc[2, "cover_days"] == NO_DEMAND_COVER_DAYS and cover.loc[2, "cover_code"] == "unsold_stock"
    assert cover.loc[3, "cover_days"] == 0 and cover.loc[3, "cover_code"] == "no_stock"
    assert np.isnan(cover.loc[4, "cover_days"]) and cover.loc[4, "cover_code"] == "not_stocked"


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"cost": -1, "list_price": 100}, "invalid_cost", "lines[0].cost"),
        ({"cost": float("nan"), "list_price": 100}, "invalid_cost", "lines[0].cost"),
        ({"cost": "ten", "list_price": 100}, "invalid_cost", "lines[0].cost"),
        ({"cost": 1, "list_price": 0}, "invalid_price", "lines[0].list_price"),
        ({"cost": 1, "list_price": 10, "cover_days": -3}, "invalid_cover", "lines[0].cover_days"),
        ({"cost": 1, "list_price": 10, "churn_risk": 1.5}, "invalid_churn_risk", "lines[0].churn_risk"),
        ({"cost": 1, "list_price": 10, "clv": -5}, "invalid_clv", "lines[0].clv"),
        ({"cost": 1, "list_price": 10, "clv": float("inf")}, "invalid_clv", "lines[0].clv"),
    ],
)
def test_bad_inputs_give_code_and_field(kwargs, code, field):
    with pytest.raises(ValidationError) as err:
        POLICY.advise(**kwargs)
    assert (err.value.code, err.value.field) == (code, field)


def test_bad_checks_and_policies():
    with pytest.raises(ValidationError) as err:
        POLICY.check_discount(1, 10, discount=1.5)
    assert (err.value.code, err.value.field) == ("invalid_discount", "lines[0].discount")
    with pytest.raises(ValidationError) as err:
        POLICY.check_discount(1, 10)
    assert err.value.code == "invalid_discount"
    with pytest.raises(ValidationError) as err:
        PricingPolicy(category_floors={"x": 1.2})
    assert (err.value.code, err.value.field) == ("invalid_policy", "category_floors[x]")
    with pytest.raises(ValidationError) as err:
        PricingPolicy(target_cover_days=500)
    assert err.value.code == "invalid_policy"


@settings(max_examples=200, deadline=None)
@given(
    cost=st.floats(0, 1e5),
    list_price=st.floats(0.01, 1e5),
    category=st.sampled_from([None, "premium", "other"]),
    cover=st.one_of(st.none(), st.floats(0, 2000)),
    clv=st.one_of(st.none(), st.floats(0, 1e6)),
    churn=st.one_of(st.none(), st.floats(0, 1)),
)
def test_suggested_price_never_below_floor_and_discounts_in_bounds(cost, list_price, category, cover, clv, churn):
    advice = POLICY.advise(cost, list_price, category, cover, clv, churn)
    assert advice.suggested_price >= advice.floor_price * (1 - 1e-12)
    assert 0 <= advice.suggested_discount <= advice.max_discount <= POLICY.max_discount + 1e-12
    if advice.max_discount > 0:
        assert list_price * (1 - advice.max_discount) >= advice.floor_price * (1 - 1e-9)
    assert advice.reasons
