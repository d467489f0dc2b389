"""How many paired seeds a comparison needs, and the check that uses them.

A behavioural claim such as "raising X raises Y" is tested on paired seeds (common random numbers):
seed ``i`` runs once at each setting, and the claim is about the mean of the paired differences
``d_i = Y(high, i) - Y(low, i)``. Two errors matter:

- a *false failure*: the effect is real (of the stated size) but the seeds drawn make the test fail.
  A test suite run many times a day must almost never do this, so it is held below 0.1%;
- a *false pass*: there is no effect, yet the test passes. Held below 5%, the usual level.

The check is the one-sided paired t test (Student 1908): it passes when the mean difference
exceeds ``t(1 - false_pass, n - 1) * s / sqrt(n)``, ``s`` being the sample sd of the differences.
Under "no effect" it passes with probability ``false_pass`` whatever the spread, and for a true
effect ``effect`` with per-seed sd ``sd`` it fails with probability
``F_nct(t_crit; n - 1, effect / sd * sqrt(n))``, the noncentral t distribution (Cohen 1988,
ch. 2). :func:`seeds_needed` returns the smallest ``n`` that holds both errors. A range claim
("the mean lies in [low, high]", a stylized fact from a cited source) uses two one-sided tests
(Schuirmann 1987, J. Pharmacokinet. Biopharm. 15:657): it passes when the 90% t interval of the
mean lies inside the range, so a mean outside the range passes with probability at most 5%.

The same numbers plan an experiment: ``seeds_needed(effect, sd)`` is the number of replications
(shared seeds) needed to detect a paired difference of ``effect`` reliably.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Chance a true effect of the stated size fails the check.
FALSE_FAIL = 0.001
#: Chance the check passes when there is no effect (or the mean lies outside the range).
FALSE_PASS = 0.05
#: Never fewer seeds than this: with two the sample sd has one degree of freedom and means little.
MIN_SEEDS = 3
#: Search limit for :func:`seeds_needed`; a claim needing more is too weak to test.
MAX_SEEDS = 10_000


def threshold(sd: float, n: int, false_pass: float = FALSE_PASS) -> float:
    """Pass threshold for the mean paired difference: one-sided t quantile times ``sd/sqrt(n)``."""
    return float(stats.t.ppf(1 - false_pass, n - 1) * sd / math.sqrt(n))


def false_fail_rate(effect: float, sd: float, n: int, false_pass: float = FALSE_PASS) -> float:
    """Probability that a true mean difference ``effect`` (per-seed sd ``sd``) fails the check."""
    _check_planning(effect, sd)
    if sd == 0 or effect / sd > 1e6:
        # no spread, or only rounding noise (a deterministic effect): the noncentral t's cdf
        # would underflow to nan at such noncentralities; the true answer is 0
        return 0.0
    crit = stats.t.ppf(1 - false_pass, n - 1)
    return float(stats.nct.cdf(crit, n - 1, effect / sd * math.sqrt(n)))


def seeds_needed(
    effect: float, sd: float, false_fail: float = FALSE_FAIL, false_pass: float = FALSE_PASS
) -> int:
    """Smallest number of paired seeds holding both error rates for ``effect`` and ``sd``.

    Args:
        effect: the stated mean paired difference, > 0 in the claimed direction.
        sd: the stated per-seed sd of the paired differences (>= 0).
        false_fail: largest acceptable chance that the true effect fails.
        false_pass: largest acceptable chance of passing when there is no effect.
    """
    _check_planning(effect, sd)
    for n in range(MIN_SEEDS, MAX_SEEDS + 1):
        if false_fail_rate(effect, sd, n, false_pass) <= false_fail:
            return n
    raise ValueError(
        f"effect {effect:g} with per-seed sd {sd:g} needs more than {MAX_SEEDS} seeds; "
        "test a larger effect (another setting, more weeks)"
    )


def range_false_fail_rate(
    mean: float, sd: float, low: float, high: float, n: int, false_pass: float = FALSE_PASS
) -> float:
    """Upper bound on the chance a true mean ``mean`` inside [low, high] fails the range check.

    The check fails when either one-sided test fails; the bound adds the two chances.
    """
    if not low < mean < high:
        raise ValueError(f"stated mean {mean:g} must lie inside ({low:g}, {high:g})")
    return min(
        1.0,
        false_fail_rate(mean - low, sd, n, false_pass)
        + false_fail_rate(high - mean, sd, n, false_pass),
    )


def seeds_needed_in_range(
    mean: float,
    sd: float,
    low: float,
    high: float,
    false_fail: float = FALSE_FAIL,
    false_pass: float = FALSE_PASS,
) -> int:
    """Smallest number of seeds for which a true mean ``mean`` fails [low, high] rarely enough."""
    for n in range(MIN_SEEDS, MAX_SEEDS + 1):
        if range_false_fail_rate(mean, sd, low, high, n, false_pass) <= false_fail:
            return n
    raise ValueError(
        f"mean {mean:g} with sd {sd:g} lies too close to [{low:g}, {high:g}] to test "
        f"with {MAX_SEEDS} seeds"
    )


@dataclass(frozen=True)
class PairedCheck:
    """Outcome of a paired check: observed mean difference, its sd, n and the pass threshold."""

    effect: float
    sd: float
    n: int
    threshold: float

    @property
    def passed(self) -> bool:
        return self.effect > self.threshold


def paired_check(differences, false_pass: float = FALSE_PASS) -> PairedCheck:
    """One-sided paired t test of mean(differences) > 0 at level ``false_pass``."""
    d = np.asarray(differences, dtype=float)
    if d.ndim != 1 or d.size < 2 or not np.isfinite(d).all():
        raise ValueError(f"need at least two finite paired differences, got {d!r}")
    sd = float(d.std(ddof=1))
    return PairedCheck(float(d.mean()), sd, d.size, threshold(sd, d.size, false_pass))


def assert_paired_effect(
    treated,
    control,
    *,
    effect: float,
    sd: float,
    direction: int = 1,
    label: str = "effect",
) -> PairedCheck:
    """Assert that ``treated`` exceeds ``control`` (``direction=-1``: falls below) on paired seeds.

    ``treated[i]`` and ``control[i]`` come from the same seed. ``effect`` and ``sd`` are the
    stated size of the effect (in the claimed direction) and the per-seed sd of the paired
    differences, as measured when the test was written; the number of pairs must be at least
    :func:`seeds_needed` for them, so a test cannot silently run on too few seeds.

    Raises:
        ValueError: fewer pairs than the stated effect and sd need.
        AssertionError: the mean paired difference is not above the threshold; the message gives
            the observed effect, sd, n, threshold and the stated numbers.
    """
    if direction not in (1, -1):
        raise ValueError(f"direction must be 1 or -1, got {direction!r}")
    treated, control = np.asarray(treated, float), np.asarray(control, float)
    if treated.shape != control.shape:
        raise ValueError(f"treated {treated.shape} and control {control.shape} must pair up")
    needed = seeds_needed(effect, sd)
    if treated.size < needed:
        raise ValueError(
            f"{label}: {treated.size} paired seeds, but a stated effect {effect:.4g} with "
            f"per-seed sd {sd:.4g} needs {needed}"
        )
    check = paired_check(direction * (treated - control))
    assert check.passed, (
        f"{label}: mean paired difference {check.effect:.4g} (sd {check.sd:.4g}, n {check.n}) "
        f"is not above the one-sided {FALSE_PASS:.0%} threshold {check.threshold:.4g}; "
        f"stated effect {effect:.4g}, sd {sd:.4g}"
    )
    return check


def assert_mean_in_range(
    values, low: float, high: float, *, mean: float, sd: float, label: str = "mean"
) -> tuple[float, float, float]:
    """Assert that the mean of per-seed ``values`` lies in [low, high] (two one-sided tests).

    ``mean`` and ``sd`` are the stated mean and per-seed sd; the number of values must be at least
    :func:`seeds_needed_in_range` for them. Returns the observed mean and the 90% interval.
    """
    x = np.asarray(values, dtype=float)
    needed = seeds_needed_in_range(mean, sd, low, high)
    if x.size < needed:
        raise ValueError(
            f"{label}: {x.size} seeds, but a stated mean {mean:.4g} with sd {sd:.4g} "
            f"in [{low:g}, {high:g}] needs {needed}"
        )
    centre, s = float(x.mean()), float(x.std(ddof=1))
    half = threshold(s, x.size)
    assert low <= centre - half and centre + half <= high, (
        f"{label}: mean {centre:.4g} (sd {s:.4g}, n {x.size}), 90% interval "
        f"[{centre - half:.4g}, {centre + half:.4g}] not inside [{low:g}, {high:g}]; "
        f"stated mean {mean:.4g}, sd {sd:.4g}"
    )
    return centre, centre - half, centre + half


def _check_planning(effect: float, sd: float) -> None:
    if not (math.isfinite(effect) and effect > 0):
        raise ValueError(
            f"effect must be a finite number > 0 (in the claimed direction), got {effect!r}"
        )
    if not (math.isfinite(sd) and sd >= 0):
        raise ValueError(f"sd must be a finite number >= 0, got {sd!r}")
