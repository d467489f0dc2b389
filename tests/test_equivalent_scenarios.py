"""A grid crossing seating with design runs each distinct model once, and says so.

In the assembly-line designs the units are the departments, so seating ``by_unit`` fills the
floor exactly as ``by_function`` does: the same model under two names.
"""

from __future__ import annotations

import numpy as np
import pytest
from salesorg.analysis.report import write_report
from salesorg.experiments import load_results, run_experiment
from salesorg.experiments.registry import get_model
from salesorg.model import SalesOrgModel
from salesorg.model.inputs import DESIGNS
from salesorg.model.organization import build_structure
from salesorg.model.seating import canonical_params, canonical_seating, floor_shape, place

from salesorg.cli import main

SPEC = """description = "design x seating, equivalent scenarios"
model = "salesorg"
replications = 2
steps = 3
master_seed = 11
collect_every = 1
metrics = ["bookings", "win_rate"]

[fixed]
burn_in_weeks = 0

[factors]
design = ["functional", "pods"]
seating = ["by_function", "by_unit"]
"""


def structure(design):
    p = get_model("salesorg").validate({"design": design})
    return build_structure(p["design"], p["employees"], p["pod_composition"])


@pytest.mark.parametrize("design", DESIGNS)
def test_the_canonical_seating_is_the_one_that_seats_everyone_alike(design):
    s = structure(design)
    rng, shape = np.random.default_rng(0), floor_shape(s.size)
    same = np.array_equal(place(s, "by_unit", rng, shape), place(s, "by_function", rng, shape))
    assert same == s.assembly_line  # pods sit by pod, not by function
    assert canonical_seating([s], "by_unit") == ("by_function" if same else "by_unit")
    assert canonical_seating([s], "by_function") == "by_function"
    assert canonical_seating([s], "random") == "random"


def test_a_reorganization_into_pods_keeps_the_seatings_apart():
    """Seated by unit, the pods a functional company becomes sit together: another model."""
    entry = get_model("salesorg")
    moving = {"design": "functional", "reorganize_at": 2, "reorganize_to": "pods"}
    by_unit = entry.validate({**moving, "seating": "by_unit"})
    assert canonical_params(by_unit)["seating"] == "by_unit"
    staying = entry.validate({**moving, "reorganize_to": "the_model", "seating": "by_unit"})
    assert canonical_params(staying)["seating"] == "by_function"


def test_equivalent_scenarios_are_the_same_model_bit_for_bit():
    runs = {}
    for seating in ("by_function", "by_unit"):
        model = SalesOrgModel(rng=5, design="functional", seating=seating, burn_in_weeks=8)
        for _ in range(4):
            model.step()
        runs[seating] = model.datacollector.get_model_vars_dataframe()
    assert runs["by_function"].equals(runs["by_unit"])
    params = get_model("salesorg").validate({"design": "functional", "seating": "by_unit"})
    assert canonical_params(params)["seating"] == "by_function"


def test_a_grid_runs_each_distinct_model_once_and_says_so(tmp_path, capsys):
    spec = tmp_path / "crossed.toml"
    spec.write_text(SPEC)
    assert main(["run", str(spec), "--dry-run"]) == 0
    plan = capsys.readouterr().out
    assert "3 scenarios x 2 replications = 6 runs" in plan
    assert "scenario 1 (design=functional): seating=by_unit is the same model as " in plan
    assert "seating=by_function (scenario 0)" in plan

    out = tmp_path / "crossed"
    assert run_experiment(spec, out, workers=1, progress=False).ok
    results = load_results(out)
    assert sorted(results.runs["scenario"].unique()) == [0, 2, 3]
    assert results.manifest["equivalent_scenarios"] == {"1": 0}
    md, _ = write_report(results, figures=[], metrics=["bookings"])
    assert "the same model as another one, so each was run once" in md.read_text()
