"""``salesorg run EXPERIMENT``: run (or resume) a batch experiment and save its results."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path


def register(sub) -> None:
    parser = sub.add_parser(
        "run",
        help="run or resume a batch experiment (experiments/*.toml) locally or on Dask",
        description="Run every scenario x replication of an experiment file, saving each run as "
        "it finishes. Re-running the same command resumes: finished runs are skipped. See "
        "docs/experiments.md.",
    )
    parser.add_argument(
        "experiment", help="a shipped experiment (see `salesorg list`) or a path to a .toml file"
    )
    parser.add_argument(
        "--workers",
        type=_workers,
        default=None,
        help="local worker processes (default: all cores; 1 runs in this process)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786 (ignores --workers)",
    )
    parser.add_argument(
        "--out", type=Path, help="results folder (default results/<experiment name>)"
    )
    parser.add_argument(
        "--retry-failed", action="store_true", help="also rerun runs that failed before"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="validate and show the plan; run nothing"
    )
    parser.set_defaults(func=handle)


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"--workers = {text!r}; expected an integer >= 1")
    return value


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def handle(args) -> int:
    from salesorg.experiments import load_spec, plan_runs, run_experiment
    from salesorg.experiments.executors import SchedulerUnreachableError, WorkerCrashError
    from salesorg.experiments.sampling import (
        describe_equivalents,
        equivalent_scenarios,
        scenario_values,
    )
    from salesorg.experiments.storage import ResultsBusyError

    spec = load_spec(args.experiment)
    out = args.out if args.out is not None else Path("results") / spec.name
    if args.dry_run:
        tasks = plan_runs(spec)
        same = equivalent_scenarios(spec)
        print(repr(spec))
        print(
            f"{len(tasks) // spec.replications} scenarios x {spec.replications} replications "
            f"= {len(tasks)} runs of {spec.steps} steps; results would go to {out}"
        )
        if same:
            print(f"{len(same)} grid scenarios are the same model as another and are not rerun:")
            for line in describe_equivalents(scenario_values(spec), same):
                print(f"  {line}")
        return 0
    # A batch system ending the job (SLURM sends SIGTERM first) stops the sweep like Ctrl-C:
    # workers are stopped, the runs table and manifest are brought up to date.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        summary = run_experiment(
            spec,
            out,
            workers=args.workers,
            scheduler=args.scheduler,
            retry_failed=args.retry_failed,
        )
    except (ResultsBusyError, WorkerCrashError, SchedulerUnreachableError) as exc:
        print(f"salesorg run: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: finished runs are saved in {out}; re-run the same command to resume",
            file=sys.stderr,
        )
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(summary)
    print(f"load them with: experiments.load_results({str(summary.path)!r})")
    return 0 if summary.ok else 1
