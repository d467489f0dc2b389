"""Statistics for comparing scenarios: confidence intervals, two-sample tests, effect sizes, Holm.

Every function here works on plain arrays of per-run outcomes (one number per replication), so it
can be checked against textbook cases without a model. :mod:`analysis.tables` applies them to
saved results.

Choices, and why:

- Confidence intervals are Student-t intervals for the mean over replications: replications are
  independent runs, and the t interval is what readers expect in a paper's table.
- Two designs are compared with Welch's t test (unequal variances; Welch 1947) when both samples
  look normal by a Shapiro-Wilk pre-test, else with the Mann-Whitney U test. When the runs of the
  two scenarios share seeds replication by replication (common random numbers), the paired
  versions are used instead (paired t, Wilcoxon signed-rank), which remove the seed-to-seed noise
  both scenarios share.
- Effect sizes: Cohen's d with the pooled standard deviation for t tests (for paired samples this
  is d_av, comparable with the unpaired d; Lakens 2013, Front. Psychol. 4:863), Cliff's delta for
  rank tests (Cliff 1993, Psychol. Bull. 114:494).
- Multiple comparisons: Holm's step-down correction (Holm 1979, Scand. J. Stat. 6:65), which
  controls the family-wise error rate without assumptions about dependence between tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Test names as printed in reports.
WELCH = "Welch's t"
MANN_WHITNEY = "Mann-Whitney U"
PAIRED_T = "paired t"
WILCOXON = "Wilcoxon signed-rank"
NO_TEST = "none (no variation)"

_METHODS = ("auto", "parametric", "rank")


def mean_ci(values, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval of the mean.

    Args:
        values: one number per replication; NaNs are dropped.
        level: confidence level, e.g. 0.95.

    Returns:
        ``(mean, low, high)``. With one value the interval is ``(nan, nan)``; with no variation it
        collapses to the mean.
    """
    x = _clean(values)
    n = x.size
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n == 1:
        return mean, math.nan, math.nan
    low, high = t_interval(mean, x.std(ddof=1), n, level)
    return mean, float(low), float(high)


