"""Figures from saved results: time series, end-of-run distributions, sweep heatmaps.

Every function takes loaded results (see :mod:`analysis.data`) and returns a matplotlib
``Figure``; none shows or saves it (:func:`analysis.theme.save_figure` and
:func:`analysis.outputs.write_figures` do that). Confidence bands are Student-t intervals of the
mean over replications at each step, the same intervals as the report's tables.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from salesorg.analysis.data import (
    end_of_run,
    factor_levels,
    format_value,
    main_metrics,
    metric_info,
    model_name,
    primary_factor,
    scenarios,
)
from salesorg.analysis.stats import t_interval
from salesorg.analysis.theme import (
    compact,
    in_sentence,
    metric_label,
    palette,
    pretty,
    readable_numbers,
    theme,
)

#: Most scenarios drawn as separate lines before lines are grouped by the primary factor.
MAX_LINES = 8


def time_label(results) -> str:
    """x-axis label: salesorg steps are weeks; other models' steps are plain steps."""
    return "Time (weeks)" if model_name(results) == "salesorg" else "Time (steps)"


def line_groups(results) -> tuple[str, pd.Series, str]:
    """How runs are grouped into lines: by scenario when few, else by the primary factor.

    Returns:
        ``(legend title, group label per run_id, note)``; the note names factors pooled over.
    """
    info = scenarios(results)
    factor = primary_factor(results)
    runs = results.runs.set_index("run_id")
    if len(info) <= MAX_LINES or factor is None:
        title = pretty(factor) if len(results.factors) == 1 else "Scenario"
        return title, runs["scenario"].map(info["label"]), ""
    pooled = [f for f in results.factors if f != factor]
    note = "pooled over " + ", ".join(in_sentence(f) for f in pooled)
    return pretty(factor), runs[factor].map(format_value), note


def band_table(results, metrics, level: float = 0.95) -> pd.DataFrame:
    """Mean and t confidence band per line group and step, for each metric (long format)."""
    _, groups, _ = line_groups(results)
    ts = results.timeseries[["run_id", "step", *metrics]].copy()
    ts[metrics] = ts[metrics].astype(float)  # booleans (e.g. at_equilibrium) become shares
    ts["group"] = ts["run_id"].map(groups)
    long = ts.melt(id_vars=["group", "step"], value_vars=metrics, var_name="metric")
    agg = (
        long.groupby(["metric", "group", "step"], sort=False)["value"]
        .agg(["mean", "std", "count"])
        .reset_index()
    )
    # Steps where a metric is undefined in some runs (e.g. a win rate before any deal closes)
    # have fewer values; with fewer than two there is no band.
    agg["low"], agg["high"] = t_interval(agg["mean"], agg["std"].fillna(0.0), agg["count"], level)
    return agg


def timeseries_figure(results, metrics=None, *, level: float = 0.95, info=None):
    """Key metrics over time, one panel each, a line per scenario with its confidence band."""
    metrics = list(main_metrics(results) if metrics is None else metrics)
    info = metric_info(results) if info is None else info
    title, groups, note = line_groups(results)
    order = list(dict.fromkeys(groups.loc[results.runs["run_id"]].tolist()))
    colours = palette(order)
    bands = band_table(results, metrics, level)
    ncols = min(3, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    with theme():
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(3.3 * ncols, 2.5 * nrows + 0.5),
            layout="constrained",
            squeeze=False,
        )
        for ax, metric in zip(axes.flat, metrics, strict=False):
            data = bands[bands["metric"] == metric]
            plot_bands(ax, data, order, colours)
            ax.set_xlabel(time_label(results))
            ax.set_ylabel(metric_label(metric, info))
            ax.set_title(pretty(metric))
            readable_numbers(ax.yaxis, data["mean"])
        for ax in axes.flat[len(metrics) :]:
            ax.remove()
        handles, labels = axes.flat[0].get_legend_handles_labels()
        figure_legend(fig, handles, labels, title, ncols)
        caption = f"Mean with {level:.0%} confidence band over replications"
        fig.suptitle(caption + (f" ({note})" if note else ""), fontsize=8)
    return fig


def distribution_figure(results, metrics=None, *, window: float = 0.1, info=None):
    """End-of-run outcome per scenario: box plots with every run drawn as a point."""
    metrics = list(main_metrics(results) if metrics is None else metrics)
    info = metric_info(results) if info is None else info
    outcomes = end_of_run(results, metrics, window=window)
    order = scenarios(results)["label"].tolist()
    colours = palette(order)
    ncols = min(3, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    height = max(1.8, 0.32 * len(order) + 0.9)
    # Scenario names sit on the left of the first column: leave them room (~0.06 in a char).
    label_room = 0.06 * max(len(label) for label in order)
    with theme():
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(3.0 * ncols + label_room, height * nrows),
            layout="constrained",
            sharey=True,
            squeeze=False,
        )
        # Fixed jitter stream: the same results always give the same picture.
        jitter = np.random.default_rng(0)
        for ax, metric in zip(axes.flat, metrics, strict=False):
            values = [outcomes.loc[outcomes["label"] == s, metric].dropna() for s in order]
            positions = np.arange(len(order))
            boxes = ax.boxplot(
                values,
                positions=positions,
                orientation="horizontal",
                widths=0.6,
                patch_artist=True,
                showfliers=False,
                medianprops={"color": "0.15"},
            )
            for patch, label in zip(boxes["boxes"], order, strict=True):
                patch.set(facecolor=colours[label], alpha=0.55, edgecolor="0.25")
            for pos, vals in zip(positions, values, strict=True):
                offsets = jitter.uniform(-0.15, 0.15, len(vals))
                ax.scatter(vals, pos + offsets, s=5, color="0.15", alpha=0.8, linewidths=0)
            ax.set_yticks(positions, order)
            ax.set_ylim(len(order) - 0.5, -0.5)
            ax.set_xlabel(metric_label(metric, info))
            ax.set_ylabel("")
            readable_numbers(ax.xaxis, outcomes[metric])
            ax.set_title(pretty(metric))
        for ax in axes.flat[len(metrics) :]:
            ax.remove()
        fig.suptitle(
            f"End-of-run values (mean over the last {window:.0%} of steps), one point per run",
            fontsize=8,
        )
    return fig


