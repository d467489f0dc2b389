"""``salesorg report DIR``: a self-contained report (Markdown + HTML) of a results folder."""

from __future__ import annotations

import sys

from salesorg.commands.figures import add_common_arguments, check_metrics


def register(sub) -> None:
    parser = sub.add_parser(
        "report",
        help="write DIR/report.md and a self-contained DIR/report.html from saved results",
        description="What was run, a summary per scenario (mean, 95%% CI, n), pairwise "
        "comparisons of designs (test, Holm-corrected p, effect size) and every figure with a "
        "caption. Figures are (re)drawn into DIR/figures.",
    )
    add_common_arguments(parser)
    parser.add_argument(
        "--test",
        choices=("auto", "parametric", "rank"),
        default="auto",
        help="auto: t tests unless Shapiro-Wilk rejects normality, then rank tests; "
        "parametric: Welch / paired t; rank: Mann-Whitney U / Wilcoxon (default auto)",
    )
    parser.set_defaults(func=handle)


def handle(args) -> int:
    from salesorg.analysis.data import load
    from salesorg.analysis.report import write_report

    results = load(args.results)
    error = check_metrics(results, args.metrics)
    if error or not 0 < args.window <= 1:
        error = error or f"--window = {args.window}; expected a share in (0, 1]"
        print(f"salesorg report: error: {error}", file=sys.stderr)
        return 2
    paths = write_report(results, metrics=args.metrics, window=args.window, method=args.test)
    for path in paths:
        print(f"wrote {path}")
    return 0
