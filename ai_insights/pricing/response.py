"""Price response: how much more a product sells when it is cheaper, learnt from the company's own sales.

Each product's sales per period follow a constant-elasticity model,
``E[qty] = exp(a_p) * (1 - discount) ** e_p``: ``e_p`` is the product's
price elasticity (``-2`` means 1 % off sells about 2 % more). The quantity
counts every unit sold, so it holds both more customers converting and
customers buying more.

1. **Each product alone**: a Poisson regression of the period quantity on
   ``log(1 - discount)`` (Newton's method, all products at once), its
   standard error from the Fisher information inflated by the category's
   over-dispersion (Pearson). A product whose discount never varied, or that
   sold nothing, has no estimate of its own.
2. **Shrunk to the category** (empirical Bayes): the spread ``tau`` of the
   true elasticities around their category's mean is one DerSimonian-Laird
   estimate over all categories, and each category's mean is the
   precision-weighted mean of its products' own estimates. Each product's
   posterior is the precision-weighted mix of its own estimate and its
   category's mean, so a product with little data sits near its category
   and one with much data keeps its own. Products without an estimate of
   their own get the category's mean, with its uncertainty plus ``tau``; a
   category where no product has one gets the mean of all products.

The result is the posterior mean and standard deviation of each product's
elasticity; :mod:`ai_insights.pricing.suggest` acts on the cautious end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_bridge.contract.errors import ValidationError

__all__ = ["HISTORY_COLUMNS", "SOURCES", "estimate_price_response", "weekly_history"]

#: What :func:`estimate_price_response` reads: one row per product and period.
HISTORY_COLUMNS = ("product_id", "category", "discount", "qty")
#: ``own``: the product's data dominates; ``shrunk``: its category's prior dominates; ``category``: no data of its own.
SOURCES = ("own", "shrunk", "category")
_NEWTON_STEPS = 25
# A product's discounts must vary at least this much (sd of log price) to carry an estimate.
_MIN_PRICE_SPREAD = 1e-3


def weekly_history(lines: pd.DataFrame, categories: pd.Series) -> pd.DataFrame:
    """Sales lines gathered into the estimation history: quantity and mean discount per product and week.

    Parameters
    ----------
    lines : DataFrame
        ``product_id``, ``date`` (order date), ``qty`` and ``discount`` (a
        fraction of the list price) of confirmed sales lines.
    categories : Series
        Category of each product, indexed by ``product_id``.

    Returns
    -------
    DataFrame
        :data:`HISTORY_COLUMNS` plus ``week``, every product of ``lines``
        for every week from the first to the last: the discount is the
        quantity-weighted mean of the week's lines, and a week without a sale
        has quantity 0 at no discount (the list price).
    """
    missing = {"product_id", "date", "qty", "discount"} - set(lines.columns)
    if missing:
        raise ValidationError(f"lines lack {sorted(missing)}", code="missing_column", field=sorted(missing)[0])
    week = pd.to_datetime(lines["date"]).dt.to_period("W").dt.start_time
    frame = pd.DataFrame({"product_id": lines["product_id"].to_numpy(), "week": week.to_numpy(),
                          "qty": lines["qty"].to_numpy(float),
                          "discounted": (lines["qty"] * lines["discount"]).to_numpy(float)})
    if frame.empty:
        return pd.DataFrame(columns=[*HISTORY_COLUMNS, "week"])
    weekly = frame.groupby(["product_id", "week"])[["qty", "discounted"]].sum()
    weeks = pd.date_range(frame["week"].min(), frame["week"].max(), freq="7D")
    grid = pd.MultiIndex.from_product([weekly.index.levels[0], weeks], names=["product_id", "week"])
    weekly = weekly.reindex(grid, fill_value=0.0).reset_index()
    sold = weekly["qty"] > 0
    weekly["discount"] = np.where(sold, weekly["discounted"] / weekly["qty"].where(sold, 1.0), 0.0)
    weekly["category"] = weekly["product_id"].map(categories).fillna("").astype(str).to_numpy()
    return weekly[["product_id", "category", "discount", "qty", "week"]].reset_index(drop=True)


def _validated(history: pd.DataFrame) -> pd.DataFrame:
    missing = set(HISTORY_COLUMNS) - set(history.columns)
    if missing:
        raise ValidationError(f"history lacks {sorted(missing)}", code="missing_column", field=sorted(missing)[0])
    discount = history["discount"].to_numpy(float)
    qty = history["qty"].to_numpy(float)
    bad_discount = ~np.isfinite(discount) | (discount < 0) | (discount >= 1)
    if bad_discount.any():
        i = int(np.flatnonzero(bad_discount)[0])
        raise ValidationError("discount must be a fraction in [0, 1)", code="invalid_discount",
                              field=f"history[{i}].discount")
    bad_qty = ~np.isfinite(qty) | (qty < 0)
    if bad_qty.any():
        i = int(np.flatnonzero(bad_qty)[0])
        raise ValidationError("qty must be a number >= 0", code="invalid_quantity", field=f"history[{i}].qty")
    return history


def _poisson_slopes(group: np.ndarray, x: np.ndarray, y: np.ndarray, n_groups: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-group Poisson regression ``log E[y] = a + b x``: slope, its variance, Pearson chi2 and residual dof."""
    def sums(values: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=values, minlength=n_groups)

    count = np.bincount(group, minlength=n_groups).astype(float)
    x_mean = sums(x) / np.maximum(count, 1)
    xc = x - x_mean[group]  # centred: the intercept and the slope are nearly orthogonal
    total = sums(y)
    a = np.log(np.maximum(total, 1e-9) / np.maximum(count, 1))
    b = np.zeros(n_groups)
    for _ in range(_NEWTON_STEPS):
        mu = np.exp(np.clip(a[group] + b[group] * xc, -30, 30))
        g_a, g_b = sums(y - mu), sums((y - mu) * xc)
        h_aa, h_ab, h_bb = sums(mu), sums(mu * xc), sums(mu * xc * xc)
        det = h_aa * h_bb - h_ab**2
        ok = det > 1e-12
        safe = np.where(ok, det, 1.0)
        a = a + np.where(ok, (h_bb * g_a - h_ab * g_b) / safe, 0.0)
        b = b + np.where(ok, (h_aa * g_b - h_ab * g_a) / safe, 0.0)
    mu = np.exp(np.clip(a[group] + b[group] * xc, -30, 30))
    h_aa, h_ab, h_bb = sums(mu), sums(mu * xc), sums(mu * xc * xc)
    det = h_aa * h_bb - h_ab**2
    variance = np.where(det > 1e-12, h_aa / np.where(det > 1e-12, det, 1.0), np.inf)
    pearson = sums((y - mu) ** 2 / np.maximum(mu, 1e-9))
    return b, variance, pearson, count - 2


