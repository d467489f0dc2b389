"""``salesorg validate march1991`` reproduces March (1991) with the learning engine and writes
tables and figures; ``salesorg validate docking`` runs Figure 1 with ``SalesOrgModel`` itself in
March's limit (:mod:`model.docking`) and compares it with the engine, cell by cell."""

from __future__ import annotations

import argparse
from pathlib import Path

TARGETS = ("march1991", "docking")

#: Largest |sales model - engine| allowed per Figure 1 cell at 200 replications; about three
#: standard errors of the difference of two means of 200 (sd about 0.1 per replication). With
#: fewer replications the bound grows like the standard error, 0.03 x sqrt(200 / R).
DOCKING_TOLERANCE, DOCKING_REFERENCE_REPLICATIONS = 0.03, 200


def docking_tolerance(replications: int) -> float:
    """The docking bound for ``replications`` per cell (see :data:`DOCKING_TOLERANCE`)."""
    scale = max(1.0, DOCKING_REFERENCE_REPLICATIONS / replications) ** 0.5
    return DOCKING_TOLERANCE * scale


def register(sub) -> None:
    parser = sub.add_parser(
        "validate",
        help="reproduce published results (March 1991); dock the sales model to them",
        description="march1991: run March (1991) Figure 1, Figure 2, turnover and turbulence "
        "with the learning engine; write CSV tables and PNG/PDF figures; print Figure 1 next to "
        "the published values. docking: run Figure 1 with SalesOrgModel in March's limit, write "
        "docking_fig1.csv next to the engine's march1991_fig1.csv, print both against the "
        "published values, and fail if a cell differs from the engine by more than the bound.",
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
    return run_docking(args) if args.target == "docking" else run_march1991(args)


def run_march1991(args) -> int:
    import matplotlib.pyplot as plt
    import pandas as pd

    from salesorg.analysis.theme import save_figure
    from salesorg.model.files import atomic_write_text
    from salesorg.model.march.figures import FIGURES
    from salesorg.model.march.validation import fig1_comparison, run_all

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


def run_docking(args) -> int:
    import time

    import pandas as pd

    from salesorg.model import docking
    from salesorg.model.files import atomic_write_text
    from salesorg.model.march.validation import experiment_rngs, figure1

    started = time.perf_counter()
    engine = figure1(experiment_rngs(args.seed)["fig1"], args.replications)
    salesorg = docking.figure1(args.seed, args.replications)
    seconds = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    for name, table in (("march1991_fig1", engine), ("docking_fig1", salesorg)):
        path = args.out / f"{name}.csv"
        atomic_write_text(path, table.to_csv(index=False))
        print(f"wrote {path}")
    table = docking.compare(salesorg, engine)
    worst = float(table["diff"].abs().max())
    bound = docking_tolerance(args.replications)
    with pd.option_context("display.width", 120, "display.max_rows", 100):
        print(
            "\nMarch (1991) Figure 1: equilibrium knowledge of the code, engine and SalesOrgModel"
        )
        print(table.to_string(index=False, float_format="{:.3f}".format, na_rep="-"))
    verdict = "docked" if worst <= bound else "NOT docked"
    print(
        f"\nmax |salesorg - engine| = {worst:.3f} over 27 cells ({args.replications} "
        f"replications each; bound {bound:.3f}): {verdict}; {seconds:.0f} s"
    )
    return 0 if worst <= bound else 1
