"""A sweep stopped (SIGTERM) or killed (SIGKILL) mid-run resumes to exactly the results of an
uninterrupted one: no run lost, none duplicated, every byte the same."""

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
from salesorg.experiments import load_results, run_experiment

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


def wait_for_records(proc, records, at_least):
    """Poll until ``at_least`` runs are saved (or the sweep ends); return how many are."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if records.is_dir() and len(list(records.glob("*.json"))) >= at_least:
            break
        time.sleep(0.02)
    return len(list(records.glob("*.json"))) if records.is_dir() else 0


def test_kill_9_mid_sweep_then_resume_loses_and_duplicates_nothing(tmp_path, capsys):
    spec = tmp_path / "killme.toml"
    spec.write_text(SPEC)
    out = tmp_path / "killed"
    records = out / "records"

    # 1. SIGTERM (a batch system's first warning): the sweep stops cleanly, exit code 130
    proc = start_sweep(spec, out)
    wait_for_records(proc, records, 2)
    proc.terminate()
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr.decode()
    assert "interrupted: finished runs are saved" in stderr.decode()
    assert "Traceback" not in stderr.decode()  # workers leave quietly
    after_term = len(list(records.glob("*.json")))
    assert 2 <= after_term < TOTAL
    assert len(pd.read_parquet(out / "runs.parquet")) == after_term  # table brought up to date
    assert json.loads((out / "manifest.json").read_text())["finished"] is None

    # 2. resume, then SIGKILL the sweep and its workers mid-run (`kill -9 -PGID`)
    proc = start_sweep(spec, out)
    wait_for_records(proc, records, after_term + 3)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    finished_before = len(list(records.glob("*.json")))
    assert after_term + 3 <= finished_before < TOTAL, "the kill must land mid-sweep"

    # 3. resume with the same command (in this process, serially: worker count does not matter)
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
    assert not list(out.rglob("*.tmp"))
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert len(sessions) == 3 and sessions[1]["finished"] is None  # the killed session
