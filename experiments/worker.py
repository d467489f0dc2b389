"""One run: build the model with its seed, step it, keep the chosen metrics as Parquet bytes.

This is the only code that executes on workers (local processes or Dask). It never raises: a
run that fails comes back with its traceback so the sweep goes on and the failure is recorded.
The time series is serialized on the worker, so the parent only moves bytes to disk and a
metric Parquet cannot store shows up as that run's failure.
"""

from __future__ import annotations

import io
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from salesorg.experiments.registry import get_model


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs to reproduce one run, and nothing else."""

    run_id: str
    scenario: int
    replication: int
    seed: int
    model: str
    params: dict[str, Any]
    steps: int
    collect_every: int
    metrics: tuple[str, ...]

    def __repr__(self) -> str:
        return f"RunTask({self.run_id!r}, seed={self.seed}, model={self.model!r})"


@dataclass(frozen=True)
class RunOutcome:
    """What came back from a run: status, timing, traceback, and the time series as Parquet."""

    run_id: str
    status: str  # "done" or "failed"
    wall_s: float
    error: str = ""
    timeseries: bytes = field(default=b"", repr=False)


def run_id(scenario: int, replication: int) -> str:
    """Stable, sortable run identifier, e.g. ``s0003_r012``."""
    return f"s{scenario:04d}_r{replication:03d}"


def execute_run(task: RunTask) -> RunOutcome:
    """Run ``task`` to completion and return its outcome; exceptions become failed outcomes."""
    start = time.perf_counter()
    try:
        frame = simulate(task)
        payload = _to_parquet(frame)
    except Exception:
        return RunOutcome(
            task.run_id, "failed", time.perf_counter() - start, traceback.format_exc()
        )
    return RunOutcome(task.run_id, "done", time.perf_counter() - start, "", payload)


def simulate(task: RunTask) -> pd.DataFrame:
    """Step the model ``task.steps`` times; return ``step`` + kept metrics every ``collect_every``.

    Every run takes all its steps (even if the model sets ``running = False``), so series of one
    experiment all have the same length.

    The model's datacollector collects every step; rows are labelled with the step at which they
    were collected (the initial state is step 0 when the model collects on creation), and the
    last step is always kept so every run ends on its final state.
    """
    model = get_model(task.model).model_class()(rng=task.seed, **task.params)
    for _ in range(task.steps):
        model.step()
    collector = model.datacollector
    frame = collector.get_model_vars_dataframe()
    steps = _collection_steps(collector, len(frame), int(model.steps))
    frame = frame.loc[:, list(task.metrics)]
    frame.insert(0, "step", steps)
    keep = (frame["step"] % task.collect_every == 0) | (frame["step"] == frame["step"].max())
    return frame.loc[keep].reset_index(drop=True)


def _collection_steps(collector, rows: int, steps_run: int) -> np.ndarray:
    """The step each datacollector row was collected at."""
    recorded = getattr(collector, "_collection_steps", None)  # Mesa 3.5 records model.time
    if recorded is not None and len(recorded) == rows:
        return np.asarray(recorded, dtype=np.int64)
    if rows == steps_run + 1:
        return np.arange(rows, dtype=np.int64)
    if rows == steps_run:
        return np.arange(1, rows + 1, dtype=np.int64)
    raise RuntimeError(
        f"the datacollector has {rows} rows after {steps_run} steps; expected one per step"
    )


def _to_parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    return buffer.getvalue()
