"""The shipped experiments are valid sweeps of SalesOrgModel, and sweeping it is reproducible."""

import json
import tomllib

import pandas as pd
import pytest
from salesorg.experiments import load_results, load_spec, plan_runs, run_experiment, shipped_names
from salesorg.experiments.spec import SHIPPED_DIR, spec_from_dict
from salesorg.model import METRICS, PARAMETERS

SALESORG_EXPERIMENTS = {
    "pods_vs_model": ["design", "seating", "incentive"],
    "quick": ["design", "seating", "incentive"],
    "cooperation_freeriding": [
        "cooperativeness_mean",
        "share_free_riders",
        "incentive",
        "peer_sanctions",
    ],
    "pod_composition": ["employees", "pod_composition"],
    "feedback_loops": ["feedback_rate"],
    "linking": ["cross_unit_links", "seating"],
    "linking_interdependent": ["cross_unit_links"],
}


def test_every_issue_experiment_is_shipped():
    assert set(SALESORG_EXPERIMENTS) <= set(shipped_names())


@pytest.mark.parametrize("name", sorted(SALESORG_EXPERIMENTS))
def test_shipped_experiment_is_valid_and_varies_what_it_says(name):
    spec = load_spec(name)
    tasks = plan_runs(spec)  # validates every scenario with the model's cross-parameter rules
    assert spec.model == "salesorg" and spec.factor_names() == SALESORG_EXPERIMENTS[name]
    assert all(f in PARAMETERS for f in spec.factor_names())
    assert set(spec.metrics) == set(METRICS)
    n_scenarios = len(tasks) // spec.replications
    assert n_scenarios >= 2 and len({json.dumps(t.params, sort_keys=True) for t in tasks}) == (
        n_scenarios
    )


def test_pods_vs_model_is_the_full_paired_design():
    spec = load_spec("pods_vs_model")
    tasks = plan_runs(spec)
    # 27 grid points; in the two assembly-line designs seating by unit is seating by function,
    # so 3 x 2 of them repeat another scenario and are run once (21 distinct models).
    assert spec.replications == 30 and len(tasks) == 21 * 30
    combos = {(t.params["design"], t.params["seating"], t.params["incentive"]) for t in tasks}
    assert len(combos) == 21
    assert not any(d != "pods" and s == "by_unit" for d, s, _ in combos)
    by_rep = pd.DataFrame([(t.replication, t.seed) for t in tasks], columns=["rep", "seed"])
    assert by_rep.groupby("rep").seed.nunique().eq(1).all()  # common random numbers


def test_quick_is_a_small_version_of_pods_vs_model():
    quick, full = load_spec("quick"), load_spec("pods_vs_model")
    assert quick.factors == full.factors and quick.master_seed == full.master_seed
    assert len(plan_runs(quick)) * quick.steps <= 27 * 5 * 104  # about a minute on 2 cores


def test_when_pods_win_compares_the_designs_on_paired_seeds_at_every_sampled_point():
    spec = load_spec("when_pods_win")
    assert spec.compare == ("design", ("functional", "the_model", "pods"))
    assert spec.sampler in ("lhs", "sobol")
    crossed = {"territory_correlation", "sanction_visibility", "seating", "handoff_loss"}
    assert crossed | {"incentive", "turbulence"} <= set(spec.factors)
    assert {"bookings", "arr"} <= set(spec.metrics)
    tasks = plan_runs(spec)
    points = {}
    for task in tasks:
        swept = {k: task.params[k] for k in spec.factors}
        points.setdefault(json.dumps(swept, sort_keys=True), set()).add(
            (task.params["design"], task.replication, task.seed)
        )
    assert len(points) == spec.samples
    for runs in points.values():  # each point: every design on every replication's seed
        assert len(runs) == 3 * spec.replications
        assert len({(rep, seed) for _, rep, seed in runs}) == spec.replications


def test_pod_composition_keeps_ten_pods_of_each_mix():
    tasks = plan_runs(load_spec("pod_composition"))
    mixes = {json.dumps(t.params["pod_composition"], sort_keys=True) for t in tasks}
    assert len(mixes) == 12
    for task in tasks:
        assert task.params["employees"] == 10 * sum(task.params["pod_composition"].values())


def tiny_quick(tmp_path):
    """The quick experiment, shrunk: 2 pods of 9, a few weeks, two replications."""
    data = tomllib.loads((SHIPPED_DIR / "quick.toml").read_text())
    data.update(replications=2, steps=6, collect_every=2, fixed={"employees": 18})
    data["factors"]["seating"] = ["by_unit"]
    return spec_from_dict(data, name="tiny_quick")


def test_serial_and_parallel_sweeps_are_bit_identical(tmp_path):
    spec = tiny_quick(tmp_path)
    serial = run_experiment(spec, tmp_path / "serial", workers=1)
    parallel = run_experiment(spec, tmp_path / "parallel", workers=2)
    assert serial.ok and parallel.ok and serial.total == 9 * 2
    a, b = load_results(serial.path), load_results(parallel.path)
    pd.testing.assert_frame_equal(
        a.runs.drop(columns="wall_s"), b.runs.drop(columns="wall_s"), check_exact=True
    )
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    for run_id in a.runs.run_id:
        name = f"timeseries/{run_id}.parquet"
        assert (a.path / name).read_bytes() == (b.path / name).read_bytes()
    ts = a.timeseries
    assert sorted(ts.step.unique()) == [0, 2, 4, 6]
    assert set(METRICS) <= set(ts.columns) and {"design", "incentive"} <= set(ts.columns)
    assert set(a.runs.design) == {"functional", "the_model", "pods"}
    assert (a.runs.employees == 18).all()
    # paired replications: same seed, different designs, different outcomes
    first = a.runs[a.runs.replication == 0]
    assert first.seed.nunique() == 1
    assert ts[ts.step == 6].groupby("design").arr.mean().nunique() == 3
