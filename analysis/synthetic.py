"""Synthetic results with known effects, in the runner's results-on-disk format.

The statistics and figures are tested on data whose answer is known before the model is run: a
design that truly sells more, one that truly does not differ, a two-factor sweep with a known
slope, and knowledge that spreads at a known rate. :func:`write_results` writes them exactly as
the experiment runner does (``manifest.json``, ``runs.parquet``, ``timeseries/<run_id>.parquet``)
so the same folder also exercises ``experiments.load_results`` and the CLI.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd

DESIGNS = ("functional", "the_model", "pods")
DOMAINS = ("customer_language", "fit_signals", "product_technical")
KNOWLEDGE_ROLES = ("marketer", "sdr", "ae", "csm")

_OUTCOMES = {
    "bookings": ("k$ per week", "new annual contract value booked this week"),
    "arr": ("k$", "annual recurring revenue"),
    "win_rate": ("share of deals", "deals won / deals closed this week"),
}
_GRID = {
    f"knowledge_{r}_{d}": ("share correct", f"{r} knowledge of {d}")
    for r in KNOWLEDGE_ROLES
    for d in DOMAINS
}
_PROFILES = {
    **{f"knowledge_{r}": ("share correct", f"{r} knowledge") for r in KNOWLEDGE_ROLES},
    **{f"knowledge_{d}": ("share correct", f"knowledge of {d}") for d in DOMAINS},
}
#: Units for the synthetic metrics, in the model's ``METRICS`` shape (name -> (unit, description)).
SYNTHETIC_METRICS = {**_OUTCOMES, **_GRID, **_PROFILES}


@dataclass
class SyntheticResults:
    """Results in the shape ``experiments.load_results`` returns, plus the effects put in."""

    manifest: dict
    runs: pd.DataFrame
    timeseries: pd.DataFrame
    factors: list[str]
    metrics: list[str]
    truth: dict = field(default_factory=dict)
    path: Path | None = None

    def __repr__(self) -> str:
        return (
            f"SyntheticResults({len(self.runs)} runs, factors={self.factors}, "
            f"{len(self.metrics)} metrics)"
        )


def make_results(
    *,
    design_effect: dict | None = None,
    sweep: dict | None = None,
    interaction: dict | None = None,
    compare: bool = False,
    replications: int = 8,
    steps: int = 30,
    noise: float = 1.0,
    seed_noise: float = 2.0,
    paired_seeds: bool = True,
    failed: int = 0,
    knowledge: str = "grid",
    master_seed: int = 20261123,
) -> SyntheticResults:
    """Build synthetic results.

    Weekly bookings of a run ramp up to ``10 + design_effect[design] + sweep effect + u_seed``,
    plus weekly Gaussian noise (sd ``noise``); ``u_seed`` (sd ``seed_noise``) is shared by runs
    with the same seed, like common random numbers. ARR is cumulative bookings; win rate is a
    noisy constant shifted by a tenth of the design effect; knowledge of role r in domain d
    follows a logistic curve that is faster in pods for cross-functional domains.

    Args:
        design_effect: extra weekly bookings per design; default pods +3, others 0.
        sweep: optional ``{"cooperativeness": (levels, slope), ...}`` numeric factors whose level
            adds ``slope * level`` to bookings (crossed with the designs).
        interaction: optional ``{factor: {design: slope}}``: a swept factor's level adds
            ``slope * level`` to that design's bookings only (a region where a design wins).
        compare: mark the design as the compared factor of a map experiment (the manifest's
            ``compare``), so figures and reports draw the map.
        replications: runs per scenario.
        steps: weeks per run (steps 0..steps-1).
        noise: sd of weekly noise in bookings.
        seed_noise: sd of the per-seed level shared across scenarios.
        paired_seeds: reuse replication seeds across scenarios (else every run has its own).
        failed: number of runs (last scenario) marked ``failed`` with no time series.
        knowledge: ``"grid"`` (``knowledge_<role>_<domain>``) or ``"profiles"``
            (``knowledge_<role>`` and ``knowledge_<domain>``, the sales model's layout).
        master_seed: seed of everything random here.
    """
    design_effect = dict(design_effect or {"functional": 0.0, "the_model": 0.0, "pods": 3.0})
    sweep = dict(sweep or {})
    interaction = dict(interaction or {})
    if knowledge not in ("grid", "profiles"):
        raise ValueError(f"knowledge = {knowledge!r}; expected 'grid' or 'profiles'")
    rng = np.random.default_rng(master_seed)
    factor_names = ["design", *sweep]
    grids = [list(design_effect), *[list(levels) for levels, _ in sweep.values()]]
    combos = list(product(*grids))
    seeds = rng.integers(0, 2**31, size=(len(combos), replications))
    if paired_seeds:
        seeds[:] = seeds[0]
    seed_level = {}
    run_rows, frames = [], []
    t = np.arange(steps)
    for scenario, combo in enumerate(combos):
        values = dict(zip(factor_names, combo, strict=True))
        level = 10.0 + design_effect[values["design"]]
        level += sum(slope * values[name] for name, (_, slope) in sweep.items())
        level += sum(
            slopes.get(values["design"], 0.0) * values[name] for name, slopes in interaction.items()
        )
        for rep in range(replications):
            seed = int(seeds[scenario, rep])
            run_id = f"s{scenario:03d}-r{rep:03d}"
            is_failed = scenario == len(combos) - 1 and rep >= replications - failed
            run_rows.append(
                dict(
                    run_id=run_id,
                    scenario=scenario,
                    replication=rep,
                    seed=seed,
                    status="failed" if is_failed else "done",
                    wall_s=0.01,
                    error="Traceback: synthetic failure" if is_failed else "",
                    **values,
                    n_employees=90,
                )
            )
            if is_failed:
                continue
            u = seed_level.setdefault(seed, rng.normal(0.0, seed_noise))
            ramp = 1 - np.exp(-(t + 1) / 4)
            bookings = (level + u) * ramp + rng.normal(0.0, noise, steps)
            win = 0.2 + 0.01 * design_effect[values["design"]] + rng.normal(0, 0.02, steps)
            frame = {"step": t, "bookings": bookings, "arr": np.cumsum(bookings) * 1.0}
            frame["win_rate"] = np.clip(win, 0, 1)
            for r, d in product(KNOWLEDGE_ROLES, DOMAINS):
                cross = (r, d) not in {("marketer", "fit_signals"), ("sdr", "customer_language")}
                rate = 0.25 if (values["design"] == "pods" and cross) else 0.12
                curve = 0.5 + 0.45 / (1 + np.exp(-rate * (t - 12)))
                frame[f"knowledge_{r}_{d}"] = np.clip(curve + rng.normal(0, 0.01, steps), 0, 1)
            if knowledge == "profiles":
                grid = {k: frame.pop(k) for k in _GRID}
                for r in KNOWLEDGE_ROLES:
                    frame[f"knowledge_{r}"] = np.mean(
                        [grid[f"knowledge_{r}_{d}"] for d in DOMAINS], 0
                    )
                for d in DOMAINS:
                    frame[f"knowledge_{d}"] = np.mean(
                        [grid[f"knowledge_{r}_{d}"] for r in KNOWLEDGE_ROLES], 0
                    )
            frames.append(pd.DataFrame(frame).assign(run_id=run_id))
    runs = pd.DataFrame(run_rows)
    metrics = [*_OUTCOMES, *(_GRID if knowledge == "grid" else _PROFILES)]
    per_run = pd.concat(frames, ignore_index=True)
    info = runs[["run_id", "scenario", "replication", *factor_names]]
    timeseries = per_run.merge(info, on="run_id")
    timeseries = timeseries[["run_id", "scenario", "replication", "step", *metrics, *factor_names]]
    spec = {
        "name": "synthetic",
        "model": "synthetic",
        "replications": replications,
        "steps": steps,
        "factors": {name: list(levels) for name, levels in zip(factor_names, grids, strict=True)},
    }
    text = json.dumps(spec, sort_keys=True, indent=1)
    manifest = {
        "experiment": "synthetic",
        "model": "synthetic",
        "spec": {
            "source": "<synthetic>",
            "content": text,
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
        },
        "master_seed": master_seed,
        "versions": {"salesorg": "synthetic"},
        "git_commit": "0000000",
        "git_dirty": False,
        "started": "2026-11-23T12:00:00+00:00",
        "finished": "2026-11-23T12:01:00+00:00",
        "factors": factor_names,
        "metrics": metrics,
        "parameters": [*factor_names, "n_employees"],
        "replications": replications,
        "steps": steps,
        "n_scenarios": len(combos),
        "n_runs": len(runs),
        "compare": "design" if compare else None,
    }
    truth = {"design_effect": design_effect, "sweep": sweep, "interaction": interaction}
    return SyntheticResults(manifest, runs, timeseries, factor_names, metrics, truth)


def write_results(results: SyntheticResults, directory: Path | str) -> Path:
    """Write ``results`` in the on-disk format the runner produces; return the folder.

    Sets ``results.path`` so figures and reports default to writing beside the data.
    """
    directory = Path(directory)
    results.path = directory
    (directory / "timeseries").mkdir(parents=True, exist_ok=True)
    (directory / "manifest.json").write_text(json.dumps(results.manifest, indent=2))
    results.runs.to_parquet(directory / "runs.parquet", index=False)
    columns = ["step", *results.metrics]
    for run_id, frame in results.timeseries.groupby("run_id"):
        frame[columns].to_parquet(directory / "timeseries" / f"{run_id}.parquet", index=False)
    return directory
