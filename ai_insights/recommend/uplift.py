"""Uplift (the effect of an action on one customer) learned from randomized control groups.

The action rules hold out a random control group, and the next best action
keeps a share of random allocation: those customers, treated or not by the
draw alone, are an experiment. A meta-learner turns it into a per-customer
estimate of ``P(outcome | treated) - P(outcome | not treated)``:

* :class:`TLearner` fits one classifier per arm and subtracts.
* :class:`XLearner` (Künzel et al., 2019) imputes each customer's effect
  from the other arm's model, regresses it per arm and blends the two by the
  propensity (known here: the allocation share).
* :class:`RelativeEffectLearner`: the untreated loss chance times the share
  of it the action removes.

Which of them (:data:`LEARNERS`) serves a company is chosen by
:func:`select_learner`: each is trained on the older waves of the
experiment and judged by its Qini on the latest one (:func:`check_wave`),
never on data the targeting is later scored on.

Both follow scikit-learn's estimator conventions (``get_params`` /
``set_params``, ``clone``), take any classifier and regressor, and bag
``n_bootstrap`` fits so each estimate comes with its spread
(:meth:`predict_interval`). :func:`qini` scores a ranking by uplift against
random targeting on held-out experimental data, and :func:`compare_targeting`
measures uplift-, risk- and random targeting at the same budget on an
experiment, with cross-fitted estimates, bootstrap intervals and the paired
differences between the policies (:func:`targeting_differences`).

The outcome is what the action should raise (e.g. *stayed*, not *churned*),
so a positive uplift is good.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from crm_bridge.contract.errors import ValidationError

__all__ = ["LEARNERS", "MIN_PER_ARM", "TARGETING_DIFFERENCES", "TARGETING_POLICIES", "RelativeEffectLearner",
           "TLearner", "TargetingComparison", "XLearner", "check_experiment", "check_wave", "compare_targeting", "qini",
           "qini_curve", "select_learner", "targeting_differences"]

MIN_PER_ARM = 200  # fewer treated or control customers (or outcomes of either kind) than this: too little data
MIN_OUTCOMES = 20
MIN_BASELINE = 0.05  # floor of the untreated bad-outcome chance the relative cut is divided by


# Boosting of BOOSTING_ROUNDS trees at LEARNING_RATE (the same shrinkage budget as 100 at 0.05, in half the trees:
# a prediction walks every tree of every bagged fit, and that walk is what 100,000 customers wait for).
BOOSTING_ROUNDS = 50
LEARNING_RATE = 0.1
N_BOOTSTRAP = 3  # bagged fits per learner: the estimate is their mean, its interval their spread


def _default_classifier() -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(max_iter=BOOSTING_ROUNDS, learning_rate=LEARNING_RATE, max_leaf_nodes=15,
                                          min_samples_leaf=40, l2_regularization=1.0, random_state=0)


def _default_regressor() -> HistGradientBoostingRegressor:
    return HistGradientBoostingRegressor(max_iter=BOOSTING_ROUNDS, learning_rate=LEARNING_RATE, max_leaf_nodes=15,
                                         min_samples_leaf=40, l2_regularization=1.0, random_state=0)


def _relative_cut_regressor() -> HistGradientBoostingRegressor:
    # Few, large leaves: the relative cut rests on noisy pseudo-outcomes and should move only where many agree.
    return HistGradientBoostingRegressor(max_iter=BOOSTING_ROUNDS, learning_rate=LEARNING_RATE, max_leaf_nodes=7,
                                         min_samples_leaf=400, l2_regularization=1.0, random_state=0)


def check_experiment(treatment, outcome, min_per_arm: int = MIN_PER_ARM) -> str:
    """Why an experiment is too small to learn uplift from, or ``""`` when it is enough.

    Parameters
    ----------
    treatment, outcome : array-like of bool or 0/1
        Per customer: whether the draw treated them, and the outcome.
    min_per_arm : int
        Fewest customers per arm, and :data:`MIN_OUTCOMES` of each outcome per arm.

    Returns
    -------
    str
        ``""``, or a sentence saying what is missing.
    """
    treatment = np.asarray(treatment, dtype=bool)
    outcome = np.asarray(outcome, dtype=bool)
    for name, arm in (("treated", treatment), ("control", ~treatment)):
        if arm.sum() < min_per_arm:
            return f"only {int(arm.sum())} {name} customers in the experiment (at least {min_per_arm} needed)"
        positives = int(outcome[arm].sum())
        if min(positives, int(arm.sum()) - positives) < MIN_OUTCOMES:
            return f"too few outcomes of each kind among the {name} customers (at least {MIN_OUTCOMES} needed)"
    return ""


def _validated(X, treatment, y) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    treatment = np.asarray(treatment)
    y = np.asarray(y)
    if X.ndim != 2 or treatment.shape != (len(X),) or y.shape != (len(X),):
        raise ValidationError("X, treatment and y must have one row per customer.", code="length_mismatch",
                              field="X", details={"X": list(X.shape), "treatment": len(treatment), "y": len(y)})
    if not (np.isin(treatment, (0, 1)).all() and np.isin(y, (0, 1)).all()):
        raise ValidationError("treatment and y must be 0/1.", code="invalid_value", field="treatment")
    problem = check_experiment(treatment, y, min_per_arm=2)
    if problem:
        raise ValidationError(f"Cannot learn uplift: {problem}.", code="insufficient_data", field="treatment")
    return X, treatment.astype(bool), y.astype(int)


class _BaggedMetaLearner(BaseEstimator):
    """Bootstrap bagging shared by the meta-learners: ``_fit_one`` and ``_predict_one`` differ."""

    def fit(self, X, treatment, y) -> _BaggedMetaLearner:
        """Fit on an experiment: features ``X``, the random ``treatment`` (0/1) and the outcome ``y`` (0/1)."""
        X, treatment, y = _validated(X, treatment, y)
        rng = np.random.default_rng(self.random_state)
        self.models_ = []
        for b in range(self.n_bootstrap):
            # Stratified by arm, so every resample keeps both arms at their sizes.
            rows = np.arange(len(X)) if b == 0 else np.concatenate([
                rng.choice(arm, len(arm)) for arm in (np.flatnonzero(treatment), np.flatnonzero(~treatment))])
            self.models_.append(self._fit_one(X[rows], treatment[rows], y[rows]))
        self.treated_share_ = float(treatment.mean())
        self.n_features_in_ = X.shape[1]
        return self

    def _estimates(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if not hasattr(self, "models_"):
            raise ValidationError("The uplift model is not fitted.", code="not_fitted", field="model")
        # One OpenMP thread per prediction: the server runs several workers on few cores, and the trees'
        # parallel traversal then spends more on waiting for each other than on the rows (see benchmarks/recommend).
        with threadpool_limits(limits=1, user_api="openmp"):
            return np.stack([self._predict_one(model, X) for model in self.models_])

    def predict(self, X) -> np.ndarray:
        """Estimated uplift per row (the mean of the bagged fits)."""
        return self._estimates(X).mean(axis=0)

    def predict_interval(self, X, coverage: float = 0.8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Estimate, and low and high bounds: the ``coverage`` percentile range of the bagged fits."""
        estimates = self._estimates(X)
        tail = (1 - coverage) / 2 * 100
        low, high = np.percentile(estimates, [tail, 100 - tail], axis=0)
        return estimates.mean(axis=0), low, high


