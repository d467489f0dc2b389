"""Results on disk: atomic per-run files, a runs journal, the runs table and the manifest.

Layout of ``results/<experiment>/`` (the format every reader relies on)::

    manifest.json              the design, seeds, versions, git commit, start / end times
    runs.parquet               one row per finished run (done or failed), every parameter
    timeseries/<run_id>.parquet  ``step`` + one column per kept metric
    records/<run_id>.json      journal: one record per finished run (what resume trusts)

Every file is written to a temporary name and renamed into place, so a process killed at any
moment leaves either the old file or the new one. A run counts as finished only once its record
exists, and its record is written after its time series, so a killed sweep never has a run
marked done without its data; the half-finished run simply runs again on resume.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from salesorg.experiments.registry import RUN_COLUMNS
from salesorg.experiments.worker import RunOutcome, RunTask
from salesorg.model.files import atomic_write_bytes


class ResultsBusyError(RuntimeError):
    """Another sweep is writing into the same results folder."""


class ResultsStore:
    """One experiment's results folder."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.manifest_path = self.path / "manifest.json"
        self.runs_path = self.path / "runs.parquet"
        self.timeseries_dir = self.path / "timeseries"
        self.records_dir = self.path / "records"

    def __repr__(self) -> str:
        return f"ResultsStore({str(self.path)!r})"

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive lock on the folder; the OS drops it if the process dies."""
        for folder in (self.path, self.timeseries_dir, self.records_dir):
            folder.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ResultsBusyError(
                    f"another sweep is writing into {self.path}; wait for it or use another --out"
                ) from None
            self._remove_stale_temporaries()
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _remove_stale_temporaries(self) -> None:
        """Delete temporary files a killed process left behind (only called under the lock)."""
        for folder in (self.path, self.timeseries_dir, self.records_dir):
            for tmp in folder.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)

    # manifest
    def read_manifest(self) -> dict[str, Any]:
        if not self.exists():
            raise FileNotFoundError(f"{self.path} holds no experiment results (no manifest.json)")
        return json.loads(self.manifest_path.read_text())

    def write_manifest(self, manifest: Mapping[str, Any]) -> None:
        atomic_write_bytes(self.manifest_path, (json.dumps(manifest, indent=2) + "\n").encode())

    # runs
    def timeseries_path(self, run_id: str) -> Path:
        return self.timeseries_dir / f"{run_id}.parquet"

    def read_records(self) -> dict[str, dict[str, Any]]:
        """Finished runs by id; a ``done`` run whose time series is missing does not count."""
        records = {}
        for path in sorted(self.records_dir.glob("*.json")):
            record = json.loads(path.read_text())
            if record["status"] == "done" and not self.timeseries_path(record["run_id"]).is_file():
                continue
            records[record["run_id"]] = record
        return records

    def save(self, task: RunTask, outcome: RunOutcome) -> dict[str, Any]:
        """Persist one finished run: time series first, then its journal record."""
        if outcome.status == "done":
            atomic_write_bytes(self.timeseries_path(task.run_id), outcome.timeseries)
        else:
            self.timeseries_path(task.run_id).unlink(missing_ok=True)
        record = {
            "run_id": task.run_id,
            "scenario": task.scenario,
            "replication": task.replication,
            "seed": task.seed,
            "status": outcome.status,
            "wall_s": outcome.wall_s,
            "error": outcome.error,
            "params": task.params,
        }
        atomic_write_bytes(self.records_dir / f"{task.run_id}.json", json.dumps(record).encode())
        return record

    def write_runs_table(self, records: Mapping[str, Mapping[str, Any]], params: list[str]) -> None:
        """Rewrite ``runs.parquet`` from the journal, sorted by scenario and replication."""
        atomic_write_bytes(self.runs_path, runs_table_bytes(records, params))


def runs_frame(records: Mapping[str, Mapping[str, Any]], params: list[str]) -> pd.DataFrame:
    """The runs table: contract columns, then one column per model parameter."""
    rows = sorted(records.values(), key=lambda r: (r["scenario"], r["replication"]))
    columns: dict[str, list[Any]] = {name: [r[name] for r in rows] for name in RUN_COLUMNS}
    for name in params:
        columns[name] = [_cell(_value(r["params"], name)) for r in rows]
    frame = pd.DataFrame(columns)
    dtypes = {"scenario": "int64", "replication": "int64", "seed": "int64", "wall_s": "float64"}
    return frame.astype(dtypes | {c: "str" for c in ("run_id", "status", "error")})


def runs_table_bytes(records: Mapping[str, Mapping[str, Any]], params: list[str]) -> bytes:
    sink = pa.BufferOutputStream()
    table = pa.Table.from_pandas(runs_frame(records, params), preserve_index=False)
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def _value(params: Mapping[str, Any], name: str) -> Any:
    """A parameter's value, or a matrix entry's (``name.row.column``) from its matrix."""
    if name in params or name.count(".") != 2:
        return params.get(name)
    base, row, column = name.split(".")
    matrix = params.get(base)
    return matrix[row][column] if isinstance(matrix, Mapping) else None


def _cell(value: Any) -> Any:
    """Dict-valued parameters (e.g. a pod composition) are stored as canonical JSON text."""
    return json.dumps(value, sort_keys=True) if isinstance(value, dict) else value
