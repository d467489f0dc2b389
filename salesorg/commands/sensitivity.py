"""``salesorg sensitivity EXPERIMENT``: Morris screening and Sobol' indices over its ranges."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub) -> None:
    parser = sub.add_parser(
        "sensitivity",
        help="global sensitivity analysis (SALib Morris / Sobol') over an experiment's ranges",
        description="Sample the factor ranges an experiment file declares with SALib, run every "
        "point through the experiment runner (re-running resumes), then write the indices "
        "(sensitivity_indices.csv) and a figure with 95%% confidence intervals. The design is "
        "saved with the results (sensitivity.json).",
    )
    parser.add_argument(
        "experiment", help="a shipped experiment (see `salesorg list`) or a path to a .toml file"
    )
    parser.add_argument(
        "--method",
        choices=("morris", "sobol", "both"),
        default="both",
        help="Morris screening, Sobol' indices, or both (default both)",
    )
    parser.add_argument(
        "--samples",
        type=_positive,
        help="Morris trajectories (default 10) or Sobol' base sample N, a power of two "
        "(default 64)",
    )
    parser.add_argument(
        "--replications",
        type=_positive,
        help="runs per sample point, averaged (default: the experiment's replications)",
    )
    parser.add_argument("--seed", type=int, help="sampler seed (default: the master seed)")
    parser.add_argument(
        "--metrics", nargs="+", metavar="METRIC", help="outputs to analyse (default: main ones)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="results folder (default results/<experiment>-sensitivity; one subfolder per method)",
    )
    parser.add_argument("--workers", type=_positive, help="local worker processes")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address")
    parser.add_argument(
        "--retry-failed", action="store_true", help="also rerun runs that failed before"
    )
    parser.set_defaults(func=handle)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed; expected an integer >= 1")
    return value


def handle(args) -> int:
    from salesorg.analysis.sensitivity_run import (
        analyze_sensitivity,
        indices_table,
        run_sensitivity,
    )
    from salesorg.experiments import load_spec

    spec = load_spec(args.experiment)
    methods = ("morris", "sobol") if args.method == "both" else (args.method,)
    root = args.out if args.out is not None else Path("results") / f"{spec.name}-sensitivity"
    status = 0
    for method in methods:
        out = root / method
        try:
            _, summary = run_sensitivity(
                spec,
                method,
                samples=args.samples,
                out=out,
                replications=args.replications,
                seed=args.seed,
                workers=args.workers,
                scheduler=args.scheduler,
                retry_failed=args.retry_failed,
            )
            print(summary)
            indices, paths = analyze_sensitivity(out, metrics=args.metrics)
        except ValueError as exc:
            print(f"salesorg sensitivity: error: {exc}", file=sys.stderr)
            return 2
        if not summary.ok:
            status = 1
        print(f"\n{method} indices ({out / 'sensitivity_indices.csv'}):")
        print(indices_table(indices).to_string(index=False, float_format="{:.3f}".format))
        for path in paths:
            print(f"wrote {path}")
    return status