class TLearner(_BaggedMetaLearner):
    """Two-model uplift: ``P(y | X, treated) - P(y | X, control)``, one classifier per arm.

    Parameters
    ----------
    classifier : sklearn classifier, optional
        Cloned for each arm and resample (default: a regularised histogram
        gradient boosting).
    n_bootstrap : int
        Fits whose spread gives the uncertainty (the first on the data as is).
    random_state : int
    """

    def __init__(self, classifier=None, n_bootstrap: int = N_BOOTSTRAP, random_state: int = 0) -> None:
        self.classifier = classifier
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def _fit_one(self, X, treatment, y):
        base = self.classifier if self.classifier is not None else _default_classifier()
        return tuple(clone(base).fit(X[arm], y[arm]) for arm in (treatment, ~treatment))

    def _predict_one(self, model, X) -> np.ndarray:
        treated, control = model
        return treated.predict_proba(X)[:, 1] - control.predict_proba(X)[:, 1]


class XLearner(_BaggedMetaLearner):
    """X-learner: imputed effects regressed per arm, blended by the propensity.

    Parameters
    ----------
    classifier : sklearn classifier, optional
        Outcome model per arm (first stage).
    regressor : sklearn regressor, optional
        Effect model per arm (second stage).
    n_bootstrap : int
    random_state : int
    """

    def __init__(self, classifier=None, regressor=None, n_bootstrap: int = N_BOOTSTRAP, random_state: int = 0) -> None:
        self.classifier = classifier
        self.regressor = regressor
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def _fit_one(self, X, treatment, y):
        base = self.classifier if self.classifier is not None else _default_classifier()
        regressor = self.regressor if self.regressor is not None else _default_regressor()
        mu1 = clone(base).fit(X[treatment], y[treatment])
        mu0 = clone(base).fit(X[~treatment], y[~treatment])
        effect_treated = y[treatment] - mu0.predict_proba(X[treatment])[:, 1]
        effect_control = mu1.predict_proba(X[~treatment])[:, 1] - y[~treatment]
        tau1 = clone(regressor).fit(X[treatment], effect_treated)
        tau0 = clone(regressor).fit(X[~treatment], effect_control)
        return tau1, tau0, float(treatment.mean())

    def _predict_one(self, model, X) -> np.ndarray:
        tau1, tau0, propensity = model
        # Weight the arm whose imputation rests on the larger other arm (Künzel et al.: g = propensity).
        return propensity * tau0.predict(X) + (1 - propensity) * tau1.predict(X)


