"""Experiment files: read a TOML sweep description and validate every field before any run.

An experiment file says which model to run, what it fixes, what it varies and how (a full
factorial grid, a Latin hypercube or Sobol sample over ranges, or an explicit list of
scenarios), how many replications and steps, the master seed, how often to keep a row and which
metrics to keep. The design travels with the results (the EMA Workbench / AgentPy habit), so this
module also renders a spec built in Python back to text for the manifest.

Every mistake is one :class:`SpecError` that names the file, the field and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesorg.experiments.registry import MODELS, RUN_COLUMNS, get_model, model_metrics
from salesorg.model.parameters import Parameter, ParameterError, ParameterTable

SAMPLERS = ("grid", "lhs", "sobol", "list")
MAX_REPLICATIONS = 100_000
MAX_SEED = 2**63 - 1
SHIPPED_DIR = Path(__file__).resolve().parent

_TOP_KEYS = {
    "description": "one-line purpose, shown by `salesorg list`",
    "model": "which model to run: " + ", ".join(MODELS),
    "replications": "runs per scenario (int >= 1)",
    "steps": "steps per run (int >= 1)",
    "master_seed": "root of every run's seed (int >= 0)",
    "collect_every": "keep one row of metrics every this many steps (int >= 1, default 1)",
    "metrics": "list of metric names to keep (default: all)",
    "sampler": "how factors become scenarios: " + ", ".join(SAMPLERS),
    "samples": "number of scenarios drawn by the lhs / sobol samplers",
    "fixed": "table of parameter = value held constant",
    "factors": "table of parameter = levels (list) or range ({low, high[, num]})",
    "scenarios": "array of tables, one per scenario (sampler = 'list')",
    "compare": "table with one parameter = levels (e.g. design = [...]): every scenario the "
    "sampler makes runs at each level, on the same seeds (the compared factor of a map)",
}
_REQUIRED = ("description", "replications", "steps", "master_seed")
_RANGE_KEYS = {"low", "high", "num"}


class SpecError(ParameterError):
    """An experiment file is invalid; the message names file, field and what is allowed."""


@dataclass(frozen=True)
class Range:
    """A factor varied over ``[low, high]``; ``num`` evenly spaced levels on a grid."""

    low: float
    high: float
    num: int | None = None


@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment. Build it with :func:`load_spec` or :func:`spec_from_dict`.

    Attributes:
        name: experiment name (the file's stem), also the default results folder name.
        source: where the spec came from (a path, or ``"<python>"``).
        content: the exact text the spec was read from; hashed into the manifest.
        factors: parameter -> levels (tuple) or :class:`Range`; empty for ``sampler='list'``.
        scenarios: explicit scenarios (``sampler='list'``), each a dict of parameter values.
        compare: ``(parameter, levels)`` crossed with every sampled scenario (each point of
            an LHS or Sobol' sample runs at every level, on the same seeds), or None.
    """

    name: str
    description: str
    model: str
    replications: int
    steps: int
    master_seed: int
    collect_every: int
    metrics: tuple[str, ...]
    sampler: str
    samples: int | None
    fixed: dict[str, Any]
    factors: dict[str, tuple[Any, ...] | Range]
    scenarios: tuple[dict[str, Any], ...] | None
    source: str
    content: str = field(repr=False)
    compare: tuple[str, tuple[Any, ...]] | None = None

    def __repr__(self) -> str:
        return (
            f"ExperimentSpec({self.name!r}, model={self.model!r}, sampler={self.sampler!r}, "
            f"factors={self.factor_names()}, replications={self.replications}, "
            f"steps={self.steps})"
        )

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content.encode()).hexdigest()

    def factor_names(self) -> list[str]:
        """Parameters this experiment varies, in file order (the compared one last)."""
        compared = [self.compare[0]] if self.compare else []
        if self.scenarios is not None:
            names: dict[str, None] = {}
            for scenario in self.scenarios:
                names.update(dict.fromkeys(scenario))
            return list(names) + compared
        return list(self.factors) + compared

    def parameter_table(self) -> ParameterTable:
        return get_model(self.model).parameter_table()


