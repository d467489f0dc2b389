"""Views of saved results that the tables and figures share.

Results follow the runner's on-disk format, docs/experiments.md (``experiments.load_results(dir)``
returns an object with ``.manifest``, ``.runs``, ``.timeseries``, ``.factors`` and ``.metrics``).
Nothing here knows which metrics a model collects: names come from the results, and units and
descriptions from the model's ``METRICS`` table when the model can be imported.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pandas as pd

#: Metrics a reader looks at first, in order of preference, when present in the results.
PREFERRED_METRICS = (
    "bookings",
    "arr",
    "revenue",
    "win_rate",
    "churn",
    "churn_annual",
    "churn_rate",
    "net_revenue_retention",
    "nrr",
    "knowledge",
    "new_bookings",
    "revenue_per_employee",
    "referrals",
    "mean_knowledge",
    "cross_functional_knowledge",
    "cooperation",
    "effort",
    "morale",
    "code_knowledge",
    "individual_knowledge",
)

#: The roles of the sales model (``docs/ODD.md``, section 2), used to read per-role metric names.
ROLES = ("marketer", "sdr", "ae", "se", "csm", "support")

#: Where a model's metric table (name -> (unit, description)) lives, by the ``model`` key of an
#: experiment file: (module, attribute names tried in order).
_METRIC_TABLES = {
    "salesorg": ("salesorg.model", ("METRICS",)),
    "march1991": ("salesorg.model.march", ("MARCH_METRICS", "METRICS")),
}


def load(results_or_dir):
    """Return results as loaded by ``experiments.load_results``; pass loaded results through."""
    if isinstance(results_or_dir, str | Path):
        from salesorg.experiments import load_results

        return load_results(Path(results_or_dir))
    return results_or_dir


def completed_runs(results) -> pd.DataFrame:
    """Rows of ``results.runs`` whose status is ``"done"``."""
    runs = results.runs
    if "status" in runs.columns:
        runs = runs[runs["status"] == "done"]
    return runs


def format_value(value) -> str:
    """Short, stable text for a factor value (0.30000000000000004 -> '0.3')."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, float | np.floating):
        return f"{float(value):g}"
    return str(value)


def scenarios(results) -> pd.DataFrame:
    """One row per scenario (in scenario order) with its factor values and a readable label.

    With one factor the label is its value (``pods``); with several it names each
    (``design=pods, seating=random``); with none it is ``scenario <n>``.
    """
    runs = results.runs.sort_values(["scenario", "replication"])
    factors = [f for f in results.factors if f in runs.columns]
    table = runs.groupby("scenario", sort=True)[factors].first() if factors else None
    if table is None:
        table = pd.DataFrame(index=pd.Index(sorted(runs["scenario"].unique()), name="scenario"))

    def label(row) -> str:
        if not factors:
            return f"scenario {row.name}"
        if len(factors) == 1:
            return format_value(row[factors[0]])
        return ", ".join(f"{f}={format_value(row[f])}" for f in factors)

    table["label"] = table.apply(label, axis=1) if len(table) else pd.Series(dtype=str)
    return table


def primary_factor(results) -> str | None:
    """The factor designs are compared on: ``design`` when varied, else the first factor."""
    if "design" in results.factors:
        return "design"
    return results.factors[0] if results.factors else None


def factor_levels(results, factor: str) -> list:
    """Levels of ``factor`` in the order scenarios first use them (the experiment file's order)."""
    return list(dict.fromkeys(scenarios(results)[factor].tolist()))


def main_metrics(results, limit: int = 6) -> list[str]:
    """Up to ``limit`` outcome metrics: preferred names first, then the rest in collected order.

    Knowledge broken down by role or domain is left to the knowledge figures.
    """
    broken_down = set(knowledge_metrics(results.metrics)["metric"])
    available = [m for m in results.metrics if m not in broken_down]
    ranked = [m for m in PREFERRED_METRICS if m in available]
    ranked += [m for m in available if m not in ranked]
    return ranked[:limit]


