"""CPU time of each phase of the week.

Run as ``python -m salesorg.benchmarks.phases [--design D] [--repeat R]``.

Runs the default model (or ``--design``) for 260 weeks ``--repeat`` times and prints, per phase of
:meth:`model.SalesOrgModel.step` (then the rest of the week, the DataCollector's row and Mesa's
own step machinery around them), the minimum over repeats of its CPU time in microseconds per
week. The minimum is the least load-sensitive statistic on a shared machine; compare two trees by
running this in each, alternately. ``docs/performance.md`` records what it showed.
"""

from __future__ import annotations

import argparse
import time

from salesorg.benchmarks.workloads import DEFAULT_STEPS

#: The model methods that make up a week, in schedule order (ODD section 3).
PHASES = ("motivate", "sell", "serve_customers", "learn", "pay_and_morale", "turnover", "_assess")


def phase_times(steps: int = DEFAULT_STEPS, seed: int = 1, **params) -> dict[str, float]:
    """CPU seconds over one run of ``steps`` weeks: per phase, ``other`` (the rest of
    :meth:`~model.SalesOrgModel.run_week`: turbulence, the flows' record), ``collect`` (the
    DataCollector's row), ``mesa_step`` (Mesa's own step machinery around them: its event list
    and signals) and ``total`` (``model.step()``)."""
    from salesorg.model import SalesOrgModel

    model = SalesOrgModel(rng=seed, **params)
    spent = dict.fromkeys((*PHASES, "run_week", "collect"), 0.0)
    clock = time.process_time
    timed_methods = [(model, name) for name in (*PHASES, "run_week")]
    timed_methods.append((model.datacollector, "collect"))
    for owner, name in timed_methods:
        method = getattr(owner, name)

        def timed(*args, method=method, name=name):
            start = clock()
            method(*args)
            spent[name] += clock() - start

        setattr(owner, name, timed)  # instance attribute: shadows the method for this run only
    start = clock()
    for _ in range(steps):
        model.step()
    spent["total"] = clock() - start
    week = spent.pop("run_week")
    spent["other"] = week - sum(spent[name] for name in PHASES)
    spent["mesa_step"] = spent["total"] - week - spent["collect"]
    return spent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m salesorg.benchmarks.phases", description=__doc__
    )
    parser.add_argument("--design", default=None, help="organization design (default: model's)")
    parser.add_argument("--repeat", type=int, default=7, help="runs; the minimum is reported")
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS)
    args = parser.parse_args(argv)
    params = {} if args.design is None else {"design": args.design}
    runs = [phase_times(args.steps, **params) for _ in range(args.repeat + 1)][1:]  # warm-up
    print(f"{'phase':18s} {'us/week':>9s}")
    for name in (*PHASES, "other", "collect", "mesa_step", "total"):
        best = min(run[name] for run in runs) / args.steps * 1e6
        print(f"{name:18s} {best:9.1f}")


if __name__ == "__main__":
    main()
