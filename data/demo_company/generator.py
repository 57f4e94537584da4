"""Seeded, vectorised generator of the demo distributor.

The company sells hardware, garden, heating, safety and cleaning supplies
from two warehouses to businesses (B2B: fewer, larger, regular orders on
net-30/60 terms) and consumers (B2C: small, irregular, paid at once) in
Spain, Latin America, the UK, Ireland and the US.

Hidden truths the software should find (kept in ``truth`` and
``product_truth``):

* about a quarter of the customers churn, some after the reference date;
  before ``churn_date`` most of them order less often, pay later, complain
  more and more angrily, and mention competitors to their sales rep
  (:mod:`demo_company.behaviour`); after it they stop buying;
* some garden products peak in spring for consumers, some heating products
  in winter for businesses;
* some products are scarce (a few days of cover), some overstocked;
* what the disconnection between sales and operations cost (``lost_sales_truth``
  and ``ticket_truth``, drawn by :func:`_disconnection_costs` from a random
  stream of their own so that every other table is the same with or without
  them): half of the cancelled orders were lost because the company could not
  keep the date asked for or had no stock, and the promise check recorded it
  (``promise_checks``); conflict tickets (delivery dates, billing, discounts)
  took support hours, logged on most tickets (``ticket_effort``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from crm_bridge.contract.errors import ValidationError
from crm_bridge.tables.schema import conform
from demo_company.behaviour import churn_pressure, warning_strength
from demo_company.catalog import make_products
from demo_company.company import DemoCompany
from demo_company.people import COUNTRIES, company_names, emails, person_names, phones
from demo_company.tickets import generate_tickets

__all__ = ["SIZES", "Size", "generate"]

DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Size:
    """How big a generated company is."""

    customers: int
    products: int
    months: int
    tickets: int
    leads: int


SIZES: dict[str, Size] = {
    "default": Size(customers=2000, products=300, months=24, tickets=5000, leads=1200),
    "small": Size(customers=200, products=60, months=12, tickets=500, leads=150),
    "tiny": Size(customers=30, products=15, months=6, tickets=60, leads=25),
}

_SALES_REPS = ("Laura Gómez", "Javier Ortega", "Sarah Collins", "Diego Rojas", "Tom Walsh")
_INSIDE_SALES = ("Webshop team", "Marta Ruiz")
_CHANNELS = {
    "B2B": (("sales_rep", "web", "external_crm", "messaging", "mobile"), (0.45, 0.25, 0.15, 0.10, 0.05)),
    "B2C": (("web", "mobile", "social", "messaging", "external_crm"), (0.50, 0.25, 0.12, 0.08, 0.05)),
}
_PRICE_INFLATION = 0.03  # yearly list price and cost increase


def generate(seed: int = 7, size: str = "default", reference_date: date = date(2026, 10, 31)) -> DemoCompany:
    """Generate the demo company.

    Parameters
    ----------
    seed : int
        Seed of every random draw: the same seed, size and date give
        identical tables.
    size : str
        ``"default"`` (~2,000 customers, 300 products, 24 months),
        ``"small"`` (~200 customers, 60 products, 12 months) or ``"tiny"``
        (~30 customers, 15 products, 6 months).
    reference_date : datetime.date
        "Today" of the company: orders end there; stock is as of that day.

    Returns
    -------
    DemoCompany

    Raises
    ------
    ValidationError
        If ``size`` is unknown or ``seed`` is not a non-negative integer.
    """
    if size not in SIZES:
        raise ValidationError(f"Unknown size {size!r}; choose one of {sorted(SIZES)}.",
                              code="unknown_size", field="size", details={"value": size})
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValidationError("The seed must be a non-negative integer.", code="invalid_seed",
                              field="seed", details={"value": repr(seed)})
    spec = SIZES[size]
    rng = np.random.default_rng([int(seed), 2026])
    end = pd.Timestamp(reference_date)
    start = end - pd.DateOffset(months=spec.months) + pd.Timedelta(days=1)

    products = make_products(rng, spec.products)
    product_truth = _product_truth(rng, products)
    customers = _customers(rng, spec.customers, start, end)
    truth = _truth(rng, customers, start, end)
    warehouses = pd.DataFrame({"warehouse_id": [1, 2], "code": ["WH1", "WH2"],
                               "name": ["Central warehouse (Madrid)", "South warehouse (Sevilla)"]})
    orders = _orders(rng, customers, truth, start, end)
    order_lines = _order_lines(rng, orders, customers, products, product_truth, truth, end)
    orders = _order_states(rng, orders, order_lines, products, customers, end)
    order_lines = _returns(rng, order_lines, orders)
    warehouses["ship_lines_per_day"] = _shipping_capacity(orders, order_lines, end)
    stock, incoming = _stock(rng, products, product_truth, orders, order_lines, end)
    invoices = _invoices(rng, orders, order_lines, customers, truth, end)
    leads = _leads(rng, spec.leads, customers, products, start, end)
    interactions = _interactions(rng, customers, truth, orders, start, end)
    tickets = generate_tickets(rng, customers, orders, order_lines, spec.tickets,
                               products=products, truth=truth, start=start.date(), end=end.date())
    promise_checks, lost_sales_truth = _promise_costs(np.random.default_rng([int(seed), 2026, 18]), orders,
                                                      order_lines, product_truth)
    ticket_effort, ticket_truth = _ticket_costs(np.random.default_rng([int(seed), 2026, 18, 1]), tickets)
    tables = {
        "customers": customers, "products": products, "warehouses": warehouses, "stock": stock,
        "incoming": incoming, "orders": orders, "order_lines": order_lines, "invoices": invoices,
        "leads": leads, "interactions": interactions, "tickets": tickets, "truth": truth,
        "product_truth": product_truth, "promise_checks": promise_checks, "ticket_effort": ticket_effort,
        "lost_sales_truth": lost_sales_truth, "ticket_truth": ticket_truth,
    }
    return DemoCompany(**{name: conform(name, frame) for name, frame in tables.items()},
                       reference_date=end.date(), seed=int(seed), size=size)


# --- customers and their hidden truth ----------------------------------------

def _customers(rng: np.random.Generator, n: int, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    codes = np.array(list(COUNTRIES))
    shares = np.array([spec[1] for spec in COUNTRIES.values()])
    countries = rng.choice(codes, n, p=shares / shares.sum())
    langs = np.array([COUNTRIES[c][0] for c in countries])
    is_b2b = rng.random(n) < 0.3
    first, last = person_names(rng, langs)
    firms = np.where(is_b2b, company_names(rng, langs), None)
    names = np.where(is_b2b, firms, first + " " + last)
    regions = np.where(countries == "ES", rng.choice(np.array(["north", "south", "east", "west"]), n),
                       "export")
    # Two thirds were already customers when the window opened; the rest were acquired in it.
    window_days = (end - start).days
    tenure_days = np.where(rng.random(n) < 0.65, -rng.integers(1, 6 * 365, n),
                           rng.integers(0, max(window_days - 30, 1), n))
    created_at = start + pd.to_timedelta(tenure_days, unit="D")
    credit = np.where(is_b2b, np.round(rng.lognormal(np.log(20000), 0.7, n), -3),
                      np.where(rng.random(n) < 0.5, 0.0, np.round(rng.uniform(500, 2000, n), -2)))
    return pd.DataFrame({
        "customer_id": np.arange(1, n + 1),
        "name": names,
        "email": emails(rng, first, last, firms, countries),
        "phone": phones(rng, countries),
        "segment": np.where(is_b2b, "B2B", "B2C"),
        "region": regions,
        "country_code": countries,
        "lang": langs,
        "created_at": created_at,
        "salesperson": np.where(is_b2b, rng.choice(np.array(_SALES_REPS), n),
                                rng.choice(np.array(_INSIDE_SALES), n)),
        "consent_email": rng.random(n) < np.where(is_b2b, 0.8, 0.6),
        "consent_sms": rng.random(n) < 0.3,
        "credit_limit": credit,
    })


def _truth(rng: np.random.Generator, customers: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Latent churn risk, churn dates and how each customer would answer a retention offer."""
    n = len(customers)
    is_b2c = (customers["segment"] == "B2C").to_numpy()
    propensity = np.clip(rng.beta(1.6, 4.0, n) + 0.05 * is_b2c, 0.0, 1.0)
    churns = rng.random(n) < 0.85 * propensity
    # Churn from three months into the window (or tenure) up to six months after the reference date.
    earliest = np.maximum(customers["created_at"].to_numpy(dtype="datetime64[ns]") + 120 * DAY,
                          (start + pd.Timedelta(days=90)).to_datetime64())
    latest = (end + pd.Timedelta(days=180)).to_datetime64()
    span_days = np.maximum((latest - earliest) / DAY, 1.0)
    churn_date = earliest + (rng.random(n) * span_days).astype(int) * DAY
    churn_date = np.where(churns, churn_date, np.datetime64("NaT"))
    # Offer response types: persuadables (a retention offer cuts their churn
    # chance), sleeping dogs (contact reminds them to leave) and the rest.
    high_risk = propensity > 0.35
    kind = rng.random(n)
    p_persuadable = np.where(high_risk, 0.7, 0.15)
    p_sleeping_dog = np.where(high_risk, 0.06, 0.20)
    uplift = np.select(
        [kind < p_persuadable, kind < p_persuadable + p_sleeping_dog],
        [rng.uniform(0.5, 0.95, n), -rng.uniform(0.1, 0.35, n)],
        rng.normal(0.0, 0.03, n),
    )
    return pd.DataFrame({
        "customer_id": customers["customer_id"].to_numpy(),
        "churn_date": pd.to_datetime(churn_date),
        "churn_propensity": np.round(propensity, 4),
        "offer_uplift": np.round(uplift, 4),
        "offer_cost_sensitivity": np.round(rng.lognormal(0.0, 0.4, n), 4),
    })