def find_spec(name_or_path: str | Path) -> Path:
    """Resolve a shipped experiment name (``quick``) or a path to a ``.toml`` file."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.is_file():
        if not path.is_file():
            raise FileNotFoundError(f"experiment file {str(path)!r} does not exist")
        return path
    shipped = SHIPPED_DIR / f"{name_or_path}.toml"
    if shipped.is_file():
        return shipped
    raise FileNotFoundError(
        f"no experiment named {str(name_or_path)!r}; shipped experiments are: "
        + ", ".join(shipped_names())
        + " (or give a path to a .toml file)"
    )


def shipped_names() -> list[str]:
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.toml"))


def load_spec(name_or_path: str | Path) -> ExperimentSpec:
    """Read and validate an experiment file (a shipped name or a path)."""
    path = find_spec(name_or_path)
    content = path.read_text()
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: not valid TOML: {exc}") from None
    return spec_from_dict(data, name=path.stem, source=str(path), content=content)


def spec_from_dict(
    data: dict[str, Any], *, name: str, source: str = "<python>", content: str | None = None
) -> ExperimentSpec:
    """Validate a parsed experiment (the same keys as a file) and return the spec.

    ``content`` is the text the manifest records and hashes; for specs built in Python it
    defaults to a canonical JSON rendering of ``data``.
    """

    def fail(where: str, message: str) -> SpecError:
        return SpecError(f"{source}: {where}: {message}")

    unknown = sorted(set(data) - set(_TOP_KEYS))
    if unknown:
        allowed = "; ".join(f"{k} ({v})" for k, v in _TOP_KEYS.items())
        raise fail(unknown[0], f"unknown key; allowed keys are: {allowed}")
    for key in _REQUIRED:
        if key not in data:
            raise fail(key, f"missing; {_TOP_KEYS[key]}")

    def integer(key: str, low: int, high: int, default: int | None = None) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(key, f"{value!r} is not allowed; expected an integer in [{low}, {high}]")
        return value

    description = data["description"]
    if not isinstance(description, str) or not description.strip():
        raise fail("description", f"{description!r} is not allowed; expected a non-empty string")
    model = data.get("model", "salesorg")
    if not isinstance(model, str):
        raise fail("model", f"{model!r} is not allowed; expected a string")
    try:
        table = get_model(model).parameter_table()
    except ParameterError as exc:
        raise fail("model", str(exc)) from None
    replications = integer("replications", 1, MAX_REPLICATIONS)
    steps = integer("steps", 1, 10**7)
    master_seed = integer("master_seed", 0, MAX_SEED)
    collect_every = integer("collect_every", 1, steps, default=1)

    fixed_raw = data.get("fixed", {})
    if not isinstance(fixed_raw, dict):
        raise fail("fixed", "expected a table of parameter = value")
    fixed = {
        key: _check_value(table, key, value, f"fixed.{key}", fail)
        for key, value in fixed_raw.items()
    }

    sampler = data.get("sampler", "list" if "scenarios" in data else "grid")
    if sampler not in SAMPLERS:
        raise fail("sampler", f"{sampler!r} is not allowed; expected one of {', '.join(SAMPLERS)}")
    samples = _check_samples(data, sampler, fail)
    factors, scenarios = _check_design(data, sampler, table, fixed, fail)
    compare = _check_compare(data.get("compare"), table, fixed, factors, scenarios, fail)
    _check_weeks_within_run(fixed, factors, scenarios, steps, fail)

    metrics = _check_metrics(data.get("metrics"), model, fail)
    text = content if content is not None else json.dumps(data, sort_keys=True, indent=1)
    return ExperimentSpec(
        name=name,
        description=description.strip(),
        model=model,
        replications=replications,
        steps=steps,
        master_seed=master_seed,
        collect_every=collect_every,
        metrics=metrics,
        sampler=sampler,
        samples=samples,
        fixed=fixed,
        factors=factors,
        scenarios=scenarios,
        source=source,
        content=text,
        compare=compare,
    )


def _check_value(table: ParameterTable, name: str, value: Any, where: str, fail) -> Any:
    """Validate one parameter value against the model's table, naming the field on error."""
    if name in RUN_COLUMNS:
        raise fail(where, f"{name!r} is a column of the runs table, not a model parameter")
    try:
        return table[name].validate(value)
    except ParameterError as exc:
        raise fail(where, str(exc)) from None


