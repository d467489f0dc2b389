"""Figures and reports from synthetic results: every file written, readable, labelled, unclipped."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure
from PIL import Image
from salesorg.analysis.figures import (
    distribution_figure,
    heatmap_figure,
    sweep_axes,
    timeseries_figure,
)
from salesorg.analysis.knowledge import (
    knowledge_diffusion_figure,
    knowledge_layout,
    knowledge_map_figure,
)
from salesorg.analysis.outputs import write_figures
from salesorg.analysis.report import write_report
from salesorg.analysis.synthetic import SYNTHETIC_METRICS, make_results, write_results
from salesorg.analysis.tables import summary_table
from salesorg.analysis.theme import compact, metric_label, palette, text_overlaps

DESIGNS = make_results(replications=4, steps=12)
SWEEP = make_results(
    replications=2,
    steps=8,
    sweep={"cooperativeness": ([0.2, 0.8], 4.0), "free_rider_share": ([0.0, 0.4], -5.0)},
)

# Knowledge by role and by domain separately, as the sales model collects it.
PROFILES = make_results(replications=3, steps=10, knowledge="profiles")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Designs results on disk with figures and report written once for the module."""
    results = make_results(replications=4, steps=12, knowledge="profiles")
    write_results(results, tmp_path_factory.mktemp("r"))
    figures = write_figures(results, metrics=["bookings", "arr", "win_rate"])
    md, html = write_report(results, figures=figures, metrics=["bookings", "arr", "win_rate"])
    return results, figures, md, html


def _close(fig):
    overlaps = text_overlaps(fig)
    plt.close(fig)
    return overlaps


@pytest.mark.parametrize(
    "draw",
    [
        lambda r: timeseries_figure(r, ["bookings", "win_rate"], info=SYNTHETIC_METRICS),
        lambda r: distribution_figure(r, ["bookings", "arr"], info=SYNTHETIC_METRICS),
        lambda r: knowledge_diffusion_figure(r, info=SYNTHETIC_METRICS),
        lambda r: knowledge_map_figure(r, info=SYNTHETIC_METRICS),
    ],
    ids=["timeseries", "distribution", "knowledge-diffusion", "knowledge-map"],
)
@pytest.mark.parametrize(
    "results", [DESIGNS, SWEEP, PROFILES], ids=["designs", "sweep", "profiles"]
)
def test_figure_functions_return_figures_without_overlapping_text(draw, results):
    fig = draw(results)
    assert isinstance(fig, Figure)
    assert _close(fig) == []


def test_heatmap_of_a_two_factor_sweep():
    assert sweep_axes(SWEEP) == ("cooperativeness", "free_rider_share")
    assert sweep_axes(DESIGNS) is None
    fig = heatmap_figure(SWEEP, "bookings", info=SYNTHETIC_METRICS)
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == [
        "Design: functional",
        "Design: the_model",
        "Design: pods",
    ]
    assert panels[0].get_xlabel() == "Cooperativeness"
    assert _close(fig) == []
    with pytest.raises(ValueError, match="two varied factors"):
        heatmap_figure(DESIGNS, "bookings")


def test_axes_carry_units_and_the_palette_is_colour_blind_safe():
    fig = timeseries_figure(DESIGNS, ["bookings"], info=SYNTHETIC_METRICS)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Bookings (k$ per week)"
    assert ax.get_xlabel() == "Time (steps)"
    colours = [line.get_color() for line in ax.get_lines()]
    assert colours == list(palette(["functional", "the_model", "pods"]).values())
    assert colours[0] == "#0072B2"  # Okabe-Ito blue
    plt.close(fig)
    assert metric_label("win_rate", SYNTHETIC_METRICS) == "Win rate (share of deals)"
    assert metric_label("mystery_metric") == "Mystery metric"


def test_time_series_bands_are_t_intervals_over_replications():
    fig = timeseries_figure(DESIGNS, ["bookings"], info=SYNTHETIC_METRICS)
    line = fig.axes[0].get_lines()[2]  # pods
    ts = DESIGNS.timeseries
    expected = ts[(ts["design"] == "pods")].groupby("step")["bookings"].mean()
    assert list(line.get_ydata()) == pytest.approx(list(expected))
    plt.close(fig)


def test_every_figure_file_is_written_non_empty_png_300_dpi_and_pdf(written):
    results, figures, _, _ = written
    names = [f.name for f in figures]
    assert names[:4] == [
        "timeseries_main-outcomes_by-design",
        "end-of-run_main-outcomes_by-scenario",
        "knowledge-diffusion_by-role-and-domain_by-design",
        "knowledge-map_end-of-run_by-role-and-domain_by-design",
    ]
    assert len(figures) == 4  # every metric is a main outcome or a knowledge metric
    for figure in figures:
        assert {p.suffix for p in figure.paths} == {".png", ".pdf"}
        assert all(p.parent == results.path / "figures" for p in figure.paths)
        png, pdf = sorted(figure.paths, key=lambda p: p.suffix != ".png")
        assert pdf.read_bytes().startswith(b"%PDF")
        with Image.open(png) as image:
            assert image.info["dpi"] == pytest.approx((300, 300), abs=0.5)
            assert min(image.size) > 300
        assert figure.caption.endswith(".") and "\n" not in figure.caption


