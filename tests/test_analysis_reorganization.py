"""The reorganization figure and its numbers, on a small reorganization experiment."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from salesorg.analysis.outputs import write_figures
from salesorg.analysis.reorganization import (
    reorganization_figure,
    reorganizations,
    transition_summary,
    transition_table,
)

SWITCH = 10


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    from salesorg.experiments import load_results, run_experiment
    from salesorg.experiments.spec import spec_from_dict

    spec = spec_from_dict(
        {
            "description": "a small reorganization", "replications": 3, "steps": 24,
            "master_seed": 5, "fixed": {"employees": 18, "burn_in_weeks": 13},
            "metrics": ["bookings", "win_rate", "knowledge", "playbook_knowledge"],
            "scenarios": [
                {"design": "the_model"},
                {"design": "the_model", "reorganize_at": SWITCH, "reorganize_to": "pods"},
                {"design": "pods"},
            ],
        },
        name="reorg",
    )  # fmt: skip
    out = tmp_path_factory.mktemp("reorg")
    assert run_experiment(spec, out, workers=1, progress=False).ok
    return load_results(out)


def test_moves_are_found_with_their_origin_and_destination(results):
    (move,) = reorganizations(results)
    assert (move["move"], move["origin"], move["destination"]) == (1, 0, 2)
    assert move["week"] == SWITCH and move["to"] == "pods"


def test_the_paired_difference_is_zero_until_the_switch(results):
    (move,) = reorganizations(results)
    bands = transition_table(results, move, "knowledge")
    before = bands["difference"].loc[: SWITCH - 1]
    assert (before["mean"] == 0).all() and (before["high"] - before["low"]).max() == 0
    assert (bands["difference"].loc[SWITCH + 2 :, "mean"] != 0).any()
    summary = transition_summary(results, move)
    assert summary["n"] == 3 and math.isfinite(summary["cost"])
    assert summary["cost_low"] <= summary["cost"] <= summary["cost_high"]
    weeks = summary["recovery_weeks"]
    assert weeks is None or 0 <= weeks <= 24 - SWITCH


def test_figure_is_drawn_and_written_when_results_hold_a_reorganization(results, tmp_path):
    fig = reorganization_figure(results)
    assert len(fig.axes) == 4 and "The model -> Pods" in fig.axes[0].get_title()
    switch_lines = [line for line in fig.axes[0].lines if np.allclose(line.get_xdata(), SWITCH)]
    assert switch_lines
    plt.close(fig)
    names = [figure.name for figure in write_figures(results, tmp_path)]
    assert "reorganization_transition_by-move" in names
    assert (tmp_path / "reorganization_transition_by-move.png").stat().st_size > 0
