"""The transition of a reorganization: its cost and the weeks to recover, with 95% bands.

A reorganization experiment (``experiments/reorganization.toml``) runs, with the same seeds, a
company that moves from one design to another at ``reorganize_at`` (the *move*), the company
that stays (the *origin*: identical to the move until the switch, so their paired difference
is the reorganization's effect) and, when present, the company that has always had the
destination design (the *destination*). Weekly flows are smoothed over a trailing quarter (13
weeks, from week 1: week 0 records no week) before averaging, as the model's rates are.

* **Cost**: the move's bookings minus the origin's, summed per replication over the year after
  the switch (paired by seed), with a Student-t 95% interval.
* **Weeks to recover**: the first week after the switch from which the move's mean stays at
  or above the lower 95% bound of the destination's mean for a quarter (or to the end of the
  run); ``None`` if it never does.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from salesorg.analysis.data import completed_runs, metric_info
from salesorg.analysis.theme import metric_label, pretty, readable_numbers, theme
from scipy import stats

QUARTER, YEAR = 13, 52
#: Panels of the transition figure, when collected.
TRANSITION_METRICS = ("bookings", "win_rate", "knowledge", "playbook_knowledge")


def reorganizations(results) -> list[dict]:
    """The moves in ``results``: one dict per scenario that reorganizes.

    Keys: ``move``, ``origin``, ``destination`` (scenario numbers; origin or destination None
    when the experiment has no such scenario), ``week`` (the switch), ``start`` and ``to``
    (designs) and ``label``.
    """
    runs = completed_runs(results)
    if "reorganize_to" not in runs.columns:
        return []
    table = runs.groupby("scenario", sort=True)[["design", "reorganize_at", "reorganize_to"]]
    table = table.first()
    staying = table[table["reorganize_to"].isna()]
    moves = []
    for scenario, row in table[table["reorganize_to"].notna()].iterrows():

        def staying_in(design):
            match = staying.index[staying["design"] == design]
            return int(match[0]) if len(match) else None

        moves.append(
            {
                "move": int(scenario),
                "origin": staying_in(row["design"]),
                "destination": staying_in(row["reorganize_to"]),
                "week": int(row["reorganize_at"]),
                "start": row["design"],
                "to": row["reorganize_to"],
                "label": f"{pretty(row['design'])} -> {pretty(row['reorganize_to'])}",
            }
        )
    return moves


def _series(results, scenario: int, metric: str) -> pd.DataFrame:
    """Steps x replications of ``metric`` for one scenario, weekly flows smoothed over 13 weeks."""
    runs = completed_runs(results)
    ids = runs.loc[runs["scenario"] == scenario, ["run_id", "replication"]]
    ts = results.timeseries[["run_id", "step", metric]].merge(ids, on="run_id")
    wide = ts.pivot_table(index="step", columns="replication", values=metric, aggfunc="first")
    unit = metric_info(results).get(metric, ("", ""))[0]
    if unit.endswith("/week"):  # a weekly flow: week 0 is no week (0 in every run), skip it
        wide = wide.loc[wide.index > 0]
        every = int(np.median(np.diff(wide.index))) if len(wide) > 1 else 1
        wide = wide.rolling(max(1, math.ceil(QUARTER / every)), min_periods=1).mean()
    return wide.astype(float)


def _band(wide: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean and t interval over replications (columns) at each step."""
    n = wide.notna().sum(axis=1).to_numpy()
    mean, sd = wide.mean(axis=1), wide.std(axis=1, ddof=1)
    half = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(np.maximum(n, 1))
    half[n < 2] = np.nan
    return pd.DataFrame({"mean": mean, "low": mean - half, "high": mean + half})


def transition_table(results, move: dict, metric: str) -> dict[str, pd.DataFrame]:
    """Bands per step: ``move``, ``origin``, ``destination`` and the paired ``difference``
    (move - origin, by replication); missing scenarios are left out."""
    moving = _series(results, move["move"], metric)
    out = {"move": _band(moving)}
    for role in ("origin", "destination"):
        if move[role] is not None:
            out[role] = _band(_series(results, move[role], metric))
    if move["origin"] is not None:
        origin = _series(results, move["origin"], metric)
        out["difference"] = _band(moving - origin[moving.columns])
    return out


