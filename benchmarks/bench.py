"""``make bench``: salesorg's speed and memory, measured against Mesa's simplest model.

Run as ``python -m salesorg.benchmarks.bench``. Prints a table, then one JSON line (last)
with the keys of ``KEYS`` and a ``targets`` object saying which targets hold. Every
measurement is its own function; a measurement that cannot run (say, a part of the project that is
missing) is reported as unavailable with its reason, its keys are ``null``, and the exit status is
1. Targets that are missed do not change the exit status unless ``--check`` is given.

Times are wall-clock medians over repeated runs; the comparison with Mesa's Boltzmann wealth
example is made in the same process, minutes apart, so machine speed cancels in the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from salesorg.benchmarks.timing import run_child, scaling_exponent, time_interleaved, time_repeated
from salesorg.benchmarks.workloads import (
    BOLTZMANN_AGENTS,
    DEFAULT_STEPS,
    MARCH_REPLICATIONS,
    SCALING_STEPS,
    boltzmann_run,
    default_employees,
    march_grid,
    salesorg_burn_in,
    salesorg_run,
    sobol_runs,
)

KEYS = (
    "default_run_s",
    "burn_in_s",
    "us_per_agent_step",
    "mesa_boltzmann_us_per_agent_step",
    "ratio_vs_boltzmann",
    "scaling",
    "scaling_exponent",
    "big_run_s",
    "big_run_peak_rss_mb",
    "sweep_runs_per_min_1",
    "sweep_runs_per_min_2",
    "parallel_speedup",
    "march_grid_s",
    "jit_cold_s",
    "jit_warm_s",
    "sobol_runs",
    "sobol_all_hours",
)
SCALING_EMPLOYEES = (90, 900, 9000)
SCALING_REPEATS = 3  # fresh processes per head count
SWEEP_PAIRS = 3  # 1-worker then 2-worker sweeps, alternated
REPEATS = 5


@dataclass(frozen=True)
class Target:
    """A bound one metric must meet, e.g. ``Target("default_run_s", "<=", 0.5)``."""

    key: str
    op: str
    limit: float

    def holds(self, value: float | None) -> bool | None:
        """Whether ``value`` meets the bound; ``None`` if the value was not measured."""
        if value is None:
            return None
        return {"<=": value <= self.limit, "<": value < self.limit, ">=": value >= self.limit}[
            self.op
        ]

    def __str__(self) -> str:
        return f"{self.op} {self.limit:g}"


TARGETS = (
    Target("ratio_vs_boltzmann", "<=", 0.5),
    Target("default_run_s", "<=", 0.05),
    Target("scaling_exponent", "<=", 1.0),
    Target("big_run_s", "<=", 0.3),
    Target("big_run_peak_rss_mb", "<", 2048.0),
    Target("parallel_speedup", ">=", 1.8),
    Target("march_grid_s", "<=", 10.0),
    Target("sobol_all_hours", "<=", 0.5),
    Target("jit_warm_s", "<=", 2.0),
    Target("jit_cold_s", "<=", 60.0),
)


# --- measurements: each returns a dict of some of KEYS -------------------------------------


def measure_boltzmann(repeats: int = REPEATS) -> dict[str, float]:
    """Mesa's Boltzmann wealth example alone (100 agents, 260 steps); for ``--only boltzmann``."""
    timing = time_repeated(lambda: boltzmann_run(DEFAULT_STEPS), repeats)
    return {"mesa_boltzmann_us_per_agent_step": _per_agent_step(timing, BOLTZMANN_AGENTS)}


def measure_default_run(repeats: int = REPEATS) -> dict[str, float]:
    """A default SalesOrgModel run (90 employees, 260 recorded weeks), its default burn-in
    (the warm start's unrecorded weeks, timed apart: ``burn_in_s``) and Mesa's Boltzmann example.

    The three are run alternately, ``repeats`` times each after one warm-up of each, so both
    medians come from the same stretch of machine load and their ratio is steady even on a
    busy machine.
    """
    employees = default_employees()
    timings = time_interleaved(
        {
            "salesorg": lambda: salesorg_run(None, DEFAULT_STEPS),
            "burn_in": salesorg_burn_in,
            "boltzmann": lambda: boltzmann_run(DEFAULT_STEPS),
        },
        repeats,
    )
    return {
        "default_run_s": timings["salesorg"].median,
        "burn_in_s": timings["burn_in"].median,
        "us_per_agent_step": _per_agent_step(timings["salesorg"], employees),
        "mesa_boltzmann_us_per_agent_step": _per_agent_step(timings["boltzmann"], BOLTZMANN_AGENTS),
    }


