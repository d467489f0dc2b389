"""``--scheduler`` sends the same runs to a Dask cluster, with the same results as local runs."""

import hashlib

import pandas as pd
import pytest
from salesorg.experiments import load_results, run_experiment

from salesorg.cli import main

distributed = pytest.importorskip("distributed")

SPEC = """description = "dask test sweep"
model = "march1991"
replications = 2
steps = 15
master_seed = 3
collect_every = 3

[fixed]
n = 10
m = 6
p4 = 0.05

[factors]
p1 = [0.2, 0.7]
p3 = [0.0, 0.1]
"""


def test_dask_local_cluster_gives_the_local_results(tmp_path, capsys):
    spec = tmp_path / "dasked.toml"
    spec.write_text(SPEC)
    local = run_experiment(spec, tmp_path / "local", workers=1)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        code = main(
            [
                "run",
                str(spec),
                "--scheduler",
                cluster.scheduler_address,
                "--out",
                str(tmp_path / "dask"),
            ]
        )
    assert code == 0
    printed = capsys.readouterr().out
    assert (
        "8 done, 0 failed, 0 pending of 8 runs" in printed and "Dask cluster at tcp://" in printed
    )
    got, want = load_results(tmp_path / "dask"), load_results(local.path)
    pd.testing.assert_frame_equal(
        got.runs.drop(columns="wall_s"), want.runs.drop(columns="wall_s"), check_exact=True
    )
    for run_id in want.runs.run_id:
        files = [p / "timeseries" / f"{run_id}.parquet" for p in (local.path, tmp_path / "dask")]
        assert len({hashlib.sha256(f.read_bytes()).hexdigest() for f in files}) == 1


def test_an_unreachable_scheduler_is_one_clear_line(tmp_path, capsys, monkeypatch):
    from salesorg.experiments import executors

    monkeypatch.setattr(executors, "CONNECT_TIMEOUT_S", 0.5)
    spec = tmp_path / "dasked.toml"
    spec.write_text(SPEC)
    address = "tcp://127.0.0.1:1"  # port 1: nothing listens there
    code = main(["run", str(spec), "--scheduler", address, "--out", str(tmp_path / "out")])
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert address in err[0] and "0.5 s" in err[0] and "dask scheduler" in err[0]
    assert "Traceback" not in err[0]
