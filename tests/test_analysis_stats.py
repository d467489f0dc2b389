"""Statistics on data whose answer is known: coverage, error rates, power, Holm, effect sizes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from salesorg.analysis import stats
from salesorg.analysis.synthetic import make_results
from salesorg.analysis.tables import pairwise_comparisons, summary_table


def test_t_interval_covers_the_true_mean_at_the_nominal_rate():
    rng = np.random.default_rng(1)
    samples = rng.normal(5.0, 2.0, size=(4000, 8))
    hits = 0
    for x in samples:
        _, low, high = stats.mean_ci(x, 0.95)
        hits += low <= 5.0 <= high
    # 4000 draws: the binomial sd of the coverage is 0.0034, so this is a ~4 sd band.
    assert 0.935 <= hits / len(samples) <= 0.965


def test_interval_edge_cases():
    assert stats.mean_ci([3.0, 3.0, 3.0]) == (3.0, 3.0, 3.0)
    mean, low, high = stats.mean_ci([2.0])
    assert mean == 2.0 and math.isnan(low) and math.isnan(high)
    mean, low, high = stats.mean_ci([1.0, np.nan, 3.0])
    assert mean == 2.0 and low < 2.0 < high


def test_holm_matches_a_hand_computed_case():
    # Sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> running max 0.06.
    adjusted = stats.holm([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(adjusted, [0.03, 0.06, 0.06, 0.02])
    # NaN (no test) is not a family member and stays NaN; values cap at 1.
    adjusted = stats.holm([0.2, np.nan, 0.6])
    np.testing.assert_allclose(adjusted, [0.4, np.nan, 0.6])
    assert stats.holm([0.9, 0.8])[0] == 1.0


def test_effect_sizes_on_known_samples():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])
    assert stats.cohens_d(a, b) == pytest.approx(-3.0)  # pooled sd 1, mean difference -3
    assert stats.cliffs_delta(a, b) == -1.0
    assert stats.cliffs_delta(b, a) == 1.0
    assert stats.cliffs_delta([1.0, 2.0], [1.0, 2.0]) == 0.0


@pytest.mark.parametrize("paired", [False, True])
@pytest.mark.parametrize("method", ["parametric", "rank", "auto"])
def test_null_difference_is_rejected_at_about_alpha(method, paired):
    rng = np.random.default_rng(7)
    shared = rng.normal(0, 3, size=(400, 10)) if paired else 0.0
    a = rng.normal(0, 1, size=(400, 10)) + shared
    b = rng.normal(0, 1, size=(400, 10)) + shared
    p = np.array(
        [
            stats.compare(x, y, paired=paired, method=method).p_value
            for x, y in zip(a, b, strict=True)
        ]
    )
    assert 0.02 <= np.mean(p < 0.05) <= 0.085


@pytest.mark.parametrize("paired", [False, True])
@pytest.mark.parametrize("method", ["parametric", "rank", "auto"])
def test_real_difference_is_detected(method, paired):
    rng = np.random.default_rng(11)
    shared = rng.normal(0, 3, size=(200, 10)) if paired else 0.0
    a = rng.normal(1.6, 1, size=(200, 10)) + shared
    b = rng.normal(0, 1, size=(200, 10)) + shared
    results = [stats.compare(x, y, paired=paired, method=method) for x, y in zip(a, b, strict=True)]
    assert np.mean([r.p_value < 0.05 for r in results]) > 0.8
    assert all(r.difference > 0 for r in results if r.p_value < 0.05)
    assert np.median([r.effect_size for r in results]) > 0


def test_pairing_removes_shared_seed_noise():
    rng = np.random.default_rng(3)
    shared = rng.normal(0, 5, 12)
    a, b = shared + 1.0 + rng.normal(0, 0.3, 12), shared + rng.normal(0, 0.3, 12)
    assert stats.compare(a, b, paired=True, method="parametric").p_value < 1e-4
    assert stats.compare(a, b, paired=False, method="parametric").p_value > 0.1


def test_test_names_and_degenerate_samples():
    x = np.arange(6.0)
    assert stats.compare(x, x + 1, method="parametric").test == stats.WELCH
    assert stats.compare(x, x + 1, method="rank").test == stats.MANN_WHITNEY
    noisy = x + np.array([0.1, -0.2, 0.3, 0.0, -0.1, 0.2])
    assert stats.compare(x, noisy, paired=True, method="parametric").test == stats.PAIRED_T
    assert stats.compare(x, noisy, paired=True, method="rank").test == stats.WILCOXON
    flat = stats.compare([2.0, 2.0, 2.0], [2.0, 2.0, 2.0])
    assert flat.test == stats.NO_TEST and math.isnan(flat.p_value)
    # A constant shift between paired runs has no variation to test either.
    assert stats.compare(x, x + 1, paired=True).test == stats.NO_TEST
    with pytest.raises(ValueError, match="method"):
        stats.compare(x, x, method="bayes")
    with pytest.raises(ValueError, match="equal lengths"):
        stats.compare(x, x[:3], paired=True)


def test_skewed_samples_get_a_rank_test_in_auto_mode():
    rng = np.random.default_rng(5)
    a, b = rng.lognormal(0, 1.5, 30), rng.lognormal(0, 1.5, 30)
    assert stats.compare(a, b, method="auto").test == stats.MANN_WHITNEY


def holm_by_hand(p_values):
    """Holm (1979) step by step: the k-th smallest of m p-values times (m - k + 1), made
    non-decreasing in that order and capped at 1."""
    p = list(p_values)
    order = sorted(range(len(p)), key=p.__getitem__)
    adjusted, running = [0.0] * len(p), 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - k) * p[i]))
        adjusted[i] = running
    return adjusted


def test_design_comparisons_find_the_planted_effect_and_not_the_null():
    results = make_results(replications=8)  # pods +3 bookings per week, the_model +0
    table = pairwise_comparisons(results, ["bookings", "win_rate"])
    row = table.set_index(["metric", "a", "b"])
    assert row.loc[("bookings", "functional", "pods"), "p_holm"] < 0.01
    assert row.loc[("bookings", "functional", "pods"), "difference"] < 0
    assert row.loc[("bookings", "functional", "the_model"), "p_holm"] > 0.05
    assert table["paired"].all()  # the synthetic runs reuse seeds across designs
    np.testing.assert_allclose(table["p_holm"], holm_by_hand(table["p_value"]))
    assert len(table) == 3 * 2


def test_unpaired_seeds_give_unpaired_tests_and_failed_runs_are_left_out():
    results = make_results(replications=6, paired_seeds=False, failed=2)
    table = pairwise_comparisons(results, ["bookings"], method="parametric")
    assert not table["paired"].any()
    assert set(table["test"]) == {stats.WELCH}
    assert set(table.loc[table["b"] == "pods", "n_b"]) == {4}


def test_comparisons_stay_within_strata_of_other_factors():
    results = make_results(replications=4, sweep={"cooperativeness": ([0.2, 0.8], 4.0)})
    table = pairwise_comparisons(results, ["bookings"])
    assert set(table["stratum"]) == {"cooperativeness=0.2", "cooperativeness=0.8"}
    assert len(table) == 2 * 3  # 3 design pairs in each of 2 strata


def test_summary_table_matches_a_direct_computation():
    results = make_results(replications=5, steps=20)
    summary = summary_table(results, ["bookings"], window=0.1)
    ts = results.timeseries
    last = ts[ts["step"] >= 18].groupby("run_id")["bookings"].mean()
    pods = results.runs.loc[results.runs["design"] == "pods", "run_id"]
    row = summary.set_index("label").loc["pods"]
    assert row["n"] == 5
    assert row["mean"] == pytest.approx(last.loc[pods].mean())
    assert row["ci_low"] < row["mean"] < row["ci_high"]
