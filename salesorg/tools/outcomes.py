"""Outcomes by design: the table of ``docs/ODD.md`` section 8.

Run as ``python -m salesorg.tools.outcomes``.

Runs each design for ``steps`` weeks over seeds ``0..seeds-1`` (the same seeds for every design,
so designs share their random numbers; each run after the model's default warm start) and
summarises bookings, win rate, churn and knowledge as mean and standard deviation across seeds,
then each design's paired difference from ``the_model`` with a 95% Student-t interval over seeds.
Slow-ish (the 30 default runs take about two CPU-minutes); for sweeps use the experiment runner
instead.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from salesorg.model.inputs import DESIGNS
from salesorg.model.model import SalesOrgModel

#: column -> (label, decimals)
COLUMNS = {
    "bookings_total": ("bookings, all weeks (USD M)", 1),
    "bookings_last_year": ("bookings, last year (USD M)", 1),
    "arr_end": ("ARR at the end (USD M)", 1),
    "win_rate": ("win rate, last year", 3),
    "churn_annual": ("annual logo churn, last year", 3),
    "nrr": ("NRR, last year", 3),
    "knowledge": ("knowledge, last year", 3),
    "cross_functional_knowledge": ("cross-functional knowledge, last year", 3),
    "cooperation": ("cooperation, last year", 3),
}


#: Metrics averaged over the last year of each run.
LAST_YEAR_MEAN = ("win_rate", "churn_annual", "nrr", "knowledge", "cross_functional_knowledge",
                  "cooperation")  # fmt: skip


def run_outcomes(seeds: int = 10, steps: int = 260, **params) -> pd.DataFrame:
    """One row per (design, seed) with the outcomes of :data:`COLUMNS`."""
    rows = []
    for design in DESIGNS:
        for seed in range(seeds):
            model = SalesOrgModel(rng=seed, design=design, **params)
            for _ in range(steps):
                model.step()
            df = model.datacollector.get_model_vars_dataframe()
            last = df.iloc[-min(52, steps) :]
            rows.append(
                {
                    "design": design,
                    "seed": seed,
                    "bookings_total": df["bookings"].iloc[1:].sum() / 1e6,
                    "bookings_last_year": last["bookings"].sum() / 1e6,
                    "arr_end": df["arr"].iloc[-1] / 1e6,
                    **{name: last[name].mean() for name in LAST_YEAR_MEAN},
                }
            )
    return pd.DataFrame(rows)


def markdown(runs: pd.DataFrame) -> str:
    """Mean ± sd per design as a markdown table."""
    lines = ["| design | " + " | ".join(label for label, _ in COLUMNS.values()) + " |"]
    lines.append("|---|" + "---|" * len(COLUMNS))
    for design, group in runs.groupby("design", sort=False):
        cells = [
            f"{group[c].mean():.{places}f} ± {group[c].std():.{places}f}"
            for c, (_, places) in COLUMNS.items()
        ]
        lines.append(f"| `{design}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def paired_markdown(runs: pd.DataFrame, reference: str = "the_model") -> str:
    """Each other design minus ``reference`` on the same seed: mean [95% CI] per outcome."""
    from salesorg.analysis.stats import mean_ci

    table = runs.set_index(["design", "seed"])
    lines = [
        f"| design minus `{reference}` | "
        + " | ".join(label for label, _ in COLUMNS.values())
        + " |"
    ]
    lines.append("|---|" + "---|" * len(COLUMNS))
    for design in runs["design"].unique():
        if design == reference:
            continue
        diff = table.loc[design] - table.loc[reference]
        cells = []
        for c, (_, places) in COLUMNS.items():
            mean, low, high = mean_ci(diff[c].to_numpy())
            cells.append(f"{mean:+.{places}f} [{low:+.{places}f}, {high:+.{places}f}]")
        lines.append(f"| `{design}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m salesorg.tools.outcomes", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--seeds", type=int, default=10, help="paired seeds 0..N-1 (default 10)")
    parser.add_argument("--weeks", type=int, default=260, help="recorded weeks (default 260)")
    parser.add_argument("--out", help="also write the per-seed runs to this CSV file")
    args = parser.parse_args(argv)
    runs = run_outcomes(args.seeds, args.weeks)
    if args.out:
        runs.to_csv(args.out, index=False)
    print(markdown(runs))
    print()
    print(paired_markdown(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())


#: Metrics recorded in the fixed-seed baseline (``salesorg/tools/baseline.json``), per design.
BASELINE_METRICS = ("bookings", "arr", "customers", "win_rate", "churn_annual", "knowledge",
                    "cross_functional_knowledge", "cooperation", "morale")  # fmt: skip


def baseline_outputs(seed: int, steps: int = 52) -> dict[str, float]:
    """Key outputs of one fixed-seed run per design, for the committed baseline test."""
    out = {}
    for design in DESIGNS:
        model = SalesOrgModel(rng=seed, design=design)
        for _ in range(steps):
            model.step()
        df = model.datacollector.get_model_vars_dataframe()
        for name in BASELINE_METRICS:
            value = df["bookings"].sum() if name == "bookings" else df[name].iloc[-1]
            out[f"salesorg.{design}.week{steps}.{name}"] = float(value)
    return out