def _per_agent_step(timing, agents: int) -> float:
    """Microseconds per agent and step of a run of ``DEFAULT_STEPS`` steps."""
    return timing.median / (agents * DEFAULT_STEPS) * 1e6


def measure_scaling(
    sizes: tuple[int, ...] = SCALING_EMPLOYEES, repeats: int = SCALING_REPEATS
) -> dict[str, Any]:
    """A 52-week run at each head count, ``repeats`` times, each in a fresh process: the least
    wall time (the least load-sensitive statistic, as for the default run) and the largest
    peak memory."""
    rows = []
    for employees in sizes:
        args = ("salesorg", "--employees", str(employees), "--steps", str(SCALING_STEPS))
        children = [run_child("salesorg.benchmarks.child", *args) for _ in range(repeats)]
        rows.append(
            {
                "employees": employees,
                "wall_s": min(child["wall_s"] for child in children),
                "peak_rss_mb": max(child["peak_rss_mb"] for child in children),
            }
        )
    biggest = max(rows, key=lambda row: row["employees"])
    return {
        "scaling": rows,
        "scaling_exponent": scaling_exponent(
            [row["employees"] for row in rows], [row["wall_s"] for row in rows]
        ),
        "big_run_s": biggest["wall_s"],
        "big_run_peak_rss_mb": biggest["peak_rss_mb"],
    }


def measure_sweeps(experiment: str = "quick", pairs: int = SWEEP_PAIRS) -> dict[str, float]:
    """The shipped ``quick`` experiment with 1 and with 2 local workers, alternately, ``pairs``
    times, each sweep in a fresh process: the median rates, and ``parallel_speedup`` as the
    median over pairs of the 2-worker rate over the 1-worker rate just before it (a pair sees
    the same load on the host; the load drifts between pairs)."""

    def rate(workers: int) -> float:
        return run_child(
            "salesorg.benchmarks.child",
            "sweep",
            "--experiment",
            experiment,
            "--workers",
            str(workers),
        )["runs_per_min"]

    rates = [(rate(1), rate(2)) for _ in range(pairs)]
    return {
        "sweep_runs_per_min_1": statistics.median(one for one, _ in rates),
        "sweep_runs_per_min_2": statistics.median(two for _, two in rates),
        "parallel_speedup": statistics.median(two / one for one, two in rates),
    }


def measure_march(repeats: int = 3) -> dict[str, float]:
    """March (1991) Figure 1: 9 x 3 cells at 200 replications each, to equilibrium."""
    timing = time_repeated(lambda: march_grid(MARCH_REPLICATIONS), repeats, warmup=0)
    return {"march_grid_s": timing.median}


def measure_jit() -> dict[str, float]:
    """The first default run of a fresh process (burn-in and 260 weeks, imports excluded) with
    an empty numba cache (``jit_cold_s``: every kernel compiles) and then with the cache that
    run left (``jit_warm_s``: kernels load from it), in a temporary ``NUMBA_CACHE_DIR``."""
    with tempfile.TemporaryDirectory(prefix="salesorg-numba-") as cache:
        env = {"NUMBA_CACHE_DIR": cache}
        cold = run_child("salesorg.benchmarks.child", "first-run", env=env)["wall_s"]
        warm = run_child("salesorg.benchmarks.child", "first-run", env=env)["wall_s"]
    return {"jit_cold_s": cold, "jit_warm_s": warm}


MEASUREMENTS: dict[str, Callable[[], dict[str, Any]]] = {
    "default": measure_default_run,
    "march": measure_march,
    "scaling": measure_scaling,
    "sweep": measure_sweeps,
    "jit": measure_jit,
    "boltzmann": measure_boltzmann,  # alone; "default" already times it alongside our run
}
DEFAULT_MEASUREMENTS = ("default", "jit", "march", "scaling", "sweep")


# --- assembling and reporting ---------------------------------------------------------------


