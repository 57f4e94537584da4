"""Recommendations: next-basket hit rate against strong baselines, uplift targeting, speed.

Next basket (:func:`demo_company.baskets.generate_baskets` on ``generate(seed=7)``,
the history with known affinities and repurchase cycles). At each of three
cut-offs (90, 60 and 30 days before the reference date) the recommender
(:class:`ai_insights.recommend.complements.CoPurchase`, stated defaults, not
tuned) learns from the baskets before it and ranks ten products for each
customer's first basket after it, on that basket's date (the date of the
quotation being built); the baselines get the same history:

* ``recommend_hit5``, ``recommend_hit5_popular``, ``recommend_hit5_repeat``:
  share of next baskets holding at least one of the top 5 (recommender,
  time-decayed popularity of the last 90 days, the customer's most bought
  products: the personal-repeat baseline, the strong one in the next-basket
  literature); ``*_spread``: the standard deviation across the cut-offs;
* ``recommend_recall10*`` and ``recommend_ndcg10*`` likewise (recall: share
  of the basket's products in the top 10).

Next best action (the demo's hidden response model, :mod:`demo_company.response`),
in each of the companies ``generate(seed)`` for ``NBA_WORLD_SEEDS``:
randomized experiments at three past cut-offs (360, 270 and 180 days before
the reference date: half of the customers with a purchase get the retention
offer, 10 % discount, at random; outcome: still a customer 90 days later)
train the uplift model. Which meta-learner (:data:`ai_insights.recommend.LEARNERS`:
T-, X- or relative-effect learner, stated defaults, nothing tuned) serves
is chosen per world on the training waves alone by the core's
:func:`ai_insights.recommend.select_learner`, the chooser Odoo uses too: each
is fitted on the first two waves and scored by its Qini on the third, the
best is refitted on all three (``nba_validation_qini_*``,
``nba_learner_chosen_*``: in how many worlds).
``nba_qini`` is the chosen model's Qini coefficient on a fourth
experiment it never saw (90 days before the reference date). At the
reference date the same budget (``NBA_BUDGET_SHARE`` of the customers) is
spent three ways: the highest estimated uplift, the highest churn risk (the
churn model of :func:`demo_company.simulation.demo_subjects`, what the
retention rule targets) and at random; the true effect comes from the
hidden response model over ``NBA_SEEDS`` outcome draws, every customer's
outcome with and without the offer drawn once per seed and shared by the
policies (common random numbers keyed by customer; the random policy draws
its customers anew per seed). A fourth policy, ``oracle``, targets by the hidden truth's expected
effect (:func:`demo_company.response.churn_chances`): the ceiling no model
can pass in this world. Figures: ``nba_retained_per_1000_uplift``, ``_risk``,
``_random``, ``_oracle`` (mean over the worlds of the mean over the draws)
and ``*_spread`` (standard deviation across the worlds).

Statistics fit the design: every policy is scored on the same customers and
the same outcome draws, so policies are compared **paired**
(:func:`paired_bootstrap`): each of ``NBA_RESAMPLES`` resamples draws the
worlds with replacement, then each drawn world's customers with
replacement, and scores every policy on them; differences and ratios are
taken within each resample. ``*_ci_low`` / ``*_ci_high`` are its 2.5 and
97.5 percentiles (the policies' figures, ``nba_uplift_minus_risk``,
``nba_uplift_minus_random``, the ratios ``nba_uplift_vs_risk_ci_*``);
``*_customers_ci_*`` resample the customers only (the worlds held fixed),
``*_world<seed>*`` one world at a time. The goal, uplift >= 1.5 x risk, is
``nba_uplift_minus_1_5_risk`` > 0 with its interval above 0.
``nba_uplift_vs_risk`` and ``nba_oracle_vs_risk`` are the mean of the
worlds' ratios with their spread, ``*_pooled`` the ratio of the means.
``NBA_WORLD_SEEDS``: six worlds, raised from three before their result was
seen (what the run time allows), to narrow the intervals;
``nba_qini`` is the mean over the worlds.

Speed (best of three, ratios against a baseline in the same process):

* ``nba_100k_s``: the uplift model's estimates with intervals and
  :func:`ai_insights.recommend.next_best_actions` for 100,000 synthetic
  customers (goal < 10 s); ``nba_100k_before_s`` / ``nba_100k_vs_before``:
  the same with the learner as it was before (5 bagged fits of 100 trees at
  0.05 instead of 3 of 50 at 0.1); ``nba_100k_vs_rules``: against
  :func:`ai_insights.actions.evaluate_rules` with one rule on them;
  ``nba_100k_predict_s`` and ``nba_100k_choose_s`` split it (estimates,
  choice; ``nba_100k_vs_predict``: the whole against the estimates alone, timed in the same process, so
  the load of the machine cancels), and ``nba_100k_predict_openmp_default_s`` is the estimates with
  the library's default OpenMP threads, what the core used before.
* ``suggest_200_lines_ms``: suggestions for a 200-line quotation, filtered
  through the promise engine and the guardrail (goal < 100 ms);
  ``suggest_vs_promise``: against the promise check of those 200 lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from ai_insights.actions import Rule, evaluate_rules
from ai_insights.recommend import LEARNERS, TLearner, UpliftEstimate, next_best_actions, qini, select_learner
from ai_insights.recommend.complements import CoPurchase, honour_filter
from benchmarks._common import best_seconds

CUTOFF_DAYS = (90, 60, 30)
EXPERIMENT_DAYS = (360, 270, 180)
HELD_OUT_EXPERIMENT_DAYS = 90
HORIZON_DAYS = 90
OFFER_DISCOUNT_PCT = 10.0
NBA_BUDGET_SHARE = 0.10
NBA_SEEDS = 30
NBA_WORLD_SEEDS = tuple(range(7, 13))  # demo companies (the first is the next-basket one)
NBA_RESAMPLES = 2000
POLICIES = ("uplift", "risk", "random", "oracle")
GOAL_RATIO = 1.5
N_CUSTOMERS = 100_000
TODAY = date(2026, 10, 31)


def run() -> Iterator[tuple[str, object]]:
    from demo_company import generate

    company = generate(seed=7)
    yield from _next_basket_figures(company)
    yield from _nba_figures(company)
    yield from _speed_figures(company)


# ---------------------------------------------------------------- next basket

def _ranked_metrics(ranked: list[int], basket: set[int]) -> tuple[float, float, float]:
    hit5 = float(bool(basket.intersection(ranked[:5])))
    recall10 = len(basket.intersection(ranked[:10])) / len(basket)
    gains = [1.0 / np.log2(i + 2) for i, p in enumerate(ranked[:10]) if p in basket]
    ideal = sum(1.0 / np.log2(i + 2) for i in range(min(len(basket), 10)))
    return hit5, recall10, sum(gains) / ideal


def _next_basket_figures(company) -> Iterator[tuple[str, object]]:
    from demo_company.baskets import generate_baskets

    lines = generate_baskets(company).lines
    end = pd.Timestamp(company.reference_date)
    scores: dict[str, list[tuple[float, float, float]]] = {"": [], "_popular": [], "_repeat": []}
    per_cutoff: dict[str, list[float]] = {name: [] for name in scores}
    for days in CUTOFF_DAYS:
        cutoff = end - pd.Timedelta(days=days)
        past, future = lines[lines["date"] < cutoff], lines[lines["date"] >= cutoff]
        model = CoPurchase().fit(past, company.products, company.customers, today=cutoff.date())
        recent = past[past["date"] >= cutoff - pd.Timedelta(days=90)]
        popular = recent["product_id"].value_counts().index.tolist()[:10]
        counts = past.groupby(["customer_id", "product_id"]).agg(n=("order_id", "nunique"), last=("date", "max"))
        counts = counts.sort_values(["n", "last"], ascending=False)
        first_next = future[future["order_id"].isin(future.groupby("customer_id")["order_id"].min())]
        known = set(past["customer_id"])
        at_cutoff = {name: [] for name in scores}
        for customer_id, basket in first_next.groupby("customer_id"):
            if customer_id not in known:
                continue
            items = set(basket["product_id"])
            mine = counts.loc[customer_id].index.tolist()
            repeat = (mine + [p for p in popular if p not in mine])[:10]
            ours = model.recommend(int(customer_id), basket["date"].iloc[0], k=10)["product_id"].tolist()
            for name, ranked in (("", ours), ("_popular", popular), ("_repeat", repeat)):
                at_cutoff[name].append(_ranked_metrics(ranked, items))
        for name, values in at_cutoff.items():
            scores[name].extend(values)
            per_cutoff[name].append(float(np.mean([v[0] for v in values])))
    for index, metric in enumerate(("hit5", "recall10", "ndcg10")):
        for name, values in scores.items():
            yield f"recommend_{metric}{name}", float(np.mean([v[index] for v in values]))
    for name, values in per_cutoff.items():
        yield f"recommend_hit5{name}_spread", float(np.std(values))
    yield "recommend_next_baskets", len(scores[""])


# ---------------------------------------------------------------- next best action

def _experiment(company, tables, days_before: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A randomized retention-offer experiment ``days_before`` the reference date: features, treatment, stayed."""
    from ai_insights.churn.features import build_features
    from demo_company import simulate_outcomes

    start = pd.Timestamp(company.reference_date) - pd.Timedelta(days=days_before)
    features = build_features(tables, start)
    ids = features.index.to_numpy()
    treated = np.random.default_rng([seed, days_before]).random(len(ids)) < 0.5
    outcome = simulate_outcomes(company, ids, treated, OFFER_DISCOUNT_PCT, start.date(), HORIZON_DAYS, seed=seed)
    return features.to_numpy(float), treated, ~outcome["churned"].to_numpy()


