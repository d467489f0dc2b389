"""Batch experiments: declarative sweeps that run locally or on Dask, resume, and lose nothing.

Quick use from a notebook::

    from experiments import run_experiment, load_results
    summary = run_experiment("quick", workers=2)
    results = load_results(summary.path)
    results.timeseries.groupby(["design", "step"])[results.metrics].mean()
"""

from experiments.results import Results, load_results, sweep_status
from experiments.spec import ExperimentSpec, SpecError, load_spec, shipped_names
from experiments.sweep import SweepSummary, plan_runs, run_experiment, run_scenarios

__all__ = [
    "ExperimentSpec",
    "Results",
    "SpecError",
    "SweepSummary",
    "load_results",
    "load_spec",
    "plan_runs",
    "run_experiment",
    "run_scenarios",
    "shipped_names",
    "sweep_status",
]
