"""Read a results folder back: the manifest, the runs table and the time series.

Analysis reads saved results and is never told the design again: factors, metrics, seeds and
the experiment file itself come from ``manifest.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from salesorg.experiments.storage import ResultsStore, runs_frame


@dataclass
class Results:
    """One experiment's saved results.

    Attributes:
        path: the results folder.
        manifest: the parsed ``manifest.json``.
        runs: one row per finished run (``run_id, scenario, replication, seed, status, wall_s,
            error`` and every parameter).
    """

    path: Path
    manifest: dict[str, Any] = field(repr=False)
    runs: pd.DataFrame = field(repr=False)

    def __repr__(self) -> str:
        counts = self.runs["status"].value_counts()
        return (
            f"Results({self.manifest['experiment']!r}, {str(self.path)!r}, "
            f"{counts.get('done', 0)} done, {counts.get('failed', 0)} failed of "
            f"{self.manifest['n_runs']} runs, factors={self.factors})"
        )

    @property
    def factors(self) -> list[str]:
        """Parameters the experiment varied."""
        return list(self.manifest["factors"])

    @property
    def metrics(self) -> list[str]:
        """Metrics kept in the time series."""
        return list(self.manifest["metrics"])

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """Long table of all done runs: ``run_id, scenario, replication, step, <metrics>`` and
        the factor columns (read on first use)."""
        store = ResultsStore(self.path)
        done = self.runs.loc[self.runs["status"] == "done"]
        keys = ["run_id", "scenario", "replication"]
        tables = []
        for row in done[keys].itertuples(index=False):
            table = pq.read_table(store.timeseries_path(row.run_id))
            n = table.num_rows
            table = table.add_column(0, "run_id", pa.array([row.run_id] * n, pa.string()))
            table = table.add_column(1, "scenario", pa.array([row.scenario] * n, pa.int64()))
            table = table.add_column(2, "replication", pa.array([row.replication] * n, pa.int64()))
            tables.append(table)
        if not tables:
            return pd.DataFrame(columns=[*keys, "step", *self.metrics, *self.factors])
        long = pa.concat_tables(tables).to_pandas()
        return long.merge(done[["run_id", *self.factors]], on="run_id", how="left")


def load_results(path: str | Path) -> Results:
    """Load a results folder written by :func:`experiments.run_experiment`.

    The runs table is rebuilt from the per-run journal, so it is complete even for a sweep that
    was interrupted before it could refresh ``runs.parquet``.
    """
    store = ResultsStore(path)
    manifest = store.read_manifest()
    records = store.read_records()
    if records or not store.runs_path.is_file():
        runs = runs_frame(records, manifest["parameters"])
    else:
        runs = pd.read_parquet(store.runs_path)
    return Results(path=store.path, manifest=manifest, runs=runs)


def sweep_status(path: str | Path) -> dict[str, Any]:
    """Counts of done / failed / pending runs and the failed runs' last error lines."""
    store = ResultsStore(path)
    manifest = store.read_manifest()
    records = store.read_records()
    failed = {
        run_id: (r["error"].strip().splitlines() or [""])[-1]
        for run_id, r in sorted(records.items())
        if r["status"] == "failed"
    }
    done = sum(r["status"] == "done" for r in records.values())
    return {
        "experiment": manifest["experiment"],
        "path": str(store.path),
        "total": manifest["n_runs"],
        "done": done,
        "failed": len(failed),
        "pending": manifest["n_runs"] - done - len(failed),
        "started": manifest["started"],
        "finished": manifest["finished"],
        "failed_runs": failed,
    }