def _nba_world(company) -> dict[str, object]:
    """One world's targeting figures: the Qini on a held-out experiment and the customers kept per policy."""
    from ai_insights.churn.datasets import demo_tables
    from ai_insights.churn.features import build_features
    from demo_company import simulate_outcomes
    from demo_company.response import churn_chances
    from demo_company.simulation import demo_subjects

    tables = demo_tables(company)
    parts = [_experiment(company, tables, days, seed=i) for i, days in enumerate(EXPERIMENT_DAYS)]
    chosen_learner, validation = select_learner(parts)
    X, treated, stayed = (np.concatenate([p[i] for p in parts]) for i in range(3))
    model = LEARNERS[chosen_learner]().fit(X, treated, stayed)
    X_new, treated_new, stayed_new = _experiment(company, tables, HELD_OUT_EXPERIMENT_DAYS, seed=99)
    world = {"qini": qini(model.predict(X_new), treated_new, stayed_new), "experiment": len(X),
             "learner": chosen_learner, "validation": validation}

    subjects, _ = demo_subjects(company)
    today = company.reference_date
    features = build_features(tables, pd.Timestamp(today), customer_ids=subjects["subject_id"].to_numpy())
    ids = features.index.to_numpy()
    estimate = model.predict(features.to_numpy(float))
    risk = subjects.set_index("subject_id").loc[ids, "churn_risk"].to_numpy()
    # The ceiling: the hidden truth's expected effect of the offer (scoring only).
    p0, p1 = churn_chances(company, ids, OFFER_DISCOUNT_PCT, today, HORIZON_DAYS)
    budget = int(NBA_BUDGET_SHARE * len(ids))
    ranked = {
        "uplift": np.argsort(-estimate, kind="stable")[:budget],
        "risk": np.argsort(-risk, kind="stable")[:budget],
        "oracle": np.argsort(-(p0 - p1), kind="stable")[:budget],
    }
    # Per customer and policy, over the outcome draws: how often the policy picks them (``picked``) and the
    # customers it keeps by picking them (``kept``); a policy's figure is 1,000 x kept / picked, summed over
    # customers. Every customer's outcome with and without the offer comes from the same draws (common random
    # numbers, keyed by customer): the policies differ only in whom they pick, never in their luck.
    picked = {name: np.zeros(len(ids)) for name in POLICIES}
    kept = {name: np.zeros(len(ids)) for name in POLICIES}
    for seed in range(NBA_SEEDS):
        nobody = simulate_outcomes(company, ids, np.zeros(len(ids), bool), 0.0, today, HORIZON_DAYS, seed)
        offered = simulate_outcomes(company, ids, np.ones(len(ids), bool), OFFER_DISCOUNT_PCT, today, HORIZON_DAYS,
                                    seed)
        saved = nobody["churned"].to_numpy(int) - offered["churned"].to_numpy(int)
        picks = {**ranked, "random": np.random.default_rng([14, seed]).choice(len(ids), budget, replace=False)}
        for name, targets in picks.items():
            picked[name][targets] += 1.0 / NBA_SEEDS
            kept[name][targets] += saved[targets] / NBA_SEEDS
    world.update(picked=picked, kept=kept, budget=budget)
    return world