#: Parameters that name a week of the recorded run, so must not exceed ``steps``.
WEEK_PARAMETERS = ("reorganize_at",)


def _check_weeks_within_run(fixed, factors, scenarios, steps: int, fail) -> None:
    """A week-valued parameter (e.g. ``reorganize_at``) must fall within the run's steps."""
    for name in WEEK_PARAMETERS:
        places = [(f"fixed.{name}", fixed.get(name))]
        level = factors.get(name)
        if isinstance(level, Range):
            places.append((f"factors.{name}.high", level.high))
        elif level is not None:
            places += [(f"factors.{name}[{i}]", v) for i, v in enumerate(level)]
        for i, scenario in enumerate(scenarios or ()):
            places.append((f"scenarios[{i}].{name}", scenario.get(name)))
        for where, week in places:
            if week is not None and week > steps:
                raise fail(
                    where,
                    f"{name} = {week!r} is after the run's last week (steps = {steps}); "
                    f"allowed: a week in [1, {steps}]",
                )


def _check_samples(data: dict[str, Any], sampler: str, fail) -> int | None:
    samples = data.get("samples")
    if sampler in ("lhs", "sobol"):
        if isinstance(samples, bool) or not isinstance(samples, int) or samples < 2:
            raise fail("samples", f"{samples!r} is not allowed; {sampler} needs an integer >= 2")
        if sampler == "sobol" and samples & (samples - 1):
            lower = 2 ** int(math.log2(samples))
            raise fail(
                "samples",
                f"{samples} is not allowed; Sobol' sequences keep their balance only for a power "
                f"of 2 (e.g. {lower} or {2 * lower})",
            )
        return samples
    if samples is not None:
        raise fail("samples", f"only used by the lhs and sobol samplers, not {sampler!r}")
    return None


def _check_design(data, sampler, table: ParameterTable, fixed, fail):
    """Validate ``factors`` (grid / lhs / sobol) or ``scenarios`` (list)."""
    if sampler == "list":
        if "factors" in data:
            raise fail("factors", "not used with sampler = 'list'; put values in [[scenarios]]")
        raw = data.get("scenarios")
        if not isinstance(raw, list) or not raw or not all(isinstance(s, dict) for s in raw):
            raise fail("scenarios", "expected a non-empty array of tables ([[scenarios]])")
        scenarios = []
        for i, scenario in enumerate(raw):
            checked = {}
            for key, value in scenario.items():
                if key in fixed:
                    raise fail(f"scenarios[{i}].{key}", "is also set in [fixed]; set it once")
                checked[key] = _check_value(table, key, value, f"scenarios[{i}].{key}", fail)
            scenarios.append(checked)
        return {}, tuple(scenarios)
    if "scenarios" in data:
        raise fail("scenarios", f"only used with sampler = 'list', not {sampler!r}")
    raw = data.get("factors", {})
    if not isinstance(raw, dict):
        raise fail("factors", "expected a table of parameter = levels or range")
    if sampler != "grid" and not raw:
        raise fail("factors", f"sampler {sampler!r} needs at least one factor")
    factors: dict[str, tuple[Any, ...] | Range] = {}
    for key, spec in raw.items():
        where = f"factors.{key}"
        if key not in table:
            raise fail(
                where,
                "not a parameter of this model; valid names are: "
                + ", ".join(sorted(table.names())),
            )
        if key in fixed:
            raise fail(where, "is also set in [fixed]; a parameter is either fixed or varied")
        param = table[key]
        if not param.vary:
            raise fail(where, f"parameter {key!r} is not offered for sweeps (vary=False)")
        if isinstance(spec, list):
            if not spec:
                raise fail(where, "expected at least one level")
            levels = tuple(
                _check_value(table, key, v, f"{where}[{i}]", fail) for i, v in enumerate(spec)
            )
            if len(set(map(_canonical, levels))) != len(levels):
                raise fail(where, f"levels {list(spec)!r} repeat a value")
            factors[key] = levels
        elif isinstance(spec, dict):
            factors[key] = _check_range(param, spec, sampler, where, table, fail)
        else:
            raise fail(where, "expected a list of levels or a range table {low, high[, num]}")
    return factors, None


