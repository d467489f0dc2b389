"""Where the gap between designs comes from: ``python -m salesorg.tools.design_gap``.

A reviewer's decomposition of the contest (docs/ODD.md section 8). The gap is the assembly
line's lead over pods, ``gap_i = Y(the_model, i) - Y(pods, i)`` on seed ``i`` (the same seeds,
so the same random numbers, for both designs). A mechanism's *worth to the assembly line* is
how much the gap shrinks when that mechanism alone is switched to its neutral value in both
designs: ``worth_i = gap_i(default) - gap_i(mechanism off)``. A positive worth means the
mechanism favours the assembly line, a negative one pods. What is left with every listed
mechanism off is the structure itself (units, queues, playbooks' membership, seating).

Each row reports the mean over seeds with a 95% Student-t interval (paired design, so the
interval is on the per-seed differences). Mechanisms are listed in :data:`MECHANISMS` as
parameter settings that switch them off; a mechanism whose parameters are not in the table, or
whose default is already neutral, is skipped, so the table follows the model as it grows.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np

from salesorg.model.inputs import PARAMETERS
from salesorg.model.model import SalesOrgModel
from salesorg.model.parameters import ParameterError

#: mechanism -> the parameter values that switch it off (its neutral values).
MECHANISMS: dict[str, dict[str, object]] = {
    "reviews and debriefs (feedback_rate)": {"feedback_rate": 0.0},
    "informal talks (talk_probability, unit_talk_probability)": {
        "talk_probability": 0.0,
        "unit_talk_probability": 0.0,
    },
    "playbooks (socialization_rate, code_learning_rate)": {
        "socialization_rate": 0.0,
        "code_learning_rate": 0.0,
    },
    "learning by doing (learning_by_doing_rate)": {"learning_by_doing_rate": 0.0},
    "specialization (specialization_advantage)": {"specialization_advantage": 0.0},
    "handoffs (handoff_loss)": {"handoff_loss": 0.0},
    "territories (territory_correlation)": {"territory_correlation": 1.0},
    "interdependence (interdependence)": {"interdependence": 0},
    "mutual monitoring (sanction_visibility)": {"sanction_visibility": 0.0},
    "rivalry (rivalry)": {"rivalry": 0.0},
}
DESIGNS = ("the_model", "pods")


def active_mechanisms(params: Mapping[str, object] | None = None) -> dict[str, dict]:
    """The mechanisms of :data:`MECHANISMS` that exist and are not neutral at ``params``."""
    params = dict(params or {})
    active = {}
    for name, off in MECHANISMS.items():
        if not all(key in PARAMETERS for key in off):
            continue
        current = {key: params.get(key, PARAMETERS[key].default) for key in off}
        if current != off:
            active[name] = off
    return active


def bookings(design: str, seed: int, weeks: int, params: Mapping[str, Any]) -> float:
    """Total bookings (USD M) of one run."""
    model = SalesOrgModel(rng=seed, design=design, **params)
    for _ in range(weeks):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    return float(frame["bookings"].iloc[1:].sum()) / 1e6


def gaps(seeds: int, weeks: int, params: Mapping[str, object]) -> np.ndarray:
    """Per seed, the assembly line's lead over pods in total bookings (USD M)."""
    return np.array(
        [
            bookings("the_model", seed, weeks, params) - bookings("pods", seed, weeks, params)
            for seed in range(seeds)
        ]
    )


def decompose(
    seeds: int = 16, weeks: int = 260, params: Mapping[str, object] | None = None
) -> list[dict[str, object]]:
    """Rows of the gap table: the gap, each active mechanism's worth, and the structure's part.

    Returns:
        One dict per row with ``row``, ``mean``, ``low``, ``high``, ``sd`` and ``n``.
    """
    params = dict(params or {})
    baseline = gaps(seeds, weeks, params)
    rows = [_row("gap: `the_model` - `pods` at the defaults", baseline)]
    everything_off = dict(params)
    for name, off in active_mechanisms(params).items():
        rows.append(_row(name, baseline - gaps(seeds, weeks, {**params, **off})))
        everything_off.update(off)
    rows.append(
        _row("structure alone (every mechanism above off)", gaps(seeds, weeks, everything_off))
    )
    return rows


def _row(label: str, values: np.ndarray) -> dict[str, object]:
    from salesorg.analysis.stats import mean_ci

    mean, low, high = mean_ci(values)
    sd = float(np.std(values, ddof=1)) if len(values) > 1 else math.nan
    return {"row": label, "mean": mean, "low": low, "high": high, "sd": sd, "n": len(values)}


def markdown(rows: list[dict[str, object]]) -> str:
    """The gap table as markdown (USD M of total bookings; positive favours the assembly line)."""
    lines = [
        "| source of the gap | worth to the assembly line (USD M) | 95% CI | sd over seeds | n |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['row']} | {r['mean']:+.1f} | [{r['low']:+.1f}, {r['high']:+.1f}] "
            f"| {r['sd']:.1f} | {r['n']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m salesorg.tools.design_gap", description=__doc__
    )
    parser.add_argument("--seeds", type=int, default=16, help="paired seeds (default 16)")
    parser.add_argument("--weeks", type=int, default=260, help="recorded weeks (default 260)")
    args = parser.parse_args(argv)
    try:
        print(markdown(decompose(args.seeds, args.weeks)))
    except ParameterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
