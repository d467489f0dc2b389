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


class Matrix(dict):
    """Kind of a matrix-valued input: a mapping row -> column -> float (e.g. role -> domain).

    A :class:`Parameter` of this kind lists its ``rows`` and ``columns``; its ``bounds`` hold
    for every entry. One entry is addressed as ``name.row.column`` (e.g.
    ``vantage.csm.fit_signals``) wherever a parameter name is accepted: in experiment files,
    samplers and :meth:`ParameterTable.validate`, which sets that entry of the matrix.
    """


class ParameterError(ValueError):
    """An invalid user-facing input; the message names the field, the value and what is allowed."""


@dataclass(frozen=True)
class Parameter:
    """One model input.

    Attributes:
        name: keyword used by the model, experiment files and the browser controls.
        default: value used when the caller gives none.
        kind: ``int``, ``float``, ``bool``, ``str``, ``dict`` or :class:`Matrix` (checked on
            input).
        unit: unit of measure, or ``"-"`` for dimensionless / categorical inputs.
        bounds: inclusive ``(low, high)`` for numbers, else ``None``.
        choices: allowed values for categorical inputs, else ``None``.
        source: where the default comes from (a paper, a benchmark report, or "design choice").
        description: one line saying what the parameter models.
        group: heading under which the parameter is listed in docs and controls.
        vary: whether sweeps and the browser offer it as a control.
        optional: whether ``None`` (the parameter's mechanism switched off) is allowed.
        rows, columns: row and column keys of a :class:`Matrix` input, else ``None``.
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
    rows: tuple[str, ...] | None = None
    columns: tuple[str, ...] | None = None

    def allowed(self) -> str:
        """Human-readable statement of the allowed values."""
        text = f"a {self.kind.__name__}"
        if self.kind is Matrix:
            lo, hi = self.bounds or (-math.inf, math.inf)
            return (
                f"a table row -> column -> float in [{lo}, {hi}] with rows "
                f"{', '.join(self.rows or ())} and columns {', '.join(self.columns or ())}"
            )
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
        if self.kind is Matrix:
            return value
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
    if p.kind is Matrix:
        return _coerce_matrix(p, value)
    if p.kind is dict:
        if not isinstance(value, Mapping):
            raise bad
        return dict(value)
    if not isinstance(value, p.kind):
        raise bad
    return value


def _coerce_matrix(p: Parameter, value: Any) -> Matrix:
    """A copy of ``value`` as a :class:`Matrix` of floats, every row and column present."""
    rows, columns = p.rows or (), p.columns or ()
    if not isinstance(value, Mapping) or set(value) != set(rows):
        raise ParameterError(
            f"parameter '{p.name}' = {value!r} is not allowed; expected {p.allowed()}"
        )
    out = Matrix()
    for row in rows:
        line = value[row]
        if not isinstance(line, Mapping) or set(line) != set(columns):
            raise ParameterError(
                f"parameter '{p.name}' row {row!r} = {line!r} is not allowed; expected "
                f"{p.allowed()}"
            )
        out[row] = {c: entry(p, row, c).validate(line[c]) for c in columns}
    return out


def entry(p: Parameter, row: str, column: str) -> Parameter:
    """The scalar parameter ``name.row.column``: one entry of the matrix input ``p``."""
    return Parameter(
        name=f"{p.name}.{row}.{column}",
        default=p.default[row][column],
        kind=float,
        unit=p.unit,
        description=f"{p.description} (row {row}, column {column})",
        source=p.source,
        bounds=p.bounds,
        group=p.group,
        vary=p.vary,
    )


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
        return name in self._by_name or self._entry(name) is not None

    def _entry(self, name: object) -> tuple[Parameter, str, str] | None:
        """``(matrix parameter, row, column)`` if ``name`` addresses a matrix entry."""
        if not isinstance(name, str) or name.count(".") != 2:
            return None
        base, row, column = name.split(".")
        p = self._by_name.get(base)
        if p is None or p.kind is not Matrix or p.rows is None or p.columns is None:
            return None
        if row not in p.rows or column not in p.columns:
            return None
        return p, row, column

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._by_name[name]
        except KeyError:
            found = self._entry(name)
            if found is not None:
                return entry(*found)
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
        entries = []
        for name, value in values.items():
            found = self._entry(name) if name not in self._by_name else None
            if found is not None:
                entries.append((found, self[name].validate(value)))
            else:
                out[name] = self[name].validate(value)
        # matrix entries (``name.row.column``) overwrite their cell in a copy of the matrix
        copied: set[str] = set()
        for (p, row, column), value in entries:
            if p.name not in copied:  # never write into the table's default
                out[p.name] = p.validate(out.get(p.name, p.default))
                copied.add(p.name)
            out[p.name][row][column] = value
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
                default = "see below" if p.kind is Matrix else f"`{p.default!r}`"
                lines.append(
                    f"| `{p.name}` | {default} | {p.unit} | {p.allowed()} | "
                    f"{p.description} | {p.source} |"
                )
            lines.append("")
        for p in self.parameters:
            if p.kind is Matrix:
                lines += [f"### `{p.name}` default (set one entry as `{p.name}.ROW.COLUMN`)", ""]
                lines.append("| row | " + " | ".join(p.columns or ()) + " |")
                lines.append("|---" * (1 + len(p.columns or ())) + "|")
                for row in p.rows or ():
                    cells = " | ".join(f"{p.default[row][c]:g}" for c in p.columns or ())
                    lines.append(f"| {row} | {cells} |")
                lines.append("")
        return "\n".join(lines)


def check_known(names: Iterable[str], table: ParameterTable, where: str) -> None:
    """Raise if any of ``names`` is not in ``table``; ``where`` says where they came from."""
    unknown = sorted(n for n in set(names) if n not in table)
    if unknown:
        raise ParameterError(
            f"{where}: unknown parameter(s) {', '.join(map(repr, unknown))}; valid names are: "
            + ", ".join(sorted(table.names()))
        )
