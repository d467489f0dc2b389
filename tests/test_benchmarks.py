"""The ``make bench`` harness measures what it says: timing, fitting, reporting, isolation.

These tests check the harness, never the speed targets (those live in ``make bench``).
"""

import ast
import inspect
import json
import math
import textwrap

import pytest
from salesorg.benchmarks import bench
from salesorg.benchmarks.timing import (
    Timing,
    peak_rss_mb,
    run_child,
    scaling_exponent,
    time_interleaved,
    time_repeated,
)
from salesorg.benchmarks.workloads import boltzmann_run, march_grid
from salesorg.model import PARAMETERS


def test_time_repeated_runs_warmup_then_timed_calls():
    calls = []
    timing = time_repeated(lambda: calls.append(1), repeats=4, warmup=2)
    assert len(calls) == 6
    assert len(timing.samples) == 4
    assert all(s >= 0 for s in timing.samples)


def test_time_interleaved_alternates_the_workloads():
    calls = []
    timings = time_interleaved(
        {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeats=3, warmup=1
    )
    assert calls == ["a", "b"] * 4
    assert [len(t.samples) for t in timings.values()] == [3, 3]


def test_timing_median_ignores_one_slow_outlier():
    assert Timing((1.0, 1.1, 50.0, 0.9, 1.2)).median == 1.1


@pytest.mark.parametrize(("repeats", "warmup"), [(0, 1), (3, -1)])
def test_time_repeated_rejects_bad_counts(repeats, warmup):
    with pytest.raises(ValueError, match="expected an integer"):
        time_repeated(lambda: None, repeats, warmup)


@pytest.mark.parametrize("power", [0.5, 1.0, 1.37, 2.0])
def test_scaling_exponent_recovers_a_power_law(power):
    sizes = [90, 900, 9000]
    times = [0.003 * n**power for n in sizes]
    assert scaling_exponent(sizes, times) == pytest.approx(power)


def test_scaling_exponent_is_the_least_squares_slope_through_noise():
    # log10 sizes 1, 2, 3 and log10 times 0, 1.2, 2: slope (2 - 0) / 2 = 1 by symmetry.
    assert scaling_exponent([10, 100, 1000], [1, 10**1.2, 100]) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("sizes", "times", "message"),
    [
        ([90, 90], [1.0, 2.0], "two distinct"),
        ([90, 900], [1.0], "one time per size"),
        ([90, 900], [0.0, 1.0], "positive"),
    ],
)
def test_scaling_exponent_rejects_unusable_input(sizes, times, message):
    with pytest.raises(ValueError, match=message):
        scaling_exponent(sizes, times)


def test_peak_rss_grows_when_memory_is_touched():
    page = 4096
    with open("/proc/self/statm") as statm:
        current_mb = int(statm.read().split()[1]) * page / 2**20
    before = peak_rss_mb()
    # Touch enough fresh pages to pass the old high-water mark by 200 MiB.
    block = bytearray(int((before - current_mb + 200) * 2**20))
    block[::page] = b"\x01" * len(block[::page])
    assert peak_rss_mb() >= before + 150


@pytest.mark.parametrize(
    ("op", "limit", "value", "expected"),
    [
        ("<=", 1.0, 1.0, True),
        ("<=", 1.0, 1.01, False),
        ("<", 30.0, 30.0, False),
        ("<", 30.0, 29.9, True),
        (">=", 1.8, 1.8, True),
        (">=", 1.8, 1.79, False),
        ("<=", 1.0, None, None),
    ],
)
def test_target_verdicts(op, limit, value, expected):
    assert bench.Target("x", op, limit).holds(value) is expected


def test_report_has_exactly_the_issue_keys_and_a_verdict_per_target():
    out = bench.report({"default_run_s": 0.04, "march_grid_s": 12.0, "unrelated": 1})
    assert list(out) == [*bench.KEYS, "targets"]
    assert out["default_run_s"] == 0.04
    assert out["big_run_s"] is None
    assert out["targets"]["default_run_s"]["holds"] is True
    assert out["targets"]["march_grid_s"]["holds"] is False
    assert out["targets"]["big_run_s"]["holds"] is None
    assert {t.key for t in bench.TARGETS} <= set(bench.KEYS)


