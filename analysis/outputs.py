"""Write every figure that fits a results folder, with names that say what each one shows.

What fits depends on the experiment: time series and distributions always; the transition
figure when a scenario reorganizes; heatmaps when two factors vary; knowledge-diffusion figures
when the model collected per-role, per-domain knowledge. Each figure is saved as PNG (300 dpi)
and PDF in ``<results>/figures/`` and described by a one-line caption that the report reuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
from salesorg.analysis.data import knowledge_metrics, load, main_metrics, metric_info
from salesorg.analysis.figures import (
    distribution_figure,
    heatmap_figure,
    line_groups,
    sweep_axes,
    timeseries_figure,
)
from salesorg.analysis.knowledge import (
    knowledge_diffusion_figure,
    knowledge_layout,
    knowledge_map_figure,
)
from salesorg.analysis.regions import MAP_METRICS, MAP_WINDOW, is_map, map_axes, map_figure, swept
from salesorg.analysis.reorganization import reorganization_figure, reorganizations
from salesorg.analysis.theme import in_sentence, pretty, save_figure, slug


@dataclass(frozen=True)
class FigureFile:
    """A saved figure: its base name, the files written and a one-line caption."""

    name: str
    paths: tuple[Path, ...]
    caption: str

    def __repr__(self) -> str:
        return f"FigureFile({self.name!r}, {len(self.paths)} files)"


def write_figures(
    results, directory: Path | str | None = None, *, metrics=None, window: float = 0.1
) -> list[FigureFile]:
    """Draw and save every applicable figure for ``results``.

    Args:
        results: loaded results or a results folder.
        directory: where to write; default ``<results folder>/figures``.
        metrics: main outcomes (default :func:`analysis.data.main_metrics`); every other metric
            gets its own time-series figure.
        window: share of final steps averaged into end-of-run values.

    Returns:
        The saved figures in the order a reader should see them.
    """
    results = load(results)
    if directory is None:
        directory = Path(results.path) / "figures"
    main = list(main_metrics(results) if metrics is None else metrics)
    info = metric_info(results)
    group_title, groups, note = line_groups(results)
    by = f"by-{slug(group_title)}"
    done = set(results.timeseries["run_id"])
    counts = groups[groups.index.isin(done)].value_counts()
    low, high = int(counts.min()), int(counts.max())
    per_line = f"{low}" if low == high else f"{low}-{high}"
    spread = f"mean of {per_line} runs per line{f' ({note})' if note else ''}"
    out: list[FigureFile] = []

    def save(fig, name: str, caption: str) -> None:
        paths = save_figure(fig, directory, name)
        plt.close(fig)
        out.append(FigureFile(name, tuple(paths), caption))

    mapped = is_map(results) and all(m in results.metrics for m in MAP_METRICS)
    if mapped and len(swept(results)) >= 2:
        x, y = map_axes(results)
        save(
            map_figure(results, x=x, y=y),
            f"map_which-design-wins_{slug(x)}-x-{slug(y)}",
            f"Where each design wins on {_listing(MAP_METRICS, capital=False)}, over "
            f"{in_sentence(x)} x {in_sentence(y)} (pooled over the other swept parameters): "
            "in each cell the design with the highest mean outcome (last "
            f"{MAP_WINDOW:.0%} of each run) and its margin over the runner-up; * where the 95% "
            "t interval of the paired differences (same point, same seed) excludes 0. Colour: "
            "pods relative to the best assembly-line design.",
        )
    listed = _listing(main)
    save(
        timeseries_figure(results, main, info=info),
        f"timeseries_main-outcomes_{by}",
        f"{listed} over time by {group_title.lower()}: {spread}, with 95% confidence bands.",
    )
    if not mapped:  # a map's scenarios are too many for one box plot each, or a heatmap
        save(
            distribution_figure(results, main, window=window, info=info),
            "end-of-run_main-outcomes_by-scenario",
            f"End-of-run {_listing(main, capital=False)} per scenario (mean of the last "
            f"{window:.0%} of steps): box plots with one point per run.",
        )
    if reorganizations(results):
        save(
            reorganization_figure(results, info=info),
            "reorganization_transition_by-move",
            "Reorganization: each move against the company that stays (paired by seed) and the "
            "one that always had the destination design, around the switch week, with 95% "
            "confidence bands; titles give the year's bookings cost and the weeks to recover.",
        )
    axes = None if mapped else sweep_axes(results)
    if axes is not None:
        x, y = axes
        for metric in main:
            save(
                heatmap_figure(results, metric, x=x, y=y, window=window, info=info),
                f"heatmap_{slug(metric)}_{slug(x)}-x-{slug(y)}",
                f"Mean end-of-run {in_sentence(metric)} over the {in_sentence(x)} x "
                f"{in_sentence(y)} sweep.",
            )
    layout = knowledge_layout(results)
    if layout != "none":
        parts = "role (rows) and domain (columns)" if layout == "grid" else "role and by domain"
        save(
            knowledge_diffusion_figure(results, info=info),
            f"knowledge-diffusion_by-role-and-domain_{by}",
            f"Knowledge diffusion: share of beliefs held correctly over time by {parts}, "
            f"one line per {group_title.lower()}, with 95% confidence bands.",
        )
        save(
            knowledge_map_figure(results, window=window, info=info),
            f"knowledge-map_end-of-run_by-role-and-domain_{by}",
            f"Who knows what at the end of the run: mean knowledge by {parts} for each "
            f"{group_title.lower()}.",
        )
    broken_down = set(knowledge_metrics(results.metrics)["metric"])
    for metric in results.metrics:
        if metric in main or metric in broken_down:
            continue
        save(
            timeseries_figure(results, [metric], info=info),
            f"timeseries_{slug(metric)}_{by}",
            f"{pretty(metric)} over time by {group_title.lower()}: {spread}, with 95% "
            "confidence bands.",
        )
    return out


def _listing(metrics, capital: bool = True) -> str:
    names = [pretty(m) if capital and i == 0 else in_sentence(m) for i, m in enumerate(metrics)]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