def _product_truth(rng: np.random.Generator, products: pd.DataFrame) -> pd.DataFrame:
    """Seasonality (garden in spring for B2C, heating in winter for B2B) and stock status."""
    n = len(products)
    category = products["category"].to_numpy()
    is_service = (products["type"] == "service").to_numpy()
    garden = (category == "Garden") & (rng.random(n) < 0.6)
    heating = (category == "Heating") & (rng.random(n) < 0.6)
    segment = np.select([garden, heating], ["B2C", "B2B"], None)
    peak = np.select([garden, heating], [rng.choice([4, 5], n), rng.choice([12, 1, 2], n)], 0)
    status = rng.choice(np.array(["scarce", "normal", "overstocked"]), n, p=[0.12, 0.76, 0.12])
    return pd.DataFrame({
        "product_id": products["product_id"].to_numpy(),
        "seasonal_segment": segment,
        "peak_month": peak,
        "stock_status": np.where(is_service, "normal", status),
    })


# --- orders ------------------------------------------------------------

def _orders(rng: np.random.Generator, customers: pd.DataFrame, truth: pd.DataFrame,
            start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Order dates per customer: a renewal process that slows down before churn.

    Gaps are gamma-distributed (regular for B2B, irregular for B2C); in the
    months before churn each gap is stretched by up to 4x, depending on
    how loudly the customer warns.
    """
    n = len(customers)
    is_b2b = (customers["segment"] == "B2B").to_numpy()
    monthly_rate = np.where(is_b2b, rng.lognormal(np.log(1.1), 0.5, n), rng.lognormal(np.log(0.2), 0.6, n))
    mean_gap = 30.4 / monthly_rate
    shape = np.where(is_b2b, 4.0, 1.3)
    strength = warning_strength(truth["churn_propensity"].to_numpy())
    origin = start.to_datetime64()
    churn_days = (truth["churn_date"].to_numpy(dtype="datetime64[ns]") - origin) / DAY  # NaN: never
    stop_days = np.fmin(np.nan_to_num(churn_days, nan=np.inf), (end - start).days)
    created_days = (customers["created_at"].to_numpy(dtype="datetime64[ns]") - origin) / DAY
    # First order: soon after creation, or at a random phase of the cycle for older customers.
    t = np.where(created_days > 0, created_days + rng.uniform(0, 20, n), rng.uniform(0, 1, n) * mean_gap)
    times, owners = [], []
    active = t <= stop_days
    while active.any():
        times.append(t[active])
        owners.append(np.flatnonzero(active))
        stretch = 1.0 + 3.0 * strength * churn_pressure(churn_days - t)
        t = t + rng.gamma(shape, mean_gap / shape) * stretch
        active &= t <= stop_days
    day = np.floor(np.concatenate(times)).astype(int)
    owner = np.concatenate(owners)
    ordering = np.lexsort((owner, day))
    day, owner = day[ordering], owner[ordering]
    region = customers["region"].to_numpy()[owner]
    home = np.where(np.isin(region, ["south", "west"]), 2, 1)
    warehouse = np.where(rng.random(len(owner)) < 0.1, 3 - home, home)
    channel = np.empty(len(owner), dtype=object)
    for segment, (names, weights) in _CHANNELS.items():
        mask = customers["segment"].to_numpy()[owner] == segment
        channel[mask] = rng.choice(np.array(names), mask.sum(), p=weights)
    return pd.DataFrame({
        "order_id": np.arange(1, len(owner) + 1),
        "customer_id": customers["customer_id"].to_numpy()[owner],
        "warehouse_id": warehouse,
        "date_order": start + pd.to_timedelta(day, unit="D"),
        "channel": channel,
    })


_SEASON_AMPLITUDE = 1.3  # log of the peak-to-average demand ratio of a seasonal product


def _is_seasonal(product_truth: pd.DataFrame, segment: np.ndarray, product_index: np.ndarray) -> np.ndarray:
    """Whether each product's demand is seasonal in the given segment."""
    peak = product_truth["peak_month"].to_numpy()[product_index]
    return (peak > 0) & (product_truth["seasonal_segment"].to_numpy()[product_index] == segment)


def _season_factor(product_truth: pd.DataFrame, segment: np.ndarray, month: np.ndarray,
                   product_index: np.ndarray) -> np.ndarray:
    """Demand multiplier of each line's product in its segment and month (1 when not seasonal)."""
    peak = product_truth["peak_month"].to_numpy()[product_index]
    wave = np.exp(_SEASON_AMPLITUDE * np.cos(2 * np.pi * (month - peak) / 12))
    return np.where(_is_seasonal(product_truth, segment, product_index), wave, 1.0)


def _order_lines(rng: np.random.Generator, orders: pd.DataFrame, customers: pd.DataFrame,
                 products: pd.DataFrame, product_truth: pd.DataFrame, truth: pd.DataFrame,
                 end: pd.Timestamp) -> pd.DataFrame:
    """Lines: regular buys from each customer's favourites, plus seasonal and one-off picks."""
    n_products = len(products)
    customer_index = orders["customer_id"].to_numpy() - 1
    segment = customers["segment"].to_numpy()[customer_index]
    is_b2b = segment == "B2B"
    month = orders["date_order"].dt.month.to_numpy()
    # Orders shrink before churn too.
    churn = truth["churn_date"].to_numpy(dtype="datetime64[ns]")[customer_index]
    days_to_churn = (churn - orders["date_order"].to_numpy(dtype="datetime64[ns]")) / DAY
    shrink = 1.0 - 0.5 * warning_strength(truth["churn_propensity"].to_numpy())[customer_index] \
        * churn_pressure(days_to_churn)
    n_lines = 1 + rng.poisson(np.where(is_b2b, 3.0, 0.7) * shrink)
    order_of_line = np.repeat(np.arange(len(orders)), n_lines)
    line_segment, line_month = segment[order_of_line], month[order_of_line]
    # Popularity of products (services and a long tail are rarely bought).
    popularity = rng.lognormal(0.0, 1.0, n_products) * np.where(products["type"] == "service", 0.15, 1.0)
    favourites = np.stack([rng.choice(n_products, 8, p=popularity / popularity.sum())
                           for _ in range(len(customers))])
    from_favourites = rng.random(len(order_of_line)) < np.where(line_segment == "B2B", 0.65, 0.35)
    product_index = favourites[customer_index[order_of_line], rng.integers(0, 8, len(order_of_line))]
    # Off season, a seasonal favourite is often skipped for something else.
    factor = _season_factor(product_truth, line_segment, line_month, product_index)
    keep = np.where(_is_seasonal(product_truth, line_segment, product_index), factor / np.exp(_SEASON_AMPLITUDE), 1.0)
    from_favourites &= rng.random(len(order_of_line)) < keep
    # Free picks follow popularity times seasonality of the line's segment and month.
    for seg in ("B2B", "B2C"):
        for m in range(1, 13):
            mask = ~from_favourites & (line_segment == seg) & (line_month == m)
            if mask.any():
                weights = popularity * _season_factor(product_truth, np.full(n_products, seg),
                                                      np.full(n_products, m), np.arange(n_products))
                product_index[mask] = rng.choice(n_products, mask.sum(), p=weights / weights.sum())
    season = _season_factor(product_truth, line_segment, line_month, product_index)
    uom = products["uom"].to_numpy()[product_index]
    base_qty = np.where(line_segment == "B2B", rng.lognormal(np.log(10), 0.7, len(product_index)),
                        rng.lognormal(np.log(1.3), 0.5, len(product_index)))
    base_qty = base_qty * season / np.where(uom == "Dozens", 6.0, 1.0)
    base_qty = np.where(products["type"].to_numpy()[product_index] == "service", 1.0, base_qty)
    qty = np.where(uom == "kg", np.maximum(0.5, np.round(base_qty * 2) / 2), np.maximum(1.0, np.round(base_qty)))
    # Prices and costs rise ~3% a year: older lines were cheaper.
    years_back = ((end - orders["date_order"]).dt.days.to_numpy()[order_of_line]) / 365.0
    index = 1.0 - _PRICE_INFLATION * years_back
    discount = _discounts(rng, customers, customer_index[order_of_line], line_segment)
    return pd.DataFrame({
        "line_id": np.arange(1, len(order_of_line) + 1),
        "order_id": orders["order_id"].to_numpy()[order_of_line],
        "product_id": products["product_id"].to_numpy()[product_index],
        "qty": qty,
        "price_unit": np.round(products["list_price"].to_numpy()[product_index] * index, 2),
        "discount": discount,
        "cost": np.round(products["cost"].to_numpy()[product_index] * index
                         * rng.normal(1.0, 0.02, len(product_index)), 2),
        "qty_returned": 0.0,
    })


def _discounts(rng: np.random.Generator, customers: pd.DataFrame, customer_index: np.ndarray,
               segment: np.ndarray) -> np.ndarray:
    """Discount percent per line; ~15% of customers (more of them B2B) only buy on discount."""
    n_customers = len(customers)
    dependent = rng.random(n_customers) < np.where(customers["segment"] == "B2B", 0.2, 0.08)
    n = len(customer_index)
    usual = np.where(segment == "B2B",
                     np.where(rng.random(n) < 0.4, rng.choice([2.0, 3.0, 5.0, 7.5, 10.0], n), 0.0),
                     np.where(rng.random(n) < 0.15, rng.choice([5.0, 10.0], n), 0.0))
    heavy = np.where(rng.random(n) < 0.85, np.round(rng.uniform(10, 25, n) * 2) / 2, usual)
    return np.where(dependent[customer_index], heavy, usual)


def _order_states(rng: np.random.Generator, orders: pd.DataFrame, order_lines: pd.DataFrame,
                  products: pd.DataFrame, customers: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Commitment and delivery dates and the state each order is in on the reference date."""
    n = len(orders)
    lead = (order_lines[["order_id", "product_id"]]
            .merge(products[["product_id", "customer_lead_days"]], on="product_id")
            .groupby("order_id")["customer_lead_days"].max()
            .reindex(orders["order_id"], fill_value=2).to_numpy())
    # A fifth of B2B orders are scheduled: delivery wanted weeks ahead.
    is_b2b = orders["customer_id"].map(customers.set_index("customer_id")["segment"]).eq("B2B").to_numpy()
    scheduled = np.where(is_b2b & (rng.random(n) < 0.2), rng.integers(7, 35, n), 0)
    commitment = orders["date_order"] + pd.to_timedelta(lead + scheduled + rng.integers(1, 5, n), unit="D")
    # Mostly on time; some a day early; ~15% late, by a few days to two weeks.
    u = rng.random(n)
    delay = np.select([u < 0.08, u < 0.85], [-1, 0], rng.integers(1, 15, n))
    delivery = np.maximum(commitment + pd.to_timedelta(delay, unit="D"), orders["date_order"])
    age_days = (end - orders["date_order"]).dt.days.to_numpy()
    open_quote = (age_days <= 30) & (rng.random(n) < 0.25)
    cancelled = ~open_quote & (rng.random(n) < 0.03)
    delivered = ~open_quote & ~cancelled & (delivery <= end).to_numpy()
    state = np.select([open_quote, cancelled, delivered], ["quotation", "cancelled", "delivered"], "confirmed")
    return orders.assign(
        state=state,
        commitment_date=commitment,
        delivery_date=delivery.where(delivered),
    )


def _returns(rng: np.random.Generator, order_lines: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Some delivered lines come back, in full or in part; some products more than others."""
    delivered = order_lines["order_id"].map(orders.set_index("order_id")["state"]).eq("delivered").to_numpy()
    proneness = rng.lognormal(0.0, 0.8, order_lines["product_id"].max() + 1)
    chance = 0.03 * proneness[order_lines["product_id"].to_numpy()]
    returned = delivered & (rng.random(len(order_lines)) < chance)
    qty = order_lines["qty"].to_numpy()
    share = np.where(rng.random(len(qty)) < 0.6, 1.0, rng.uniform(0.1, 0.9, len(qty)))
    part = np.maximum(np.minimum(qty, 0.5), np.round(qty * share))
    return order_lines.assign(qty_returned=np.where(returned, np.minimum(part, qty), 0.0))


def _shipping_capacity(orders: pd.DataFrame, order_lines: pd.DataFrame, end: pd.Timestamp) -> np.ndarray:
    """Lines per working day each warehouse can ship: ~25% above its recent average load."""
    recent = orders[orders["date_order"] > end - pd.Timedelta(days=91)]
    lines = order_lines.merge(recent[["order_id", "warehouse_id"]], on="order_id")
    per_day = lines.groupby("warehouse_id").size().reindex([1, 2], fill_value=0).to_numpy() / 65.0
    return np.maximum(5, np.ceil(per_day * 1.25 / 5) * 5).astype(int)


# --- stock ------------------------------------------------------------

def _stock(rng: np.random.Generator, products: pd.DataFrame, product_truth: pd.DataFrame,
           orders: pd.DataFrame, order_lines: pd.DataFrame,
           end: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """On-hand stock drawn from recent demand and the product's stock status; incoming receipts."""
    recent = orders.loc[orders["date_order"] > end - pd.Timedelta(days=90), ["order_id", "warehouse_id"]]
    demand = (order_lines.merge(recent, on="order_id").groupby(["product_id", "warehouse_id"])["qty"].sum()
              / 90.0)
    stocked = products.loc[products["type"] != "service", ["product_id"]]
    grid = stocked.merge(pd.DataFrame({"warehouse_id": [1, 2]}), how="cross")
    daily = demand.reindex(pd.MultiIndex.from_frame(grid), fill_value=0.0).to_numpy()
    daily = np.maximum(daily, 0.05)  # slow movers still keep a few units
    status = grid["product_id"].map(product_truth.set_index("product_id")["stock_status"]).to_numpy()
    cover_days = np.select(
        [status == "scarce", status == "overstocked"],
        [rng.uniform(0, 4, len(grid)), rng.uniform(190, 400, len(grid))],
        rng.uniform(15, 90, len(grid)),
    )
    stock = grid.assign(qty_on_hand=np.floor(daily * cover_days))
    # Receipts: every scarce product and a third of the normal ones have one or two on the way.
    lead = grid["product_id"].map(products.set_index("product_id")["vendor_lead_days"]).to_numpy()
    expecting = (status == "scarce") | ((status == "normal") & (rng.random(len(grid)) < 0.33))
    receipts = np.where(expecting, 1 + (rng.random(len(grid)) < 0.3), 0)
    row = np.repeat(np.arange(len(grid)), receipts)
    days_ahead = np.maximum(1, np.ceil(rng.uniform(0.1, 1.0, len(row)) * np.minimum(lead[row], 42)))
    incoming = pd.DataFrame({
        "product_id": grid["product_id"].to_numpy()[row],
        "warehouse_id": grid["warehouse_id"].to_numpy()[row],
        "date_expected": end + pd.to_timedelta(days_ahead, unit="D"),
        "qty": np.maximum(1.0, np.ceil(daily[row] * rng.uniform(30, 90, len(row)))),
    }).sort_values(["date_expected", "product_id", "warehouse_id"], kind="stable")
    incoming.insert(0, "move_id", np.arange(1, len(incoming) + 1))
    return stock, incoming


# --- the cost of disconnection (its own random streams) ------------------------

_CAUSED_CANCELLATION_SHARE = 0.5  # cancelled orders lost because of a promise the company could not keep
_LATE_CHECK_RATE = 0.10  # orders whose asked date the check found unfeasible, whatever happened next
_IMPOSSIBLE_CHECK_RATE = {True: 0.25, False: 0.005}  # no stock and none coming: by "has a scarce product"
# Mean support hours per ticket category; delivery and billing tickets are the sales/operations conflicts.
_TICKET_HOURS = {"delivery": 1.5, "billing": 2.0, "product_defect": 1.2, "returns": 1.0, "account_access": 0.4,
                 "other": 0.6}
_CONFLICT_CATEGORIES = ("delivery", "billing")
_HOURS_LOGGED_SHARE = 0.7


def _promise_costs(rng: np.random.Generator, orders: pd.DataFrame, order_lines: pd.DataFrame,
                   product_truth: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The promise check's verdict on every order, and which cancellations it caused.

    A caused cancellation was checked ``late`` or, when the order holds a
    scarce product, mostly ``impossible`` (a stock-out). Every other order
    gets a verdict independent of whether it was cancelled, so a cancellation
    after a bad verdict is not always caused by it.
    """
    n = len(orders)
    scarce_ids = product_truth.loc[product_truth["stock_status"] == "scarce", "product_id"]
    scarce = orders["order_id"].isin(order_lines.loc[order_lines["product_id"].isin(scarce_ids), "order_id"])
    scarce = scarce.to_numpy()
    caused = (orders["state"] == "cancelled").to_numpy() & (rng.random(n) < _CAUSED_CANCELLATION_SHARE)
    stock_out = caused & scarce & (rng.random(n) < 0.7)
    u = rng.random(n)
    p_impossible = np.where(scarce, _IMPOSSIBLE_CHECK_RATE[True], _IMPOSSIBLE_CHECK_RATE[False])
    status = np.select([stock_out, caused, u < p_impossible, u < p_impossible + _LATE_CHECK_RATE],
                       ["impossible", "late", "impossible", "late"], "feasible")
    checks = pd.DataFrame({"order_id": orders["order_id"].to_numpy(), "promise_status": status})
    net = order_lines["qty"] * order_lines["price_unit"] * (1 - order_lines["discount"] / 100)
    amount = net.groupby(order_lines["order_id"]).sum().reindex(orders["order_id"], fill_value=0.0).to_numpy()
    lost = pd.DataFrame({"order_id": orders["order_id"].to_numpy()[caused],
                         "cause": np.where(stock_out, "stock_out", "late_promise")[caused],
                         "revenue_lost": np.round(amount[caused], 2)})
    return checks, lost


def _ticket_costs(rng: np.random.Generator, tickets: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hours each ticket took (lognormal around its category's mean) and the hours logged on most of them.

    Logged hours are the real ones with a tenth's noise, in quarter hours;
    about 30 % of the tickets have none logged, at random.
    """
    n = len(tickets)
    category = tickets["category"].astype(str).to_numpy()
    mean = pd.Series(category).map(_TICKET_HOURS).fillna(1.0).to_numpy()
    sigma = 0.6
    hours = np.round(rng.lognormal(np.log(mean) - sigma ** 2 / 2, sigma), 2)
    logged = np.maximum(0.25, np.round(hours * rng.lognormal(0.0, 0.1, n) * 4) / 4)
    logged = np.where(rng.random(n) < _HOURS_LOGGED_SHARE, logged, np.nan)
    ticket_ids = tickets["ticket_id"].to_numpy()
    return (pd.DataFrame({"ticket_id": ticket_ids, "hours_logged": logged}),
            pd.DataFrame({"ticket_id": ticket_ids, "conflict": np.isin(category, _CONFLICT_CATEGORIES),
                          "handling_hours": hours}))


# --- money ------------------------------------------------------------

def _invoices(rng: np.random.Generator, orders: pd.DataFrame, order_lines: pd.DataFrame,
              customers: pd.DataFrame, truth: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """One invoice per delivered order; B2B on net-30/60 terms, paid late more often near churn."""
    net = order_lines["qty"] * order_lines["price_unit"] * (1 - order_lines["discount"] / 100)
    amounts = net.groupby(order_lines["order_id"]).sum()
    billed = orders[orders["state"] == "delivered"]
    n = len(billed)
    customer_index = billed["customer_id"].to_numpy() - 1
    is_b2b = (customers["segment"] == "B2B").to_numpy()
    terms = np.where(is_b2b, rng.choice([30, 60], len(customers), p=[0.7, 0.3]), 0)[customer_index]
    date_invoice = billed["delivery_date"]
    date_due = date_invoice + pd.to_timedelta(terms, unit="D")
    # Late payers: a habit per customer, worse near churn for customers who warn.
    habit = rng.beta(1.2, 9.0, len(customers))[customer_index]
    churn = truth["churn_date"].to_numpy(dtype="datetime64[ns]")[customer_index]
    pressure = churn_pressure((churn - date_invoice.to_numpy(dtype="datetime64[ns]")) / DAY)
    strain = warning_strength(truth["churn_propensity"].to_numpy())[customer_index] * pressure
    late = rng.random(n) < np.minimum(0.95, habit + 0.8 * strain) * np.where(terms > 0, 1.0, 0.3)
    days_late = np.ceil(rng.exponential(12.0 + 30.0 * strain, n))
    days_early = rng.integers(0, np.maximum(terms, 1) // 3 + 1, n)
    offset = np.where(late, terms + days_late, terms - days_early)
    date_paid = date_invoice + pd.to_timedelta(offset, unit="D")
    return pd.DataFrame({
        "invoice_id": np.arange(1, n + 1),
        "order_id": billed["order_id"].to_numpy(),
        "customer_id": billed["customer_id"].to_numpy(),
        "date_invoice": date_invoice.to_numpy(),
        "date_due": date_due.to_numpy(),
        "amount": np.round(amounts.reindex(billed["order_id"]).to_numpy(), 2),
        "date_paid": date_paid.where(date_paid <= end).to_numpy(),
    })


# --- relationship -------------------------------------------------------

_LEAD_TITLES = {"es": "Interés en {product}", "en": "Interest in {product}"}
_LEAD_STAGES_OPEN = ("new", "qualified", "proposition")
_LEAD_SOURCES = (("web", "referral", "campaign", "trade_show", "external_crm"), (0.35, 0.2, 0.2, 0.1, 0.15))


def _leads(rng: np.random.Generator, n: int, customers: pd.DataFrame, products: pd.DataFrame,
           start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Opportunities: upsell to customers and prospects who are not customers yet."""
    is_prospect = rng.random(n) < 0.45
    customer_index = rng.integers(0, len(customers), n)
    codes = np.array(list(COUNTRIES))
    countries = np.where(is_prospect, rng.choice(codes, n), customers["country_code"].to_numpy()[customer_index])
    langs = np.array([COUNTRIES[c][0] for c in countries])
    first, last = person_names(rng, langs)
    firms = np.where(rng.random(n) < 0.6, company_names(rng, langs), None)
    created_at = start + pd.to_timedelta(rng.integers(0, (end - start).days + 1, n), unit="D")
    age_days = (end - created_at).days.to_numpy()
    # Old leads are decided; recent ones are still in the funnel.
    decided = rng.random(n) < np.clip(age_days / 120.0, 0.0, 0.95)
    stage = np.where(decided, np.where(rng.random(n) < 0.3, "won", "lost"),
                     rng.choice(np.array(_LEAD_STAGES_OPEN), n, p=[0.5, 0.3, 0.2]))
    product_index = rng.integers(0, len(products), n)
    product_names = products["name"].to_numpy()[product_index]
    return pd.DataFrame({
        "lead_id": np.arange(1, n + 1),
        "customer_id": np.where(is_prospect, np.nan, customers["customer_id"].to_numpy()[customer_index]),
        "name": [_LEAD_TITLES[lang].format(product=name) for lang, name in zip(langs, product_names)],
        "contact_name": first + " " + last,
        "email": emails(rng, first, last, firms, countries),
        "created_at": created_at,
        "stage": stage,
        "expected_revenue": np.round(rng.lognormal(np.log(3000), 1.0, n), -1),
        "product_id": products["product_id"].to_numpy()[product_index],
        "source": rng.choice(np.array(_LEAD_SOURCES[0]), n, p=_LEAD_SOURCES[1]),
    })


_SUMMARIES = {
    "es": {
        "routine": ("Revisión del pedido {order}.", "Consulta de precios para el próximo trimestre.",
                    "Confirma la entrega de la semana.", "Pide catálogo actualizado.",
                    "Seguimiento de la oferta enviada.", "Llamada de cortesía, todo bien.",
                    "Pregunta por plazos de entrega.", "Visita comercial: presentación de novedades."),
        "warning": ("Se queja de retrasos en las entregas.", "Comenta que la competencia ofrece mejor precio.",
                    "Pide mejores condiciones de pago.", "Molesto por una factura incorrecta.",
                    "Dice que están revisando proveedores.", "Reclama una devolución pendiente."),
    },
    "en": {
        "routine": ("Review of order {order}.", "Price check for next quarter.",
                    "Confirms this week's delivery.", "Asks for the updated catalogue.",
                    "Follow-up on the quote we sent.", "Courtesy call, all good.",
                    "Asks about delivery lead times.", "Sales visit: new range presented."),
        "warning": ("Complains about late deliveries.", "Says a competitor offers a better price.",
                    "Asks for better payment terms.", "Upset about a wrong invoice.",
                    "Says they are reviewing suppliers.", "Chasing a pending refund."),
    },
}


def _interactions(rng: np.random.Generator, customers: pd.DataFrame, truth: pd.DataFrame,
                  orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Calls, e-mails and meetings; near churn the notes turn to complaints and competitors."""
    is_b2b = (customers["segment"] == "B2B").to_numpy()
    origin = start.to_datetime64()
    first_day = np.maximum((customers["created_at"].to_numpy(dtype="datetime64[ns]") - origin) / DAY, 0)
    churn_days = (truth["churn_date"].to_numpy(dtype="datetime64[ns]") - origin) / DAY
    last_day = np.fmin(np.nan_to_num(churn_days + 30, nan=np.inf), (end - start).days)
    span = np.maximum(last_day - first_day, 0)
    counts = rng.poisson(span / 30.4 * np.where(is_b2b, 0.9, 0.08))
    owner = np.repeat(np.arange(len(customers)), counts)
    day = np.floor(first_day[owner] + rng.random(len(owner)) * span[owner]).astype(int)
    ordering = np.lexsort((owner, day))
    owner, day = owner[ordering], day[ordering]
    n = len(owner)
    b2b = is_b2b[owner]
    kind = np.where(b2b, rng.choice(np.array(["call", "email", "meeting"]), n, p=[0.45, 0.4, 0.15]),
                    rng.choice(np.array(["call", "email"]), n, p=[0.3, 0.7]))
    inbound = (rng.random(n) < 0.5) & (kind != "meeting")
    strain = (warning_strength(truth["churn_propensity"].to_numpy())[owner]
              * churn_pressure(churn_days[owner] - day))
    # Slow answers are part of why customers leave.
    response = np.round(rng.lognormal(np.log(4.0) + 0.8 * strain, 0.9), 1)
    warning = rng.random(n) < 0.08 + 0.6 * strain
    langs = customers["lang"].to_numpy()[owner]
    last_order = _latest_order_refs(orders, customers["customer_id"].to_numpy()[owner],
                                    start + pd.to_timedelta(day, unit="D"))
    # Routine note 0 cites the last order, so customers without one get another note.
    routine_pick = np.where(last_order == "", 1 + rng.integers(0, 7, n), rng.integers(0, 8, n))
    warning_pick = rng.integers(0, 6, n)
    summaries = [
        _SUMMARIES[lang]["warning"][w] if warn else _SUMMARIES[lang]["routine"][r].format(order=ref)
        for lang, warn, w, r, ref in zip(langs, warning, warning_pick, routine_pick, last_order)
    ]
    return pd.DataFrame({
        "interaction_id": np.arange(1, n + 1),
        "customer_id": customers["customer_id"].to_numpy()[owner],
        "date": start + pd.to_timedelta(day, unit="D"),
        "kind": kind,
        "direction": np.where(inbound | (kind == "meeting") & (rng.random(n) < 0.3), "inbound", "outbound"),
        "response_hours": np.where(inbound, response, np.nan),
        "summary": summaries,
    })


def _latest_order_refs(orders: pd.DataFrame, customer_ids: np.ndarray, when: pd.DatetimeIndex) -> np.ndarray:
    """Reference (``S00042``) of each customer's latest order before ``when`` ("" if none)."""
    queries = pd.DataFrame({"customer_id": customer_ids, "when": when, "position": np.arange(len(customer_ids))})
    found = pd.merge_asof(queries.sort_values("when"), orders[["customer_id", "date_order", "order_id"]]
                          .sort_values("date_order"), left_on="when", right_on="date_order",
                          by="customer_id", direction="backward").sort_values("position")
    return np.array([f"S{int(i):05d}" if i == i else "" for i in found["order_id"]], dtype=object)