def _between_product_variance(estimate: np.ndarray, variance: np.ndarray, category: np.ndarray) -> float:
    """DerSimonian-Laird ``tau**2``, the spread of true elasticities around their category's mean.

    One spread for every category (each around its own mean), so that a
    category of a few products does not claim they are all alike.
    """
    weight = 1.0 / variance
    frame = pd.DataFrame({"category": category, "w": weight, "we": weight * estimate,
                          "wee": weight * estimate**2, "ww": weight**2})
    sums = frame.groupby("category")[["w", "we", "wee", "ww"]].sum()
    q = float((sums["wee"] - sums["we"] ** 2 / sums["w"]).sum())
    dof = len(estimate) - len(sums)
    scale = float((sums["w"] - sums["ww"] / sums["w"]).sum())
    return max(0.0, (q - dof) / scale) if scale > 0 else 0.0


def estimate_price_response(history: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each product's price elasticity with its uncertainty, shrunk to its category.

    Parameters
    ----------
    history : DataFrame
        :data:`HISTORY_COLUMNS`: one row per product and period (a week, say),
        with the mean discount (fraction of the list price) and the quantity
        sold in it. Periods with no sale should be present with ``qty`` 0.

    Returns
    -------
    products : DataFrame indexed by product_id
        ``category``, ``elasticity`` and ``elasticity_sd`` (posterior),
        ``own_elasticity`` and ``own_sd`` (NaN without an estimate of its
        own), ``periods``, ``shrinkage`` (weight of the category prior, 0 to
        1) and ``source`` (:data:`SOURCES`).
    categories : DataFrame indexed by category
        ``elasticity`` (the mean), ``elasticity_sd`` (its standard error),
        ``tau`` (spread of the products' true elasticities) and
        ``products`` (how many estimates it was learnt from).

    Raises
    ------
    ValidationError
        ``missing_column``, ``invalid_discount``, ``invalid_quantity``, or
        ``no_estimate`` when no product's discount varied.
    """
    history = _validated(history)
    products, group = np.unique(history["product_id"].to_numpy(), return_inverse=True)
    n = len(products)
    x = np.log1p(-history["discount"].to_numpy(float))
    y = history["qty"].to_numpy(float)
    category = history.groupby(group)["category"].first().astype(str).to_numpy()
    slope, variance, pearson, dof = _poisson_slopes(group, x, y, n)
    spread = pd.Series(x).groupby(group).std(ddof=0).to_numpy()
    sold = np.bincount(group, y, n) > 0
    has_own = np.isfinite(variance) & (spread > _MIN_PRICE_SPREAD) & sold & (dof > 0)
    if not has_own.any():
        raise ValidationError("no product's discount varied: the price response cannot be learnt",
                              code="no_estimate", field="history")

    # Over-dispersion per category (at least 1): Poisson errors are too optimistic for real sales.
    frame = pd.DataFrame({"category": category, "pearson": np.where(has_own, pearson, 0.0),
                          "dof": np.where(has_own, dof, 0.0)})
    by_category = frame.groupby("category")[["pearson", "dof"]].sum()
    dispersion = np.maximum((by_category["pearson"] / by_category["dof"].clip(lower=1)).to_numpy(), 1.0)
    variance = variance * pd.Series(dispersion, by_category.index).reindex(category).to_numpy()

    tau2 = _between_product_variance(slope[has_own], variance[has_own], category[has_own])
    weight = np.where(has_own, 1.0 / (np.where(has_own, variance, 1.0) + tau2), 0.0)
    overall_mean = float((weight * np.where(has_own, slope, 0.0)).sum() / weight.sum())
    rows = {}
    for name in sorted(set(category)):
        members = has_own & (category == name)
        if members.any():
            mean, mean_var = float((weight * slope)[members].sum() / weight[members].sum()), 1.0 / weight[members].sum()
        else:  # no product of the category has data: all products' mean
            mean, mean_var = overall_mean, 1.0 / weight.sum()
        rows[name] = (mean, float(mean_var), tau2, int(members.sum()))
    prior = pd.DataFrame.from_dict(rows, orient="index", columns=["mean", "mean_var", "tau2", "products"])
    prior_mean = prior["mean"].reindex(category).to_numpy()
    prior_var = (prior["tau2"] + prior["mean_var"]).reindex(category).to_numpy()

    own_var = np.where(has_own, variance, 1.0)
    shrinkage = np.where(has_own, own_var / (own_var + prior_var), 1.0)
    posterior = shrinkage * prior_mean + (1 - shrinkage) * np.where(has_own, slope, 0.0)
    posterior_var = np.where(has_own, 1.0 / (1.0 / own_var + 1.0 / prior_var), prior_var)
    source = np.where(~has_own, "category", np.where(shrinkage > 0.5, "shrunk", "own"))
    result = pd.DataFrame({
        "category": category,
        "elasticity": posterior,
        "elasticity_sd": np.sqrt(posterior_var),
        "own_elasticity": np.where(has_own, slope, np.nan),
        "own_sd": np.where(has_own, np.sqrt(own_var), np.nan),
        "periods": np.bincount(group, minlength=n),
        "shrinkage": shrinkage,
        "source": source,
    }, index=pd.Index(products, name="product_id"))
    categories = pd.DataFrame({"elasticity": prior["mean"], "elasticity_sd": np.sqrt(prior["mean_var"]),
                               "tau": np.sqrt(prior["tau2"]), "products": prior["products"]})
    categories.index.name = "category"
    return result, categories
