"""A fixed-seed baseline of key outputs, committed and compared by the test suite.

Any change to the model's mechanics or to its random draws changes some of these numbers. The
test prints every changed value; when a change is intended, regenerate the file with
``salesorg baseline --update`` and commit it with the change that explains it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

BASELINE_FILE = Path(__file__).resolve().parent / "baseline.json"  # package data
SEED = 20261123


def march1991_outputs() -> dict[str, float]:
    """Equilibrium knowledge of four Figure 1 cells and one turbulent run, 8 replications each."""
    from salesorg.model.march.engine import run_for, run_to_equilibrium

    rng = np.random.default_rng(SEED)
    p1 = np.repeat([0.1, 0.9, 0.1, 0.9], 8)
    p2 = np.repeat([0.1, 0.1, 0.9, 0.9], 8)
    knowledge, periods = run_to_equilibrium(rng, p1, p2)
    out = {}
    for i, (a, b) in enumerate([(0.1, 0.1), (0.9, 0.1), (0.1, 0.9), (0.9, 0.9)]):
        out[f"march1991.fig1.p1={a}.p2={b}.knowledge"] = float(knowledge[i * 8 : i * 8 + 8].mean())
        out[f"march1991.fig1.p1={a}.p2={b}.periods"] = float(periods[i * 8 : i * 8 + 8].mean())
    trajectory = run_for(np.random.default_rng(SEED), 50, 0.5, 0.5, 0.05, 0.02, replications=8)
    out["march1991.turbulent.knowledge_t50"] = float(trajectory[-1].mean())
    return out


def salesorg_outputs() -> dict[str, float]:
    """Bookings, ARR, win rate, churn, knowledge and cooperation of each design at week 52."""
    from salesorg.tools.outcomes import baseline_outputs

    return baseline_outputs(SEED)


# name -> function returning {output name: value}; the sales model adds its own entry.
SECTIONS: dict[str, Callable[[], dict[str, float]]] = {
    "march1991": march1991_outputs,
    "salesorg": salesorg_outputs,
}


def compute() -> dict[str, float]:
    values: dict[str, float] = {}
    for section in SECTIONS.values():
        values.update(section())
    return dict(sorted(values.items()))


def load(path: Path = BASELINE_FILE) -> dict[str, float]:
    return json.loads(Path(path).read_text())


def write(values: dict[str, float], path: Path = BASELINE_FILE) -> None:
    from salesorg.model.files import atomic_write_text

    atomic_write_text(Path(path), json.dumps(values, indent=1, sort_keys=True) + "\n")


def differences(expected: dict[str, float], actual: dict[str, float]) -> list[str]:
    """One line per output that is new, missing or changed (exact comparison)."""
    lines = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            lines.append(f"{name}: missing (baseline {expected[name]!r})")
        elif name not in expected:
            lines.append(f"{name}: new output {actual[name]!r}")
        elif expected[name] != actual[name]:
            lines.append(f"{name}: {expected[name]!r} -> {actual[name]!r}")
    return lines
