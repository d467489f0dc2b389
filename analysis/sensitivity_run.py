"""Run a sensitivity design through the experiment runner and analyse what it produced.

``run_sensitivity`` saves the design, then hands its scenarios to ``experiments.run_scenarios``
(so an interrupted analysis resumes and can run on a Dask cluster). ``analyze_sensitivity`` reads
a finished folder back, computes the indices of each metric and writes the table and figures.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from salesorg.analysis.data import end_of_run, load, main_metrics, metric_info
from salesorg.analysis.sensitivity import (
    INDICES_FILE,
    SensitivityDesign,
    compute_indices,
    design_from_spec,
)
from salesorg.analysis.sensitivity_figure import sensitivity_figure
from salesorg.analysis.theme import save_figure

DEFAULT_SAMPLES = {"morris": 10, "sobol": 64}


def run_sensitivity(
    experiment,
    method: str,
    *,
    samples: int | None = None,
    out: Path | str | None = None,
    replications: int | None = None,
    seed: int | None = None,
    **run_options,
):
    """Sample the experiment's ranges with ``method`` and run every point with the runner.

    Args:
        experiment: shipped experiment name, path to a TOML file, or an ``ExperimentSpec``.
        method: ``"morris"`` or ``"sobol"``.
        samples: Morris trajectories or Sobol' N (default 10 / 64).
        out: results folder; default ``results/<experiment>-sensitivity/<method>``.
        replications: runs per sample point (default: the experiment's replications).
        seed: SALib sampler seed (default: the experiment's master seed).
        **run_options: passed to the runner (``workers``, ``scheduler``, ``progress``...).

    Returns:
        ``(design, summary)``: the :class:`SensitivityDesign` and the runner's sweep summary.
    """
    from salesorg.experiments import ExperimentSpec, load_spec, run_scenarios

    spec = experiment if isinstance(experiment, ExperimentSpec) else load_spec(experiment)
    samples = DEFAULT_SAMPLES[method] if samples is None else samples
    design = design_from_spec(spec, method, samples, seed=seed)
    out = Path(out) if out is not None else Path("results") / f"{spec.name}-sensitivity" / method
    design.save(out)
    summary = run_scenarios(
        design.scenarios(),
        name=f"{spec.name}-sensitivity-{method}",
        steps=spec.steps,
        master_seed=spec.master_seed,
        out=out,
        model=spec.model,
        replications=spec.replications if replications is None else replications,
        fixed=spec.fixed,
        metrics=list(spec.metrics) or None,
        collect_every=spec.collect_every,
        description=f"{method} sensitivity analysis of {spec.name}: {spec.description}",
        **run_options,
    )
    return design, summary


def sensitivity_outputs(results, design: SensitivityDesign, metrics, window: float = 0.1):
    """Mean end-of-run value of each metric per scenario, in design order.

    Raises:
        ValueError: some scenario has no completed run (indices need every sample point).
    """
    outcomes = end_of_run(results, metrics, window=window)
    means = outcomes.groupby("scenario")[metrics].mean()
    expected = len(design.sample) * len(design.strata)
    missing = sorted(set(range(expected)) - set(means.index))
    if missing:
        raise ValueError(
            f"{len(missing)} of {expected} sample points have no completed run (first: scenario "
            f"{missing[0]}); rerun `salesorg sensitivity` (with --retry-failed if runs failed)"
        )
    return means.reindex(range(expected))


def analyze_sensitivity(directory, *, metrics=None, window: float = 0.1):
    """Indices table and figure for a folder written by :func:`run_sensitivity`.

    Writes ``sensitivity_indices.csv`` and ``figures/sensitivity_<method>_<experiment>.png/pdf``.

    Returns:
        ``(indices DataFrame, list of figure paths)``.
    """
    results = load(directory)
    directory = Path(results.path)
    design = SensitivityDesign.load(directory)
    sampled = set(design.names) | {f for s in design.strata for f in s}
    outputs_names = [m for m in main_metrics(results) if m not in sampled]
    metrics = list(outputs_names if metrics is None else metrics)
    outputs = sensitivity_outputs(results, design, metrics, window)
    indices = compute_indices(design, outputs)
    indices.to_csv(directory / INDICES_FILE, index=False)
    fig = sensitivity_figure(indices, info=metric_info(results))
    name = f"sensitivity_{design.method}-indices_{design.experiment}"
    paths = save_figure(fig, directory / "figures", name)
    plt.close(fig)
    return indices, paths


def indices_table(indices: pd.DataFrame) -> pd.DataFrame:
    """Wide view for printing: one row per stratum, metric and parameter, one column per index."""
    wide = indices.pivot_table(
        index=["stratum", "metric", "parameter"], columns="index", values="value", sort=False
    )
    return wide.reset_index()
