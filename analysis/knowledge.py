"""Knowledge diffusion figures: who learns what, and how fast, under each design.

The learning engine (docs/ODD.md, 7.4) gives each role a vantage on some knowledge domains and a
need for others; designs differ in how the knowledge a role cannot see for itself reaches it.
These figures show that mechanism over time and at the end of the run. They adapt to what the
model collected (:func:`analysis.data.knowledge_metrics`):

- knowledge per role *and* domain (``knowledge_<role>_<domain>``): a role x domain grid;
- knowledge per role (``knowledge_<role>``) and per domain (``knowledge_<domain>``): a row of
  role panels above a row of domain panels.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from salesorg.analysis.data import end_of_run, knowledge_grid, knowledge_metrics, metric_info
from salesorg.analysis.figures import band_table, figure_legend, line_groups, plot_bands, time_label
from salesorg.analysis.theme import metric_label, palette, pretty, theme


def has_knowledge_metrics(results) -> bool:
    """True when the results hold knowledge broken down by role and/or domain."""
    return not knowledge_metrics(results.metrics).empty


def knowledge_layout(results) -> str:
    """``"grid"`` (role x domain metrics), ``"profiles"`` (by role, by domain) or ``"none"``."""
    if not knowledge_grid(results.metrics).empty:
        return "grid"
    return "profiles" if has_knowledge_metrics(results) else "none"


def _unit_label(metric: str, info) -> str:
    unit = info.get(metric, ("", ""))[0]
    return metric_label("knowledge", {"knowledge": (unit, "")})


def _panels(results) -> list[list[tuple[str, str, str]]]:
    """Rows of ``(metric, panel title, row label)`` for the diffusion figure; "" = empty slot."""
    table = knowledge_metrics(results.metrics)
    if table.empty:
        raise ValueError(
            "no knowledge metrics by role or domain (knowledge_<role>, knowledge_<domain>, "
            "knowledge_<role>_<domain>) in these results; metrics are: "
            + ", ".join(results.metrics)
        )
    grid = knowledge_grid(results.metrics)
    if not grid.empty:
        roles = list(dict.fromkeys(grid["role"]))
        domains = list(dict.fromkeys(grid["domain"]))
        lookup = {(r.role, r.domain): r.metric for r in grid.itertuples()}
        return [
            [
                (lookup.get((role, d), ""), pretty(d) if i == 0 else "", pretty(role))
                for d in domains
            ]
            for i, role in enumerate(roles)
        ]
    by_role = table[(table["role"] != "") & (table["domain"] == "")]
    by_domain = table[table["role"] == ""]
    rows = []
    for part, key, label in ((by_role, "role", "By role"), (by_domain, "domain", "By domain")):
        if not part.empty:
            rows.append([(r.metric, pretty(getattr(r, key)), label) for r in part.itertuples()])
    width = max(len(row) for row in rows)
    return [row + [("", "", row[0][2])] * (width - len(row)) for row in rows]


def knowledge_diffusion_figure(results, *, level: float = 0.95, info=None):
    """Knowledge over time by role and by domain (or role x domain), a line per design."""
    panels = _panels(results)
    info = metric_info(results) if info is None else info
    title, groups, note = line_groups(results)
    order = list(dict.fromkeys(groups.loc[results.runs["run_id"]].tolist()))
    colours = palette(order)
    metrics = [m for row in panels for m, _, _ in row if m]
    bands = band_table(results, metrics, level)
    nrows, ncols = len(panels), len(panels[0])
    with theme():
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(1.9 * ncols + 0.6, 1.55 * nrows + 1.1),
            layout="constrained",
            sharex=True,
            sharey=True,
            squeeze=False,
        )
        for i, row in enumerate(panels):
            for j, (metric, panel_title, row_label) in enumerate(row):
                ax = axes[i, j]
                if not metric:
                    ax.set_axis_off()
                    continue
                plot_bands(ax, bands[bands["metric"] == metric], order, colours)
                ax.set_title(panel_title)
                ax.set_ylabel(row_label if j == 0 else "")
                ax.set_xlabel(time_label(results) if i == nrows - 1 else "")
                ax.tick_params(labelbottom=True)
        fig.supylabel(_unit_label(metrics[0], info), fontsize=8)
        handles, labels = axes[0, 0].get_legend_handles_labels()
        figure_legend(fig, handles, labels, title, max(2, ncols // 2))
        suffix = f" ({note})" if note else ""
        fig.suptitle(f"Knowledge over time: mean with {level:.0%} band{suffix}", fontsize=8)
    return fig


def knowledge_map_figure(results, *, window: float = 0.1, info=None):
    """End-of-run knowledge as heatmaps: role x domain per design, or design x role / domain."""
    panels = _panels(results)
    info = metric_info(results) if info is None else info
    title, groups, note = line_groups(results)
    metrics = [m for row in panels for m, _, _ in row if m]
    outcomes = end_of_run(results, metrics, window=window)
    outcomes["group"] = outcomes["run_id"].map(groups)
    order = list(dict.fromkeys(outcomes["group"]))
    means = outcomes.groupby("group")[metrics].mean().reindex(order)
    if knowledge_layout(results) == "grid":
        maps = []
        for group in order:
            values = [[means.loc[group, m] if m else np.nan for m, _, _ in row] for row in panels]
            rows = [row[0][2] for row in panels]
            columns = [t for _, t, _ in panels[0]]
            maps.append((f"{title}: {group}", pd.DataFrame(values, index=rows, columns=columns)))
    else:
        maps = []
        for row in panels:
            cells = [(m, t) for m, t, _ in row if m]
            table = means[[m for m, _ in cells]].set_axis([t for _, t in cells], axis=1)
            maps.append((row[0][2], table))
    values = np.concatenate([m.to_numpy(dtype=float).ravel() for _, m in maps])
    vmin, vmax = np.nanmin(values), np.nanmax(values)
    ncols = min(3, len(maps))
    nrows = -(-len(maps) // ncols)
    cell_w = max(len(m.columns) for _, m in maps)
    cell_h = max(len(m.index) for _, m in maps)
    row_room = 0.07 * max(len(str(i)) for _, m in maps for i in m.index)
    with theme():
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(
                (0.62 * cell_w + row_room + 0.3) * ncols + 1.0,
                (0.36 * cell_h + 1.6) * nrows + 0.4,
            ),
            layout="constrained",
            squeeze=False,
        )
        for ax, (panel_title, table) in zip(axes.flat, maps, strict=False):
            sns.heatmap(
                table,
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
            )
            ax.tick_params(axis="x", rotation=90)
            ax.tick_params(axis="y", rotation=0)
            ax.set_title(panel_title)
            ax.set_xlabel("")
            ax.set_ylabel("")
        for ax in axes.flat[len(maps) :]:
            ax.remove()
        mappable = axes.flat[0].collections[0]
        fig.colorbar(mappable, ax=axes.flat[: len(maps)], label=_unit_label(metrics[0], info))
        suffix = f" ({note})" if note else ""
        fig.suptitle(f"End-of-run knowledge{suffix}", fontsize=8)
    return fig
