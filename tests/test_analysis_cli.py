"""The figures, report and sensitivity commands on results the experiment runner wrote."""

from __future__ import annotations

import pandas as pd
import pytest
from salesorg.analysis.synthetic import make_results, write_results
from salesorg.experiments import load_results, run_experiment

from salesorg.cli import main

SMALL_SWEEP = """description = "small March sweep for analysis tests"
model = "march1991"
replications = 3
steps = 12
master_seed = 5
collect_every = 2
metrics = ["code_knowledge"]

[fixed]
n = 12
m = 8
p3 = 0.1
p4 = 0.05

[factors]
p1 = [0.1, 0.9]
p2 = [0.2, 0.8]
"""

RANGES = """description = "March ranges for a sensitivity test"
model = "march1991"
replications = 1
steps = 10
master_seed = 8
sampler = "lhs"
samples = 4
metrics = ["code_knowledge", "individual_knowledge"]

[fixed]
n = 10
m = 8
p4 = 0.05

[factors]
p1 = {low = 0.1, high = 0.9}
p2 = {low = 0.1, high = 0.9}
p3 = [0.0, 0.2]
"""


def test_synthetic_results_read_back_through_the_runner_unchanged(tmp_path):
    written = make_results(replications=3, steps=6, failed=1)
    loaded = load_results(write_results(written, tmp_path))
    assert loaded.factors == written.factors and loaded.metrics == written.metrics
    pd.testing.assert_frame_equal(
        loaded.timeseries.sort_values(["run_id", "step"]).reset_index(drop=True),
        written.timeseries.sort_values(["run_id", "step"]).reset_index(drop=True),
        check_dtype=False,
    )


def test_figures_and_report_commands_on_a_real_sweep(tmp_path, capsys):
    spec = tmp_path / "small.toml"
    spec.write_text(SMALL_SWEEP)
    out = tmp_path / "small"
    assert run_experiment(spec, out, workers=1, progress=False).ok
    assert main(["figures", str(out)]) == 0
    printed = capsys.readouterr().out
    heatmap = out / "figures" / "heatmap_code-knowledge_p1-x-p2.png"
    assert f"wrote {heatmap}" in printed
    assert all(p.stat().st_size > 0 for p in (out / "figures").iterdir())
    assert main(["report", str(out)]) == 0
    md = (out / "report.md").read_text()
    assert "| Model | march1991 |" in md
    assert "Code knowledge (share)" in md  # unit from the March model's metric table
    assert (out / "report.html").stat().st_size > 10_000


def test_commands_reject_unknown_metrics_and_missing_folders(tmp_path, capsys):
    directory = write_results(make_results(replications=2, steps=4), tmp_path / "r")
    assert main(["figures", str(directory), "--metrics", "bookings", "nonsense"]) == 2
    assert "unknown metric(s) 'nonsense'" in capsys.readouterr().err
    assert main(["report", str(directory), "--window", "0"]) == 2
    assert main(["report", str(tmp_path / "absent")]) == 2


def test_sensitivity_command_runs_resumes_and_saves_the_design(tmp_path, capsys):
    spec = tmp_path / "ranges.toml"
    spec.write_text(RANGES)
    # A continuous output and N = 8 keep SALib's bootstrap away from constant resamples.
    args = ["sensitivity", str(spec), "--samples", "8", "--out", str(tmp_path / "gsa")]
    args += ["--workers", "1", "--metrics", "individual_knowledge"]
    assert main(args) == 0
    for method, points in (("morris", 8 * (3 + 1)), ("sobol", 8 * (3 + 2))):
        folder = tmp_path / "gsa" / method
        assert (folder / "sensitivity.json").is_file()
        results = load_results(folder)
        assert len(results.runs) == points
        assert set(results.factors) == {"p1", "p2", "p3"}
        indices = pd.read_csv(folder / "sensitivity_indices.csv")
        assert set(indices["parameter"]) == {"p1", "p2", "p3"}
        figure = folder / "figures" / f"sensitivity_{method}-indices_ranges.png"
        assert figure.stat().st_size > 0
    capsys.readouterr()
    assert main([*args, "--method", "sobol"]) == 0  # resumes: nothing left to run
    assert "(0 run now" in capsys.readouterr().out


@pytest.mark.parametrize("samples", ["3"])
def test_sobol_sample_size_must_be_a_power_of_two(tmp_path, capsys, samples):
    spec = tmp_path / "ranges.toml"
    spec.write_text(RANGES)
    args = ["sensitivity", str(spec), "--method", "sobol", "--samples", samples]
    assert main([*args, "--out", str(tmp_path / "gsa")]) == 2
    assert "power of two" in capsys.readouterr().err
