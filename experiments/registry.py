"""Which Mesa models an experiment file can name, and how to reach their parameters and metrics.

The runner is generic over any model with the shared shape ``Model(rng=seed, **params)``, a
``datacollector`` with model reporters and a :class:`~model.parameters.ParameterTable`. Models
are imported lazily, so reading an experiment file for ``march1991`` never imports the sales
model and ``salesorg --help`` stays fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from salesorg.model.parameters import ParameterError, ParameterTable

# Column names of the runs table; a model parameter must not reuse one of them.
RUN_COLUMNS = ("run_id", "scenario", "replication", "seed", "status", "wall_s", "error")


@dataclass(frozen=True)
class ModelEntry:
    """Where to find one sweepable model.

    Attributes:
        name: the value of ``model = "..."`` in an experiment file.
        module: dotted module that defines the model class.
        class_name: the Mesa model class, called as ``cls(rng=seed, **params)``.
        parameters: name of the module attribute holding its :class:`ParameterTable`.
        metrics: name of the module attribute mapping metric -> (unit, description), or ``None``
            when the model has no such table (metrics are then read off its datacollector).
        checks: ``"module:name"`` of the model's cross-parameter rules (a function, or a tuple
            of functions such as ``model.validation:RULES``). Each rule takes a
            complete parameter dict (it may normalize it in place, e.g. fill a pod composition)
            and raises :class:`ParameterError`; all run on every scenario before any run.
        equivalence: ``"module:name"`` of a function mapping complete parameters to those of the
            same model in canonical form (two scenarios with equal images are one model, so a
            grid runs it once), or ``None`` if every parameter dict is a different model.
    """

    name: str
    module: str
    class_name: str
    parameters: str
    metrics: str | None
    checks: tuple[str, ...] = ()
    equivalence: str | None = None

    def model_class(self) -> type:
        return getattr(importlib.import_module(self.module), self.class_name)

    def parameter_table(self) -> ParameterTable:
        return getattr(importlib.import_module(self.module), self.parameters)

    def validate(self, values: dict[str, Any]) -> dict[str, Any]:
        """Complete, checked parameters: the table's defaults and ranges, then the cross rules."""
        params = self.parameter_table().validate(values)
        for target in self.checks:
            module, name = target.split(":")
            rules = getattr(importlib.import_module(module), name)
            for rule in rules if isinstance(rules, tuple | list) else (rules,):
                rule(params)
        return params

    def canonical(self, params: dict[str, Any]) -> dict[str, Any]:
        """The canonical parameters of the model ``params`` define (see ``equivalence``)."""
        if self.equivalence is None:
            return params
        module, name = self.equivalence.split(":")
        return getattr(importlib.import_module(module), name)(params)


MODELS: dict[str, ModelEntry] = {
    "salesorg": ModelEntry(
        "salesorg",
        "salesorg.model",
        "SalesOrgModel",
        "PARAMETERS",
        "METRICS",
        checks=("salesorg.model.validation:RULES",),
        equivalence="salesorg.model.seating:canonical_params",
    ),
    "march1991": ModelEntry(
        "march1991",
        "salesorg.model.march",
        "March1991Model",
        "MARCH_PARAMETERS",
        "MARCH_METRICS",
        checks=("salesorg.model.march:check_fast_learners",),
    ),
}


def get_model(name: str) -> ModelEntry:
    """Return the registry entry for ``name`` or raise a :class:`ParameterError` listing choices."""
    try:
        return MODELS[name]
    except KeyError:
        raise ParameterError(
            f"unknown model {name!r}; expected one of " + ", ".join(map(repr, MODELS))
        ) from None


@cache
def model_metrics(name: str) -> dict[str, str]:
    """Metric name -> one-line description for model ``name``.

    Uses the model module's metrics table when it has one; otherwise builds one default model
    (seed 0, no steps) and lists its datacollector's model reporters.
    """
    entry = get_model(name)
    module = importlib.import_module(entry.module)
    table: dict[str, Any] | None = getattr(module, entry.metrics, None) if entry.metrics else None
    if table is not None:
        return {
            metric: (" ".join(map(str, info)) if isinstance(info, tuple) else str(info))
            for metric, info in table.items()
        }
    instance = entry.model_class()(rng=0)
    return {metric: "" for metric in instance.datacollector.model_reporters}
