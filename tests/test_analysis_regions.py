"""The map of where each design wins, and the report's regions, on synthetic results whose
answer is known: pods win exactly where handoff_loss is above 0.5; turbulence does nothing."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from salesorg.analysis import regions
from salesorg.analysis.outputs import write_figures
from salesorg.analysis.report import write_report
from salesorg.analysis.synthetic import make_results, write_results
from salesorg.analysis.theme import text_overlaps

LEVELS = [0.0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9]
# pods: -3 + 6 x handoff_loss, so they beat the_model (+0.5) where handoff_loss > 0.583
MAP = make_results(
    design_effect={"functional": 0.0, "the_model": 0.5, "pods": -3.0},
    sweep={"handoff_loss": (LEVELS, 0.0), "turbulence": ([0.0, 0.01, 0.02], 0.0)},
    interaction={"handoff_loss": {"pods": 6.0}},
    compare=True,
    replications=6,
    steps=12,
    noise=0.3,
)


def test_only_a_design_comparison_marked_compare_is_a_map():
    assert regions.is_map(MAP)
    assert regions.swept(MAP) == ["handoff_loss", "turbulence"]
    plain = make_results(replications=2, steps=6, sweep={"turbulence": ([0.0, 0.02], 0.0)})
    assert not regions.is_map(plain)


def test_paired_outcomes_has_one_row_per_point_and_seed_with_every_design():
    table = regions.paired_outcomes(MAP)
    assert len(table) == len(LEVELS) * 3 * 6
    for design in ("functional", "the_model", "pods"):
        assert table[f"bookings:{design}"].notna().all()


def test_the_cells_name_the_true_winner_and_its_interval_excludes_zero():
    cells = regions.cell_table(MAP, "handoff_loss", "turbulence", ("bookings",))
    assert cells.attrs["x_labels"] == ["0-0.3", "0.3-0.6", "0.6-0.9"]
    for row in cells.itertuples():
        expected = "pods" if row.x == "0.6-0.9" else "the_model"
        assert row.winner == expected
        assert row.separated and row.ci_low > 0
        assert (row.pods_minus_best_other > 0) == (expected == "pods")


def test_importance_and_axes_put_the_deciding_parameter_first():
    assert list(regions.importance(MAP).index) == ["handoff_loss", "turbulence"]
    assert regions.map_axes(MAP) == ("handoff_loss", "turbulence")


def test_prim_names_handoff_loss_as_the_box_where_pods_win():
    boxes = regions.pod_regions(MAP, "bookings")
    pods, line = boxes["pods"], boxes["assembly line"]
    assert pods.restricted == ("handoff_loss",) and line.restricted == ("handoff_loss",)
    assert pods.limits["handoff_loss"][0] == pytest.approx(0.6)
    assert line.limits["handoff_loss"][1] == pytest.approx(0.45)
    assert pods.density == 1.0 and pods.coverage == 1.0


def test_map_figure_draws_both_outcomes_without_overlapping_text():
    fig = regions.map_figure(MAP)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(titles) == 2
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert sum(t.startswith("pods") for t in texts) == 2 * 3  # one bin of three rows, twice
    assert all(t.endswith("*") for t in texts)
    assert not text_overlaps(fig)
    plt.close(fig)


def test_report_states_the_regions_in_words_and_the_figures_include_the_map(tmp_path):
    results = make_results(
        design_effect={"functional": 0.0, "the_model": 0.5, "pods": -3.0},
        sweep={"handoff_loss": (LEVELS, 0.0), "turbulence": ([0.0, 0.02], 0.0)},
        interaction={"handoff_loss": {"pods": 6.0}},
        compare=True,
        replications=3,
        steps=9,
        noise=0.3,
    )
    write_results(results, tmp_path)
    figures = write_figures(results, metrics=["bookings", "arr"])
    assert figures[0].name.startswith("map_which-design-wins_handoff-loss")
    assert not any(f.name.startswith("end-of-run") for f in figures)
    md, _ = write_report(results, figures=figures, metrics=["bookings", "arr"])
    text = md.read_text()
    assert "Where pods win and where the assembly line wins" in text
    assert "pods beat the best assembly-line design at 6 of 14 sampled points (43%)" in text
    assert "PRIM box where pods win: handoff_loss in [0.6, 0.9]" in text
    assert "PRIM box where the assembly line wins: handoff_loss in [0, 0.45]" in text
    assert "Summary per scenario" not in text