def test_sweep_results_get_heatmaps_and_extra_metrics_their_own_time_series(tmp_path):
    sweep = make_results(replications=2, steps=6, sweep=SWEEP.truth["sweep"])
    sweep.metrics = ["bookings", "arr"]  # knowledge figures are covered elsewhere
    figures = write_figures(sweep, tmp_path, metrics=["bookings"])
    assert len(figures) == 4
    names = {f.name for f in figures}
    assert "heatmap_bookings_cooperativeness-x-free-rider-share" in names
    assert "timeseries_arr_by-design" in names  # pooled over the sweep: > 8 scenarios
    assert all(p.stat().st_size > 0 for f in figures for p in f.paths)


def test_report_has_run_summary_comparisons_and_embedded_figures(written):
    results, figures, md_path, html_path = written
    md, html = md_path.read_text(), html_path.read_text()
    for heading in ("What was run", "Summary per scenario", "Pairwise comparisons", "Figures"):
        assert f"## {heading}" in md and f"<h2>{heading}" in html
    assert "| Master seed | 20261123 |" in md
    assert "| Seeds paired across scenarios | yes |" in md
    assert '"replications": 4' in md and "<pre>{" in html  # the experiment file, verbatim
    # The summary row for pods quotes the same numbers as the summary table.
    pods = summary_table(results, ["bookings"]).set_index("label").loc["pods"]
    assert f"| pods | {pods['mean']:.4g} [{pods['ci_low']:.4g}, {pods['ci_high']:.4g}]" in md
    comparison = next(line for line in md.splitlines() if "| functional | pods |" in line)
    assert "paired t" in comparison or "Wilcoxon" in comparison
    assert "Cohen's d" in comparison or "Cliff's delta" in comparison
    assert comparison.split("|")[-3].strip().endswith("*")  # Holm p significant
    # Self-contained HTML: every figure embedded, nothing fetched from disk or network.
    assert html.count('src="data:image/png;base64,') == len(figures)
    assert not re.search(r'src="(?!data:)', html)
    for i, figure in enumerate(figures, start=1):
        assert f"Figure {i}. {figure.caption}" in md
        assert f"figures/{figure.name}.png" in md


def test_knowledge_figures_adapt_to_what_the_model_collected():
    assert knowledge_layout(DESIGNS) == "grid" and knowledge_layout(PROFILES) == "profiles"
    fig = knowledge_diffusion_figure(PROFILES, info=SYNTHETIC_METRICS)
    titles = [ax.get_title() for ax in fig.axes if ax.axison]
    assert titles[:4] == ["Marketer", "SDR", "AE", "CSM"]
    assert titles[4:] == ["Customer language", "Fit signals", "Product technical"]
    plt.close(fig)
    fig = knowledge_map_figure(PROFILES, info=SYNTHETIC_METRICS)
    heatmaps = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in heatmaps] == ["By role", "By domain"]
    assert [t.get_text() for t in heatmaps[0].get_yticklabels()] == [
        "functional",
        "the_model",
        "pods",
    ]
    plt.close(fig)
    with pytest.raises(ValueError, match="no knowledge metrics"):
        results = make_results(replications=2, steps=4)
        results.metrics = ["bookings"]
        knowledge_diffusion_figure(results)


def test_large_numbers_are_written_with_prefixes():
    assert [compact(v, 4) for v in (2.696e7, -3.065e6, 12345.0, 999.5, 0.2922)] == [
        "26.96 M",
        "-3.065 M",
        "12.35 k",
        "999.5",
        "0.2922",
    ]
    assert compact(float("nan")) == ""


def test_reports_are_written_atomically(written, monkeypatch):
    """A write that fails half-way leaves the previous report whole and no temporary file."""
    from salesorg.model import files

    results, figures, md, html = written
    before = {p: p.read_bytes() for p in (md, html)}

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_report(results, figures=figures, metrics=["bookings", "win_rate"])
    assert {p: p.read_bytes() for p in (md, html)} == before
    assert not list(md.parent.glob(".report.*"))


def test_importing_the_analysis_leaves_the_matplotlib_backend_alone():
    """A notebook keeps its backend; only the command line chooses Agg (and only by default)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    code = (
        "import matplotlib; matplotlib.use('svg');"
        "import salesorg.analysis, model.march.figures, viz.floor;"
        "assert matplotlib.get_backend() == 'svg', matplotlib.get_backend()"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["PYTHONPATH"] = str(root)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("chosen", "used"), [(None, "Agg"), ("svg", "svg")])
def test_the_command_line_picks_agg_unless_the_user_chose(chosen, used, monkeypatch, capsys):
    import os

    from salesorg.cli import main

    if chosen is None:
        monkeypatch.delenv("MPLBACKEND", raising=False)
    else:
        monkeypatch.setenv("MPLBACKEND", chosen)
    assert main(["list"]) == 0
    assert os.environ["MPLBACKEND"] == used