def derived(results: dict[str, Any], cores: int | None = None) -> dict[str, Any]:
    """Metrics computed from measurements: the ratio to Mesa's Boltzmann example, and the
    estimated wall time of a Sobol' analysis of every sweepable parameter on this machine's
    ``cores`` (:func:`sobol_runs` default warm runs, burn-in included, all cores busy)."""
    ours = results.get("us_per_agent_step")
    theirs = results.get("mesa_boltzmann_us_per_agent_step")
    run_s, burn_in_s = results.get("default_run_s"), results.get("burn_in_s")
    runs = sobol_runs()
    hours = None
    if run_s is not None and burn_in_s is not None:
        hours = runs * (run_s + burn_in_s) / (cores or os.cpu_count() or 1) / 3600
    return {
        "ratio_vs_boltzmann": None if ours is None or theirs is None else ours / theirs,
        "sobol_runs": runs,
        "sobol_all_hours": hours,
    }


def report(results: dict[str, Any]) -> dict[str, Any]:
    """The JSON object: every key of ``KEYS`` (``null`` if unmeasured) and the targets' verdicts."""
    out = {key: results.get(key) for key in KEYS}
    out["targets"] = {
        t.key: {"target": str(t), "value": out[t.key], "holds": t.holds(out[t.key])}
        for t in TARGETS
    }
    return out


def format_table(out: dict[str, Any], unavailable: dict[str, str]) -> str:
    """A human-readable table of every metric, its target and whether it holds."""
    targets = out["targets"]
    lines = [f"{'metric':<34} {'value':>12}  {'target':<10} holds", "-" * 66]
    for key in KEYS:
        if key == "scaling":
            continue
        value = out[key]
        shown = "n/a" if value is None else f"{value:.4g}"
        verdict = targets.get(key)
        target = "" if verdict is None else verdict["target"]
        holds = "" if verdict is None else {True: "yes", False: "NO", None: "?"}[verdict["holds"]]
        lines.append(f"{key:<34} {shown:>12}  {target:<10} {holds}")
    if out["scaling"]:
        lines += [
            "",
            f"scaling ({SCALING_STEPS} steps; the least wall time of {SCALING_REPEATS} fresh "
            "processes each):",
        ]
        lines += [
            f"  {row['employees']:>6} employees  {row['wall_s']:8.3f} s  "
            f"{row['peak_rss_mb']:8.1f} MiB peak RSS"
            for row in out["scaling"]
        ]
    if unavailable:
        lines.append("")
        lines += [f"unavailable: {name}: {reason}" for name, reason in unavailable.items()]
    return "\n".join(lines)


def run(names: list[str], verbose: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    """Run the named measurements; return merged results and the reasons for any that failed.

    Progress goes to stderr, so stdout holds only the table and the JSON line.
    """
    results: dict[str, Any] = {}
    unavailable: dict[str, str] = {}
    for name in names:
        start = time.perf_counter()
        try:
            results |= MEASUREMENTS[name]()
        except Exception as exc:  # a missing part of the project must not hide the rest
            last_line = (str(exc).strip().splitlines() or [""])[-1]
            unavailable[name] = f"{type(exc).__name__}: {last_line}"
            if verbose:
                traceback.print_exc(file=sys.stderr)
        elapsed = time.perf_counter() - start
        print(f"[bench] {name}: {elapsed:.1f} s", file=sys.stderr, flush=True)
    results |= derived(results)
    return results, unavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m salesorg.benchmarks.bench", description=__doc__
    )
    parser.add_argument(
        "--only",
        type=lambda s: s.split(","),
        default=list(DEFAULT_MEASUREMENTS),
        help=f"comma-separated subset of: {','.join(MEASUREMENTS)} "
        f"(default: {','.join(DEFAULT_MEASUREMENTS)})",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if any target is missed")
    parser.add_argument("--verbose", action="store_true", help="print tracebacks of failures")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.only) - set(MEASUREMENTS))
    if unknown:
        parser.error(f"--only {','.join(unknown)}: unknown; choose from {','.join(MEASUREMENTS)}")
    load_before = os.getloadavg()[0]
    results, unavailable = run(args.only, args.verbose)
    out = report(results)
    print(format_table(out, unavailable))
    # other processes on the machine slow every measurement, parallel speed-up most of all
    print(
        f"\nmachine: {os.cpu_count()} cores; 1-minute load average {load_before:.1f} at the "
        f"start, {os.getloadavg()[0]:.1f} at the end (ratios cancel load only in part)"
    )
    print(json.dumps(out))
    missed = [k for k, v in out["targets"].items() if v["holds"] is False]
    return 1 if unavailable or (args.check and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
