"""Order promise core: calendar, stock, capacity, splits, statuses, reasons, bad inputs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_bridge.contract.errors import ValidationError
from crm_bridge.promise.calendar import WorkingCalendar
from crm_bridge.promise.engine import (
    Capacity,
    ProductSupply,
    PromiseEngine,
    PromiseRequest,
    check_order,
)
from crm_bridge.promise.uom import convert_qty

TODAY = dt.date(2026, 12, 1)  # a Tuesday
D = lambda n: TODAY + dt.timedelta(days=n)  # noqa: E731  day n after today
FREE = Capacity(WorkingCalendar())


def one_line(supply: ProductSupply, qty: float, asked: dt.date, capacity: Capacity = FREE, partial: bool = False):
    order = check_order([PromiseRequest(supply.product_id, qty, asked, partial)], [supply], capacity, TODAY)
    return order.lines[0]


def codes(line) -> list[str]:
    return [reason.code for reason in line.reasons]


# ---------------------------------------------------------------- calendar and uom


def test_calendar_weekends_and_holidays():
    cal = WorkingCalendar(holidays=[dt.date(2026, 12, 25)])
    assert cal.is_working(dt.date(2026, 12, 4)) and not cal.is_working(dt.date(2026, 12, 5))
    assert cal.next_working_day(dt.date(2026, 12, 5)) == dt.date(2026, 12, 7)
    assert cal.previous_working_day(dt.date(2026, 12, 6)) == dt.date(2026, 12, 4)
    assert cal.add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 28)  # skips Christmas + weekend
    assert cal.add_working_days(dt.date(2026, 12, 28), -1) == dt.date(2026, 12, 24)
    assert cal.working_mask(dt.date(2026, 12, 24), 4).tolist() == [True, False, False, False]


def test_calendar_rejects_bad_workdays():
    with pytest.raises(ValidationError) as err:
        WorkingCalendar(workdays=(7,))
    assert (err.value.code, err.value.field) == ("invalid_calendar", "workdays")


def test_uom_conversion_like_odoo():
    assert convert_qty(2, 1 / 12) == pytest.approx(24)  # 2 Dozens in Units
    assert convert_qty(1500, 1000, 1) == pytest.approx(1.5)  # grams to kg
    assert np.allclose(convert_qty([12, 24], 1, 1 / 12), [1, 2])
    with pytest.raises(ValidationError) as err:
        convert_qty(1, 0)
    assert err.value.code == "invalid_uom_factor"


# ---------------------------------------------------------------- stock


def test_in_stock_ships_just_in_time():
    line = one_line(ProductSupply(1, 100, customer_lead_days=2), 10, D(9))  # asked Thu 10th
    assert line.status == "on_time"
    assert line.ship_date == D(7)  # Tue 8th, two days before
    assert line.promised_date == D(9)
    assert codes(line) == ["in_stock"]


def test_ship_day_moves_back_over_a_weekend():
    line = one_line(ProductSupply(1, 100, customer_lead_days=1), 5, D(6))  # asked Mon 7th
    assert line.ship_date == D(3)  # Fri 4th: Sunday is not a shipping day
    assert line.promised_date == D(4) and line.status == "on_time"


def test_short_stock_waits_for_the_receipt_with_a_message():
    supply = ProductSupply(1, 12, [(D(9), 50)], customer_lead_days=2)
    line = one_line(supply, 40, D(3))
    assert line.status == "late"
    assert line.atp_qty == 12
    assert line.ship_date == D(9) and line.promised_date == D(11)
    short = line.reasons[0]
    assert short.code == "stock_short"
    assert short.message == "Only 12 of 40 Units free on 2026-12-02; next receipt of 50 on 2026-12-10"
    assert short.to_dict()["params"]["next_receipt_date"] == "2026-12-10"


def test_promised_outgoing_moves_reduce_what_can_be_promised_earlier():
    # 30 free but 25 already promised on day 20: only 5 can be promised now.
    supply = ProductSupply(1, 30, [(D(20), -25)], replenish_lead_days=41)
    line = one_line(supply, 10, D(2))
    assert line.atp_qty == 5
    assert line.ship_date == D(41) and "replenishment" in codes(line)


def test_replenishment_lead_time_fallback_and_impossible_without_it():
    late = one_line(ProductSupply(1, 0, replenish_lead_days=10), 5, D(1))
    assert late.status == "late" and late.ship_date == D(10) and "replenishment" in codes(late)
    never = one_line(ProductSupply(1, 0), 5, D(1))
    assert never.status == "impossible" and never.promised_date is None
    assert "no_replenishment" in codes(never)
    too_far = check_order([PromiseRequest(1, 5, D(1))], [ProductSupply(1, 0, replenish_lead_days=400)], FREE, TODAY, 90)
    assert too_far.status == "impossible" and "beyond_horizon" in codes(too_far.lines[0])


def test_replenishment_in_time_is_on_time_and_says_so():
    line = one_line(ProductSupply(1, 0, replenish_lead_days=3), 5, D(10))
    assert line.status == "on_time" and codes(line) == ["replenishment"]


def test_partial_split_ships_what_is_free_and_the_rest_on_receipt():
    supply = ProductSupply(1, 12, [(D(9), 50)])
    line = one_line(supply, 40, D(3), partial=True)
    assert line.status == "partial"
    assert [(part.ship_date, part.qty) for part in line.split] == [(D(3), 12), (D(9), 28)]
    assert line.promised_date == D(9)
    assert "split" in codes(line)


def test_partial_with_unreachable_rest():
    line = one_line(ProductSupply(1, 12), 40, D(3), partial=True)
    assert line.status == "partial" and line.promised_date is None
    assert [part.qty for part in line.split] == [12]
    assert line.to_dict()["promised_date"] is False  # XML-RPC has no None


def test_asked_today_with_customer_lead_is_late():
    line = one_line(ProductSupply(1, 100, customer_lead_days=2), 1, TODAY)
    assert line.status == "late" and line.ship_date == TODAY and line.promised_date == D(2)
    assert line.reasons[0].code == "lead_time"
    assert "Earliest delivery is 2026-12-03" in line.reasons[0].message


def test_asked_today_on_a_saturday_ships_monday():
    saturday = dt.date(2026, 12, 5)
    order = check_order([PromiseRequest(1, 1, saturday)], [ProductSupply(1, 5)], FREE, saturday)
    assert order.lines[0].ship_date == dt.date(2026, 12, 7) and order.status == "late"


def test_asked_dates_from_the_commitment_or_the_earliest_the_lead_time_allows():
    saturday = dt.date(2026, 12, 5)
    engine = PromiseEngine([ProductSupply(1, 5, customer_lead_days=2), ProductSupply(2, 0, kind="service",
                                                                                   customer_lead_days=4)],
                           FREE, saturday)
    asked = engine.asked_dates([1, 2, 1, 1], [None, np.datetime64("NaT"), dt.date(2026, 12, 20), dt.date(2026, 12, 1)])
    assert asked.astype(dt.date).tolist() == [dt.date(2026, 12, 9), dt.date(2026, 12, 11), dt.date(2026, 12, 20),
                                              saturday], "ships Monday the 7th; a past commitment is asked today"
    first, service, dated, past = engine.check_batch([1, 2, 1, 1], [1, 1, 1, 1], asked).lines()
    assert first.status == "on_time" and first.promised_date == dt.date(2026, 12, 9)
    assert service.status == "on_time" and service.date_asked == dt.date(2026, 12, 11)
    assert dated.date_asked == dt.date(2026, 12, 20) and past.status == "late"


def test_order_of_some_lines_of_a_batch():
    engine = PromiseEngine([ProductSupply(1, 10), ProductSupply(2, 0)], FREE, TODAY)
    batch = engine.check_batch([1, 2, 1, 1], [4, 1, 3, 2], [D(2), D(3), D(7), D(6)], order_keys=[7, 7, 8, 8])
    first, second = batch.order([0, 1]), batch.order([2, 3])
    assert first.status == "impossible" and first.promised_date is None
    assert [r.code for r in first.reasons] == ["line_impossible"] and first.reasons[0].params["line"] == 1
    assert "Line 2 (impossible)" in first.reasons[0].message and first.lines[1].line == 1
    assert second.status == "on_time" and second.promised_date == D(7)
    assert second.reasons[-1].code == "binding_line" and second.reasons[-1].params["line"] == 0
    assert batch.order().status == "impossible" and len(batch.order().lines) == 4
    with pytest.raises(ValidationError):
        batch.order([])


def test_far_future_request_ships_just_in_time():
    far = D(3 * 365)
    line = one_line(ProductSupply(1, 5, customer_lead_days=3), 5, far)
    assert line.status == "on_time" and line.promised_date <= far and line.ship_date >= D(3 * 365 - 6)


def test_services_and_consumables_skip_the_stock_check():
    supplies = [ProductSupply(1, 0, kind="service"), ProductSupply(2, 0, kind="consumable", customer_lead_days=1)]
    order = check_order([PromiseRequest(1, 3, D(2)), PromiseRequest(2, 99, D(2))], supplies, FREE, TODAY)
    service, consumable = order.lines
    assert service.status == "on_time" and service.reasons[0].message == "service: no stock check"
    assert service.split == () and service.promised_date == D(2)
    assert consumable.status == "on_time" and consumable.reasons[0].code == "consumable_no_stock_check"
    assert consumable.ship_date == D(1)


def test_lines_of_one_order_share_stock_needed_first_first():
    supply = ProductSupply(1, 10, [(D(20), 10)])
    order = check_order([PromiseRequest(1, 10, D(30)), PromiseRequest(1, 10, D(2))], [supply], FREE, TODAY)
    later, sooner = order.lines
    assert sooner.status == "on_time" and later.status == "on_time"
    assert order.promised_date == D(30) and order.reasons[-1].code == "binding_line"


# ---------------------------------------------------------------- capacity


def test_capacity_is_consumed_by_booked_shipments_and_earlier_lines():
    cap = Capacity(WorkingCalendar(), lines_per_day=2, booked={D(3): (1, 0.0)})  # Fri 4th already has one line
    supply = ProductSupply(1, 100)
    order = check_order([PromiseRequest(1, 1, D(3)) for _ in range(4)], [supply], cap, TODAY)
    ship_days = [line.ship_date for line in order.lines]
    assert ship_days == [D(3), D(2), D(2), D(1)]  # latest free day not after the target
    assert all(line.status == "on_time" for line in order.lines)
    assert "capacity_full" in codes(order.lines[1])


def test_capacity_saturation_pushes_lines_late_when_nothing_earlier_is_free():
    cap = Capacity(WorkingCalendar(), lines_per_day=1)
    order = check_order([PromiseRequest(1, 1, TODAY) for _ in range(3)], [ProductSupply(1, 100)], cap, TODAY)
    assert [line.ship_date for line in order.lines] == [TODAY, D(1), D(2)]
    assert [line.status for line in order.lines] == ["on_time", "late", "late"]
    assert order.status == "late" and order.promised_date == D(2)
    assert "Shipping capacity is full on 2026-12-01" in order.lines[1].reasons[-1].message


def test_units_capacity_and_oversized_lines():
    cap = Capacity(WorkingCalendar(), units_per_day=10)
    order = check_order([PromiseRequest(1, 6, TODAY), PromiseRequest(1, 6, TODAY), PromiseRequest(1, 11, D(5))],
                        [ProductSupply(1, 100)], cap, TODAY)
    first, second, huge = order.lines
    assert first.ship_date == TODAY and second.ship_date == D(1)
    assert huge.status == "impossible" and "units_exceed_daily" in codes(huge)


def test_independent_orders_each_see_the_booked_state():
    cap = Capacity(WorkingCalendar(), lines_per_day=1)
    engine = PromiseEngine([ProductSupply(1, 1)], cap, TODAY)
    batch = engine.check_batch([1, 1], [1, 1], [D(1), D(1)], order_keys=["SO1", "SO2"])
    assert batch.status_names().tolist() == ["on_time", "on_time"]  # neither sees the other
    shared = engine.check_batch([1, 1], [1, 1], [D(1), D(1)])
    assert shared.status_names().tolist() == ["on_time", "impossible"]  # one unit only, no replenishment


# ---------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    ("lines", "code", "field"),
    [
        ([PromiseRequest(1, 0, D(1))], "invalid_quantity", "lines[0].qty"),
        ([PromiseRequest(1, 1, D(1)), PromiseRequest(1, -2, D(1))], "invalid_quantity", "lines[1].qty"),
        ([PromiseRequest(1, float("nan"), D(1))], "invalid_quantity", "lines[0].qty"),
        ([PromiseRequest(1, "ten", D(1))], "invalid_quantity", "lines[0].qty"),
        ([PromiseRequest(1, 1, D(-1))], "date_in_past", "lines[0].date_asked"),
        ([PromiseRequest(1, 1, "not a date")], "invalid_date", "lines[0].date_asked"),
        ([PromiseRequest(1, 1, D(1)), PromiseRequest(1, 1, None)], "invalid_date", "lines[1].date_asked"),
        ([PromiseRequest(1, 1, D(1)), PromiseRequest(9, 1, D(1))], "unknown_product", "lines[1].product_id"),
        ([PromiseRequest("x", 1, D(1))], "invalid_product", "lines[0].product_id"),
        ([], "empty_order", "lines"),
    ],
)
def test_bad_lines_give_code_and_field(lines, code, field):
    with pytest.raises(ValidationError) as err:
        check_order(lines, [ProductSupply(1, 5)], FREE, TODAY)
    assert (err.value.code, err.value.field) == (code, field)
    assert err.value.to_dict()["code"] == code


@pytest.mark.parametrize(
    ("supplies", "capacity", "code", "field"),
    [
        ([ProductSupply(1, float("nan"))], FREE, "invalid_quantity", "supplies[0].free_qty"),
        ([ProductSupply(1, 5, kind="kit")], FREE, "invalid_kind", "supplies[0].kind"),
        ([ProductSupply(1, 5, replenish_lead_days=-1)], FREE, "invalid_lead_time", "supplies[0].replenish_lead_days"),
        ([ProductSupply(1, 5), ProductSupply(1, 6)], FREE, "duplicate_product", "supplies[1].product_id"),
        ([ProductSupply(1, 5, [(D(1), float("inf"))])], FREE, "invalid_quantity", "supplies[0].moves[0].qty"),
        ([ProductSupply(1, 5)], Capacity(lines_per_day=-1), "invalid_capacity", "capacity.lines_per_day"),
    ],
)
def test_bad_supplies_give_code_and_field(supplies, capacity, code, field):
    with pytest.raises(ValidationError) as err:
        PromiseEngine(supplies, capacity, TODAY)
    assert (err.value.code, err.value.field) == (code, field)


# ---------------------------------------------------------------- properties


@st.composite
def scenarios(draw):
    n_products = draw(st.integers(1, 3))
    supplies = [
        ProductSupply(
            p,
            draw(st.integers(0, 30)),
            [(D(draw(st.integers(0, 40))), draw(st.integers(-20, 30))) for _ in range(draw(st.integers(0, 3)))],
            draw(st.one_of(st.none(), st.integers(0, 60))),
            draw(st.integers(0, 4)),
        )
        for p in range(n_products)
    ]
    n = draw(st.integers(1, 12))
    lines = [
        PromiseRequest(draw(st.integers(0, n_products - 1)), draw(st.integers(1, 25)), D(draw(st.integers(0, 30))),
                       draw(st.booleans()))
        for _ in range(n)
    ]
    lines_per_day = draw(st.one_of(st.none(), st.integers(1, 4)))
    return supplies, lines, lines_per_day


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_promises_never_exceed_supply_capacity_or_the_feasible_earliest(scenario):
    supplies, lines, lines_per_day = scenario
    cal = WorkingCalendar()
    order = check_order(lines, supplies, Capacity(cal, lines_per_day=lines_per_day), TODAY, horizon_days=120)
    shipped_per_day: dict[dt.date, int] = {}
    for request, line in zip(lines, order.lines):
        supply = supplies[request.product_id]
        assert sum(part.qty for part in line.split) <= request.qty + 1e-9
        assert 0 <= line.atp_qty <= request.qty
        for part in line.split:
            assert cal.is_working(part.ship_date) and part.ship_date >= TODAY
            assert part.delivery_date == part.ship_date + dt.timedelta(days=supply.customer_lead_days)
            shipped_per_day[part.ship_date] = shipped_per_day.get(part.ship_date, 0) + 1
        earliest = cal.next_working_day(TODAY) + dt.timedelta(days=supply.customer_lead_days)
        if line.promised_date is not None:
            assert line.promised_date >= earliest
        in_time = line.promised_date is not None and line.promised_date <= request.date_asked
        assert (line.status == "on_time") == in_time
    if lines_per_day is not None:
        assert max(shipped_per_day.values(), default=0) <= lines_per_day
    # Cumulative quantity shipped of a product never exceeds free stock + receipts + replenishment so far.
    for supply in supplies:
        if supply.replenish_lead_days is not None:
            continue
        parts = sorted(
            (part.ship_date, part.qty)
            for request, line in zip(lines, order.lines)
            if request.product_id == supply.product_id
            for part in line.split
        )
        shipped = 0.0
        for day, qty in parts:
            shipped += qty
            incoming = sum(q for d, q in supply.moves if q > 0 and d <= day)
            assert shipped <= supply.free_qty + incoming + 1e-6


# ---------------------------------------------------------------- the quote API's contract


def test_quote_arguments_validated_by_the_shared_contract():
    from crm_bridge.contract.errors import FusionError
    from crm_bridge.contract.schemas import MAX_QUOTE_LINES, error_dict, validate_quote

    partner, lines, options = validate_quote(7, [
        {"product_id": 3, "qty": 2, "date_asked": "2026-12-04", "discount": 5},
        {"product_id": 3, "qty": 0},
        {"product_id": 3, "qty": "two"},
        {"product_id": 3, "qty": 1, "discount": 120},
        {"product_id": 3, "qty": 1, "date_asked": "next week"},
        {"qty": 1},
        {"product_id": 3, "qty": 1, "colour": "red"},
        "not a line",
    ], {"warehouse_id": 2, "allow_partial": True})
    assert partner == 7 and options == {"warehouse_id": 2, "allow_partial": True}
    assert lines[0] == {"product_id": 3, "qty": 2.0, "date_asked": "2026-12-04", "discount": 5.0}
    assert [(e.code, e.field) for e in lines[1:]] == [
        ("invalid_value", "lines[1].qty"), ("invalid_type", "lines[2].qty"), ("invalid_value", "lines[3].discount"),
        ("invalid_value", "lines[4].date_asked"), ("missing_field", "lines[5].product_id"),
        ("unknown_field", "lines[6].colour"), ("invalid_type", "lines[7]")]
    assert set(error_dict(lines[1])) == {"code", "field", "message", "details"}
    for args, code, field in (
        (("7", [{"product_id": 1, "qty": 1}]), "invalid_type", "partner_id"),
        ((7, []), "invalid_batch", "lines"),
        ((7, [{"product_id": 1, "qty": 1}] * (MAX_QUOTE_LINES + 1)), "batch_too_large", "lines"),
        ((7, [{"product_id": 1, "qty": 1}], {"warehouse": 1}), "unknown_field", "options.warehouse"),
        ((7, [{"product_id": 1, "qty": 1}], "fast"), "invalid_type", "options"),
    ):
        with pytest.raises(FusionError) as err:
            validate_quote(*args)
        assert (err.value.code, err.value.field) == (code, field)