def t_interval(mean, std, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Student-t confidence interval of a mean from the sample's std and size (vectorised).

    ``scipy.stats.t.interval`` with ``n - 1`` degrees of freedom and scale ``std / sqrt(n)``;
    NaN where there are fewer than two values, the mean itself where they do not vary.
    """
    mean, std, n = (np.asarray(a, dtype=float) for a in (mean, std, n))
    scale = std / np.sqrt(np.maximum(n, 1))
    spread = scale > 0
    low, high = stats.t.interval(
        level, np.maximum(n - 1, 1), loc=mean, scale=np.where(spread, scale, 1.0)
    )
    low, high = np.where(spread, low, mean), np.where(spread, high, mean)
    few = n < 2
    return np.where(few, np.nan, low), np.where(few, np.nan, high)


def cohens_d(a, b) -> float:
    """Cohen's d of ``a - b`` using the pooled standard deviation (NaN when it is zero)."""
    a, b = _clean(a), _clean(b)
    na, nb = a.size, b.size
    if na < 2 or nb < 2:
        return math.nan
    pooled = ((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2)
    if pooled <= 0:
        return math.nan
    return float((a.mean() - b.mean()) / math.sqrt(pooled))


def cliffs_delta(a, b) -> float:
    """Cliff's delta: P(a > b) - P(a < b) over all pairs, in [-1, 1]."""
    a, b = _clean(a), _clean(b)
    if a.size == 0 or b.size == 0:
        return math.nan
    diff = a[:, None] - b[None, :]
    return float((np.sum(diff > 0) - np.sum(diff < 0)) / diff.size)


def holm(pvalues) -> np.ndarray:
    """Holm step-down adjusted p-values, in the input order; NaNs stay NaN and are not counted.

    The i-th smallest of m p-values is multiplied by (m - i + 1), the running maximum is taken so
    the adjusted values keep the order of the raw ones, and the result is capped at 1.
    """
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    m = valid.size
    if m == 0:
        return out
    order = valid[np.argsort(p[valid], kind="stable")]
    scaled = p[order] * (m - np.arange(m))
    out[order] = np.minimum(1.0, np.maximum.accumulate(scaled))
    return out


@dataclass(frozen=True)
class Comparison:
    """Result of comparing one outcome between two scenarios ``a`` and ``b``.

    ``difference`` is ``mean_a - mean_b``; a positive effect size means ``a`` tends to be larger.
    """

    test: str
    paired: bool
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    difference: float
    statistic: float
    p_value: float
    effect_size: float
    effect_name: str

    def __repr__(self) -> str:
        return (
            f"Comparison({self.test}, diff={self.difference:.4g}, p={self.p_value:.3g}, "
            f"{self.effect_name}={self.effect_size:.3g}, n={self.n_a}/{self.n_b})"
        )


def compare(a, b, *, paired: bool = False, method: str = "auto", alpha: float = 0.05) -> Comparison:
    """Compare two samples of per-run outcomes.

    Args:
        a: outcomes of scenario A (one per replication).
        b: outcomes of scenario B. When ``paired``, ``a[i]`` and ``b[i]`` share a seed.
        paired: use paired tests (same length required).
        method: ``"parametric"`` (t tests), ``"rank"`` (Mann-Whitney U / Wilcoxon) or ``"auto"``
            (t test unless Shapiro-Wilk rejects normality at ``alpha`` in either sample, or in the
            paired differences).
        alpha: level of the normality pre-test.

    Returns:
        A :class:`Comparison`.
    """
    if method not in _METHODS:
        raise ValueError(f"method = {method!r} is not allowed; expected one of {_METHODS}")
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if paired:
        if a.shape != b.shape:
            raise ValueError(f"paired samples need equal lengths, got {a.size} and {b.size}")
        keep = ~(np.isnan(a) | np.isnan(b))
        a, b = a[keep], b[keep]
    else:
        a, b = _clean(a), _clean(b)
    mean_a = float(a.mean()) if a.size else math.nan
    mean_b = float(b.mean()) if b.size else math.nan
    base = dict(paired=paired, n_a=int(a.size), n_b=int(b.size), mean_a=mean_a, mean_b=mean_b)
    base["difference"] = mean_a - mean_b

    # Tests need at least two values per side and some variation to say anything.
    no_variation = (np.ptp(a - b) == 0) if paired and a.size else (_flat(a) and _flat(b))
    if a.size < 2 or b.size < 2 or no_variation:
        return Comparison(
            NO_TEST,
            **base,
            statistic=math.nan,
            p_value=math.nan,
            effect_size=math.nan,
            effect_name="-",
        )

    parametric = method == "parametric" or (
        method == "auto" and _looks_normal([a - b] if paired else [a, b], alpha)
    )
    if parametric:
        if paired:
            res = stats.ttest_rel(a, b)
            name = PAIRED_T
        else:
            res = stats.ttest_ind(a, b, equal_var=False)
            name = WELCH
        effect, effect_name = cohens_d(a, b), "Cohen's d"
    else:
        if paired:
            res = stats.wilcoxon(a, b, zero_method="zsplit")
            name = WILCOXON
        else:
            res = stats.mannwhitneyu(a, b, alternative="two-sided")
            name = MANN_WHITNEY
        effect, effect_name = cliffs_delta(a, b), "Cliff's delta"
    return Comparison(
        name,
        **base,
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        effect_size=effect,
        effect_name=effect_name,
    )


def _looks_normal(samples, alpha: float) -> bool:
    """True unless Shapiro-Wilk rejects normality in some sample (needs >= 3 varied values)."""
    for x in samples:
        if x.size >= 3 and not _flat(x) and stats.shapiro(x).pvalue < alpha:
            return False
    return True


def _flat(x: np.ndarray) -> bool:
    return x.size == 0 or np.ptp(x) == 0


def _clean(values) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    return x[~np.isnan(x)]