def test_ratio_vs_boltzmann_needs_both_measurements():
    both = {"us_per_agent_step": 3.0, "mesa_boltzmann_us_per_agent_step": 4.0}
    assert bench.derived(both)["ratio_vs_boltzmann"] == pytest.approx(0.75)
    assert bench.derived({"us_per_agent_step": 3.0})["ratio_vs_boltzmann"] is None


def test_a_failing_measurement_is_reported_and_the_others_still_run(monkeypatch, capsys):
    def broken():
        raise ImportError("no model yet")

    monkeypatch.setattr(
        bench,
        "MEASUREMENTS",
        {"ok": lambda: {"march_grid_s": 2.5}, "broken": broken},
    )
    code = bench.main(["--only", "broken,ok"])
    lines = capsys.readouterr().out.strip().splitlines()
    out = json.loads(lines[-1])
    assert code == 1
    assert out["march_grid_s"] == 2.5
    assert out["targets"]["march_grid_s"]["holds"] is True
    assert any("unavailable: broken: ImportError: no model yet" in line for line in lines)


def test_check_flag_fails_on_a_missed_target(monkeypatch, capsys):
    monkeypatch.setattr(bench, "MEASUREMENTS", {"slow": lambda: {"march_grid_s": 11.0}})
    assert bench.main(["--only", "slow"]) == 0
    assert bench.main(["--only", "slow", "--check"]) == 1
    capsys.readouterr()