def sweep_axes(results) -> tuple[str, str] | None:
    """Two factors to put on heatmap axes, or None when fewer than two factors vary.

    When ``design`` is varied alongside two or more other factors, the heatmap shows the first
    two others and is drawn once per design.
    """
    info = scenarios(results)
    varied = [f for f in results.factors if info[f].nunique() > 1]
    facet = primary_factor(results)
    others = [f for f in varied if f != facet]
    if len(others) >= 2:
        return others[0], others[1]
    if len(varied) >= 2:
        return varied[0], varied[1]
    return None


def heatmap_figure(results, metric, *, x=None, y=None, window: float = 0.1, info=None):
    """Mean end-of-run ``metric`` over a two-factor sweep, one panel per design if varied."""
    axes_pair = (x, y) if x and y else sweep_axes(results)
    if axes_pair is None:
        raise ValueError("a heatmap needs two varied factors; these results vary fewer")
    x, y = axes_pair
    info = metric_info(results) if info is None else info
    outcomes = end_of_run(results, [metric], window=window)
    facet = primary_factor(results)
    facets = factor_levels(results, facet) if facet not in (None, x, y) else [None]
    x_levels, y_levels = factor_levels(results, x), factor_levels(results, y)
    grids = []
    for level in facets:
        subset = outcomes if level is None else outcomes[outcomes[facet] == level]
        grid = subset.pivot_table(index=y, columns=x, values=metric, aggfunc="mean")
        grids.append(grid.reindex(index=y_levels[::-1], columns=x_levels))
    vmin = min(np.nanmin(g.to_numpy()) for g in grids)
    vmax = max(np.nanmax(g.to_numpy()) for g in grids)
    cells = len(x_levels) * len(y_levels)
    annotate = cells <= 49
    width = max(2.6, 0.55 * len(x_levels) + 1.2)
    with theme():
        fig, axes = plt.subplots(
            1,
            len(facets),
            figsize=(width * len(facets) + 0.9, max(2.4, 0.45 * len(y_levels) + 1.2)),
            layout="constrained",
            squeeze=False,
            sharey=True,
        )
        for i, (ax, level, grid) in enumerate(zip(axes.flat, facets, grids, strict=True)):
            labelled = grid.rename(index=format_value, columns=format_value)
            sns.heatmap(
                labelled,
                ax=ax,
                cmap="cividis",
                vmin=vmin,
                vmax=vmax,
                annot=labelled.map(compact).to_numpy() if annotate else False,
                fmt="",
                annot_kws={"fontsize": 6},
                cbar=i == len(facets) - 1,
                cbar_kws={"label": metric_label(metric, info)},
                linewidths=0.5,
                linecolor="white",
            )
            if i == len(facets) - 1:
                readable_numbers(ax.collections[0].colorbar.ax.yaxis, [vmin, vmax])
            ax.set_xlabel(pretty(x))
            ax.set_ylabel(pretty(y) if i == 0 else "")
            ax.tick_params(axis="y", rotation=0, left=i == 0)
            title = f"{pretty(facet)}: {format_value(level)}" if level is not None else ""
            ax.set_title(title)
        pooled = [f for f in results.factors if f not in (x, y, facet) or facets == [None]]
        pooled = [f for f in pooled if f not in (x, y)]
        note = f"; pooled over {', '.join(in_sentence(f) for f in pooled)}" if pooled else ""
        fig.suptitle(f"Mean end-of-run {in_sentence(metric)}{note}", fontsize=8)
    return fig


def figure_legend(fig, handles, labels, title: str, ncols: int) -> None:
    """One legend for the whole figure, below the panels, in as many columns as fit."""
    longest = max((len(label) for label in labels), default=1)
    fit = max(1, int(3.3 * ncols * 11 / (longest + 4)))
    fig.legend(
        handles, labels, title=title, loc="outside lower center", ncols=min(len(labels), fit)
    )


def plot_bands(ax, data: pd.DataFrame, order, colours) -> None:
    """One line per group with its 95% confidence band, from a ``band_table`` slice."""
    for group in order:
        line = data[data["group"] == group]
        ax.plot(line["step"], line["mean"], color=colours[group], label=group)
        ax.fill_between(
            line["step"], line["low"], line["high"], color=colours[group], alpha=0.2, linewidth=0
        )
