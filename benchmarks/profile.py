"""Profile a salesorg run: ``python -m salesorg.benchmarks.profile [--employees N] [--steps S]``.

Prints cProfile's table of the functions with the most time of their own, then the model's own
functions by cumulative time, so a reader sees both the hot numpy calls and which phase of the
week issues them. ``docs/performance.md`` records what these tables showed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats

from salesorg.benchmarks.workloads import DEFAULT_STEPS


def profile_run(employees: int | None, steps: int, warmup_steps: int, seed: int) -> pstats.Stats:
    """cProfile statistics of ``steps`` weeks, after ``warmup_steps`` unprofiled ones."""
    from salesorg.model import SalesOrgModel

    model = SalesOrgModel(rng=seed, **({} if employees is None else {"employees": employees}))
    for _ in range(warmup_steps):
        model.step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        model.step()
    profiler.disable()
    return pstats.Stats(profiler, stream=io.StringIO())


def tables(stats: pstats.Stats, top: int) -> str:
    """Own-time table over everything, then cumulative time of salesorg's own functions."""
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(r"(model|agents)/", top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m salesorg.benchmarks.profile", description=__doc__
    )
    parser.add_argument("--employees", type=int, default=None, help="default: the model's")
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS)
    parser.add_argument("--warmup-steps", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    stats = profile_run(args.employees, args.steps, args.warmup_steps, args.seed)
    print(tables(stats, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