def test_unknown_measurement_name_is_refused(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--only", "march,warp_drive"])
    assert "warp_drive" in capsys.readouterr().err


def test_boltzmann_workload_counts_agent_steps():
    assert boltzmann_run(steps=3) == 300


def test_boltzmann_measurement_is_a_positive_time_per_agent_step():
    value = bench.measure_boltzmann(repeats=1)["mesa_boltzmann_us_per_agent_step"]
    assert math.isfinite(value)
    assert value > 0


def test_march_grid_workload_runs_every_figure1_cell():
    assert march_grid(replications=2) == 27


def test_run_child_reports_the_childs_error():
    with pytest.raises(RuntimeError, match="No module named"):
        run_child("salesorg.benchmarks.no_such_module")


def test_sweep_child_measures_every_run_of_an_experiment(tmp_path):
    from salesorg.benchmarks.child import measure_sweep

    spec = tmp_path / "tiny.toml"
    spec.write_text(
        'description = "tiny March sweep for the bench harness test"\n'
        'model = "march1991"\nreplications = 2\nsteps = 5\nmaster_seed = 3\n'
        'metrics = ["code_knowledge"]\n\n[fixed]\nn = 10\nm = 8\n\n'
        "[factors]\np1 = [0.1, 0.9]\n"
    )
    result = measure_sweep(str(spec), workers=1)
    assert result["runs"] == 4
    assert result["runs_per_min"] == pytest.approx(60 * 4 / result["wall_s"])


def test_salesorg_child_reports_its_own_run_not_the_parents_memory():
    # Inflate this process's resident size well past what a tiny run needs: a child started
    # now must not inherit the parent's high-water mark (Linux's ru_maxrss would).
    page = 4096
    block = bytearray(800 * 2**20)
    block[::page] = b"\x01" * len(block[::page])
    child = run_child("salesorg.benchmarks.child", "salesorg", "--employees", "9", "--steps", "2")
    assert child["employees"] == 9
    assert 0 < child["wall_s"] < 60
    assert 0 < child["peak_rss_mb"] < peak_rss_mb() - 400
    del block


def test_default_measurement_pairs_salesorg_with_boltzmann():
    out = bench.measure_default_run(repeats=1)
    assert set(out) == {
        "default_run_s",
        "burn_in_s",
        "us_per_agent_step",
        "mesa_boltzmann_us_per_agent_step",
    }
    employees = bench.default_employees()
    assert out["us_per_agent_step"] == pytest.approx(
        out["default_run_s"] / (employees * bench.DEFAULT_STEPS) * 1e6
    )
    assert out["mesa_boltzmann_us_per_agent_step"] > 0


def test_sobol_hours_are_runs_times_a_warm_run_over_the_cores():
    runs = bench.sobol_runs()
    assert runs == 1024 * (
        sum(1 for p in PARAMETERS if p.vary and p.bounds and p.kind in (int, float)) + 2
    )
    out = bench.derived({"default_run_s": 0.03, "burn_in_s": 0.02}, cores=2)
    assert out["sobol_all_hours"] == pytest.approx(runs * 0.05 / 2 / 3600)
    assert bench.derived({}, cores=2)["sobol_all_hours"] is None


def test_first_run_child_reports_a_wall_time_and_jit_times_both_runs(monkeypatch, tmp_path):
    calls = []

    def fake_child(module, *args, env=None, **kwargs):
        calls.append((args, dict(env or {})))
        return {"wall_s": 5.0 if len(calls) == 1 else 0.5}

    monkeypatch.setattr(bench, "run_child", fake_child)
    out = bench.measure_jit()
    assert out == {"jit_cold_s": 5.0, "jit_warm_s": 0.5}
    assert [args for args, _ in calls] == [("first-run",), ("first-run",)]
    caches = {env["NUMBA_CACHE_DIR"] for _, env in calls}
    assert len(caches) == 1  # the warm run reads the cache the cold run wrote


def test_scaling_keeps_the_least_wall_time_and_the_largest_memory_of_fresh_runs(monkeypatch):
    walls = iter([0.3, 0.1, 0.2, 3.0, 1.0, 2.0])
    calls = []

    def fake_child(module, *args, **kwargs):
        calls.append(args)
        return {"wall_s": next(walls), "peak_rss_mb": 100.0 + len(calls)}

    monkeypatch.setattr(bench, "run_child", fake_child)
    out = bench.measure_scaling((10, 100), repeats=3)
    assert [row["wall_s"] for row in out["scaling"]] == [0.1, 1.0]
    assert [row["peak_rss_mb"] for row in out["scaling"]] == [103.0, 106.0]
    assert out["big_run_s"] == 1.0 and out["scaling_exponent"] == pytest.approx(1.0)
    assert [args[2] for args in calls] == ["10"] * 3 + ["100"] * 3  # one process per run


def test_phase_times_cover_every_phase_of_the_week(monkeypatch):
    """``benchmarks.phases`` times each phase ``run_week`` calls (a phase missing from its list
    would land in ``other``) and ``other`` is the rest of the week's time."""
    from salesorg.benchmarks import phases
    from salesorg.model import SalesOrgModel

    called = []
    for name in phases.PHASES:
        original = getattr(SalesOrgModel, name)

        def spy(self, original=original, name=name):
            called.append(name)
            return original(self)

        monkeypatch.setattr(SalesOrgModel, name, spy)
    spent = phases.phase_times(steps=2, burn_in_weeks=0)
    week = [*phases.PHASES]  # each once a week, in schedule order (construction assesses too)
    assert called[-2 * len(week) :] == week + week
    # and they are every method of its own that the week calls (a reorganization aside)
    source = textwrap.dedent(inspect.getsource(SalesOrgModel.run_week))
    own = [
        node.func.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    ]
    assert sorted(set(own) - {"reorganize"}) == sorted(week)
    assert set(spent) == {*phases.PHASES, "other", "collect", "mesa_step", "total"}
    assert all(spent[name] >= 0 for name in (*phases.PHASES, "collect"))
    parts = [*phases.PHASES, "other", "collect", "mesa_step"]  # the week, then around it
    assert sum(spent[name] for name in parts) == pytest.approx(spent["total"])


def test_sweeps_alternate_one_and_two_workers_and_pair_their_rates(monkeypatch):
    # the host's speed drifts between pairs: the speed-up is the median of the pairs' ratios
    # (1.9, 2.0, 2.125), not the ratio of the median rates (170 / 80)
    rates = iter([100.0, 190.0, 50.0, 100.0, 80.0, 170.0])
    calls = []

    def fake_child(module, *args, **kwargs):
        calls.append(args[-1])
        return {"runs_per_min": next(rates)}

    monkeypatch.setattr(bench, "run_child", fake_child)
    out = bench.measure_sweeps("quick", pairs=3)
    assert calls == ["1", "2"] * 3  # alternated, one fresh process per sweep
    assert out["parallel_speedup"] == pytest.approx(2.0)
    assert out["sweep_runs_per_min_1"] == 80.0 and out["sweep_runs_per_min_2"] == 170.0
