"""A self-contained report of one results folder: Markdown, and HTML with figures embedded.

The report says what was run (from the manifest), summarises each scenario (mean, 95% CI, n),
compares designs pairwise on the main outcomes (test, p, Holm-corrected p, effect size) and shows
every figure with a one-line caption. It is built once as a list of blocks and rendered twice,
so the Markdown and HTML versions cannot disagree.
"""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from salesorg.analysis.data import (
    completed_runs,
    format_value,
    load,
    main_metrics,
    metric_info,
    model_name,
    primary_factor,
    scenarios,
)
from salesorg.analysis.outputs import FigureFile, write_figures
from salesorg.analysis.regions import (
    MAP_METRICS,
    MAP_WINDOW,
    cell_table,
    is_map,
    map_axes,
    pod_regions,
    region_sentences,
    swept,
)
from salesorg.analysis.tables import pairwise_comparisons, seeds_paired, summary_table
from salesorg.analysis.theme import compact, metric_label
from salesorg.experiments.sampling import describe_equivalents
from salesorg.model.files import atomic_write_text


@dataclass(frozen=True)
class Block:
    """One piece of the report: ``kind`` is heading, text, code, table or figure."""

    kind: str
    text: str = ""
    level: int = 2
    table: pd.DataFrame | None = None
    figure: FigureFile | None = None


def write_report(
    results,
    directory: Path | str | None = None,
    *,
    figures: list[FigureFile] | None = None,
    metrics=None,
    window: float = 0.1,
    method: str = "auto",
) -> tuple[Path, Path]:
    """Write ``report.md`` and ``report.html`` for ``results``; return their paths.

    Args:
        results: loaded results or a results folder.
        directory: output folder; default the results folder.
        figures: figures already written (default: write them now into ``<directory>/figures``).
        metrics: main outcomes; default :func:`analysis.data.main_metrics`.
        window: share of final steps averaged into end-of-run outcomes.
        method: test choice, see :func:`analysis.stats.compare`.
    """
    results = load(results)
    directory = Path(results.path if directory is None else directory)
    directory.mkdir(parents=True, exist_ok=True)
    metrics = list(main_metrics(results) if metrics is None else metrics)
    if figures is None:
        figures = write_figures(results, directory / "figures", metrics=metrics, window=window)
    blocks = build_report(results, figures, metrics=metrics, window=window, method=method)
    md_path, html_path = directory / "report.md", directory / "report.html"
    atomic_write_text(md_path, render_markdown(blocks, directory))
    atomic_write_text(html_path, render_html(blocks))
    return md_path, html_path


def build_report(results, figures, *, metrics, window: float, method: str) -> list[Block]:
    """The report's content as blocks, in reading order."""
    info = metric_info(results)
    name = results.manifest.get("experiment", "experiment")
    blocks = [Block("heading", f"salesorg report: {name}", level=1)]
    description = results.manifest.get("description")
    if description:
        blocks.append(Block("text", description))
    blocks += [Block("heading", "What was run"), Block("table", table=run_table(results))]
    same = {int(k): int(v) for k, v in results.manifest.get("equivalent_scenarios", {}).items()}
    if same:
        lines = describe_equivalents(results.manifest["scenarios"], same)
        blocks.append(
            Block(
                "text",
                f"{len(same)} scenarios of the grid are the same model as another one, so each "
                "was run once and is reported once, under its first name: " + "; ".join(lines),
            )
        )
    spec = results.manifest.get("spec", {})
    if isinstance(spec, dict) and isinstance(spec.get("content"), str):
        blocks.append(Block("text", "The experiment file, as run:"))
        blocks.append(Block("code", spec["content"].strip()))

    if is_map(results) and all(m in results.metrics for m in MAP_METRICS):
        blocks += region_blocks(results, info)
        blocks.append(Block("heading", "Figures"))
        for i, figure in enumerate(figures, start=1):
            blocks.append(Block("figure", f"Figure {i}. {figure.caption}", figure=figure))
        return blocks

    blocks.append(Block("heading", "Summary per scenario"))
    blocks.append(
        Block(
            "text",
            f"End-of-run value of each outcome (mean over the last {window:.0%} of steps of a "
            "run), averaged over replications: mean [95% t confidence interval], n = completed "
            "runs.",
        )
    )
    blocks.append(Block("table", table=summary_wide(results, metrics, window, info)))

    factor = primary_factor(results)
    comparisons = pairwise_comparisons(results, metrics, window=window, method=method)
    compared = "designs" if factor == "design" else f"levels of {factor or 'scenario'}"
    blocks.append(Block("heading", f"Pairwise comparisons of {compared}"))
    if comparisons.empty:
        blocks.append(Block("text", "Only one scenario: nothing to compare."))
    else:
        blocks.append(Block("text", comparison_note(comparisons, method)))
        blocks.append(Block("table", table=comparison_display(comparisons, info)))

    blocks.append(Block("heading", "Figures"))
    for i, figure in enumerate(figures, start=1):
        blocks.append(Block("figure", f"Figure {i}. {figure.caption}", figure=figure))
    return blocks


