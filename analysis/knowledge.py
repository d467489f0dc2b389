"""Knowledge diffusion figures: who learns what, and how fast, under each design.

The learning engine (MODEL.md section 2) gives each role a vantage on some knowledge domains and a
need for others; designs differ in how the knowledge a role cannot see for itself reaches it.
These figures show that mechanism: per-role, per-domain knowledge over time, and the end-of-run
role x domain map per design. They read metrics named ``knowledge_<role>_<domain>``
(see :func:`analysis.data.knowledge_grid`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from analysis.data import end_of_run, knowledge_grid, metric_info
from analysis.figures import _legend, band_table, line_groups, time_label
from analysis.theme import metric_label, palette, pretty, theme


def has_knowledge_metrics(results) -> bool:
    """True when the results hold per-role, per-domain knowledge metrics."""
    return not knowledge_grid(results.metrics).empty


def _grid(results):
    grid = knowledge_grid(results.metrics)
    if grid.empty:
        raise ValueError(
            "no per-role, per-domain knowledge metrics (knowledge_<role>_<domain>) in these "
            f"results; metrics are: {', '.join(results.metrics)}"
        )
    roles = [r for r in grid["role"].cat.categories if r in set(grid["role"])]
    domains = list(dict.fromkeys(grid["domain"]))
    return grid, roles, domains


def _unit_label(grid, info) -> str:
    unit = info.get(grid["metric"].iloc[0], ("", ""))[0]
    return metric_label("knowledge", {"knowledge": (unit, "")})


def knowledge_diffusion_figure(results, *, level: float = 0.95, info=None):
    """Knowledge of each role (rows) in each domain (columns) over time, a line per design."""
    grid, roles, domains = _grid(results)
    info = metric_info(results) if info is None else info
    title, groups, note = line_groups(results)
    order = list(dict.fromkeys(groups.loc[results.runs["run_id"]].tolist()))
    colours = palette(order)
    bands = band_table(results, grid["metric"].tolist(), level)
    lookup = {(row.role, row.domain): row.metric for row in grid.itertuples()}
    with theme():
        fig, axes = plt.subplots(
            len(roles),
            len(domains),
            figsize=(1.9 * len(domains) + 0.6, 1.45 * len(roles) + 1.0),
            layout="constrained",
            sharex=True,
            sharey=True,
            squeeze=False,
        )
        for i, role in enumerate(roles):
            for j, domain in enumerate(domains):
                ax = axes[i, j]
                metric = lookup.get((role, domain))
                if metric is None:
                    ax.set_axis_off()
                    continue
                data = bands[bands["metric"] == metric]
                for group in order:
                    line = data[data["group"] == group]
                    ax.plot(line["step"], line["mean"], color=colours[group], label=group)
                    ax.fill_between(
                        line["step"],
                        line["low"],
                        line["high"],
                        color=colours[group],
                        alpha=0.2,
                        linewidth=0,
                    )
                if i == 0:
                    ax.set_title(pretty(domain))
                ax.set_ylabel(pretty(role) if j == 0 else "")
                ax.set_xlabel(time_label(results) if i == len(roles) - 1 else "")
        fig.supylabel(_unit_label(grid, info), fontsize=8)
        handles, labels = axes[0, 0].get_legend_handles_labels()
        _legend(fig, handles, labels, title, max(2, len(domains) // 2))
        suffix = f" ({note})" if note else ""
        fig.suptitle(
            f"Knowledge by role (rows) and domain (columns): mean with {level:.0%} band{suffix}",
            fontsize=8,
        )
    return fig


def knowledge_map_figure(results, *, window: float = 0.1, info=None):
    """End-of-run knowledge, role x domain, one panel per design (or scenario)."""
    grid, roles, domains = _grid(results)
    info = metric_info(results) if info is None else info
    title, groups, note = line_groups(results)
    outcomes = end_of_run(results, grid["metric"].tolist(), window=window)
    outcomes["group"] = outcomes["run_id"].map(groups)
    order = list(dict.fromkeys(outcomes["group"]))
    means = outcomes.groupby("group")[grid["metric"].tolist()].mean()
    lookup = {(row.role, row.domain): row.metric for row in grid.itertuples()}
    maps = {}
    for group in order:
        values = np.full((len(roles), len(domains)), np.nan)
        for i, role in enumerate(roles):
            for j, domain in enumerate(domains):
                metric = lookup.get((role, domain))
                if metric is not None:
                    values[i, j] = means.loc[group, metric]
        maps[group] = values
    vmin = np.nanmin([m for m in maps.values()])
    vmax = np.nanmax([m for m in maps.values()])
    ncols = min(3, len(order))
    nrows = -(-len(order) // ncols)
    with theme():
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(0.62 * len(domains) * ncols + 2.2, 0.36 * len(roles) * nrows + 1.9 * nrows),
            layout="constrained",
            squeeze=False,
        )
        for k, (ax, group) in enumerate(zip(axes.flat, order, strict=False)):
            sns.heatmap(
                maps[group],
                ax=ax,
                cmap="cividis",
                vmin=vmin,
                vmax=vmax,
                annot=True,
                fmt=".2f",
                annot_kws={"fontsize": 5.5},
                cbar=False,
                linewidths=0.5,
                linecolor="white",
                xticklabels=[pretty(d) for d in domains],
                yticklabels=[pretty(r) for r in roles] if k % ncols == 0 else False,
            )
            ax.tick_params(axis="x", rotation=90)
            ax.tick_params(axis="y", rotation=0, left=k % ncols == 0)
            ax.set_title(f"{title}: {group}" if title != "Scenario" else group)
        for ax in axes.flat[len(order) :]:
            ax.remove()
        mappable = axes.flat[0].collections[0]
        fig.colorbar(mappable, ax=axes.flat[: len(order)], label=_unit_label(grid, info))
        suffix = f" ({note})" if note else ""
        fig.suptitle(f"End-of-run knowledge by role and domain{suffix}", fontsize=8)
    return fig
