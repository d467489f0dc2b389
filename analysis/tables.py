"""Tables a paper needs from saved results: per-scenario summaries and pairwise comparisons.

Outcomes are end-of-run values (:func:`analysis.data.end_of_run`); the statistics are those of
:mod:`analysis.stats`.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from salesorg.analysis import stats
from salesorg.analysis.data import end_of_run, format_value, main_metrics, primary_factor


def summary_table(results, metrics=None, *, window: float = 0.1, level: float = 0.95):
    """Mean, confidence interval and n of each end-of-run metric, per scenario.

    Returns:
        Long DataFrame: ``scenario, label, metric, n, mean, sd, ci_low, ci_high``.
    """
    metrics = list(main_metrics(results) if metrics is None else metrics)
    outcomes = end_of_run(results, metrics, window=window)
    rows = []
    for scenario, group in outcomes.groupby("scenario", sort=True):
        for metric in metrics:
            values = group[metric].to_numpy(dtype=float)
            values = values[~np.isnan(values)]
            mean, low, high = stats.mean_ci(values, level)
            sd = float(values.std(ddof=1)) if values.size > 1 else np.nan
            rows.append(
                dict(
                    scenario=scenario,
                    label=group["label"].iloc[0],
                    metric=metric,
                    n=int(values.size),
                    mean=mean,
                    sd=sd,
                    ci_low=low,
                    ci_high=high,
                )
            )
    return pd.DataFrame(rows)


def seeds_paired(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """True when two scenarios' runs share seeds replication by replication (>= 2 shared)."""
    if "seed" not in a.columns or "seed" not in b.columns:
        return False
    merged = a[["replication", "seed"]].merge(b[["replication", "seed"]], on="replication")
    return len(merged) >= 2 and bool((merged["seed_x"] == merged["seed_y"]).all())


def pairwise_comparisons(
    results,
    metrics=None,
    *,
    factor: str | None = None,
    window: float = 0.1,
    method: str = "auto",
    paired: str | bool = "auto",
):
    """Compare every pair of levels of ``factor`` on each metric, within each stratum.

    A stratum is one combination of the other factors, so a design comparison never mixes
    seating arrangements or sweep points. Holm's correction runs over the whole table: every
    test reported is one member of the family.

    Args:
        results: loaded results.
        metrics: outcomes to compare; default :func:`analysis.data.main_metrics`.
        factor: factor whose levels are compared; default ``design`` (else the first factor).
        window: share of final steps averaged into the end-of-run outcome.
        method: ``"auto"``, ``"parametric"`` or ``"rank"`` (see :func:`analysis.stats.compare`).
        paired: ``"auto"`` pairs runs by replication when their seeds match; ``True``/``False``
            force it.

    Returns:
        DataFrame with ``stratum, metric, a, b, n_a, n_b, mean_a, mean_b, difference, test,
        paired, statistic, p_value, p_holm, effect_size, effect_name``; empty if fewer than two
        levels.
    """
    metrics = list(main_metrics(results) if metrics is None else metrics)
    factor = factor or primary_factor(results)
    outcomes = end_of_run(results, metrics, window=window)
    if factor is None:
        return pd.DataFrame()
    others = [f for f in results.factors if f != factor]
    strata = outcomes.groupby(others, sort=False) if others else [((), outcomes)]
    rows = []
    for key, stratum in strata:
        key = key if isinstance(key, tuple) else (key,)
        stratum_label = ", ".join(
            f"{f}={format_value(v)}" for f, v in zip(others, key, strict=True)
        )
        levels = list(dict.fromkeys(stratum[factor].tolist()))
        for level_a, level_b in combinations(levels, 2):
            run_a = stratum[stratum[factor] == level_a].sort_values("replication")
            run_b = stratum[stratum[factor] == level_b].sort_values("replication")
            is_paired = seeds_paired(run_a, run_b) if paired == "auto" else bool(paired)
            if is_paired:
                both = run_a.merge(run_b, on="replication", suffixes=("_a", "_b"))
            for metric in metrics:
                if is_paired:
                    x, y = both[f"{metric}_a"], both[f"{metric}_b"]
                else:
                    x, y = run_a[metric], run_b[metric]
                result = stats.compare(x, y, paired=is_paired, method=method)
                rows.append(
                    dict(
                        stratum=stratum_label,
                        metric=metric,
                        a=format_value(level_a),
                        b=format_value(level_b),
                        **{k: getattr(result, k) for k in _COMPARISON_FIELDS},
                    )
                )
    table = pd.DataFrame(rows)
    if not table.empty:
        # Read outcome by outcome: all pairs of one metric together, metrics in the given order.
        rank = {m: i for i, m in enumerate(metrics)}
        table = table.iloc[np.argsort(table["metric"].map(rank).to_numpy(), kind="stable")]
        table = table.reset_index(drop=True)
        table.insert(table.columns.get_loc("p_value") + 1, "p_holm", stats.holm(table["p_value"]))
    return table


_COMPARISON_FIELDS = (
    "n_a",
    "n_b",
    "mean_a",
    "mean_b",
    "difference",
    "test",
    "paired",
    "statistic",
    "p_value",
    "effect_size",
    "effect_name",
)
