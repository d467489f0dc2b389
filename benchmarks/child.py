"""One measurement in a fresh interpreter: ``python -m salesorg.benchmarks.child KIND ...``.

Prints one JSON line: the wall time of the workload (imports excluded) and this process's peak
resident memory. ``make bench`` starts one child per scaling size and per sweep, so no
measurement inherits another's memory high-water mark or warm caches.

Kinds:
    ``salesorg --employees N --steps S``: one SalesOrgModel run.
    ``sweep --workers W``: the shipped ``quick`` experiment into a temporary folder.
    ``first-run``: a default warm run (burn-in and 260 recorded weeks) as the process's first,
    so compiled kernels are loaded from numba's cache, or compiled where it is empty.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

from salesorg.benchmarks.timing import peak_rss_mb
from salesorg.benchmarks.workloads import DEFAULT_STEPS, SCALING_STEPS, salesorg_run


def measure_salesorg(employees: int, steps: int, seed: int) -> dict:
    # imports and loading the compiled kernels from numba's cache (``jit_warm_s`` times that)
    # are not part of the run's time: a small model's first weeks load them
    salesorg_run(9, 2, seed)
    start = time.perf_counter()
    salesorg_run(employees, steps, seed)
    wall = time.perf_counter() - start
    return {"employees": employees, "wall_s": wall, "peak_rss_mb": peak_rss_mb()}


def measure_first_run() -> dict:
    """The first model run of a process: kernels come from numba's cache or are compiled now."""
    from salesorg.model import SalesOrgModel

    start = time.perf_counter()
    model = SalesOrgModel(rng=1)  # the default burn-in runs here
    for _ in range(DEFAULT_STEPS):
        model.step()
    return {"wall_s": time.perf_counter() - start}


def measure_sweep(experiment: str, workers: int) -> dict:
    from salesorg.experiments import run_experiment

    with tempfile.TemporaryDirectory(prefix="salesorg-bench-") as out:
        summary = run_experiment(experiment, out, workers=workers, progress=False)
    if not summary.ok:
        raise RuntimeError(f"sweep {experiment!r} did not finish cleanly:\n{summary}")
    return {
        "experiment": experiment,
        "workers": workers,
        "runs": summary.ran,
        "wall_s": summary.wall_s,
        "runs_per_min": 60 * summary.ran / summary.wall_s,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m salesorg.benchmarks.child")
    kinds = parser.add_subparsers(dest="kind", required=True)
    run = kinds.add_parser("salesorg")
    run.add_argument("--employees", type=int, required=True)
    run.add_argument("--steps", type=int, default=SCALING_STEPS)
    run.add_argument("--seed", type=int, default=1)
    sweep = kinds.add_parser("sweep")
    sweep.add_argument("--experiment", default="quick")
    sweep.add_argument("--workers", type=int, required=True)
    kinds.add_parser("first-run")
    args = parser.parse_args(argv)
    if args.kind == "salesorg":
        result = measure_salesorg(args.employees, args.steps, args.seed)
    elif args.kind == "first-run":
        result = measure_first_run()
    else:
        result = measure_sweep(args.experiment, args.workers)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
