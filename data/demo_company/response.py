"""Hidden response model: what happens to customers after a retention offer.

The "prediction to action" capability picks customers and offers them a
discount; this module plays the world's part, so the software's choices
can be scored against a control group. It reads the hidden ``truth`` table
and must never be used as a model input.

Model, for each customer over ``horizon_days`` from ``start``:

* **Baseline churn chance** ``p0``: 1.0 when the hidden ``churn_date`` is
  already past (they have gone), 0.85 when it falls in the horizon, 0.5
  when it falls in the 180 days after it (they may leave early), else a
  hazard ``1 - exp(-2 * churn_propensity * horizon / 365)``.
* **Who responds** (:func:`offer_response`): the generator's
  ``offer_uplift`` is the customer's disposition, and what happened before
  ``start`` decides whether an offer can still reach it, so the uplift is
  not the churn risk:

  - **gone**: the hidden churn date is already past: a win-back offer keeps
    ``WIN_BACK_SHARE`` of the effect on the day they left, halving every
    ``WIN_BACK_HALF_LIFE_DAYS`` since (a customer who left last week can
    still be talked back, one who moved to another supplier a year ago
    hardly answers a discount: the reacquisition literature's lapsed
    customers, e.g. Thomas, Blattberg & Fox, JMR 2004, where a share never
    returns and the chance of return falls with the time lapsed), so the
    riskiest customers of all respond least;
  - **service lost**: a high-risk customer (propensity above
    ``HIGH_RISK_PROPENSITY``) with at least ``SERVICE_LOST_TICKETS``
    negative tickets in the ``SERVICE_WINDOW_DAYS`` before ``start``
    leaves over service, not price: ``SERVICE_LOST_SHARE`` of the effect;
  - **deal seeker**: a customer not gone nor lost over service whose past
    lines carried on average at least ``DEAL_SEEKER_DISCOUNT_PCT`` %
    discount (whatever their risk, so many are medium-risk) is, with chance
    ``DEAL_SEEKER_PERSUADABLE``, persuadable (effect drawn from
    ``DEAL_SEEKER_UPLIFT``) unless a sleeping dog; the draw comes from the
    response's own stream ``[seed, 2026, 14, 1]`` and is fixed per company;
  - everybody else keeps ``offer_uplift``.

  Each kind is visible in the public tables (recency, negative tickets,
  discounts taken), so an uplift model can learn it; the churn risk alone
  cannot tell it.
* **Treatment** (an offer with ``discount_pct``): the response to the
  discount is ``r = 1 - exp(-offer_cost_sensitivity * discount_pct / 10)``
  (0 without discount, saturating for large ones).

  - persuadables (effective uplift ``u > 0``) see their churn chance cut
    relatively: ``p1 = p0 * (1 - u * r)``; the cut is large in
    points only where ``p0`` is high;
  - sleeping dogs (``u < 0``) are reminded to leave, whatever
    the discount: ``p1 = p0 + (1 - p0) * |u|``;
  - everybody else (uplift near 0) just takes the discount.

  High-risk customers not yet gone are mostly persuadable, low-risk ones
  include more sleeping dogs, and medium-risk deal seekers respond: a rule
  that targets by risk alone spends much of its budget on customers already
  gone or lost over service.
* **Outcome**: ``churned`` when a uniform draw is below the churn chance.
  The same draws serve both arms (common random numbers), so a customer's
  treated and untreated outcomes differ only through the treatment.
  Customers who stay reorder with the chance their past order rate gives
  over the horizon; ``revenue`` is their usual order value times the
  orders drawn, less the discount when treated; ``margin`` uses their past
  margin rate, so a discount given to a loyal customer costs margin.

Deterministic given ``seed`` (and the company).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from crm_bridge.contract.errors import ValidationError
from demo_company.company import DemoCompany

__all__ = ["RESPONSE_KINDS", "churn_chances", "offer_response", "simulate_outcomes"]

IMMINENT_CHURN_CHANCE = 0.85  # churn chance when the hidden churn date falls in the horizon
SOON_CHURN_CHANCE = 0.5  # ... when it falls in the SOON_DAYS after the horizon (they may leave early)
SOON_DAYS = 180
BASE_HAZARD = 2.0  # yearly churn hazard per unit of propensity for everybody else
RESPONSE_KINDS = ("disposition", "gone", "service_lost", "deal_seeker")
WIN_BACK_SHARE = 0.75  # share of the effect an offer keeps on a customer who has just gone
WIN_BACK_HALF_LIFE_DAYS = 90  # ... halving every quarter since they left
HIGH_RISK_PROPENSITY = 0.35
SERVICE_LOST_TICKETS = 2  # negative tickets in the window that make a high-risk customer a lost cause for a discount
SERVICE_WINDOW_DAYS = 180
SERVICE_LOST_SHARE = 0.1
DEAL_SEEKER_DISCOUNT_PCT = 8.0
DEAL_SEEKER_PERSUADABLE = 0.8
DEAL_SEEKER_UPLIFT = (0.6, 0.95)


def simulate_outcomes(
    company: DemoCompany,
    customer_ids: np.ndarray | list[int],
    treated: np.ndarray,
    discount_pct: float | np.ndarray,
    start: date,
    horizon_days: int = 90,
    seed: int = 0,
) -> pd.DataFrame:
    """Simulate churn, reorders, revenue and margin after a retention offer.

    Parameters
    ----------
    company : DemoCompany
        The generated company (its hidden ``truth`` drives the outcomes).
    customer_ids : array-like of int
        Customers to simulate, each at most once.
    treated : numpy.ndarray of bool
        Whether each customer received the offer.
    discount_pct : float or numpy.ndarray
        Discount offered, in percent (0-100), one value or one per customer;
        ignored for untreated customers.
    start : datetime.date
        First day of the horizon (usually the reference date).
    horizon_days : int
        Length of the horizon in days.
    seed : int
        Seed of the outcome draws.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id``, ``churned`` (bool), ``reordered`` (bool),
        ``revenue`` and ``margin`` (float), in the order of ``customer_ids``.

    Raises
    ------
    ValidationError
        On unknown or repeated customers, mismatched lengths, a discount
        outside 0-100 or a non-positive horizon.
    """
    ids = np.asarray(customer_ids, dtype=np.int64)
    treated = np.asarray(treated, dtype=bool)
    discount = np.broadcast_to(np.asarray(discount_pct, dtype=float), ids.shape) if ids.size else np.zeros(0)
    _validate(company, ids, treated, discount, horizon_days)
    start_ts = pd.Timestamp(start)
    p0, p1 = _churn_chances(company, ids, discount, start_ts, horizon_days)
    churn_chance = np.where(treated, p1, p0)

    rng = np.random.default_rng([int(seed), 90210])
    draws = rng.random((len(ids), 2))
    churned = draws[:, 0] < churn_chance
    monthly_orders, order_value, margin_rate = _history(company, ids, start_ts)
    expected_orders = monthly_orders * horizon_days / 30.4
    reordered = ~churned & (draws[:, 1] < 1.0 - np.exp(-expected_orders))
    n_orders = np.where(reordered, 1 + rng.poisson(np.maximum(expected_orders - 1, 0)), 0)
    gross = n_orders * order_value
    paid_share = np.where(treated, 1.0 - discount / 100.0, 1.0)
    revenue = gross * paid_share
    # Cost is unchanged by the discount: the discount comes out of the margin.
    margin = revenue - gross * (1.0 - margin_rate)
    return pd.DataFrame({
        "customer_id": ids,
        "churned": churned,
        "reordered": reordered,
        "revenue": np.round(revenue, 2),
        "margin": np.round(margin, 2),
    })


def churn_chances(company: DemoCompany, customer_ids: np.ndarray | list[int], discount_pct: float | np.ndarray,
                  start: date, horizon_days: int = 90) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's hidden churn chance over the horizon without and with the offer (hidden truth).

    ``p0 - p1`` is the offer's true expected effect on a customer: what an
    oracle would target by, the ceiling any targeting can reach. For
    scoring only, never a model input. Same arguments as :func:`simulate_outcomes`.
    """
    ids = np.asarray(customer_ids, dtype=np.int64)
    discount = np.broadcast_to(np.asarray(discount_pct, dtype=float), ids.shape) if ids.size else np.zeros(0)
    _validate(company, ids, np.ones(len(ids), bool), discount, horizon_days)
    return _churn_chances(company, ids, discount, pd.Timestamp(start), horizon_days)