def end_of_run(results, metrics=None, window: float = 0.1) -> pd.DataFrame:
    """Per-run outcome: the mean of each metric over the last ``window`` share of steps.

    Averaging the final stretch (at least one step) rather than taking the last step alone keeps
    weekly flows such as bookings from hinging on a single week's noise.

    Returns:
        One row per completed run: ``run_id, scenario, replication, seed``, the factors, ``label``
        and one column per metric.
    """
    metrics = list(results.metrics if metrics is None else metrics)
    ts = results.timeseries
    last = ts.groupby("run_id")["step"].transform("max")
    first = ts.groupby("run_id")["step"].transform("min")
    span = last - first + 1
    cutoff = last - np.maximum(1, np.ceil(window * span)) + 1
    tail = ts[ts["step"] >= cutoff]
    values = tail[metrics].astype(float).assign(run_id=tail["run_id"])
    outcome = values.groupby("run_id", sort=False)[metrics].mean().reset_index()
    runs = completed_runs(results)
    keep = ["run_id", "scenario", "replication"] + (["seed"] if "seed" in runs.columns else [])
    out = runs[keep].merge(outcome, on="run_id", how="inner")
    info = scenarios(results)
    out = out.merge(info, left_on="scenario", right_index=True, how="left")
    return out.sort_values(["scenario", "replication"]).reset_index(drop=True)


def model_name(results) -> str:
    """Which model produced the results (``manifest["model"]``; salesorg when absent)."""
    manifest = results.manifest if isinstance(results.manifest, dict) else {}
    return str(manifest.get("model", "salesorg"))


def metric_info(results) -> dict[str, tuple[str, str]]:
    """``name -> (unit, description)`` from the model's ``METRICS`` table, if it has one.

    Results of a model without such a table (or that cannot be imported) still plot, with bare
    names as labels.
    """
    name = model_name(results)
    if name not in _METRIC_TABLES:
        return {}
    module_name, attributes = _METRIC_TABLES[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return {}
    table = next((getattr(module, a) for a in attributes if hasattr(module, a)), None)
    if table is None:
        model_class = getattr(module, "SalesOrgModel", None)
        table = getattr(model_class, "METRICS", None)
    if not isinstance(table, dict):
        return {}
    return {k: (str(v[0]), str(v[1])) for k, v in table.items() if isinstance(v, tuple | list)}


def knowledge_metrics(metrics) -> pd.DataFrame:
    """Find knowledge metrics broken down by role, by domain, or by both.

    Recognises ``knowledge_<role>`` (role-level knowledge), ``knowledge_<role>_<domain>`` (and
    ``knowledge_<domain>_<role>``) for the model's roles, and any other ``knowledge_<domain>``.

    Returns:
        Columns ``metric, role, domain`` ("" where a metric is not broken down that way), roles
        in :data:`ROLES` order, then in collected order.
    """
    rows = []
    for metric in metrics:
        if not metric.startswith("knowledge_"):
            continue
        rest = metric.removeprefix("knowledge_")
        row = (metric, "", rest)
        for role in ROLES:
            if rest == role:
                row = (metric, role, "")
            elif rest.startswith(role + "_"):
                row = (metric, role, rest.removeprefix(role + "_"))
            elif rest.endswith("_" + role):
                row = (metric, role, rest.removesuffix("_" + role))
            else:
                continue
            break
        rows.append(row)
    table = pd.DataFrame(rows, columns=["metric", "role", "domain"])
    rank = {role: i for i, role in enumerate(("", *ROLES))}
    order = table["role"].map(rank)
    return table.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


def knowledge_grid(metrics) -> pd.DataFrame:
    """The knowledge metrics broken down by both role and domain (see :func:`knowledge_metrics`)."""
    table = knowledge_metrics(metrics)
    return table[(table["role"] != "") & (table["domain"] != "")].reset_index(drop=True)