def transition_summary(results, move: dict, metric: str = "bookings") -> dict:
    """The cost over the year after the switch and the weeks to recover (module docstring).

    Returns:
        ``cost``, ``cost_low``, ``cost_high`` (paired sum of move - origin over the weeks
        ``week .. week + 51``, NaN without an origin), ``recovery_weeks`` (None if never;
        NaN without a destination) and ``n`` (paired replications).
    """
    week = move["week"]
    summary = {"cost": math.nan, "cost_low": math.nan, "cost_high": math.nan, "n": 0}
    if move["origin"] is not None:
        runs = completed_runs(results)
        per_run = []
        for scenario in (move["move"], move["origin"]):
            ids = runs.loc[runs["scenario"] == scenario, ["run_id", "replication"]]
            ts = results.timeseries[["run_id", "step", metric]].merge(ids, on="run_id")
            window = ts[(ts["step"] >= week) & (ts["step"] < week + YEAR)]
            every = max(1, int(np.median(np.diff(np.sort(ts["step"].unique())))))
            per_run.append(window.groupby("replication")[metric].sum() * every)
        paired = (per_run[0] - per_run[1]).dropna()
        n = len(paired)
        summary["n"] = n
        summary["cost"] = float(paired.mean())
        if n > 1:
            half = stats.t.ppf(0.975, n - 1) * paired.std(ddof=1) / math.sqrt(n)
            summary["cost_low"], summary["cost_high"] = (
                summary["cost"] - half,
                summary["cost"] + half,
            )
    summary["recovery_weeks"] = math.nan
    if move["destination"] is not None:
        bands = transition_table(results, move, metric)
        after = bands["move"].index >= week
        caught_up = (bands["move"]["mean"] >= bands["destination"]["low"])[after]
        summary["recovery_weeks"] = _first_lasting(caught_up, week)
    return summary


def _first_lasting(ok: pd.Series, week: int):
    """Weeks from ``week`` to the first step from which ``ok`` holds a quarter (or to the end)."""
    steps, values = ok.index.to_numpy(), ok.to_numpy()
    for i, step in enumerate(steps):
        lasting = values[i:][steps[i:] < step + QUARTER]
        if lasting.all():
            return int(step - week)
    return None


def reorganization_figure(results, metrics=None, *, info=None):
    """The transition of every move: a column per move, a row per metric, 95% bands.

    Each panel shows the company that stays, the one that moves and the one that has always had
    the destination design; the switch week is a dashed line; the title gives the cost (summed
    bookings over the following year, paired by seed) and the weeks to recover.
    """
    moves = reorganizations(results)
    if not moves:
        raise ValueError("these results hold no reorganization (no scenario sets reorganize_to)")
    info = metric_info(results) if info is None else info
    wanted = TRANSITION_METRICS if metrics is None else metrics
    metrics = [m for m in wanted if m in results.metrics] or list(results.metrics[:1])
    styles = {"origin": ("0.45", "stays"), "move": ("#D55E00", "moves"),
              "destination": ("#0072B2", "always")}  # fmt: skip
    with theme():
        fig, axes = plt.subplots(
            len(metrics), len(moves), figsize=(3.6 * len(moves), 2.2 * len(metrics) + 0.9),
            layout="constrained", squeeze=False, sharex=True,
        )  # fmt: skip
        for col, move in enumerate(moves):
            summary = transition_summary(results, move) if "bookings" in results.metrics else {}
            for row, metric in enumerate(metrics):
                ax = axes[row, col]
                bands = transition_table(results, move, metric)
                for role in ("origin", "destination", "move"):
                    if role not in bands:
                        continue
                    colour, word = styles[role]
                    design = move["to"] if role == "destination" else move["start"]
                    label = f"{word} {pretty(design)}" if role != "move" else move["label"]
                    band = bands[role]
                    ax.plot(band.index, band["mean"], color=colour, label=label)
                    ax.fill_between(band.index, band["low"], band["high"], color=colour,
                                    alpha=0.2, linewidth=0)  # fmt: skip
                ax.axvline(move["week"], color="0.2", linestyle="--", linewidth=0.8)
                ax.set_ylabel(metric_label(metric, info))
                readable_numbers(ax.yaxis, bands["move"]["mean"])
                if row == 0:
                    ax.set_title(move["label"] + _summary_text(summary), fontsize=8)
                if row == len(metrics) - 1:
                    ax.set_xlabel("Time (weeks)")
            axes[0, col].legend(fontsize=6, loc="lower left")
        fig.suptitle(
            "Reorganization at the dashed week: mean with 95% confidence band over paired "
            "replications (weekly flows: trailing 13-week mean)",
            fontsize=8,
        )
    return fig


def _summary_text(summary: dict) -> str:
    if not summary or math.isnan(summary.get("cost", math.nan)):
        return ""
    cost = (f"\nbookings vs staying, next 52 weeks: {summary['cost'] / 1e6:+.1f} M "
            f"[{summary['cost_low'] / 1e6:+.1f}, {summary['cost_high'] / 1e6:+.1f}]")  # fmt: skip
    weeks = summary.get("recovery_weeks")
    if isinstance(weeks, float) and math.isnan(weeks):
        return cost
    reach = "not reached" if weeks is None else f"{weeks} weeks"
    return cost + f"\nto the destination's level: {reach}"
