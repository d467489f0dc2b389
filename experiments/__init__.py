"""Batch experiments: declarative sweeps that run locally or on Dask, resume, and lose nothing.

Quick use from a notebook::

    from experiments import run_experiment, load_results
    summary = run_experiment("quick", workers=2)
    results = load_results(summary.path)
    results.timeseries.groupby(["design", "step"])[results.metrics].mean()

Names are imported on first use, so worker processes that only need
:mod:`experiments.worker` do not pay for the sampler and storage imports.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ExperimentSpec": "experiments.spec",
    "SpecError": "experiments.spec",
    "load_spec": "experiments.spec",
    "shipped_names": "experiments.spec",
    "Results": "experiments.results",
    "load_results": "experiments.results",
    "sweep_status": "experiments.results",
    "SweepSummary": "experiments.sweep",
    "plan_runs": "experiments.sweep",
    "run_experiment": "experiments.sweep",
    "run_scenarios": "experiments.sweep",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
