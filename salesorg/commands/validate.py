"""``salesorg validate march1991``: reproduce March (1991) and write tables and figures."""

from __future__ import annotations

import argparse
from pathlib import Path

TARGETS = ("march1991",)


def register(sub) -> None:
    parser = sub.add_parser(
        "validate",
        help="reproduce published results (March 1991) with the learning engine",
        description="Run March (1991) Figure 1, Figure 2, turnover and turbulence; write CSV "
        "tables and PNG/PDF figures; print Figure 1 next to the published values.",
    )
    parser.add_argument("target", choices=TARGETS, help="which published model to reproduce")
    parser.add_argument(
        "--replications",
        type=_positive_int,
        default=200,
        help="replications per cell (default 200)",
    )
    parser.add_argument("--seed", type=int, default=1991, help="master seed (default 1991)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("results/march1991"),
        help="output folder (default results/march1991)",
    )
    parser.set_defaults(func=run)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"--replications = {value}; expected an int >= 2")
    return value


def run(args) -> int:
    import matplotlib.pyplot as plt
    import pandas as pd

    from analysis.theme import save_figure
    from model.files import atomic_write_text
    from model.march_figures import FIGURES
    from model.march_validation import fig1_comparison, run_all

    tables = run_all(args.seed, args.replications)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        atomic_write_text(args.out / f"march1991_{name}.csv", table.to_csv(index=False))
        fig = FIGURES[name](table)
        for path in save_figure(fig, args.out, f"march1991_{name}"):
            print(f"wrote {path}")
        plt.close(fig)
    with pd.option_context("display.width", 120, "display.max_rows", 100):
        print("\nMarch (1991) Figure 1: equilibrium knowledge of the code")
        print(tables["fig1"].to_string(index=False, float_format="{:.3f}".format))
        print("\nAgainst the published curves:")
        print(fig1_comparison(tables["fig1"]).to_string(index=False))
    print(f"\ntables and figures in {args.out}/")
    return 0