class RelativeEffectLearner(_BaggedMetaLearner):
    """Uplift as the chance of the bad outcome without the action times the share of it the action removes.

    A retention offer cannot save a customer who was staying anyway: its
    effect is ``q0(X) * c(X)``, the chance ``q0`` of losing the customer
    untreated (``y = 0`` in the control arm) times the relative cut ``c``
    the action makes in it (negative for customers the contact pushes out).
    ``q0`` is learned from the whole control arm, a far easier target than
    the small difference a T-learner subtracts; ``c`` from doubly robust
    pseudo-outcomes (cross-fitted per arm, propensity the allocation share)
    divided by ``q0`` and weighted by ``q0**2``, i.e. least squares on the
    effect scale, with a heavily regularised regressor so it moves only
    where the experiment shows it.

    Parameters
    ----------
    classifier : sklearn classifier, optional
        Outcome model per arm (default: a regularised histogram gradient boosting).
    regressor : sklearn regressor, optional
        Relative cut model (default: a shallow boosting with large leaves).
    n_folds : int
        Cross-fitting folds of the pseudo-outcomes.
    n_bootstrap, random_state : int
    """

    def __init__(self, classifier=None, regressor=None, n_folds: int = 3, n_bootstrap: int = N_BOOTSTRAP,
                 random_state: int = 0) -> None:
        self.classifier = classifier
        self.regressor = regressor
        self.n_folds = n_folds
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def _fit_one(self, X, treatment, y):
        base = self.classifier if self.classifier is not None else _default_classifier()
        regressor = self.regressor if self.regressor is not None else _relative_cut_regressor()
        lost = 1 - y
        q0 = np.zeros(len(X))
        q1 = np.zeros(len(X))
        strata = treatment * 2 + y
        for train, test in StratifiedKFold(self.n_folds, shuffle=True, random_state=self.random_state).split(X, strata):
            arm = treatment[train]
            q1[test] = clone(base).fit(X[train][arm], lost[train][arm]).predict_proba(X[test])[:, 1]
            q0[test] = clone(base).fit(X[train][~arm], lost[train][~arm]).predict_proba(X[test])[:, 1]
        share = float(treatment.mean())
        # Doubly robust pseudo-outcome of the effect (bad outcomes avoided), propensity = the allocation share.
        effect = q0 - q1 + np.where(treatment, -(lost - q1) / share, (lost - q0) / (1 - share))
        scale = np.clip(q0, MIN_BASELINE, 1.0)
        cut = clone(regressor).fit(X, effect / scale, sample_weight=scale ** 2)
        baseline = clone(base).fit(X[~treatment], lost[~treatment])
        return baseline, cut

    def _predict_one(self, model, X) -> np.ndarray:
        baseline, cut = model
        return baseline.predict_proba(X)[:, 1] * np.clip(cut.predict(X), -1.0, 1.0)


