"""Reproduce the published results of March (1991) with the learning engine.

Each function runs one of March's experiments, vectorised over all its cells and replications,
and returns a tidy :class:`pandas.DataFrame`. Every experiment gets its own child of the master
seed, so each table is reproducible on its own.

- Figure 1: equilibrium code knowledge vs socialization rate p1, for p2 in {0.1, 0.5, 0.9}.
- Figure 2: mixed fast (p1 = 0.9) and slow (p1 = 0.1) learners vs a homogeneous group with the
  same mean p1, p2 = 0.5.
- Turnover: code knowledge after 100 periods vs turnover p3, for slow / medium / fast p1.
- Turbulence: code knowledge over time under turbulence p4 = 0.02, with and without turnover.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from salesorg.model.march.engine import run_for, run_to_equilibrium

FIG1_P1 = tuple(round(0.1 * i, 1) for i in range(1, 10))
FIG1_P2 = (0.1, 0.5, 0.9)
# March (1991) Figure 1, read off the published curves (orientation, not a fit target).
PUBLISHED_FIG1 = {
    (0.1, 0.1): 0.86,
    (0.1, 0.5): 0.95,
    (0.1, 0.9): 0.98,
    (0.9, 0.1): 0.79,
    (0.9, 0.5): 0.75,
    (0.9, 0.9): 0.75,
}
FIG2_FAST = tuple(range(0, 51, 5))
TURNOVER_P1 = (0.1, 0.5, 0.9)
TURNOVER_P3 = (0.0, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1)
TURNOVER_HORIZON = 100
TURBULENCE_P4 = 0.02
TURBULENCE_P3 = (0.0, 0.02, 0.1)
TURBULENCE_PERIODS = 300
EXPERIMENTS = ("fig1", "fig2", "turnover", "turbulence")


def experiment_rngs(seed: int) -> dict[str, np.random.Generator]:
    """One independent generator per experiment, spawned from the master seed."""
    children = np.random.SeedSequence(seed).spawn(len(EXPERIMENTS))
    return {name: np.random.default_rng(s) for name, s in zip(EXPERIMENTS, children, strict=True)}


def _summarise(frame: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    out = frame.groupby(keys, sort=True)[value].agg(mean="mean", sd="std", n="count")
    return out.reset_index()


def figure1(rng: np.random.Generator, replications: int) -> pd.DataFrame:
    """Equilibrium code knowledge by (p1, p2): columns ``p1, p2, mean, sd, n``."""
    cells = [(p1, p2) for p1 in FIG1_P1 for p2 in FIG1_P2]
    p1 = np.repeat([c[0] for c in cells], replications)
    p2 = np.repeat([c[1] for c in cells], replications)
    knowledge, _ = run_to_equilibrium(rng, p1, p2)
    raw = pd.DataFrame({"p1": p1, "p2": p2, "knowledge": knowledge})
    return _summarise(raw, ["p1", "p2"], "knowledge")


def figure2(rng: np.random.Generator, replications: int, n: int = 50) -> pd.DataFrame:
    """Mixed vs homogeneous socialization rates at p2 = 0.5.

    Columns: ``fast_learners, mean_p1, group, mean, sd, n`` where ``group`` is ``mixed``
    (``fast_learners`` at p1 = 0.9, the rest at 0.1) or ``homogeneous`` (everyone at mean_p1).
    """
    rows = []
    p1_people = []
    for fast in FIG2_FAST:
        mixed = np.full(n, 0.1)
        mixed[:fast] = 0.9
        for group, rates in (("mixed", mixed), ("homogeneous", np.full(n, mixed.mean()))):
            rows.append((fast, round(float(mixed.mean()), 4), group))
            p1_people.append(np.tile(rates, (replications, 1)))
    knowledge, _ = run_to_equilibrium(rng, np.concatenate(p1_people), 0.5, n=n)
    raw = pd.DataFrame(
        np.repeat(rows, replications, axis=0), columns=["fast_learners", "mean_p1", "group"]
    )
    raw = raw.astype({"fast_learners": int, "mean_p1": float})
    raw["knowledge"] = knowledge
    return _summarise(raw, ["fast_learners", "mean_p1", "group"], "knowledge")


def turnover(rng: np.random.Generator, replications: int) -> pd.DataFrame:
    """Code knowledge after 100 periods by (p1, p3), p2 = 0.5: ``p1, p3, mean, sd, n``."""
    cells = [(p1, p3) for p1 in TURNOVER_P1 for p3 in TURNOVER_P3]
    p1 = np.repeat([c[0] for c in cells], replications)
    p3 = np.repeat([c[1] for c in cells], replications)
    trajectory = run_for(rng, TURNOVER_HORIZON, p1, 0.5, p3, 0.0)
    raw = pd.DataFrame({"p1": p1, "p3": p3, "knowledge": trajectory[-1]})
    return _summarise(raw, ["p1", "p3"], "knowledge")


def turbulence(rng: np.random.Generator, replications: int) -> pd.DataFrame:
    """Code knowledge over time with p4 = 0.02, p1 = p2 = 0.5: ``p3, period, mean, sd, n``."""
    p3 = np.repeat(TURBULENCE_P3, replications)
    trajectory = run_for(rng, TURBULENCE_PERIODS, 0.5, 0.5, p3, TURBULENCE_P4)
    periods = np.arange(1, TURBULENCE_PERIODS + 1)
    raw = pd.DataFrame(
        {
            "p3": np.tile(p3, TURBULENCE_PERIODS),
            "period": np.repeat(periods, p3.size),
            "knowledge": trajectory.reshape(-1),
        }
    )
    return _summarise(raw, ["p3", "period"], "knowledge")


def run_all(seed: int, replications: int) -> dict[str, pd.DataFrame]:
    """All four experiments, each from its own child of ``seed``."""
    rngs = experiment_rngs(seed)
    return {
        "fig1": figure1(rngs["fig1"], replications),
        "fig2": figure2(rngs["fig2"], replications),
        "turnover": turnover(rngs["turnover"], replications),
        "turbulence": turbulence(rngs["turbulence"], replications),
    }


def fig1_comparison(fig1: pd.DataFrame) -> pd.DataFrame:
    """Measured vs published Figure 1 values at the ends of the curves."""
    rows = []
    for (p1, p2), published in PUBLISHED_FIG1.items():
        cell = fig1[(fig1.p1 == p1) & (fig1.p2 == p2)].iloc[0]
        rows.append(
            {"p1": p1, "p2": p2, "measured": round(float(cell["mean"]), 3), "published": published}
        )
    return pd.DataFrame(rows)
