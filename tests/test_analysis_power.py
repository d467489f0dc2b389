"""The power helper against independent numbers and against simulated error rates.

Nothing here uses the helper to check itself: sample sizes are compared with published G*Power
values and the normal approximation, thresholds with printed t tables, and the error rates with
simulated paired differences counted directly.
"""

import math

import numpy as np
import pytest
from salesorg.analysis import power
from scipy import stats


def test_seeds_needed_matches_published_sample_sizes():
    """G*Power 3 (Faul et al. 2007), one-sample / matched pairs t, one tailed, alpha 0.05,
    d = 0.5: power 0.80 needs n = 27 and power 0.95 needs n = 45."""
    assert power.seeds_needed(0.5, 1.0, false_fail=0.20) == 27
    assert power.seeds_needed(0.5, 1.0, false_fail=0.05) == 45
    # scale-free: only effect / sd matters
    assert power.seeds_needed(0.05, 0.1, false_fail=0.05) == 45


@pytest.mark.parametrize("ratio", [0.3, 0.7, 1.0, 1.5])
def test_seeds_needed_sits_just_above_the_normal_approximation(ratio):
    """With a known sd the answer is ((z_0.999 + z_0.95) / (effect / sd))^2; estimating the sd
    costs a few more seeds, never fewer."""
    z = 3.090232 + 1.644854  # printed normal quantiles
    approx = (z / ratio) ** 2
    n = power.seeds_needed(ratio, 1.0)
    assert approx <= n <= approx + 5


def test_threshold_uses_the_printed_t_quantile():
    """t(0.95, 9) = 1.833 in every t table; with sd 2 and n 10 the threshold is 1.833*2/sqrt(10)."""
    assert power.threshold(2.0, 10) == pytest.approx(1.833 * 2 / math.sqrt(10), abs=1e-3)


def _simulated_pass_rate(mean, sd, n, reps, seed):
    """Share of `reps` simulated paired-t checks that pass, counted without the helper."""
    draws = np.random.default_rng(seed).normal(mean, sd, size=(reps, n))
    t = draws.mean(axis=1) / (draws.std(axis=1, ddof=1) / math.sqrt(n))
    return float((t > stats.t.ppf(0.95, n - 1)).mean())


@pytest.mark.parametrize(("effect", "sd"), [(1.0, 1.0), (0.03, 0.031), (0.5, 0.2)])
def test_simulated_error_rates_hold(effect, sd):
    """At the planned n a true effect fails < 0.1% of the time (binomial 99.9% allowance on
    200,000 simulated checks) and no effect passes 5% of the time."""
    n, reps = power.seeds_needed(effect, sd), 200_000
    false_fail = 1 - _simulated_pass_rate(effect, sd, n, reps, seed=1)
    allowance = stats.binom.ppf(0.999, reps, power.FALSE_FAIL) / reps
    assert false_fail <= allowance
    # one seed fewer must not be enough: the planned n is the smallest that holds
    assert power.false_fail_rate(effect, sd, n - 1) > power.FALSE_FAIL or n == power.MIN_SEEDS
    false_pass = _simulated_pass_rate(0.0, sd, n, reps, seed=2)
    assert abs(false_pass - 0.05) < 4 * math.sqrt(0.05 * 0.95 / reps)


def test_simulated_range_check_holds_its_error_rates():
    """Two one-sided tests: a mean inside the range fails < 0.1%, a mean on its edge passes
    at most 5%."""
    low, high, mean, sd = 0.10, 0.20, 0.16, 0.02
    n, reps = power.seeds_needed_in_range(mean, sd, low, high), 200_000
    t_crit = stats.t.ppf(0.95, n - 1)

    def pass_rate(true_mean, seed):
        x = np.random.default_rng(seed).normal(true_mean, sd, size=(reps, n))
        centre, half = x.mean(axis=1), t_crit * x.std(axis=1, ddof=1) / math.sqrt(n)
        return float(((centre - half >= low) & (centre + half <= high)).mean())

    assert 1 - pass_rate(mean, 3) <= stats.binom.ppf(0.999, reps, power.FALSE_FAIL) / reps
    assert pass_rate(high, 4) <= 0.05 + 4 * math.sqrt(0.05 * 0.95 / reps)


def test_assert_paired_effect_reports_effect_sd_n_and_threshold():
    control = np.zeros(10)
    treated = np.array([0.5, -0.4, 0.3, -0.2, 0.1, -0.3, 0.2, 0.0, -0.1, 0.0])
    with pytest.raises(AssertionError) as failure:
        power.assert_paired_effect(treated, control, effect=5.0, sd=1.0, label="lever x")
    message = str(failure.value)
    d = treated - control
    for number in (d.mean(), d.std(ddof=1), power.threshold(d.std(ddof=1), 10)):
        assert f"{number:.4g}" in message
    assert "lever x" in message and "n 10" in message


def test_assert_paired_effect_passes_a_clear_effect_in_either_direction():
    base = np.linspace(0.0, 1.0, 8)
    noise = np.array([0.1, -0.1, 0.05, -0.05, 0.0, 0.1, -0.1, 0.0])
    check = power.assert_paired_effect(base + 1 + noise, base, effect=1.0, sd=0.1)
    assert check.n == 8 and check.effect == pytest.approx(1.0)
    power.assert_paired_effect(base - 1 + noise, base, effect=1.0, sd=0.1, direction=-1)
    with pytest.raises(AssertionError):
        power.assert_paired_effect(base + 1 + noise, base, effect=1.0, sd=0.1, direction=-1)


def test_too_few_seeds_for_the_stated_effect_is_an_error():
    x = np.arange(5.0)
    with pytest.raises(ValueError, match="needs 24"):
        power.assert_paired_effect(x + 1, x, effect=1.0, sd=1.0)


def test_assert_mean_in_range_fails_outside_and_reports_the_interval():
    values = np.full(30, 0.25) + np.linspace(-0.01, 0.01, 30)
    with pytest.raises(AssertionError, match=r"not inside \[0.1, 0.2\]"):
        power.assert_mean_in_range(values, 0.1, 0.2, mean=0.15, sd=0.01)
    centre, low, high = power.assert_mean_in_range(values - 0.1, 0.1, 0.2, mean=0.15, sd=0.01)
    assert low < centre < high and centre == pytest.approx(0.15)


@pytest.mark.parametrize(
    ("effect", "sd"), [(0.0, 1.0), (-1.0, 1.0), (1.0, -0.1), (math.nan, 1.0), (1.0, math.inf)]
)
def test_planning_inputs_are_validated(effect, sd):
    with pytest.raises(ValueError):
        power.seeds_needed(effect, sd)


def test_a_deterministic_effect_with_rounding_noise_needs_the_fewest_seeds():
    # an effect that is the same on every seed shows a per-seed sd of rounding size only
    assert power.seeds_needed(0.0556, 1e-16) == power.MIN_SEEDS
    assert power.false_fail_rate(0.0556, 1e-16, 3) == 0.0