def _check_compare(raw, table: ParameterTable, fixed, factors, scenarios, fail):
    """Validate ``compare``: one parameter with a list of distinct levels, not set elsewhere."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or len(raw) != 1:
        raise fail("compare", "expected a table with exactly one parameter = [levels]")
    (name, levels), where = next(iter(raw.items())), f"compare.{next(iter(raw))}"
    if name not in table:
        raise fail(where, "not a parameter of this model; valid names are: "
                   + ", ".join(sorted(table.names())))  # fmt: skip
    varied = set(factors) | {k for s in scenarios or () for k in s}
    if name in fixed or name in varied:
        raise fail(where, "is also set in [fixed] or varied; the compared parameter is set once")
    if not isinstance(levels, list) or len(levels) < 2:
        raise fail(where, f"{levels!r} is not allowed; expected a list of at least two levels")
    checked = tuple(
        _check_value(table, name, v, f"{where}[{i}]", fail) for i, v in enumerate(levels)
    )
    if len(set(map(_canonical, checked))) != len(checked):
        raise fail(where, f"levels {levels!r} repeat a value")
    return name, checked


def _check_range(param: Parameter, spec: dict, sampler: str, where: str, table, fail) -> Range:
    unknown = sorted(set(spec) - _RANGE_KEYS)
    if unknown:
        raise fail(f"{where}.{unknown[0]}", "unknown key; a range has low, high and (grid) num")
    if param.kind not in (int, float) or param.bounds is None:
        raise fail(where, f"a range needs a bounded number; {param.name!r} is {param.allowed()}")
    low = _check_value(table, param.name, spec.get("low", param.bounds[0]), f"{where}.low", fail)
    high = _check_value(table, param.name, spec.get("high", param.bounds[1]), f"{where}.high", fail)
    if not low < high:
        raise fail(where, f"low = {low!r} must be below high = {high!r}")
    num = spec.get("num")
    if sampler == "grid":
        if num is None and param.kind is float:
            raise fail(f"{where}.num", "a float range on a grid needs num (number of levels)")
        if num is not None and (isinstance(num, bool) or not isinstance(num, int) or num < 2):
            raise fail(f"{where}.num", f"{num!r} is not allowed; expected an integer >= 2")
    elif num is not None:
        raise fail(f"{where}.num", f"num is only used on a grid, not with sampler {sampler!r}")
    return Range(low, high, num)


def _check_metrics(raw, model: str, fail) -> tuple[str, ...]:
    available = model_metrics(model)
    if raw is None:
        return tuple(available)
    if not isinstance(raw, list) or not raw or not all(isinstance(m, str) for m in raw):
        raise fail("metrics", "expected a non-empty list of metric names")
    for i, metric in enumerate(raw):
        if metric not in available:
            raise fail(
                f"metrics[{i}]",
                f"{metric!r} is not a metric of model {model!r}; available: "
                + ", ".join(available),
            )
    if len(set(raw)) != len(raw):
        raise fail("metrics", "lists a metric twice")
    return tuple(raw)


def _canonical(value: Any) -> str:
    """A hashable, order-independent text form of a parameter value (dicts included)."""
    return json.dumps(value, sort_keys=True)
