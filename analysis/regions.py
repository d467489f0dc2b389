"""Where each design wins: paired design contrasts over a sweep, a map of cells, PRIM regions.

A *map* experiment runs every sampled scenario (a *point*: values of the swept parameters) once
per design on the same replication seeds (``compare = {design = [...]}`` in the experiment
file). Each (point, replication) is then one paired comparison of the designs: the same seed,
the same parameters, only the structure differs.

* :func:`cell_table` bins two swept parameters into cells (the levels of a categorical or a
  few-valued parameter, else equal-width bins) and, in each cell, names the design with the
  highest mean outcome, its margin over the runner-up and the 95% t interval of the paired
  differences (winner - runner-up, one per (point, replication) in the cell; the cell pools the
  other parameters over their sampled ranges).
* :func:`map_figure` draws the cells of bookings and ARR side by side.
* :func:`pod_regions` runs PRIM (:mod:`analysis.prim`) on the points: the box of swept
  parameters in which pods beat the best assembly-line design, and the box in which they lose.

Outcomes are end-of-run means over the last :data:`MAP_WINDOW` of each run (the last year of
a three-year run), so weekly bookings average over many weeks.
"""

from __future__ import annotations

import math
import tomllib

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from salesorg.analysis.data import completed_runs, end_of_run, format_value, metric_info
from salesorg.analysis.prim import Box, find_box
from salesorg.analysis.theme import compact, in_sentence, metric_label, pretty, theme
from scipy import stats

#: Share of each run's final steps averaged into its outcome on the map.
MAP_WINDOW = 1 / 3
#: The compared factor and the level whose regions the map states.
DESIGN, PODS = "design", "pods"
#: Numeric parameters with more distinct values than this are binned.
MAX_LEVELS = 6
MAP_METRICS = ("bookings", "arr")


def is_map(results) -> bool:
    """True for a map experiment: one whose file compares designs (``compare = {design =
    [...]}``), pods among them, over at least one swept parameter."""
    manifest = results.manifest if isinstance(results.manifest, dict) else {}
    if manifest.get("compare") != DESIGN or DESIGN not in results.factors:
        return False
    runs = completed_runs(results)
    designs = set(runs[DESIGN]) if DESIGN in runs else set()
    return PODS in designs and len(designs) > 1 and bool(swept(results))


def swept(results) -> list[str]:
    """The parameters varied besides the design (in the experiment's order)."""
    runs = completed_runs(results)
    return [f for f in results.factors if f != DESIGN and f in runs and runs[f].nunique() > 1]


def paired_outcomes(results, metrics=MAP_METRICS, window: float = MAP_WINDOW) -> pd.DataFrame:
    """One row per (point, replication): the swept parameters, ``point``, ``replication`` and
    ``<metric>:<design>`` for every metric and design (NaN where a run is missing).

    Computed once per results object, metrics and window (the map, the regions and the report
    all read it; a large map has thousands of runs)."""
    cache = results.__dict__.setdefault("_paired_outcomes", {})
    key = (tuple(metrics), window)
    if key not in cache:
        cache[key] = _paired_outcomes(results, metrics, window)
    return cache[key].copy()


def _paired_outcomes(results, metrics, window: float) -> pd.DataFrame:
    factors = swept(results)
    outcomes = end_of_run(results, list(metrics), window=window)
    outcomes["point"] = outcomes.groupby(factors, sort=False, dropna=False).ngroup()
    wide = outcomes.pivot_table(
        index=["point", "replication"], columns=DESIGN, values=list(metrics), aggfunc="first"
    )
    wide.columns = [f"{m}:{d}" for m, d in wide.columns]
    points = outcomes.groupby("point", sort=True)[factors].first()
    return wide.reset_index().merge(points, left_on="point", right_index=True)


def designs_in(table: pd.DataFrame, metric: str) -> list[str]:
    """The designs with a column for ``metric`` in a :func:`paired_outcomes` table."""
    return [c.split(":", 1)[1] for c in table.columns if c.startswith(metric + ":")]


def pods_margin(table: pd.DataFrame, metric: str) -> pd.Series:
    """Per row: pods minus the other design with the highest mean over ``table`` (the best
    assembly-line design there), so the rows stay paired with one design. (A per-row maximum
    over the others would favour them: the largest of noisy values.)"""
    others = [d for d in designs_in(table, metric) if d != PODS]
    best = max(others, key=lambda d: table[f"{metric}:{d}"].mean())
    return table[f"{metric}:{PODS}"] - table[f"{metric}:{best}"]


def declared_range(results, factor: str) -> tuple[float, float] | None:
    """The ``{low, high}`` range the experiment file gave ``factor``, if it gave one."""
    spec = results.manifest.get("spec", {}) if isinstance(results.manifest, dict) else {}
    try:
        declared = tomllib.loads(spec.get("content", "")).get("factors", {}).get(factor)
    except (tomllib.TOMLDecodeError, AttributeError, TypeError):
        return None
    if isinstance(declared, dict) and {"low", "high"} <= set(declared):
        return float(declared["low"]), float(declared["high"])
    return None


