"""The benchmark's paired bootstrap: policies scored on the same customers and outcome draws, compared within each
resample."""

import numpy as np

from benchmarks.recommend import POLICIES, _per_1000, paired_bootstrap


def _world(n=2000, seed=0, edge=0.02):
    """Every customer's saving is shared noise; the uplift policy's picks are kept ``edge`` more often."""
    rng = np.random.default_rng(seed)
    saved = rng.normal(0.1, 0.3, n)  # customers kept per pick: large shared noise, the same for every policy
    picked = {name: np.zeros(n) for name in POLICIES}
    picked["uplift"][:200] = picked["risk"][:200] = picked["oracle"][:200] = 1.0
    picked["random"][rng.choice(n, 200, replace=False)] = 1.0
    kept = {name: picked[name] * saved for name in POLICIES}
    kept["uplift"] = kept["uplift"] + picked["uplift"] * edge
    return {"picked": picked, "kept": kept}


def test_a_small_edge_on_the_same_customers_shows_paired_and_would_not_show_apart():
    worlds = [_world(seed=seed) for seed in range(3)]
    boot = paired_bootstrap(worlds, n_resamples=500)
    difference = boot["uplift"] - boot["risk"]
    # The same picks, one kept 20 per 1,000 more: the paired difference is exactly that in every resample ...
    assert np.allclose(difference, 20.0)
    # ... while each policy's own interval is far wider than the edge, so separate intervals overlap.
    for name in ("uplift", "risk"):
        low, high = np.percentile(boot[name], [2.5, 97.5])
        assert high - low > 40
    point = _per_1000(worlds[:1], [np.ones((1, 2000))])
    assert np.isclose(point["uplift"][0] - point["risk"][0], 20.0)


def test_resampling_the_worlds_widens_the_interval_when_worlds_differ():
    worlds = [_world(seed=0, edge=0.0), _world(seed=1, edge=0.1)]
    with_worlds = paired_bootstrap(worlds, n_resamples=500)
    customers_only = paired_bootstrap(worlds, n_resamples=500, resample_worlds=False)
    spread = [np.ptp(np.percentile(b["uplift"] - b["risk"], [2.5, 97.5])) for b in (with_worlds, customers_only)]
    # Customers only: the mean of the two worlds' edges, 50 per 1,000, every time; the worlds drawn: 0 to 100.
    assert np.allclose(customers_only["uplift"] - customers_only["risk"], 50.0)
    assert spread[0] > 90 and spread[1] < 1e-6