def qini_curve(uplift, treatment, y) -> tuple[np.ndarray, np.ndarray]:
    """Qini curve: customers targeted (ranked by ``uplift``) against incremental outcomes gained.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Number targeted (0..n) and ``Y_t - Y_c * N_t / N_c`` among them.
    """
    order = np.argsort(-np.asarray(uplift, dtype=float), kind="stable")
    treated = np.asarray(treatment, dtype=bool)[order]
    y = np.asarray(y, dtype=float)[order]
    n_t, n_c = np.cumsum(treated), np.cumsum(~treated)
    y_t, y_c = np.cumsum(y * treated), np.cumsum(y * ~treated)
    gain = y_t - y_c * np.divide(n_t, n_c, out=np.zeros(len(y)), where=n_c > 0)
    return np.arange(len(y) + 1), np.concatenate([[0.0], gain])


def qini(uplift, treatment, y) -> float:
    """Qini coefficient: area between the model's Qini curve and random targeting's, over the number of customers.

    Positive: ranking by the estimate gains more incremental outcomes than
    random targeting; 0: no better than random.
    """
    targeted, gain = qini_curve(uplift, treatment, y)
    n = len(targeted) - 1
    if n == 0:
        return 0.0
    random_line = gain[-1] * targeted / n
    return float(np.trapezoid(gain - random_line, targeted) / n / n)


#: The meta-learners :func:`select_learner` chooses from, by name (stated defaults, nothing tuned).
LEARNERS = {"t_learner": TLearner, "x_learner": XLearner, "relative_effect": RelativeEffectLearner}


def check_wave(dates, treatment, y, min_per_arm: int = MIN_PER_ARM) -> np.ndarray:
    """Which rows of a dated experiment are its latest wave, the one a learner is checked on.

    The check wave is the latest decision days, each day whole, the fewest
    that make an experiment of their own (:func:`check_experiment`): a rule
    deciding every day gives small daily waves, so the check reaches back
    until it can measure. Everything before it is for training.

    Parameters
    ----------
    dates : array-like of datetime-like
        The day each row was decided (treated or held out).
    treatment, y : array-like of bool or 0/1
    min_per_arm : int

    Returns
    -------
    numpy.ndarray of bool
        True for the rows of the check wave.

    Raises
    ------
    ValidationError
        ``insufficient_data`` when the rows cannot be split into a check wave
        and older waves that are experiments of their own (one day of
        decisions, or too few of them), ``length_mismatch``.
    """
    days = pd.to_datetime(pd.Series(np.asarray(dates))).dt.normalize().to_numpy()
    treatment, y = np.asarray(treatment, dtype=bool), np.asarray(y, dtype=bool)
    if not len(days) == len(treatment) == len(y):
        raise ValidationError("dates, treatment and y must have one value per row.", code="length_mismatch",
                              field="dates")
    for since in np.unique(days)[::-1][:-1]:  # latest first; the first day is always left for training
        check = days >= since
        if not check_experiment(treatment[check], y[check], min_per_arm):
            problem = check_experiment(treatment[~check], y[~check], min_per_arm)
            if problem:
                raise ValidationError(f"Cannot choose a learner: the waves before the check have {problem}.",
                                      code="insufficient_data", field="dates")
            return check
    raise ValidationError("Cannot choose a learner: the experiment has no older wave to train on before a check "
                          "wave that measures on its own.", code="insufficient_data", field="dates",
                          details={"days": len(np.unique(days))})


