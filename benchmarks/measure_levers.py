"""Re-measure every lever's effect and per-seed sd.

Run as ``python -m salesorg.benchmarks.measure_levers``.

For each lever of ``tests/levers.py`` and each step between consecutive points it runs ``--seeds``
paired seeds (from ``MEASURE_SEED``, never used by the tests), and writes the mean paired
difference in the claimed direction (``effect``), the sd of the paired differences (``sd``), and
the seeds the lever test needs for them (``n``, from :func:`analysis.power.seeds_needed`) to
``tests/lever_effects.json``. It prints the same as a Markdown table. Re-run it whenever the model's
behaviour changes; ``--only NAME ...`` re-measures some levers and keeps the others.

A step whose measured effect is not positive, or whose test would cost more than ``--max-cost``
model-weeks, is reported and written with ``n`` null: its test then fails until the case is fixed
(another point, more weeks, a setting where the lever acts), so a weak lever cannot pass quietly.
Stylized facts (``FACTS``) are measured the same way: mean, sd and the seeds the range check needs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from levers import EFFECTS_FILE, FACTS, LEVERS, MEASURE_SEED, outcomes
from salesorg.analysis.power import seeds_needed, seeds_needed_in_range


def measure(lever, seeds: int, max_cost: int) -> dict:
    values = outcomes(lever, range(MEASURE_SEED, MEASURE_SEED + seeds))
    steps = []
    for k, (low, high) in enumerate(lever.steps()):
        d = lever.direction * (values[k + 1] - values[k])
        effect, sd = float(d.mean()), float(d.std(ddof=1))
        n = None
        if effect > 0:
            try:
                needed = seeds_needed(effect, sd)
            except ValueError:  # too weak to test at all
                needed = max_cost + 1
            n = needed if needed * len(lever.points) * max(lever.weeks, 1) <= max_cost else None
        steps.append({"from": repr(low), "to": repr(high), "effect": effect, "sd": sd, "n": n})
    return {"metric": lever.metric, "weeks": lever.weeks, "seeds": seeds, "steps": steps}


def measure_fact(fact, seeds: int) -> dict:
    x = fact.values(range(MEASURE_SEED, MEASURE_SEED + seeds))
    mean, sd = float(x.mean()), float(x.std(ddof=1))
    n = None
    if fact.low < mean < fact.high:
        n = seeds_needed_in_range(mean, sd, fact.low, fact.high)
    return {
        "metric": fact.metric,
        "weeks": fact.weeks,
        "seeds": seeds,
        "mean": mean,
        "sd": sd,
        "low": fact.low,
        "high": fact.high,
        "n": n,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=30, help="paired seeds per lever")
    parser.add_argument(
        "--max-cost",
        type=int,
        default=3000,
        help="largest seeds x points x weeks a lever test may take (about 5 ms per week)",
    )
    parser.add_argument("--only", nargs="*", default=None, help="lever ids to re-measure")
    parser.add_argument("--out", type=Path, default=EFFECTS_FILE, help="where to write")
    args = parser.parse_args(argv)
    out = args.out
    table = json.loads(out.read_text()) if out.exists() else {}
    print("| lever | metric | weeks | step | effect | sd | n |")
    print("|---|---|---|---|---|---|---|")
    bad = 0
    for lever in LEVERS:
        if args.only and lever.id not in args.only:
            continue
        start = time.perf_counter()
        table[lever.id] = entry = measure(lever, args.seeds, args.max_cost)
        for step in entry["steps"]:
            bad += step["n"] is None
            print(
                f"| {lever.id} | {lever.metric} | {lever.weeks} | {step['from']} -> {step['to']} "
                f"| {step['effect']:.4g} | {step['sd']:.4g} | {step['n']} |",
                flush=True,
            )
        print(f"<!-- {lever.id}: {time.perf_counter() - start:.1f}s -->", file=sys.stderr)
        out.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    facts = table.setdefault("facts", {})
    for fact in FACTS:
        if args.only and fact.id not in args.only:
            continue
        facts[fact.id] = entry = measure_fact(fact, args.seeds)
        bad += entry["n"] is None
        print(
            f"| {fact.id} | {fact.metric} | {fact.weeks} | in [{fact.low}, {fact.high}] "
            f"| mean {entry['mean']:.4g} | {entry['sd']:.4g} | {entry['n']} |",
            flush=True,
        )
        out.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    for name in set(facts) - {fact.id for fact in FACTS}:
        del facts[name]
    known = {lever.id for lever in LEVERS} | {"facts"}
    stale = set(table) - known
    for name in stale:
        del table[name]
    out.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    print(f"{bad} step(s) without a usable n", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    raise SystemExit(main())