def region_blocks(results, info) -> list[Block]:
    """Where each design wins (a map experiment): the regions in words, the PRIM boxes and
    the cells of the map, in place of one table row per scenario."""
    blocks = [Block("heading", "Where pods win and where the assembly line wins")]
    blocks.append(
        Block(
            "text",
            "Each sampled point (values of the swept parameters) ran once per design on the "
            "same replication seeds, so each (point, seed) is a paired comparison. Outcomes are "
            f"means over the last {MAP_WINDOW:.0%} of each run. A point is a pods win when pods' "
            "mean outcome over the seeds exceeds that of the best other design; its 95% t "
            "interval is over the seeds. PRIM (Friedman & Fisher 1999; scenario discovery as in "
            "Bryant & Lempert 2010) peels the swept parameters down to the box in which the "
            "wins concentrate; the box chosen is the densest that still holds half of them.",
        )
    )
    blocks += [Block("text", sentence) for sentence in region_sentences(results)]
    rows = []
    for metric in MAP_METRICS:
        for side, box in pod_regions(results, metric).items():
            if math.isnan(box.coverage):  # no wins of this side anywhere
                rows.append((metric_label(metric, info), side, "none (no wins)", "-", "-", "-"))
                continue
            rows.append(
                (metric_label(metric, info), side, box.describe(), f"{box.density:.0%}",
                 f"{box.coverage:.0%}", f"{box.support:.0%}")
            )  # fmt: skip
    columns = ["Outcome", "Wins of", "PRIM box", "density", "coverage", "support"]
    blocks.append(Block("table", table=pd.DataFrame(rows, columns=columns)))
    if len(swept(results)) >= 2:
        x, y = map_axes(results)
        cells = cell_table(results, x, y)
        blocks.append(Block("heading", f"The map's cells ({x} x {y})", level=3))
        table = pd.DataFrame(
            {
                "Outcome": [metric_label(m, info) for m in cells["metric"]],
                x: cells["x"],
                y: cells["y"],
                "winner": cells["winner"],
                "runner-up": cells["runner_up"],
                "margin [95% CI]": [
                    f"{_num(r.margin)} [{_num(r.ci_low)}, {_num(r.ci_high)}]"
                    for r in cells.itertuples()
                ],
                "relative": [f"{v:+.1%}" for v in cells["relative"]],
                "n pairs": cells["n"],
                "pods vs best other": [f"{v:+.1%}" for v in cells["pods_relative"]],
            }
        )
        blocks.append(Block("table", table=table))
    return blocks


