"""PRIM, the Patient Rule Induction Method, for scenario discovery.

PRIM (Friedman & Fisher 1999, Statistics and Computing 9:123) finds a box in input space (an
interval per numeric input, a set of levels per categorical one) where an outcome of interest
is concentrated. It *peels*: from the current box it removes, among all candidate slices (the
lowest or highest ``alpha`` share of the points still inside along one numeric input, or one
level of a categorical input), the one whose removal leaves the highest mean outcome, and
repeats until the box holds fewer than ``min_support`` of the points. Each box on this peeling
trajectory has a *coverage* (the share of all cases of interest that lie inside it) and a
*density* (the share of the points inside that are cases of interest); scenario discovery
(Bryant & Lempert 2010, Technological Forecasting & Social Change 77:34) picks a box that
trades the two off and reports only the inputs the box restricts. The EMA Workbench
implements the same method; this module is small enough to read and is tested on a case with a
known box (tests/test_analysis_prim.py). Pasting (growing the box back) is left out: on
a peeling trajectory with a small ``alpha`` it changes the chosen box little.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Box:
    """One box: numeric limits and categorical level sets, and how well it isolates cases.

    Attributes:
        limits: input -> ``(low, high)`` (numeric, inclusive) or a tuple of levels kept.
        coverage: share of all cases of interest inside the box.
        density: share of the points inside the box that are cases of interest.
        support: share of all points inside the box.
        restricted: inputs the box restricts (narrower than the data's range or levels).
    """

    limits: dict
    coverage: float
    density: float
    support: float
    restricted: tuple[str, ...]

    def __repr__(self) -> str:
        return (
            f"Box({self.describe()}; coverage={self.coverage:.2f}, density={self.density:.2f}, "
            f"support={self.support:.2f})"
        )

    def describe(self, names: dict[str, str] | None = None) -> str:
        """The restricted inputs in words, e.g. ``handoff_loss in [0.31, 0.6], seating in
        {by_unit}``; ``the whole space`` when nothing is restricted."""
        names = names or {}
        parts = []
        for name in self.restricted:
            limit, label = self.limits[name], names.get(name, name)
            if isinstance(limit, tuple) and len(limit) == 2 and _numeric_pair(limit):
                parts.append(f"{label} in [{limit[0]:.3g}, {limit[1]:.3g}]")
            else:
                parts.append(f"{label} in {{{', '.join(map(str, limit))}}}")
        return ", ".join(parts) if parts else "the whole space"

    def contains(self, x: pd.DataFrame) -> np.ndarray:
        """Which rows of ``x`` lie inside the box."""
        inside = np.ones(len(x), dtype=bool)
        for name, limit in self.limits.items():
            column = x[name]
            if _is_numeric(column):
                inside &= (column >= limit[0]).to_numpy() & (column <= limit[1]).to_numpy()
            else:
                inside &= column.isin(limit).to_numpy()
        return inside


def _is_numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _numeric_pair(limit) -> bool:
    return all(isinstance(v, int | float | np.integer | np.floating) for v in limit)


def peel(x: pd.DataFrame, y, *, alpha: float = 0.05, min_support: float = 0.05) -> list[Box]:
    """The peeling trajectory from the whole space down to ``min_support``.

    Args:
        x: one row per point, one column per input (numeric or categorical).
        y: per point, 1 for a case of interest and 0 otherwise (or any number in [0, 1]).
        alpha: share of the points inside the box peeled off per numeric step.
        min_support: stop before the box holds fewer than this share of the points.

    Returns:
        Boxes in peeling order, the first being the whole space.
    """
    y = np.asarray(y, dtype=float)
    if len(x) != len(y) or not len(y):
        raise ValueError(f"x has {len(x)} rows and y {len(y)} values; need equal, non-zero")
    if not 0 < alpha < 0.5:
        raise ValueError(f"alpha = {alpha}; expected a share in (0, 0.5)")
    total = y.sum()
    n = len(y)
    numeric = {c: _is_numeric(x[c]) for c in x.columns}
    values = {c: (x[c].to_numpy(float) if numeric[c] else x[c].to_numpy()) for c in x.columns}
    full = {
        c: (float(values[c].min()), float(values[c].max()))
        if numeric[c]
        else tuple(dict.fromkeys(values[c].tolist()))
        for c in x.columns
    }
    inside = np.ones(n, dtype=bool)
    limits = dict(full)
    trajectory = [_box(limits, inside, y, total, full)]
    while True:
        best = None
        for c in x.columns:
            for keep, limit in _candidates(values[c], inside, limits[c], numeric[c], alpha):
                count = np.count_nonzero(keep)
                if count == np.count_nonzero(inside) or count < min_support * n or not count:
                    continue
                mean = y[keep].mean()
                if best is None or mean > best[0] + 1e-12:
                    best = (mean, c, keep, limit)
        if best is None:
            return trajectory
        _, c, inside, limits[c] = best
        limits = dict(limits)
        trajectory.append(_box(limits, inside, y, total, full))


def _candidates(v, inside, limit, numeric: bool, alpha: float):
    """(points kept, new limit) for each slice that may be peeled off along one input."""
    if numeric:
        levels = np.unique(v[inside])
        if len(levels) < 2:
            return
        # the alpha quantile, or the next value up when ties would peel off nothing
        low = max(float(np.quantile(v[inside], alpha)), float(levels[1]))
        yield inside & (v >= low), (low, limit[1])
        high = min(float(np.quantile(v[inside], 1 - alpha)), float(levels[-2]))
        yield inside & (v <= high), (limit[0], high)
        return
    if len(limit) > 1:
        for level in limit:
            yield inside & (v != level), tuple(lv for lv in limit if lv != level)


def _box(limits, inside, y, total, full) -> Box:
    count = np.count_nonzero(inside)
    hits = y[inside].sum()
    restricted = tuple(c for c in limits if limits[c] != full[c])
    return Box(
        limits=dict(limits),
        coverage=float(hits / total) if total else float("nan"),
        density=float(hits / count) if count else float("nan"),
        support=count / len(y),
        restricted=restricted,
    )


def choose_box(trajectory: list[Box], *, min_coverage: float = 0.5) -> Box:
    """The densest box that still covers ``min_coverage`` of the cases (the larger one on ties);
    the whole space if no box does."""
    eligible = [b for b in trajectory if b.coverage >= min_coverage]
    if not eligible:
        return trajectory[0]
    best = max(b.density for b in eligible)
    return next(b for b in eligible if b.density >= best - 1e-12)


def find_box(x: pd.DataFrame, y, *, alpha: float = 0.05, min_support: float = 0.05,
             min_coverage: float = 0.5) -> Box:  # fmt: skip
    """:func:`peel`, then :func:`choose_box`: the box in which ``y`` is concentrated."""
    return choose_box(peel(x, y, alpha=alpha, min_support=min_support), min_coverage=min_coverage)
