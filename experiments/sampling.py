"""Turn an experiment's factors into scenarios: a full factorial grid or a quasi-random sample.

Latin hypercube and Sobol' samples come from :mod:`scipy.stats.qmc`, drawn from a stream of the
master seed that no replication uses, so the same file always gives the same scenarios. Other
designs (e.g. a SALib Saltelli sample from ``salesorg sensitivity``) skip this module and hand
the runner an explicit list of parameter dicts (``sampler = 'list'``).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
from salesorg.experiments.registry import get_model
from salesorg.experiments.seeds import sampler_rng
from salesorg.experiments.spec import ExperimentSpec, Range, SpecError
from salesorg.model.parameters import Parameter, ParameterError


def scenario_values(spec: ExperimentSpec) -> list[dict[str, Any]]:
    """The varied values of each scenario, in scenario order (index = scenario number).

    With ``compare``, each sampled scenario is followed by its copies at every compared level
    (scenario ``i x levels + j`` is sample ``i`` at level ``j``).
    """
    sampled = _sampled_values(spec)
    if spec.compare is None:
        return sampled
    name, levels = spec.compare
    return [{**values, name: level} for values in sampled for level in levels]


def _sampled_values(spec: ExperimentSpec) -> list[dict[str, Any]]:
    """The scenarios of the sampler alone (before crossing with ``compare``)."""
    if spec.scenarios is not None:
        return [dict(s) for s in spec.scenarios]
    table = spec.parameter_table()
    if spec.sampler == "grid":
        axes = [_grid_levels(table[name], f) for name, f in spec.factors.items()]
        names = list(spec.factors)
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]
    unit = _unit_sample(spec)
    return [
        {
            name: _from_unit(table[name], factor, unit[i, j])
            for j, (name, factor) in enumerate(spec.factors.items())
        }
        for i in range(unit.shape[0])
    ]


def resolve_scenarios(spec: ExperimentSpec) -> list[dict[str, Any]]:
    """Complete, validated parameter dicts (defaults + fixed + varied) for every scenario.

    Raises:
        SpecError: a scenario breaks one of the model's cross-parameter rules.
    """
    entry = get_model(spec.model)
    resolved = []
    for i, values in enumerate(scenario_values(spec)):
        try:
            resolved.append(entry.validate({**spec.fixed, **values}))
        except ParameterError as exc:
            raise SpecError(f"{spec.source}: scenario {i} {values}: {exc}") from None
    return resolved


def equivalent_scenarios(
    spec: ExperimentSpec, resolved: list[dict[str, Any]] | None = None
) -> dict[int, int]:
    """Grid scenarios that are the same model as an earlier one: ``{scenario: earlier}``.

    A full grid may cross factors whose levels coincide for some other factor's level (in the
    assembly-line designs seating ``by_unit`` is seating ``by_function``). Such a scenario is run
    once, under its first index. Only grids are reduced: a list or a sample keeps every row,
    since a sensitivity design needs each of its points. ``resolved`` saves resolving the
    scenarios again when the caller has them.
    """
    if spec.sampler != "grid" or spec.scenarios is not None:
        return {}
    entry = get_model(spec.model)
    first: dict[str, int] = {}
    same = {}
    for i, params in enumerate(resolve_scenarios(spec) if resolved is None else resolved):
        key = json.dumps(entry.canonical(params), sort_keys=True, default=str)
        if key in first:
            same[i] = first[key]
        else:
            first[key] = i
    return same


def describe_equivalents(values: list[dict[str, Any]], same: dict[int, int]) -> list[str]:
    """One line per scenario left out as the same model as another, naming what differs.

    Args:
        values: the varied values of every scenario (:func:`scenario_values`).
        same: ``{scenario: earlier scenario}`` from :func:`equivalent_scenarios`.
    """
    lines = []
    for dup, kept in sorted(same.items()):
        a, b = values[dup], values[kept]
        common = ", ".join(f"{k}={v}" for k, v in a.items() if b.get(k) == v)
        differ = ", ".join(f"{k}={a[k]}" for k in a if b.get(k) != a[k])
        same_as = ", ".join(f"{k}={b[k]}" for k in a if b.get(k) != a[k])
        lines.append(
            f"scenario {dup} ({common}): {differ} is the same model as {same_as} "
            f"(scenario {kept}); run once"
        )
    return lines


def _grid_levels(param: Parameter, factor: tuple[Any, ...] | Range) -> list[Any]:
    if isinstance(factor, tuple):
        return list(factor)
    if param.kind is int:
        if factor.num is None:
            return list(range(int(factor.low), int(factor.high) + 1))
        levels = np.rint(np.linspace(factor.low, factor.high, factor.num)).astype(int)
        return sorted({int(v) for v in levels})
    assert factor.num is not None  # a float range on a grid names its levels (checked in spec)
    return [float(v) for v in np.linspace(factor.low, factor.high, factor.num)]


def _unit_sample(spec: ExperimentSpec) -> np.ndarray:
    """``samples x factors`` points in the unit cube from a scrambled LHS or Sobol' design."""
    from scipy.stats import qmc  # imported here: scipy.stats is slow to import

    dims = len(spec.factors)
    rng = sampler_rng(spec.master_seed)
    if spec.sampler == "lhs":
        return qmc.LatinHypercube(d=dims, rng=rng).random(spec.samples)
    assert spec.samples is not None  # a sampled design has a sample size (checked in spec)
    m = int(spec.samples).bit_length() - 1  # samples is a power of 2 (checked in spec)
    return qmc.Sobol(d=dims, scramble=True, rng=rng).random_base2(m)


def _from_unit(param: Parameter, factor: tuple[Any, ...] | Range, u: float) -> Any:
    """Map a unit-interval coordinate to a level (categorical) or a value in the range."""
    if isinstance(factor, tuple):
        return factor[min(int(u * len(factor)), len(factor) - 1)]
    if param.kind is int:
        span = int(factor.high) - int(factor.low) + 1
        return int(factor.low) + min(int(u * span), span - 1)
    return float(factor.low + u * (factor.high - factor.low))