def run_table(results) -> pd.DataFrame:
    """The manifest as a two-column table a reader can check the experiment against."""
    m = results.manifest
    runs = results.runs
    info = scenarios(results)
    status = runs["status"].value_counts() if "status" in runs.columns else pd.Series(dtype=int)
    levels = "; ".join(f"{f} = {_levels(info[f])}" for f in results.factors if f in info.columns)
    spec = m.get("spec", {})
    versions = m.get("versions", {})
    commit = str(m.get("git_commit", m.get("commit", "unknown")))
    dirty = m.get("git_dirty", m.get("dirty"))
    rows = [
        ("Experiment", m.get("experiment", "")),
        ("Model", m.get("model", "salesorg")),
        (
            "Experiment file",
            f"{spec.get('source', '')} (sha256 {str(spec.get('sha256', ''))[:12]})",
        ),
        ("Sampler", m.get("sampler", "")),
        ("Factors", levels or "none"),
        ("Fixed", ", ".join(f"{k} = {format_value(v)}" for k, v in m.get("fixed", {}).items())),
        ("Scenarios", len(info)),
        ("Replications per scenario", m.get("replications", runs["replication"].nunique())),
        (
            "Steps per run",
            f"{m.get('steps', '')}{' (weeks)' if model_name(results) == 'salesorg' else ''}",
        ),
        ("Metrics kept", len(results.metrics)),
        (
            "Runs",
            f"{status.get('done', 0)} done, {status.get('failed', 0)} failed of "
            f"{m.get('n_runs', len(runs))}",
        ),
        ("Master seed", m.get("master_seed", "")),
        ("Seeds paired across scenarios", "yes" if _all_paired(results) else "no"),
        ("Code", commit + (" (with uncommitted changes)" if dirty else "")),
        ("Versions", ", ".join(f"{k} {v}" for k, v in versions.items())),
        ("Started / finished", f"{m.get('started', '')} / {m.get('finished', '')}"),
    ]
    rows = [(k, str(v)) for k, v in rows if str(v) not in ("", "None")]
    return pd.DataFrame(rows, columns=["Item", "Value"])


def _levels(values: pd.Series, most: int = 12) -> str:
    """A factor's levels as listed in the run table; a sampled range as its span."""
    distinct = list(dict.fromkeys(values))
    if len(distinct) <= most:
        return ", ".join(format_value(v) for v in distinct)
    low, high = min(distinct), max(distinct)
    return f"{len(distinct)} values in [{format_value(low)}, {format_value(high)}]"


def summary_wide(results, metrics, window: float, info) -> pd.DataFrame:
    """Scenario rows, one ``mean [low, high]`` column per outcome, and n."""
    summary = summary_table(results, metrics, window=window)
    table = pd.DataFrame({"Scenario": summary.drop_duplicates("scenario")["label"].to_numpy()})
    for metric in metrics:
        rows = summary[summary["metric"] == metric]
        table[metric_label(metric, info)] = [
            f"{_num(r.mean)} [{_num(r.ci_low)}, {_num(r.ci_high)}]" for r in rows.itertuples()
        ]
    n = summary.groupby("scenario", sort=True)["n"].max().to_numpy()
    table["n"] = n
    return table


def comparison_display(comparisons: pd.DataFrame, info) -> pd.DataFrame:
    """The comparisons table with readable headers and numbers."""
    table = pd.DataFrame()
    if comparisons["stratum"].astype(bool).any():
        table["Within"] = comparisons["stratum"]
    table["Outcome"] = [metric_label(m, info) for m in comparisons["metric"]]
    table["A"] = comparisons["a"]
    table["B"] = comparisons["b"]
    table["mean A"] = comparisons["mean_a"].map(_num)
    table["mean B"] = comparisons["mean_b"].map(_num)
    table["A - B"] = comparisons["difference"].map(_num)
    table["test"] = comparisons["test"]
    table["n"] = [f"{a}/{b}" for a, b in zip(comparisons["n_a"], comparisons["n_b"], strict=True)]
    table["p"] = comparisons["p_value"].map(_p)
    table["p (Holm)"] = [
        _p(p) + (" *" if p < 0.05 else "") for p in comparisons["p_holm"].fillna(math.inf)
    ]
    table["effect size"] = [
        f"{name} = {_num(v)}" if not math.isnan(v) else "-"
        for name, v in zip(comparisons["effect_name"], comparisons["effect_size"], strict=True)
    ]
    return table


