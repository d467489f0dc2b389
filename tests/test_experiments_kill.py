"""A sweep killed with SIGKILL mid-run resumes to exactly the results of an uninterrupted one."""

import os
import signal
import subprocess
import sys
import time

import pandas as pd

from experiments import load_results, run_experiment
from salesorg.cli import main

# Runs of ~0.1 s each, so the kill lands while runs are in flight.
SPEC = """description = "kill -9 test sweep"
model = "march1991"
replications = 4
steps = 600
master_seed = 77
collect_every = 100
metrics = ["code_knowledge", "individual_knowledge"]

[fixed]
n = 150
m = 80
p3 = 0.1
p4 = 0.02

[factors]
p1 = [0.1, 0.9]
p2 = [0.2, 0.8]
"""
TOTAL = 16


def start_sweep(spec, out):
    """``salesorg run`` in its own process group, as a user would start it."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "salesorg.cli",
            "run",
            str(spec),
            "--out",
            str(out),
            "--workers",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def test_kill_9_mid_sweep_then_resume_loses_and_duplicates_nothing(tmp_path, capsys):
    spec = tmp_path / "killme.toml"
    spec.write_text(SPEC)
    out = tmp_path / "killed"
    records = out / "records"

    proc = start_sweep(spec, out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        finished = len(list(records.glob("*.json"))) if records.is_dir() else 0
        if finished >= 3 or proc.poll() is not None:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its workers, like `kill -9 -PGID`
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    finished_before = len(list(records.glob("*.json")))
    assert 3 <= finished_before < TOTAL, "the kill must land mid-sweep"

    # resume with the same command (in this process, serially: any worker count gives the same)
    assert main(["run", str(spec), "--out", str(out), "--workers", "1"]) == 0
    stdout = capsys.readouterr().out
    assert f"{TOTAL} done, 0 failed, 0 pending of {TOTAL} runs" in stdout
    ran_now = int(stdout.split("(")[1].split(" run now")[0])
    assert ran_now == TOTAL - finished_before

    reference = run_experiment(spec, tmp_path / "uninterrupted", workers=1)
    got, want = load_results(out), load_results(reference.path)
    assert got.runs.run_id.is_unique and len(got.runs) == TOTAL
    assert (got.runs.status == "done").all()
    pd.testing.assert_frame_equal(
        got.runs.drop(columns="wall_s"), want.runs.drop(columns="wall_s"), check_exact=True
    )
    pd.testing.assert_frame_equal(got.timeseries, want.timeseries, check_exact=True)
    for run_id in want.runs.run_id:
        name = f"{run_id}.parquet"
        assert (out / "timeseries" / name).read_bytes() == (
            reference.path / "timeseries" / name
        ).read_bytes()
    # runs.parquet on disk agrees with the journal; no temporary files are left behind
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "runs.parquet").drop(columns="wall_s"),
        got.runs.drop(columns="wall_s"),
    )
    assert not [p for p in out.rglob("*.tmp")]