def select_learner(waves, learners=None) -> tuple[str, dict[str, float]]:
    """The meta-learner with the best Qini on the latest wave of an experiment, each trained on the waves before.

    Only the waves given take part: the caller keeps the held-out data (and
    the day the targeting is scored) out of them, so the choice never looks
    at what it is judged on. Each learner is fitted once (no bagging) with its
    stated defaults.

    Parameters
    ----------
    waves : sequence of (X, treatment, y)
        The randomized experiment's waves, oldest first (at least two); the
        last is the check (:func:`check_wave` splits a dated experiment).
    learners : dict of str to estimator class, optional
        Candidates by name (default :data:`LEARNERS`); each class takes
        ``n_bootstrap``.

    Returns
    -------
    (str, dict of str to float)
        The chosen learner's name (the first of the best on a tie) and every
        candidate's Qini on the check wave.

    Raises
    ------
    ValidationError
        ``insufficient_data`` with fewer than two waves or a wave that is no
        experiment (see :func:`check_experiment`).
    """
    learners = LEARNERS if learners is None else learners
    if len(waves) < 2:
        raise ValidationError("Cannot choose a learner: at least two waves are needed (train, then check).",
                              code="insufficient_data", field="waves", details={"waves": len(waves)})
    X, treatment, y = (np.concatenate([np.asarray(wave[i]) for wave in waves[:-1]]) for i in range(3))
    X_check, treatment_check, y_check = (np.asarray(part) for part in waves[-1][:3])
    for name, (arm, outcome) in (("training", (treatment, y)), ("check", (treatment_check, y_check))):
        problem = check_experiment(arm, outcome)
        if problem:
            raise ValidationError(f"Cannot choose a learner: the {name} waves have {problem}.",
                                  code="insufficient_data", field="waves")
    scores = {name: qini(learner(n_bootstrap=1).fit(X, treatment, y).predict(X_check), treatment_check, y_check)
              for name, learner in learners.items()}
    return max(scores, key=scores.get), scores


TARGETING_POLICIES = ("uplift", "risk", "random")
# The paired differences reported with the policies: (name, policy, policy it is compared with)
TARGETING_DIFFERENCES = (("uplift_minus_risk", "uplift", "risk"), ("uplift_minus_random", "uplift", "random"))


class TargetingComparison(NamedTuple):
    """The figures of :func:`compare_targeting`: one table per policy, one per paired difference."""

    policies: pd.DataFrame
    differences: pd.DataFrame


