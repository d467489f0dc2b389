"""Batch experiments: declarative sweeps that run locally or on Dask, resume, and lose nothing.

Quick use from a notebook::

    from salesorg.experiments import run_experiment, load_results
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
    "ExperimentSpec": "salesorg.experiments.spec",
    "SpecError": "salesorg.experiments.spec",
    "load_spec": "salesorg.experiments.spec",
    "shipped_names": "salesorg.experiments.spec",
    "Results": "salesorg.experiments.results",
    "load_results": "salesorg.experiments.results",
    "sweep_status": "salesorg.experiments.results",
    "SweepSummary": "salesorg.experiments.sweep",
    "plan_runs": "salesorg.experiments.sweep",
    "run_experiment": "salesorg.experiments.sweep",
    "run_scenarios": "salesorg.experiments.sweep",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