def _per_1000(worlds, resamples) -> dict[str, np.ndarray]:
    """Each policy's customers kept per 1,000 targeted, the mean over the worlds, for each resample.

    ``resamples`` holds, per world, the customer counts of each resample
    (rows: resamples, columns: the world's customers); each policy is scored
    on the same resampled customers, so the policies' differences are paired.
    """
    return {name: np.mean([1000.0 * (counts @ world["kept"][name]) / (counts @ world["picked"][name])
                           for world, counts in zip(worlds, resamples)], axis=0) for name in POLICIES}


def paired_bootstrap(worlds, n_resamples: int = NBA_RESAMPLES, random_state: int = 14,
                     resample_worlds: bool = True) -> dict[str, np.ndarray]:
    """Bootstrap of every policy's figure, the customers (and the worlds) resampled jointly for all policies.

    Each resample draws the worlds with replacement (when ``resample_worlds``:
    a world is a company, its experiments and its learner), then the
    customers of each drawn world with replacement; every policy is scored on
    those same customers and their same outcome draws, so a difference or a
    ratio of two policies is taken within each resample (a paired
    comparison), not from their separate intervals.

    Returns
    -------
    dict of str to numpy.ndarray
        Per policy, its figure in each resample.
    """
    rng = np.random.default_rng(random_state)
    chosen = (rng.integers(len(worlds), size=(n_resamples, len(worlds))) if resample_worlds
              else np.tile(np.arange(len(worlds)), (n_resamples, 1)))
    figures = {name: np.zeros(n_resamples) for name in POLICIES}
    for slot in range(len(worlds)):
        for index, world in enumerate(worlds):
            rows = np.flatnonzero(chosen[:, slot] == index)
            if not len(rows):
                continue
            n = len(world["picked"]["uplift"])
            counts = rng.multinomial(n, np.full(n, 1.0 / n), size=len(rows))
            for name, values in _per_1000([world], [counts]).items():
                figures[name][rows] += values / len(worlds)
    return figures