def _churn_chances(company: DemoCompany, ids: np.ndarray, discount: np.ndarray, start_ts: pd.Timestamp,
                   horizon_days: int) -> tuple[np.ndarray, np.ndarray]:
    truth = company.truth.set_index("customer_id").loc[ids]
    horizon_end = start_ts + pd.Timedelta(days=horizon_days)
    churn_date = truth["churn_date"]
    propensity = truth["churn_propensity"].to_numpy()
    p0 = np.select(
        [churn_date.lt(start_ts).to_numpy(), churn_date.lt(horizon_end).to_numpy(),
         churn_date.lt(horizon_end + pd.Timedelta(days=SOON_DAYS)).to_numpy()],
        [1.0, IMMINENT_CHURN_CHANCE, SOON_CHURN_CHANCE],
        1.0 - np.exp(-BASE_HAZARD * propensity * horizon_days / 365.0),
    )
    uplift = offer_response(company, start_ts.date()).set_index("customer_id").loc[ids, "uplift"].to_numpy()
    response = 1.0 - np.exp(-truth["offer_cost_sensitivity"].to_numpy() * discount / 10.0)
    p1 = np.where(uplift >= 0, p0 * (1.0 - np.clip(uplift, 0, 1) * response),
                  p0 + (1.0 - p0) * np.clip(-uplift, 0, 1))
    return p0, p1