def axis_levels(values: pd.Series, bins: int, span=None) -> tuple[pd.Series, list[str]]:
    """Cell label of each value and the labels in order: the levels themselves for a
    categorical or few-valued parameter, else ``bins`` equal-width bins ``[low, high)`` of
    ``span`` (the declared range; default the values' own)."""
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    distinct = list(dict.fromkeys(values.tolist()))
    if not numeric or len(distinct) <= MAX_LEVELS:
        order = sorted(distinct) if numeric else distinct
        labels = [format_value(v) for v in order]
        return values.map(format_value), labels
    low, high = span if span is not None else (values.min(), values.max())
    edges = np.linspace(low, high, bins + 1)
    labels = [f"{edges[i]:.3g}-{edges[i + 1]:.3g}" for i in range(bins)]
    index = np.clip(np.searchsorted(edges, values.to_numpy(), side="right") - 1, 0, bins - 1)
    return pd.Series(np.array(labels)[index], index=values.index), labels


def mean_t_interval(values) -> tuple[float, float, float, int]:
    """Mean, 95% t interval and n of ``values`` (NaNs dropped)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(x.mean())
    if n < 2 or np.ptp(x) == 0:
        return mean, mean if n > 1 else math.nan, mean if n > 1 else math.nan, n
    half = float(stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half, n


def cell_table(
    results, x: str, y: str, metrics=MAP_METRICS, *, bins: int = 3, window: float = MAP_WINDOW
) -> pd.DataFrame:
    """Per cell of ``x`` x ``y`` and metric: the winning design, its margin over the runner-up
    (mean of the paired differences, 95% t interval, n pairs, and that margin relative to
    the runner-up's mean), and pods minus the best other design (mean and relative).

    ``separated`` is True where the interval of the winner's margin excludes 0.
    """
    table = paired_outcomes(results, metrics, window)
    table["x"], x_labels = axis_levels(table[x], bins, declared_range(results, x))
    table["y"], y_labels = axis_levels(table[y], bins, declared_range(results, y))
    rows = []
    for metric in metrics:
        designs = designs_in(table, metric)
        for yl in y_labels:
            for xl in x_labels:
                cell = table[(table["x"] == xl) & (table["y"] == yl)]
                if cell.empty:
                    continue
                means = {d: cell[f"{metric}:{d}"].mean() for d in designs}
                ranked = sorted(designs, key=lambda d: means[d], reverse=True)
                winner, runner = ranked[0], ranked[1]
                diff = cell[f"{metric}:{winner}"] - cell[f"{metric}:{runner}"]
                mean, low, high, n = mean_t_interval(diff)
                margin = pods_margin(cell, metric).mean()  # pods - the best other by mean
                best_other = max(means[d] for d in designs if d != PODS)
                rows.append(
                    dict(metric=metric, x=xl, y=yl, winner=winner, runner_up=runner,
                         margin=mean, ci_low=low, ci_high=high, n=n,
                         relative=mean / abs(means[runner]) if means[runner] else math.nan,
                         separated=bool(low > 0), pods_minus_best_other=margin,
                         pods_relative=margin / abs(best_other) if best_other else math.nan)
                )  # fmt: skip
    out = pd.DataFrame(rows)
    out.attrs.update(x=x, y=y, x_labels=x_labels, y_labels=y_labels, window=window)
    return out


def importance(results, metric: str = "bookings", window: float = MAP_WINDOW) -> pd.Series:
    """How much each swept parameter moves pods' margin: the spread (max - min) of the mean
    margin over its cells (levels or three bins), largest first."""
    table = paired_outcomes(results, (metric,), window)
    spread = {}
    for factor in swept(results):
        labels, _ = axis_levels(table[factor], 3, declared_range(results, factor))
        means = table.groupby(labels).apply(lambda g: pods_margin(g, metric).mean())
        spread[factor] = float(means.max() - means.min())
    return pd.Series(spread).sort_values(ascending=False)


def map_axes(results, window: float = MAP_WINDOW) -> tuple[str, str]:
    """The two swept parameters that move pods' bookings margin most (x, then y)."""
    factors = list(importance(results, window=window).index)
    if len(factors) == 1:
        raise ValueError("a map needs two swept parameters besides the design")
    return factors[0], factors[1]


def map_figure(
    results, metrics=MAP_METRICS, *, x=None, y=None, bins: int = 3, window: float = MAP_WINDOW
):
    """Which design wins in each cell, by how much, and whether the paired CI excludes 0.

    One panel per metric. A cell's colour is pods' margin over the best other design
    (relative to it: green where pods lead, purple where the assembly line leads); its text
    names the winning design and its margin over the runner-up, with ``*`` where the 95%
    paired interval of that margin excludes 0.
    """
    if x is None or y is None:
        x, y = map_axes(results, window)
    cells = cell_table(results, x, y, metrics, bins=bins, window=window)
    info = metric_info(results)
    x_labels, y_labels = cells.attrs["x_labels"], cells.attrs["y_labels"]
    limit = float(np.nanmax(np.abs(cells["pods_relative"].to_numpy()))) or 1.0
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-limit, vmax=limit)
    width = max(3.2, 0.95 * len(x_labels) + 1.4)
    with theme():
        fig, axes = plt.subplots(
            1, len(metrics), figsize=(width * len(metrics) + 0.8, 0.62 * len(y_labels) + 1.9),
            layout="constrained", squeeze=False,
        )  # fmt: skip
        image = None
        for ax, metric in zip(axes.flat, metrics, strict=True):
            part = cells[cells["metric"] == metric]
            grid = np.full((len(y_labels), len(x_labels)), np.nan)
            for row in part.itertuples():
                i, j = y_labels.index(row.y), x_labels.index(row.x)
                grid[i, j] = row.pods_relative
                star = "*" if row.separated else ""
                text = f"{row.winner}\n+{row.relative:.1%}{star}"
                dark = abs(row.pods_relative) > 0.6 * limit  # white text on a dark cell
                colour = "white" if dark else "0.1"
                ax.text(j, i, text, ha="center", va="center", fontsize=6.5, color=colour)
            image = ax.imshow(grid, cmap="PRGn", norm=norm, aspect="auto", origin="lower")
            ax.set_xticks(range(len(x_labels)), x_labels)
            ax.set_yticks(range(len(y_labels)), y_labels)
            ax.set_xlabel(pretty(x))
            ax.set_ylabel(pretty(y))
            ax.set_title(metric_label(metric, info))
            ax.grid(False)
        bar = fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.85)
        bar.set_label("pods vs best assembly line (relative)")
        bar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:+.0%}"))
        fig.suptitle(
            "Which design wins: the winner and its margin over the runner-up in each cell "
            "(* paired 95% CI excludes 0)",
            fontsize=8,
        )
    return fig