def _nba_figures(company) -> Iterator[tuple[str, object]]:
    from demo_company import generate

    worlds = [_nba_world(company if seed == company.seed else generate(seed=seed)) for seed in NBA_WORLD_SEEDS]
    qinis = [world["qini"] for world in worlds]
    yield "nba_qini", float(np.mean(qinis))
    yield "nba_qini_spread", float(np.std(qinis))
    yield "nba_experiment_customers", int(np.mean([world["experiment"] for world in worlds]))
    for name in LEARNERS:
        yield f"nba_validation_qini_{name}", float(np.mean([world["validation"][name] for world in worlds]))
        yield f"nba_learner_chosen_{name}", sum(world["learner"] == name for world in worlds)
    per_world = [_per_1000([world], [np.ones((1, len(world["picked"]["uplift"])))]) for world in worlds]
    point = {name: float(np.mean([figures[name][0] for figures in per_world])) for name in POLICIES}
    boot = paired_bootstrap(worlds)
    boot_customers = paired_bootstrap(worlds, resample_worlds=False)
    for name in POLICIES:
        yield f"nba_retained_per_1000_{name}", point[name]
        yield from _interval(f"nba_retained_per_1000_{name}", boot[name])
        yield f"nba_retained_per_1000_{name}_spread", float(np.std([figures[name][0] for figures in per_world]))
    for other in ("risk", "random"):
        name = f"nba_uplift_minus_{other}"
        yield name, point["uplift"] - point[other]
        yield from _interval(name, boot["uplift"] - boot[other])
        yield from _interval(f"{name}_customers", boot_customers["uplift"] - boot_customers[other])
        for seed, figures, world in zip(NBA_WORLD_SEEDS, per_world, worlds):
            alone = paired_bootstrap([world], resample_worlds=False)
            yield f"{name}_world{seed}", float(figures["uplift"][0] - figures[other][0])
            yield from _interval(f"{name}_world{seed}", alone["uplift"] - alone[other])
    # The goal (uplift >= 1.5 x risk) as one paired quantity: above 0 means met.
    yield "nba_uplift_minus_1_5_risk", point["uplift"] - GOAL_RATIO * point["risk"]
    yield from _interval("nba_uplift_minus_1_5_risk", boot["uplift"] - GOAL_RATIO * boot["risk"])
    for name in ("uplift", "oracle"):
        ratios = [figures[name][0] / figures["risk"][0] if figures["risk"][0] > 0 else np.inf
                  for figures in per_world]
        yield f"nba_{name}_vs_risk", float(np.mean(ratios))
        yield f"nba_{name}_vs_risk_spread", float(np.std(ratios))
        yield f"nba_{name}_vs_risk_pooled", point[name] / point["risk"] if point["risk"] > 0 else np.inf
        # A resample where risk targeting keeps no one counts as an unbounded ratio (uplift at least as good).
        resampled = np.where(boot["risk"] > 0, boot[name] / np.where(boot["risk"] > 0, boot["risk"], 1.0), np.inf)
        low, high = np.percentile(resampled, [2.5, 97.5], method="nearest")
        yield f"nba_{name}_vs_risk_ci_low", float(low)
        yield f"nba_{name}_vs_risk_ci_high", float(high)
    yield "nba_worlds", len(worlds)
    yield "nba_budget", int(np.mean([world["budget"] for world in worlds]))


