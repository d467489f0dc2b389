"""salesorg.analysis.linking_curve: the Fang, Lee & Schilling check pairs seeds and finds a
peak only where the paired differences say so."""

import numpy as np
import pandas as pd
import pytest
from salesorg.analysis.linking_curve import OUTCOMES, run_curve, summarise


def synthetic(shape, noise=0.01, seeds=8):
    """Runs whose knowledge is ``shape[link]`` plus a per-seed level (shared across links, as
    common random numbers give) and a little noise."""
    rng = np.random.default_rng(0)
    level = rng.normal(0, 0.2, seeds)  # large between seeds: only pairing sees the peak
    rows = [
        {"cross_unit_links": link, "seed": s, "knowledge": value + level[s] + noise * rng.normal()}
        for link, value in shape.items()
        for s in range(seeds)
    ]
    return pd.DataFrame(rows)


def test_an_inverted_u_is_found_on_paired_seeds():
    out = summarise(synthetic({0.0: 0.50, 0.1: 0.55, 1.0: 0.51}))
    assert out["peak"] == 0.1 and out["inverted_u"]
    assert out["vs_isolated"][0] == pytest.approx(0.05, abs=0.02)
    # unpaired, the per-link intervals overlap: the between-seed spread hides the peak
    curve = out["curve"].set_index("cross_unit_links")
    assert curve.loc[0.1, "low"] < curve.loc[0.0, "high"]


def test_a_monotone_curve_is_not_an_inverted_u():
    out = summarise(synthetic({0.0: 0.50, 0.1: 0.52, 1.0: 0.54}))
    assert not out["inverted_u"] and out["vs_connected"][2] < 0


def test_run_curve_pairs_seeds_across_link_values():
    runs = run_curve((0.0, 0.5, 1.0), seeds=(0, 1), weeks=3, last=2, interdependence=1)
    assert len(runs) == 6 and set(OUTCOMES) <= set(runs.columns)
    assert (runs.groupby("cross_unit_links").seed.apply(list) == [[0, 1]] * 3).all()
    with pytest.raises(ValueError, match="last = 5"):
        run_curve((0.0,), seeds=(0,), weeks=3, last=5)
    with pytest.raises(ValueError, match="at least three link values"):
        summarise(runs[runs.cross_unit_links < 1.0])