def point_table(results, metric: str, window: float = MAP_WINDOW) -> pd.DataFrame:
    """Per point: the swept parameters, pods' mean margin over the best other design, its 95%
    t interval over replications and whether pods win (mean margin > 0)."""
    table = paired_outcomes(results, (metric,), window)
    factors = swept(results)
    rows = []
    for point, group in table.groupby("point", sort=True):
        mean, low, high, n = mean_t_interval(pods_margin(group, metric))
        rows.append({**group[factors].iloc[0].to_dict(), "point": point, "margin": mean,
                     "ci_low": low, "ci_high": high, "n": n})  # fmt: skip
    out = pd.DataFrame(rows)
    out["pods_win"] = out["margin"] > 0
    return out


def pod_regions(results, metric: str, window: float = MAP_WINDOW) -> dict[str, Box]:
    """PRIM boxes over the swept parameters: where pods beat the best other design
    (``"pods"``) and where they lose to it (``"assembly line"``)."""
    points = point_table(results, metric, window)
    x = points[swept(results)]
    wins = points["pods_win"].to_numpy(float)
    return {"pods": find_box(x, wins), "assembly line": find_box(x, 1.0 - wins)}


def _amount(value: float) -> str:
    """A margin in words: 3 significant digits, with k / M for large ones."""
    return f"{value:,.0f}" if 1e3 <= abs(value) < 1e4 else compact(value)


def region_sentences(results, metrics=MAP_METRICS, window: float = MAP_WINDOW) -> list[str]:
    """Where pods win and where the assembly line wins, in words and numbers."""
    info = metric_info(results)
    sentences = []
    for metric in metrics:
        points = point_table(results, metric, window)
        n = len(points)
        wins = int(points["pods_win"].sum())
        sure_win = int((points["ci_low"] > 0).sum())
        sure_loss = int((points["ci_high"] < 0).sum())
        label = in_sentence(metric)
        unit = info.get(metric, ("", ""))[0]
        text = (
            f"On {label}, pods beat the best assembly-line design at {wins} of {n} sampled "
            f"points ({wins / n:.0%}); the paired 95% CI excludes 0 in favour of pods at "
            f"{sure_win} points and in favour of the assembly line at {sure_loss}. "
            f"Pods' margin ranges from {_amount(points['margin'].min())} to "
            f"{_amount(points['margin'].max())} {unit}".rstrip()
            + "."
        )
        boxes = pod_regions(results, metric, window)
        for side, box in boxes.items():
            who = "pods win" if side == PODS else f"the {side} wins"
            if math.isnan(box.coverage):  # no point at all: nothing to box
                text += f" {who[0].upper() + who[1:]} at no sampled point: no box."
                continue
            text += (
                f" PRIM box where {who}: {box.describe()} ({box.density:.0%} of the points in "
                f"it are {side} wins; it holds {box.coverage:.0%} of all {side} wins and "
                f"{box.support:.0%} of the points)."
            )
        sentences.append(text)
    return sentences
