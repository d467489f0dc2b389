"""The parameter table: one source of truth for defaults, units, ranges and sources.

Every user-facing input of salesorg is described here once, as a :class:`Parameter`. From a
table come the model's defaults, input validation, experiment sampling bounds, the browser
controls and ``docs/parameters.md`` (the Starsim habit of one table for everything).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


class ParameterError(ValueError):
    """An invalid user-facing input; the message names the field, the value and what is allowed."""


@dataclass(frozen=True)
class Parameter:
    """One model input.

    Attributes:
        name: keyword used by the model, experiment files and the browser controls.
        default: value used when the caller gives none.
        kind: ``int``, ``float``, ``bool``, ``str`` or ``dict`` (checked on input).
        unit: unit of measure, or ``"-"`` for dimensionless / categorical inputs.
        bounds: inclusive ``(low, high)`` for numbers, else ``None``.
        choices: allowed values for categorical inputs, else ``None``.
        source: where the default comes from (a paper, a benchmark report, or "design choice").
        description: one line saying what the parameter models.
        group: heading under which the parameter is listed in docs and controls.
        vary: whether sweeps and the browser offer it as a control.
        optional: whether ``None`` (the parameter's mechanism switched off) is allowed.
    """

    name: str
    default: Any
    kind: type
    unit: str
    description: str
    source: str
    bounds: tuple[float, float] | None = None
    choices: tuple[Any, ...] | None = None
    group: str = "general"
    vary: bool = True
    optional: bool = False

    def allowed(self) -> str:
        """Human-readable statement of the allowed values."""
        text = f"a {self.kind.__name__}"
        if self.choices is not None:
            text = "one of " + ", ".join(repr(c) for c in self.choices)
        elif self.bounds is not None:
            lo, hi = self.bounds
            text = f"a {self.kind.__name__} in [{lo}, {hi}]"
        return text + (" or None" if self.optional else "")

    def validate(self, value: Any) -> Any:
        """Return ``value`` coerced to this parameter's kind, or raise :class:`ParameterError`."""
        if value is None and self.optional:
            return None
        given = value
        value = _coerce(self, value)
        if self.choices is not None and value not in self.choices:
            raise ParameterError(
                f"parameter '{self.name}' = {given!r} is not allowed; expected {self.allowed()}"
            )
        if self.bounds is not None and not (self.bounds[0] <= value <= self.bounds[1]):
            raise ParameterError(
                f"parameter '{self.name}' = {given!r} is out of range; expected {self.allowed()}"
            )
        return value


def _coerce(p: Parameter, value: Any) -> Any:
    """Coerce numpy scalars and whole floats; reject bools posing as numbers and NaN."""
    bad = ParameterError(
        f"parameter '{p.name}' = {value!r} has type {type(value).__name__}; expected {p.allowed()}"
    )
    if p.kind is bool:
        if isinstance(value, bool) or (hasattr(value, "dtype") and value.dtype == bool):
            return bool(value)
        raise bad
    if p.kind in (int, float):
        if isinstance(value, bool) or (
            not isinstance(value, int | float) and not hasattr(value, "dtype")
        ):
            raise bad
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise bad from None
        if math.isnan(number) or math.isinf(number):
            raise bad
        if p.kind is int:
            if number != int(number):
                raise bad
            return int(number)
        return number
    if p.kind is str:
        if not isinstance(value, str):
            raise bad
        return value
    if p.kind is dict:
        if not isinstance(value, Mapping):
            raise bad
        return dict(value)
    if not isinstance(value, p.kind):
        raise bad
    return value


@dataclass(frozen=True)
class ParameterTable:
    """An ordered collection of :class:`Parameter` with validation of whole parameter sets."""

    parameters: tuple[Parameter, ...]
    title: str = "parameters"
    _by_name: dict[str, Parameter] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {p.name: p for p in self.parameters}
        if len(by_name) != len(self.parameters):
            raise ValueError(f"duplicate parameter names in table '{self.title}'")
        object.__setattr__(self, "_by_name", by_name)

    def __iter__(self):
        return iter(self.parameters)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._by_name[name]
        except KeyError:
            raise ParameterError(
                f"unknown parameter '{name}' for {self.title}; valid names are: "
                + ", ".join(sorted(self._by_name))
            ) from None

    def __repr__(self) -> str:
        return f"ParameterTable({self.title!r}, {len(self.parameters)} parameters)"

    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters}

    def validate(self, values: Mapping[str, Any], *, fill_defaults: bool = True) -> dict[str, Any]:
        """Check names, types and ranges of ``values``; return a complete, coerced dict."""
        out = self.defaults() if fill_defaults else {}
        for name, value in values.items():
            out[name] = self[name].validate(value)
        return out

    def by_group(self) -> dict[str, list[Parameter]]:
        groups: dict[str, list[Parameter]] = {}
        for p in self.parameters:
            groups.setdefault(p.group, []).append(p)
        return groups

    def to_markdown(self) -> str:
        """Render the table for ``docs/parameters.md``."""
        lines: list[str] = []
        for group, params in self.by_group().items():
            lines += [
                f"### {group}",
                "",
                "| name | default | unit | allowed | description | source |",
            ]
            lines.append("|---|---|---|---|---|---|")
            for p in params:
                lines.append(
                    f"| `{p.name}` | `{p.default!r}` | {p.unit} | {p.allowed()} | "
                    f"{p.description} | {p.source} |"
                )
            lines.append("")
        return "\n".join(lines)


def check_known(names: Iterable[str], table: ParameterTable, where: str) -> None:
    """Raise if any of ``names`` is not in ``table``; ``where`` says where they came from."""
    unknown = sorted(set(names) - set(table.names()))
    if unknown:
        raise ParameterError(
            f"{where}: unknown parameter(s) {', '.join(map(repr, unknown))}; valid names are: "
            + ", ".join(sorted(table.names()))
        )
