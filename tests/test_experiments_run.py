"""Sweeps: identical results however they run, failures recorded, resume, manifest, CLI."""

import hashlib
import json
import os
import random

import numpy as np
import pandas as pd
import pytest
import salesorg.experiments.registry as registry
import salesorg.experiments.sweep as sweep
from salesorg.experiments import load_results, run_experiment, run_scenarios, sweep_status
from salesorg.experiments.executors import SerialExecutor
from salesorg.experiments.spec import SpecError
from salesorg.experiments.storage import ResultsBusyError, ResultsStore
from salesorg.model.march import March1991Model

from salesorg.cli import main

SPEC = """description = "small March sweep for tests"
model = "march1991"
replications = 3
steps = 12
master_seed = 5
collect_every = 5

[fixed]
n = 12
m = 8
p3 = 0.1
p4 = 0.05

[factors]
p1 = [0.1, 0.9]
p2 = [0.2, 0.8]
"""


@pytest.fixture
def spec_path(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SPEC)
    return path


def fingerprint(path):
    """Everything a sweep produced except timings: run rows and time-series file bytes."""
    runs = load_results(path).runs.drop(columns="wall_s")
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((path / "timeseries").glob("*.parquet"))
    }
    return runs, files


def assert_same_results(a, b):
    runs_a, files_a = fingerprint(a)
    runs_b, files_b = fingerprint(b)
    pd.testing.assert_frame_equal(runs_a, runs_b, check_exact=True)
    assert files_a == files_b and len(files_a) == len(runs_a)


class ShuffledExecutor(SerialExecutor):
    """Finishes runs in a scrambled order, as a busy cluster would."""

    description = "shuffled"

    def run(self, tasks):
        tasks = list(tasks)
        random.Random(3).shuffle(tasks)
        yield from super().run(tasks)


def test_finish_order_does_not_change_results(spec_path, tmp_path, monkeypatch):
    run_experiment(spec_path, tmp_path / "ordered", workers=1)
    monkeypatch.setattr(sweep, "make_executor", lambda workers, scheduler: ShuffledExecutor())
    run_experiment(spec_path, tmp_path / "shuffled")
    assert_same_results(tmp_path / "ordered", tmp_path / "shuffled")


class FlakyMarch(March1991Model):
    """March's model that breaks down in one corner of the design."""

    fail = True

    def step(self):
        if FlakyMarch.fail and self.params["p1"] > 0.5 and self.params["p2"] > 0.5:
            raise RuntimeError("flaky corner reached")
        super().step()


class FlakyEntry(registry.ModelEntry):
    def model_class(self):
        return FlakyMarch


@pytest.fixture
def flaky(monkeypatch, spec_path):
    entry = FlakyEntry(
        "flaky", "salesorg.model.march", "FlakyMarch", "MARCH_PARAMETERS", "MARCH_METRICS"
    )
    monkeypatch.setitem(registry.MODELS, "flaky", entry)
    monkeypatch.setattr(FlakyMarch, "fail", True)
    spec_path.write_text(SPEC.replace('"march1991"', '"flaky"'))
    return spec_path