def comparison_note(comparisons: pd.DataFrame, method: str) -> str:
    """How the comparisons were made, in one paragraph."""
    paired = bool(comparisons["paired"].any())
    choice = {
        "auto": "Welch's t test when Shapiro-Wilk does not reject normality at 5% "
        "(else Mann-Whitney U)",
        "parametric": "Welch's t test",
        "rank": "Mann-Whitney U test",
    }[method]
    text = f"Each pair of levels is compared with {choice}"
    if paired:
        text += (
            "; runs that share a seed across scenarios (same replication) are compared with the "
            "paired versions (paired t, Wilcoxon signed-rank), which cancel the noise both "
            "scenarios share"
        )
    return (
        text + ". Effect sizes: Cohen's d (pooled SD) for t tests, Cliff's delta for rank tests; "
        "positive means A is larger. p-values are Holm-corrected over all "
        f"{comparisons['p_value'].notna().sum()} tests in the table; * marks Holm p < 0.05."
    )


def render_markdown(blocks: list[Block], directory: Path) -> str:
    """Markdown with figures linked by relative path."""
    out = []
    for block in blocks:
        if block.kind == "heading":
            out.append("#" * block.level + " " + block.text)
        elif block.kind == "text":
            out.append(block.text)
        elif block.kind == "code":
            out.append(f"```\n{block.text}\n```")
        elif block.kind == "table":
            out.append(_markdown_table(block.table))
        elif block.kind == "figure":
            png = next(p for p in block.figure.paths if p.suffix == ".png")
            rel = _relative(png, directory)
            out.append(f"![{block.figure.name}]({rel})\n\n*{block.text}*")
    return "\n\n".join(out) + "\n"


def render_html(blocks: list[Block]) -> str:
    """One HTML file with every figure embedded as base64 PNG."""
    title = next((b.text for b in blocks if b.kind == "heading"), "salesorg report")
    body = []
    for block in blocks:
        if block.kind == "heading":
            body.append(f"<h{block.level}>{html.escape(block.text)}</h{block.level}>")
        elif block.kind == "text":
            body.append(f"<p>{html.escape(block.text)}</p>")
        elif block.kind == "code":
            body.append(f"<pre>{html.escape(block.text)}</pre>")
        elif block.kind == "table":
            body.append(_html_table(block.table))
        elif block.kind == "figure":
            png = next(p for p in block.figure.paths if p.suffix == ".png")
            data = base64.b64encode(png.read_bytes()).decode("ascii")
            body.append(
                f'<figure><img alt="{html.escape(block.figure.name)}" '
                f'src="data:image/png;base64,{data}">'
                f"<figcaption>{html.escape(block.text)}</figcaption></figure>"
            )
    return _HTML.format(title=html.escape(title), body="\n".join(body))


_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222;
       line-height: 1.45; padding: 0 1em; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.85em; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }}
th {{ background: #f3f3f3; }}
figure {{ margin: 2em 0; }} img {{ max-width: 100%; }}
figcaption {{ font-size: 0.9em; color: #444; }}
pre {{ background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }}
</style></head>
<body>
{body}
</body></html>
"""


def _markdown_table(table: pd.DataFrame) -> str:
    def cell(value) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(c) for c in table.columns) + " |"]
    lines.append("|" + "|".join("---" for _ in table.columns) + "|")
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.to_numpy()]
    return "\n".join(lines)


def _html_table(table: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in table.to_numpy()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _num(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return compact(value, 4)


def _p(value) -> str:
    if value is None or math.isnan(value) or math.isinf(value):
        return "-"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _relative(path: Path, directory: Path) -> str:
    try:
        return path.resolve().relative_to(directory.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def _all_paired(results) -> bool:
    runs = completed_runs(results)
    groups = [g for _, g in runs.groupby("scenario")]
    return len(groups) > 1 and all(seeds_paired(groups[0], g) for g in groups[1:])
