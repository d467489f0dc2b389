"""``salesorg figures DIR``: draw every figure that fits a results folder (PNG 300 dpi + PDF)."""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    parser = sub.add_parser(
        "figures",
        help="draw publication figures from a results folder into DIR/figures",
        description="Time series with 95%% confidence bands, end-of-run distributions, sweep "
        "heatmaps and knowledge-diffusion figures from saved results, as PNG (300 dpi) and PDF. "
        "Nothing is rerun.",
    )
    add_common_arguments(parser)
    parser.add_argument("--out", type=Path, help="output folder (default DIR/figures)")
    parser.set_defaults(func=handle)


def add_common_arguments(parser) -> None:
    """Arguments shared with ``salesorg report``."""
    parser.add_argument("results", type=Path, metavar="DIR", help="a results folder")
    parser.add_argument(
        "--metrics",
        nargs="+",
        metavar="METRIC",
        help="main outcomes (default: bookings, ARR, win rate... as collected)",
    )
    parser.add_argument(
        "--window",
        type=float,
        default=0.1,
        help="share of final steps averaged into end-of-run values (default 0.1)",
    )


def check_metrics(results, metrics) -> str | None:
    """An error message if ``metrics`` names something the results did not keep."""
    unknown = [m for m in metrics or [] if m not in results.metrics]
    if unknown:
        return (
            f"unknown metric(s) {', '.join(map(repr, unknown))}; these results kept: "
            + ", ".join(results.metrics)
        )
    return None


def handle(args) -> int:
    from salesorg.analysis.data import load
    from salesorg.analysis.outputs import write_figures

    results = load(args.results)
    error = check_metrics(results, args.metrics)
    if error or not 0 < args.window <= 1:
        error = error or f"--window = {args.window}; expected a share in (0, 1]"
        print(f"salesorg figures: error: {error}", file=sys.stderr)
        return 2
    for figure in write_figures(results, args.out, metrics=args.metrics, window=args.window):
        for path in figure.paths:
            print(f"wrote {path}")
    return 0
