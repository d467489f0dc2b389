"""salesorg: an agent-based model of how B2B sales organizations learn and sell.

The documented entry::

    from salesorg import SalesOrgModel, PARAMETERS, METRICS

    model = SalesOrgModel(rng=42, design="pods")

Every part installs under this one namespace: ``salesorg.model`` (the model and its parameter
table), ``salesorg.agents``, ``salesorg.experiments`` (experiment files and the batch runner),
``salesorg.analysis`` (statistics, figures, reports), ``salesorg.viz`` and ``salesorg.app``
(the browser page), ``salesorg.tools`` and ``salesorg.benchmarks``. In a checkout their sources
are the top-level folders ``model/``, ``agents/``, ... (``pyproject.toml`` maps them).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

#: Names importable from ``salesorg`` itself, and the module each comes from (loaded on first
#: use, so the command line starts without importing Mesa).
_EXPORTS = {
    "SalesOrgModel": "salesorg.model",
    "PARAMETERS": "salesorg.model",
    "METRICS": "salesorg.model",
    "ParameterError": "salesorg.model",
    "load_results": "salesorg.experiments",
    "load_spec": "salesorg.experiments",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'salesorg' has no attribute {name!r}")