def compare_targeting(X, treatment, y, risk, budget_share: float = 0.2, learner=None, n_folds: int = 5,
                      n_bootstrap: int = 200, random_state: int = 0) -> TargetingComparison:
    """Outcomes gained per 1,000 customers targeted three ways at the same budget, measured on an experiment.

    Each customer of a randomized experiment (``treatment`` drawn at random,
    ``y`` the outcome to raise, e.g. *stayed*) is ranked by each policy: its
    uplift estimated by ``learner`` **cross-fitted** (trained on the other
    folds, so no customer is scored by a model that saw them), its ``risk``
    (what a churn-risk rule targets) and a random draw. A policy's figure is
    the outcome rate of the treated minus that of the control customers among
    its top ``budget_share``: the effect the policy would have had on the
    customers it picks, per 1,000. The interval is the 2.5 and 97.5
    percentiles over ``n_bootstrap`` resamples of the customers (stratified
    by arm), the rankings held fixed. Every policy is scored on the **same**
    resamples, so the differences between policies are paired
    (:func:`targeting_differences`): two policies' separate intervals may
    overlap while the interval of their difference lies above 0.

    Parameters
    ----------
    X : array-like, shape (n, features)
    treatment, y : array-like of 0/1
    risk : array-like of float
    budget_share : float
        Share of the customers each policy may target, in (0, 1].
    learner : estimator, optional
        A meta-learner with ``fit(X, treatment, y)`` and ``predict`` (default :class:`TLearner` with 1 fit).
    n_folds, n_bootstrap, random_state : int

    Returns
    -------
    TargetingComparison
        ``policies``: one row per policy of :data:`TARGETING_POLICIES`:
        ``policy``, ``per_1000``, ``ci_low``, ``ci_high``, ``targeted``,
        ``treated`` and ``control`` (customers of each arm among the
        targeted). ``differences``: :func:`targeting_differences` of the
        same resamples.

    Raises
    ------
    ValidationError
        ``insufficient_data`` (see :func:`check_experiment`), ``invalid_value`` (budget), or misaligned inputs.
    """
    X, treatment, y = _validated(X, treatment, y)
    risk = np.asarray(risk, dtype=float)
    if risk.shape != (len(X),):
        raise ValidationError("risk must have one value per customer.", code="length_mismatch", field="risk")
    if not 0 < budget_share <= 1:
        raise ValidationError("budget_share must be in (0, 1].", code="invalid_value", field="budget_share")
    problem = check_experiment(treatment, y)
    if problem:
        raise ValidationError(f"Cannot compare targeting: {problem}.", code="insufficient_data", field="treatment")
    learner = learner if learner is not None else TLearner(n_bootstrap=1, random_state=random_state)
    estimate = np.zeros(len(X))
    strata = treatment * 2 + y
    for train, test in StratifiedKFold(n_folds, shuffle=True, random_state=random_state).split(X, strata):
        estimate[test] = clone(learner).fit(X[train], treatment[train], y[train]).predict(X[test])
    rng = np.random.default_rng(random_state)
    scores = {"uplift": estimate, "risk": risk, "random": rng.random(len(X))}
    budget = max(1, int(round(budget_share * len(X))))
    arms = (np.flatnonzero(treatment), np.flatnonzero(~treatment))
    resamples = [np.arange(len(X))] + [np.concatenate([rng.choice(arm, len(arm)) for arm in arms])
                                       for _ in range(n_bootstrap)]
    rows, effects = [], {}
    for policy in TARGETING_POLICIES:
        chosen = np.zeros(len(X), bool)
        chosen[np.argsort(-scores[policy], kind="stable")[:budget]] = True
        per_sample = []
        for sample in resamples:
            picked_t = sample[chosen[sample] & treatment[sample]]
            picked_c = sample[chosen[sample] & ~treatment[sample]]
            per_sample.append(1000 * (y[picked_t].mean() - y[picked_c].mean())
                              if len(picked_t) and len(picked_c) else np.nan)
        effects[policy] = per_sample
        low, high = np.nanpercentile(per_sample[1:], [2.5, 97.5])
        rows.append({"policy": policy, "per_1000": float(per_sample[0]), "ci_low": float(low),
                     "ci_high": float(high), "targeted": budget, "treated": int((chosen & treatment).sum()),
                     "control": int((chosen & ~treatment).sum())})
    return TargetingComparison(pd.DataFrame(rows), targeting_differences(pd.DataFrame(effects)))


def targeting_differences(effects: pd.DataFrame) -> pd.DataFrame:
    """Paired differences between targeting policies, each with its 95 % interval and the verdict it supports.

    Parameters
    ----------
    effects : pandas.DataFrame
        One column per policy of :data:`TARGETING_POLICIES`, one row per
        sample: the first the customers as observed, the others resamples
        drawn once and shared by every policy (as :func:`compare_targeting`
        scores them). NaN where a sample left a policy an empty arm.

    Returns
    -------
    pandas.DataFrame
        One row per difference of :data:`TARGETING_DIFFERENCES`:
        ``difference`` (its name), ``policy`` and ``baseline`` (the policy
        it is compared with), ``per_1000`` (the difference of the two
        policies' observed figures), ``ci_low`` and ``ci_high`` (2.5 and
        97.5 percentiles of the differences taken **within** each resample,
        NaN ones left out) and ``verdict``: ``"shown"`` when the interval
        lies above 0, else ``"not shown"``.
    """
    rows = []
    for name, policy, baseline in TARGETING_DIFFERENCES:
        paired = (effects[policy] - effects[baseline]).to_numpy(float)
        low, high = np.nanpercentile(paired[1:], [2.5, 97.5]) if np.isfinite(paired[1:]).any() else (np.nan,) * 2
        rows.append({"difference": name, "policy": policy, "baseline": baseline, "per_1000": float(paired[0]),
                     "ci_low": float(low), "ci_high": float(high), "verdict": "shown" if low > 0 else "not shown"})
    return pd.DataFrame(rows)