def test_failing_runs_are_recorded_and_the_sweep_goes_on(flaky, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(flaky), "--workers", "1", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "9 done, 3 failed, 0 pending of 12 runs" in printed and "--retry-failed" in printed
    runs = load_results(out).runs
    failed = runs[runs.status == "failed"]
    assert set(failed.scenario) == {3} and list(failed.replication) == [0, 1, 2]
    assert failed.error.str.contains("RuntimeError: flaky corner reached").all()
    assert failed.error.str.contains("Traceback").all()
    assert (failed.p1 == 0.9).all() and (failed.p2 == 0.8).all()
    assert list(failed.seed) == list(runs[runs.scenario == 0].seed)
    assert (runs[runs.status == "done"].error == "").all()
    assert not (out / "timeseries" / "s0003_r000.parquet").exists()

    assert main(["status", str(out)]) == 0
    status = capsys.readouterr().out
    assert "9 done, 3 failed, 0 pending" in status
    assert "failed s0003_r001: RuntimeError: flaky corner reached" in status

    # a plain re-run skips the failed runs; --retry-failed reruns exactly them
    assert main(["run", str(flaky), "--workers", "1", "--out", str(out)]) == 1
    assert "(0 run now in" in capsys.readouterr().out
    FlakyMarch.fail = False
    assert main(["run", str(flaky), "--workers", "1", "--out", str(out), "--retry-failed"]) == 0
    assert "12 done, 0 failed, 0 pending of 12 runs (3 run now" in capsys.readouterr().out
    assert (load_results(out).runs.status == "done").all()


def test_resume_runs_only_what_is_missing(spec_path, tmp_path):
    full = run_experiment(spec_path, tmp_path / "full", workers=1)
    partial = tmp_path / "partial"
    run_experiment(spec_path, partial, workers=1)
    for run_id in ("s0000_r002", "s0003_r000"):
        (partial / "records" / f"{run_id}.json").unlink()
    (partial / "timeseries" / "s0001_r001.parquet").unlink()  # a record without its data
    again = run_experiment(spec_path, partial, workers=1)
    assert again.ran == 3 and again.ok
    assert_same_results(full.path, partial)
    manifest = json.loads((partial / "manifest.json").read_text())
    assert [s["runs"] for s in manifest["sessions"]] == [12, 3]


def test_changed_experiment_file_is_refused(spec_path, tmp_path):
    out = tmp_path / "out"
    run_experiment(spec_path, out, workers=1)
    spec_path.write_text(SPEC.replace("replications = 3", "replications = 4"))
    with pytest.raises(SpecError, match=r"holds results of a different experiment design"):
        run_experiment(spec_path, out, workers=1)
    assert main(["run", str(spec_path), "--out", str(out)]) == 2


def test_a_folder_in_use_is_refused(spec_path, tmp_path):
    store = ResultsStore(tmp_path / "busy")
    with store.lock(), pytest.raises(ResultsBusyError, match="another sweep is writing"):
        run_experiment(spec_path, store.path, workers=1)


def test_manifest_records_design_seeds_versions_and_times(spec_path, tmp_path):
    summary = run_experiment(spec_path, tmp_path / "out", workers=1)
    manifest = json.loads((summary.path / "manifest.json").read_text())
    assert manifest["spec"]["content"] == SPEC
    assert manifest["spec"]["sha256"] == hashlib.sha256(SPEC.encode()).hexdigest()
    assert manifest["master_seed"] == 5 and manifest["model"] == "march1991"
    assert manifest["factors"] == ["p1", "p2"]
    assert manifest["metrics"] == ["code_knowledge", "individual_knowledge", "at_equilibrium"]
    assert manifest["n_runs"] == 12 and manifest["n_scenarios"] == 4
    assert manifest["scenarios"][3] == {"p1": 0.9, "p2": 0.8}
    seeds = np.random.SeedSequence(5).spawn(3)
    assert manifest["replication_seeds"] == [
        int(s.generate_state(1, np.uint64)[0] >> np.uint64(1)) for s in seeds
    ]
    assert set(manifest["versions"]) >= {"python", "salesorg", "mesa", "numpy", "numba", "llvmlite"}
    assert len(manifest["git_commit"]) == 40 and isinstance(manifest["git_dirty"], bool)
    assert manifest["started"] <= manifest["finished"]
    assert manifest["sessions"][0]["executor"] == "serial (this process)"


def test_load_results_gives_a_long_table_with_factors(spec_path, tmp_path):
    results = load_results(run_experiment(spec_path, tmp_path / "out", workers=1).path)
    assert results.factors == ["p1", "p2"] and "Results('small'" in repr(results)
    ts = results.timeseries
    assert list(ts.columns[:4]) == ["run_id", "scenario", "replication", "step"]
    assert set(results.metrics + results.factors) <= set(ts.columns)
    assert sorted(ts.step.unique()) == [0, 5, 10, 12]  # every 5 steps, plus the last
    assert len(ts) == 12 * 4
    assert ts.groupby("run_id").size().eq(4).all()
    assert ts.code_knowledge.between(-1, 1).all()
    status = sweep_status(results.path)
    assert (status["done"], status["failed"], status["pending"]) == (12, 0, 0)


def test_run_scenarios_runs_an_explicit_sample(tmp_path):
    sample = np.array([[0.1, 0.3], [0.6, 0.9]])
    scenarios = [{"p1": row[0], "p2": row[1]} for row in sample]  # numpy scalars, as from SALib
    summary = run_scenarios(
        scenarios,
        name="salib",
        model="march1991",
        steps=6,
        master_seed=9,
        replications=2,
        fixed={"n": 10, "m": 6},
        metrics=["code_knowledge"],
        out=tmp_path / "s",
        workers=1,
    )
    results = load_results(summary.path)
    assert summary.ok and results.manifest["sampler"] == "list"
    assert results.runs.groupby("scenario").p1.first().tolist() == [0.1, 0.6]
    assert results.metrics == ["code_knowledge"]
    with pytest.raises(SpecError, match=r"scenarios\[1\]\.p1: parameter 'p1' = 2.0"):
        run_scenarios(
            [{"p1": 0.1}, {"p1": 2.0}],
            name="x",
            model="march1991",
            steps=2,
            master_seed=1,
            out=tmp_path / "x",
        )


def test_cli_list_and_dry_run(capsys, spec_path):
    assert main(["list"]) == 0
    listing = capsys.readouterr().out
    assert "march_learning" in listing and "socialization rate p1 x code learning" in listing
    assert main(["run", str(spec_path), "--dry-run"]) == 0
    assert "4 scenarios x 3 replications = 12 runs of 12 steps" in capsys.readouterr().out


def test_progress_is_silent_off_a_terminal(spec_path, tmp_path, capsys):
    assert main(["run", str(spec_path), "--workers", "1", "--out", str(tmp_path / "o")]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # pytest's capture is not a terminal: no bar
    assert f"results: {tmp_path / 'o'}" in captured.out


def test_worker_processes_start_with_single_threaded_blas(monkeypatch):
    from salesorg.experiments.executors import _single_threaded_numerics

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "3")  # a user's own choice is kept
    with _single_threaded_numerics():
        assert os.environ["OMP_NUM_THREADS"] == "1" and os.environ["OPENBLAS_NUM_THREADS"] == "1"
        assert os.environ["MKL_NUM_THREADS"] == "3"
    assert "OMP_NUM_THREADS" not in os.environ and os.environ["MKL_NUM_THREADS"] == "3"


def test_resuming_with_other_code_warns_that_old_runs_are_kept(spec_path, tmp_path):
    out = tmp_path / "out"
    run_experiment(spec_path, out, workers=1)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["git_commit"] = "0" * 40
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.warns(RuntimeWarning, match=r"started with other code \(git commit 0000"):
        summary = run_experiment(spec_path, out, workers=1)
    assert summary.ran == 0


def test_resuming_warns_of_a_changed_package_not_of_one_the_manifest_did_not_record(
    spec_path, tmp_path
):
    import warnings

    out = tmp_path / "out"
    run_experiment(spec_path, out, workers=1)
    path = out / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["versions"]["llvmlite"]  # as in a manifest written before it was recorded
    path.write_text(json.dumps(manifest))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        run_experiment(spec_path, out, workers=1)
    manifest["versions"]["numba"] = "0.1"
    path.write_text(json.dumps(manifest))
    with pytest.warns(RuntimeWarning, match=r"numba 0\.1 -> "):
        run_experiment(spec_path, out, workers=1)


def test_a_closed_pipe_ends_the_listing_quietly():
    """``salesorg list | head -1``: the reader leaves early; no traceback, SIGPIPE's exit code."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    with subprocess.Popen(
        [sys.executable, "-m", "salesorg.cli", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=root,
        env=env,
    ) as proc:
        proc.stdout.close()  # the reader is gone before the first line is written
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 141
    assert err == ""
