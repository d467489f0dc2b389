"""Long-run knowledge over ``cross_unit_links``: Fang, Lee & Schilling's (2010) check.

Fang, Lee & Schilling (2010) find, on NK landscapes, that semi-isolated subgroups with a few
links between them reach a higher long-run performance than either isolated or fully connected
groups: the links spread good solutions, the isolation preserves the diversity that keeps the
organization from locking into a wrong consensus early. In salesorg the pattern can only appear
with interdependent knowledge (``interdependence`` > 0, docs/ODD.md section 7.10); with
independent dimensions faster spreading can never hurt.

:func:`run_curve` runs the same seeds at every link value (common random numbers) and records
each run's long-run knowledge (mean over the last ``last`` weeks); :func:`summarise` gives per
link value the mean and 95% CI, and for the best interior value the paired differences to both
ends (isolated, 0, and the most connected value) with their 95% CIs: the pattern holds when both
CIs lie above 0. Run ``python -m salesorg.analysis.linking_curve --help``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pandas as pd
from salesorg.analysis.stats import mean_ci

#: Link values swept by default: isolated pods to a fully mixed organization.
LINKS = (0.0, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
#: Long-run outcomes recorded per run (means over the last weeks).
OUTCOMES = ("knowledge", "belief_accuracy", "playbook_knowledge", "territory_knowledge")


def run_curve(
    links: Sequence[float] = LINKS,
    seeds: Sequence[int] = range(10),
    weeks: int = 260,
    last: int = 52,
    **params,
) -> pd.DataFrame:
    """One run per (link value, seed); columns ``cross_unit_links, seed`` and :data:`OUTCOMES`
    (each the mean over the last ``last`` weeks). ``params`` go to every run (e.g.
    ``design="pods", interdependence=2``)."""
    from salesorg.model import SalesOrgModel

    if not 0 < last <= weeks:
        raise ValueError(f"last = {last!r} must be in [1, weeks = {weeks!r}]")
    rows = []
    for link in links:
        for seed in seeds:
            model = SalesOrgModel(rng=seed, cross_unit_links=link, **params)
            sums = dict.fromkeys(OUTCOMES, 0.0)
            for week in range(weeks):
                model.step()
                if week >= weeks - last:
                    for name in OUTCOMES:
                        sums[name] += model.metrics[name]
            rows.append({"cross_unit_links": link, "seed": seed}
                        | {name: total / last for name, total in sums.items()})  # fmt: skip
    return pd.DataFrame(rows)


def summarise(runs: pd.DataFrame, outcome: str = "knowledge") -> dict:
    """Per link value the mean and 95% CI of ``outcome``; the best interior link value and its
    paired differences (same seeds) to the isolated and the most connected end.

    Returns a dict with ``curve`` (a DataFrame: ``cross_unit_links, mean, low, high, n``),
    ``peak`` (the interior link value with the highest mean), ``vs_isolated`` and
    ``vs_connected`` (``(mean, low, high)`` of peak minus end, paired by seed) and
    ``inverted_u`` (both CIs above 0).
    """
    table = runs.pivot(index="seed", columns="cross_unit_links", values=outcome)
    links = list(table.columns)
    if len(links) < 3:
        raise ValueError(f"need at least three link values for a peak, got {links!r}")
    curve = pd.DataFrame(
        [(link, *mean_ci(table[link].to_numpy()), len(table)) for link in links],
        columns=["cross_unit_links", "mean", "low", "high", "n"],
    )
    interior = links[1:-1]
    peak = max(interior, key=lambda link: table[link].mean())
    vs_isolated = mean_ci((table[peak] - table[links[0]]).to_numpy())
    vs_connected = mean_ci((table[peak] - table[links[-1]]).to_numpy())
    return {
        "curve": curve,
        "peak": peak,
        "vs_isolated": vs_isolated,
        "vs_connected": vs_connected,
        "inverted_u": vs_isolated[1] > 0 and vs_connected[1] > 0,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interdependence", type=int, default=2)
    parser.add_argument("--design", default="pods")
    parser.add_argument("--seeds", type=int, default=10, help="paired seeds 0..N-1")
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--links", type=float, nargs="+", default=list(LINKS))
    parser.add_argument("--out", help="write the runs to this CSV file")
    args = parser.parse_args(argv)
    runs = run_curve(args.links, range(args.seeds), args.weeks,
                     design=args.design, interdependence=args.interdependence)  # fmt: skip
    if args.out:
        runs.to_csv(args.out, index=False)
    for outcome in ("knowledge", "belief_accuracy"):
        s = summarise(runs, outcome)
        print(f"{outcome} (mean of the last year; 95% CI over {args.seeds} seeds):")
        print(s["curve"].to_string(index=False, float_format=lambda x: f"{x:.4f}"))
        for end in ("vs_isolated", "vs_connected"):
            mean, low, high = s[end]
            print(f"  peak {s['peak']:g} {end}: {mean:+.4f} [{low:+.4f}, {high:+.4f}]")
        print(f"  inverted U (both paired CIs above 0): {s['inverted_u']}")


if __name__ == "__main__":
    main()
