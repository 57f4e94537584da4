"""Warehouse choice: the warehouse that delivers an order soonest, then cheapest, through the promise core."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_bridge.contract.errors import ValidationError
from crm_bridge.contract.reasons import render
from crm_bridge.promise.calendar import WorkingCalendar
from crm_bridge.promise.engine import Capacity, ProductSupply, PromiseEngine
from crm_bridge.promise.warehouse import choose_warehouses

TODAY = dt.date(2026, 12, 1)  # a Tuesday
D = lambda n: TODAY + dt.timedelta(days=n)  # noqa: E731  day n after today
A, B = 1, 2  # products


def engine(stock: dict[int, float], capacity: Capacity | None = None, lead: int | None = 10) -> PromiseEngine:
    supplies = [ProductSupply(pid, stock.get(pid, 0.0), replenish_lead_days=lead) for pid in (A, B)]
    return PromiseEngine(supplies, capacity or Capacity(WorkingCalendar()), TODAY)


def test_stock_in_one_warehouse_wins_over_replenishing_in_the_other():
    engines = {10: engine({A: 0}), 20: engine({A: 5})}
    choice = choose_warehouses(engines, [A], [5.0], ["SO1"], current={"SO1": 10})["SO1"]
    assert choice.proposed_id == 20
    assert choice.best.promised_date == D(0) and choice.option(10).promised_date == D(10)
    assert choice.reason.code == "warehouse_sooner"
    assert render(choice.reason) == "Delivers on 01 Dec 2026 instead of 11 Dec 2026"


def test_full_capacity_moves_the_order_to_the_warehouse_with_room():
    """Both have the stock; the first's shipping days are booked for the next week."""
    booked = {D(i): (3, 3.0) for i in range(8)}
    full = Capacity(WorkingCalendar(), lines_per_day=3, booked=booked)
    engines = {10: engine({A: 9}, full), 20: engine({A: 9})}
    choice = choose_warehouses(engines, [A], [2.0], ["SO1"], current={"SO1": 10})["SO1"]
    assert choice.proposed_id == 20
    assert choice.option(10).promised_date > choice.option(20).promised_date


def test_whole_order_from_one_warehouse_beats_two_shipments_on_the_same_day():
    """Both deliver the last line on day 10; the second ships line A at once and line B later: two shipments."""
    late_b = {10: engine({A: 0, B: 0}), 20: engine({A: 5, B: 0})}
    choice = choose_warehouses(late_b, [A, B], [5.0, 5.0], ["SO1", "SO1"], current={"SO1": 20},
                               commitment=[None, None], split_cost=12.0)["SO1"]
    assert choice.option(10).promised_date == choice.option(20).promised_date
    assert (choice.option(10).shipments, choice.option(20).shipments) == (1, 2)
    assert (choice.option(10).cost, choice.option(20).cost) == (0.0, 12.0)
    assert choice.proposed_id == 10 and choice.reason.code == "warehouse_cheaper"
    # Without a cost per shipment, fewer shipments still decide the tie.
    choice = choose_warehouses(late_b, [A, B], [5.0, 5.0], ["SO1", "SO1"], current={"SO1": 20})["SO1"]
    assert choice.proposed_id == 10 and choice.reason.code == "warehouse_fewer_shipments"
    assert render(choice.reason) == "Same delivery date in fewer shipments: 1 instead of 2"


def test_partial_delivery_counts_the_split_as_a_shipment():
    engines = {10: engine({A: 3}), 20: engine({A: 8})}
    choice = choose_warehouses(engines, [A], [8.0], ["SO1"], allow_partial=True, current={"SO1": 10})["SO1"]
    assert choice.option(10).shipments == 2 and choice.option(20).shipments == 1
    assert choice.proposed_id == 20


def test_a_tie_never_moves_the_order_and_shipping_cost_breaks_it():
    engines = {10: engine({A: 5}), 20: engine({A: 5})}
    choice = choose_warehouses(engines, [A], [1.0], ["SO1"], current={"SO1": 20})["SO1"]
    assert choice.proposed_id is None and choice.best.warehouse_id == 20
    assert choice.reason.code == "warehouse_current_best"
    choice = choose_warehouses(engines, [A], [1.0], ["SO1"], current={"SO1": 20},
                               shipping_cost={10: 4.0, 20: 9.5})["SO1"]
    assert choice.proposed_id == 10 and choice.reason.code == "warehouse_cheaper"


def test_orders_are_independent_and_a_committed_day_is_respected():
    """Two orders both want the 5 units of warehouse 20: each is judged on its own (what-ifs)."""
    engines = {10: engine({A: 0}), 20: engine({A: 5})}
    choices = choose_warehouses(engines, [A, A], [5.0, 5.0], ["SO1", "SO2"], commitment=[D(20), None],
                                current={"SO1": 10, "SO2": 10})
    assert choices["SO1"].proposed_id is None  # both on time for day 20: the current warehouse stays
    assert choices["SO2"].proposed_id == 20


def test_no_warehouse_delivers_and_no_current_warehouse():
    engines = {10: engine({A: 1}, lead=None), 20: engine({A: 2}, lead=None)}
    choice = choose_warehouses(engines, [A], [5.0], ["SO1"])["SO1"]
    assert choice.proposed_id is None and choice.reason.code == "warehouse_none_delivers"
    assert all(option.promised_date is None for option in choice.options)
    choice = choose_warehouses({10: engine({A: 0}), 20: engine({A: 5})}, [A], [5.0], ["SO1"])["SO1"]
    assert choice.proposed_id == 20 and choice.reason.code == "warehouse_can_deliver"


def test_allocation_per_warehouse_is_honoured():
    """Warehouse 20 keeps its 5 units for segments served first: warehouse 10 is sooner."""
    engines = {10: engine({A: 5}), 20: engine({A: 5})}
    choice = choose_warehouses(engines, [A], [5.0], ["SO1"], current={"SO1": 20},
                               allocated_qty={10: [0.0], 20: [5.0]})["SO1"]
    assert choice.proposed_id == 10


@pytest.mark.parametrize("kwargs, code", [
    ({"split_cost": -1.0}, "invalid_cost"),
    ({"shipping_cost": {10: float("nan")}}, "invalid_cost"),
])
def test_bad_costs_are_refused(kwargs, code):
    with pytest.raises(ValidationError) as err:
        choose_warehouses({10: engine({A: 1})}, [A], [1.0], ["SO1"], **kwargs)
    assert err.value.code == code


def test_bad_lines_and_no_engines_are_refused():
    with pytest.raises(ValidationError) as err:
        choose_warehouses({}, [A], [1.0], ["SO1"])
    assert err.value.code == "no_warehouse"
    with pytest.raises(ValidationError) as err:
        choose_warehouses({10: engine({A: 1})}, [A], [-1.0], ["SO1"])
    assert err.value.code == "invalid_quantity"
    with pytest.raises(ValidationError) as err:
        choose_warehouses({10: engine({A: 1})}, [A, A], [1.0, 1.0], ["SO1"])
    assert err.value.code == "length_mismatch"