def _interval(name: str, resampled: np.ndarray) -> Iterator[tuple[str, float]]:
    low, high = np.percentile(resampled, [2.5, 97.5])
    yield f"{name}_ci_low", float(low)
    yield f"{name}_ci_high", float(high)


# ---------------------------------------------------------------- speed

def _speed_figures(company) -> Iterator[tuple[str, object]]:
    from crm_bridge.pricing.guardrail import PricingPolicy
    from crm_bridge.promise.inputs import engines_from_tables
    from demo_company.baskets import generate_baskets

    rng = np.random.default_rng(2026)
    X = rng.normal(size=(4000, 22))
    treated, stays = rng.random(4000) < 0.5, rng.random(4000) < 0.3 + 0.1 * (X[:, 0] > 0)
    model = TLearner().fit(X, treated, stays)
    customers = pd.DataFrame({
        "customer_id": np.arange(1, N_CUSTOMERS + 1), "value": rng.gamma(2.0, 500.0, N_CUSTOMERS),
        "churn_risk": rng.random(N_CUSTOMERS), "revenue": rng.gamma(2.0, 1000.0, N_CUSTOMERS),
        "email": "customer@example.com", "consent_email": rng.random(N_CUSTOMERS) < 0.7,
        "overdue_amount": np.where(rng.random(N_CUSTOMERS) < 0.1, 500.0, 0.0),
        "late_promise": rng.random(N_CUSTOMERS) < 0.03, "cross_sell_margin": rng.gamma(2.0, 50.0, N_CUSTOMERS),
    })
    X_big = rng.normal(size=(N_CUSTOMERS, 22))

    def nba(learner=model) -> None:
        next_best_actions(customers, UpliftEstimate(*learner.predict_interval(X_big)), TODAY)

    def predict_openmp_default() -> None:
        with threadpool_limits(limits=None, user_api="openmp"):
            np.stack([model._predict_one(fit, X_big) for fit in model.models_])

    subjects = customers.rename(columns={"customer_id": "subject_id"})
    rule = Rule(1, "retention call", threshold=0.6, actions=("activity",))
    nba_s = best_seconds(nba)
    yield "nba_100k_s", nba_s
    # The learner as it was before (5 bagged fits of 100 trees at 0.05 against 3 of 50 at 0.1), same process.
    before = TLearner(HistGradientBoostingClassifier(max_iter=100, learning_rate=0.05, max_leaf_nodes=15,
                                                     min_samples_leaf=40, l2_regularization=1.0, random_state=0),
                      n_bootstrap=5).fit(X, treated, stays)
    before_s = best_seconds(lambda: nba(before))
    yield "nba_100k_before_s", before_s
    yield "nba_100k_vs_before", nba_s / before_s
    # Where the time goes: the bagged uplift estimates (one OpenMP thread each) against the library's default
    # threads, and the choice itself with the estimates given.
    estimates = UpliftEstimate(*model.predict_interval(X_big))
    predict_s = best_seconds(lambda: model.predict_interval(X_big))
    yield "nba_100k_predict_s", predict_s
    yield "nba_100k_vs_predict", nba_s / predict_s
    yield "nba_100k_predict_openmp_default_s", best_seconds(predict_openmp_default)
    yield "nba_100k_choose_s", best_seconds(lambda: next_best_actions(customers, estimates, TODAY))
    yield "nba_100k_vs_rules", nba_s / best_seconds(lambda: evaluate_rules([rule], subjects, TODAY))

    tables = company.public_tables()
    engine = engines_from_tables(tables, company.reference_date)[1]
    lines = generate_baskets(company).lines
    recommender = CoPurchase().fit(lines, company.products, company.customers, today=company.reference_date)
    stock = tables["stock"].groupby("product_id")["qty_on_hand"].sum()
    products = company.products.assign(free_qty=lambda f: f["product_id"].map(stock).fillna(0.0))
    quotation = rng.choice(company.products["product_id"].to_numpy(), 200)
    asked = company.reference_date + pd.Timedelta(days=14).to_pytimedelta()
    customer_id = int(lines["customer_id"].iloc[0])

    def suggest() -> None:
        suggestions = recommender.suggest(quotation, customer_id, company.reference_date, k=10)
        honour_filter(suggestions, products, engine, PricingPolicy(), asked)

    suggest_s = best_seconds(suggest)
    yield "suggest_200_lines_ms", 1000 * suggest_s
    yield "suggest_vs_promise", suggest_s / best_seconds(
        lambda: engine.check_batch(quotation, np.ones(200), [asked] * 200))