def offer_response(company: DemoCompany, start: date) -> pd.DataFrame:
    """Each customer's effective response to a retention offer made on ``start`` (hidden truth).

    Parameters
    ----------
    company : DemoCompany
        The generated company (its hidden ``truth`` and its public history).
    start : datetime.date
        Day of the offer: only what happened before it decides the kind.

    Returns
    -------
    pandas.DataFrame
        One row per customer of ``truth``: ``customer_id``, ``kind`` (one of
        :data:`RESPONSE_KINDS`) and ``uplift``, the relative cut of the churn
        chance at full response (negative: a sleeping dog).
    """
    truth = company.truth
    start_ts = pd.Timestamp(start)
    ids = truth["customer_id"].to_numpy()
    disposition = truth["offer_uplift"].to_numpy(float)
    propensity = truth["churn_propensity"].to_numpy(float)
    gone = truth["churn_date"].lt(start_ts).to_numpy()
    days_gone = np.nan_to_num((start_ts - truth["churn_date"]).dt.days.to_numpy(float), nan=0.0).clip(min=0)
    win_back = WIN_BACK_SHARE * 0.5 ** (days_gone / WIN_BACK_HALF_LIFE_DAYS)
    tickets = company.tickets
    recent = tickets[(tickets["created_at"] < start_ts)
                     & (tickets["created_at"] >= start_ts - pd.Timedelta(days=SERVICE_WINDOW_DAYS))
                     & (tickets["sentiment"].astype(str) == "negative")]
    negative = recent.groupby("customer_id").size().reindex(ids).fillna(0).to_numpy()
    service_lost = ~gone & (propensity > HIGH_RISK_PROPENSITY) & (negative >= SERVICE_LOST_TICKETS)
    orders = company.orders[company.orders["date_order"] < start_ts]
    lines = company.order_lines.merge(orders[["order_id", "customer_id"]], on="order_id")
    mean_discount = lines.groupby("customer_id")["discount"].mean().reindex(ids).fillna(0.0).to_numpy()
    rng = np.random.default_rng([int(company.seed), 2026, 14, 1])
    draw, drawn_uplift = rng.random(len(ids)), rng.uniform(*DEAL_SEEKER_UPLIFT, len(ids))
    deal_seeker = (~gone & ~service_lost & (mean_discount >= DEAL_SEEKER_DISCOUNT_PCT) & (disposition >= 0)
                   & (draw < DEAL_SEEKER_PERSUADABLE))
    positive = np.clip(disposition, 0, None)
    uplift = np.select([gone & (disposition > 0), service_lost & (disposition > 0), deal_seeker],
                       [positive * win_back, positive * SERVICE_LOST_SHARE,
                        np.maximum(disposition, drawn_uplift)], disposition)
    kind = np.select([gone, service_lost, deal_seeker], list(RESPONSE_KINDS[1:]), RESPONSE_KINDS[0])
    return pd.DataFrame({"customer_id": ids, "kind": kind, "uplift": uplift})


def _validate(company: DemoCompany, ids: np.ndarray, treated: np.ndarray, discount: np.ndarray,
              horizon_days: int) -> None:
    if treated.shape != ids.shape:
        raise ValidationError("treated must have one flag per customer.", code="length_mismatch",
                              field="treated", details={"customers": len(ids), "flags": len(treated)})
    unknown = np.setdiff1d(ids, company.truth["customer_id"].to_numpy())
    if unknown.size:
        raise ValidationError("Unknown customers.", code="unknown_customer", field="customer_ids",
                              details={"unknown": unknown[:10].tolist()})
    if len(np.unique(ids)) != len(ids):
        raise ValidationError("Each customer may appear only once.", code="duplicate_customer",
                              field="customer_ids")
    if discount.size and (np.isnan(discount).any() or discount.min() < 0 or discount.max() > 100):
        raise ValidationError("Discounts must be percentages between 0 and 100.", code="invalid_discount",
                              field="discount_pct")
    if not isinstance(horizon_days, (int, np.integer)) or horizon_days <= 0:
        raise ValidationError("The horizon must be a positive number of days.", code="invalid_horizon",
                              field="horizon_days", details={"value": repr(horizon_days)})


def _history(company: DemoCompany, ids: np.ndarray,
             before: pd.Timestamp) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per customer, from orders before ``before``: orders per month, mean order value, margin rate."""
    orders = company.orders[(company.orders["date_order"] < before) & (company.orders["state"] != "cancelled")]
    lines = company.order_lines.merge(orders[["order_id", "customer_id"]], on="order_id")
    net = lines["qty"] * lines["price_unit"] * (1 - lines["discount"] / 100)
    per_customer = pd.DataFrame({"customer_id": lines["customer_id"], "net": net,
                                 "cost": lines["qty"] * lines["cost"]}).groupby("customer_id").sum()
    counts = orders.groupby("customer_id").size()
    first = orders.groupby("customer_id")["date_order"].min()
    months = ((before - first).dt.days / 30.4).clip(lower=1.0)
    monthly = (counts / months).reindex(ids).fillna(0.0).to_numpy()
    value = (per_customer["net"] / counts).reindex(ids).fillna(0.0).to_numpy()
    rate = (1 - per_customer["cost"] / per_customer["net"]).clip(-1, 1).reindex(ids).fillna(0.0).to_numpy()
    return monthly, value, rate
