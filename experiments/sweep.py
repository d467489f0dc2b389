"""Run an experiment: plan its runs, skip finished ones, execute the rest, record everything.

``run_experiment`` is the whole life of a sweep. Re-running the same experiment into the same
folder resumes it (finished runs are skipped); a different design in that folder is refused.
``run_scenarios`` runs an explicit list of parameter dicts, which is how other designs, such as
a SALib sample for sensitivity analysis, use this runner.
"""

from __future__ import annotations

import hashlib
import json
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salesorg.experiments.executors import make_executor
from salesorg.experiments.progress import SweepProgress
from salesorg.experiments.provenance import git_state, now, versions
from salesorg.experiments.sampling import equivalent_scenarios, resolve_scenarios, scenario_values
from salesorg.experiments.seeds import replication_seed
from salesorg.experiments.spec import ExperimentSpec, SpecError, load_spec, spec_from_dict
from salesorg.experiments.storage import ResultsStore
from salesorg.experiments.worker import RunTask, run_id

MANIFEST_FORMAT = 1
FLUSH_SECONDS = 2.0  # how often the runs table is refreshed during a sweep


@dataclass(frozen=True)
class SweepSummary:
    """How a sweep ended: counts over all runs of the experiment, and this session's share."""

    name: str
    path: Path
    total: int
    done: int
    failed: int
    ran: int
    wall_s: float
    executor: str

    @property
    def pending(self) -> int:
        return self.total - self.done - self.failed

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.pending == 0

    def __str__(self) -> str:
        lines = [
            f"{self.name}: {self.done} done, {self.failed} failed, {self.pending} pending "
            f"of {self.total} runs ({self.ran} run now in {self.wall_s:.1f} s on {self.executor})",
            f"results: {self.path}",
        ]
        if self.failed:
            lines.append(
                f"{self.failed} run(s) failed: see `salesorg status {self.path}`; "
                "rerun them with --retry-failed"
            )
        return "\n".join(lines)


def plan_runs(spec: ExperimentSpec) -> list[RunTask]:
    """Every run of the experiment, replication-major so partial sweeps stay paired.

    A grid scenario that is the same model as an earlier one (:func:`equivalent_scenarios`) is
    not run again; its index stays unused so scenario numbers still follow the grid.
    """
    scenarios = resolve_scenarios(spec)
    same = equivalent_scenarios(spec, scenarios)
    tasks = []
    for replication in range(spec.replications):
        seed = replication_seed(spec.master_seed, replication)
        for scenario, params in enumerate(scenarios):
            if scenario in same:
                continue
            tasks.append(
                RunTask(
                    run_id=run_id(scenario, replication),
                    scenario=scenario,
                    replication=replication,
                    seed=seed,
                    model=spec.model,
                    params=params,
                    steps=spec.steps,
                    collect_every=spec.collect_every,
                    metrics=spec.metrics,
                )
            )
    return tasks


def run_experiment(
    experiment: str | Path | ExperimentSpec,
    out: str | Path | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    retry_failed: bool = False,
    progress: bool | None = None,
) -> SweepSummary:
    """Run (or resume) an experiment and write its results folder.

    Args:
        experiment: a shipped experiment name (``"quick"``), a path to a TOML file, or a spec.
        out: results folder; default ``results/<experiment name>``.
        workers: local worker processes (default: all cores; 1 runs in this process).
        scheduler: address of a Dask scheduler (``tcp://host:8786``) to run on instead.
        retry_failed: also rerun runs that failed before.
        progress: show a progress bar (default: only when stderr is a terminal).

    Returns:
        A :class:`SweepSummary`; ``summary.ok`` is false if runs failed or are still pending.
    """
    spec = experiment if isinstance(experiment, ExperimentSpec) else load_spec(experiment)
    store = ResultsStore(out if out is not None else Path("results") / spec.name)
    executor = make_executor(workers, scheduler)
    tasks = plan_runs(spec)
    start = time.perf_counter()
    with store.lock():
        manifest = _open_manifest(store, spec, tasks)
        records = store.read_records()
        todo = [t for t in tasks if _needs_run(records.get(t.run_id), retry_failed)]
        # failed runs being retried keep their record (and their row) until they finish again
        retried = {t.run_id for t in todo}
        session = {"started": now(), "finished": None, "executor": executor.description}
        session |= {"runs": len(todo), **git_state()}
        manifest["sessions"].append(session)
        store.write_manifest(manifest)
        counts = _count({k: r for k, r in records.items() if k not in retried})
        bar = SweepProgress(spec.name, len(tasks), counts["done"], counts["failed"], progress)
        last_flush = time.monotonic()
        try:
            for task, outcome in executor.run(todo):
                records[task.run_id] = store.save(task, outcome)
                bar.update(outcome.status)
                if time.monotonic() - last_flush > FLUSH_SECONDS:
                    store.write_runs_table(records, manifest["parameters"])
                    last_flush = time.monotonic()
        finally:
            bar.close()
            store.write_runs_table(records, manifest["parameters"])
            counts = _count(records)
            session["finished"] = now()
            if counts["done"] + counts["failed"] == len(tasks):
                manifest["finished"] = session["finished"]
            store.write_manifest(manifest)
    return SweepSummary(
        name=spec.name,
        path=store.path,
        total=len(tasks),
        done=counts["done"],
        failed=counts["failed"],
        ran=len(todo),
        wall_s=time.perf_counter() - start,
        executor=executor.description,
    )


def run_scenarios(
    scenarios: Sequence[Mapping[str, Any]],
    *,
    name: str,
    steps: int,
    master_seed: int,
    out: str | Path | None = None,
    model: str = "salesorg",
    replications: int = 1,
    fixed: Mapping[str, Any] | None = None,
    metrics: Sequence[str] | None = None,
    collect_every: int = 1,
    description: str | None = None,
    **run_options: Any,
) -> SweepSummary:
    """Run an explicit list of parameter dicts as scenarios (scenario ``i`` = ``scenarios[i]``).

    For designs this runner does not draw itself, e.g. a SALib Saltelli sample. Values may be
    numpy scalars. ``run_options`` are those of :func:`run_experiment` (workers, scheduler, ...).
    """
    data: dict[str, Any] = {
        "description": description or f"{len(scenarios)} scenarios given in Python",
        "model": model,
        "replications": replications,
        "steps": steps,
        "master_seed": master_seed,
        "collect_every": collect_every,
        "sampler": "list",
        "scenarios": [{k: _plain(v) for k, v in s.items()} for s in scenarios],
    }
    if fixed:
        data["fixed"] = {k: _plain(v) for k, v in fixed.items()}
    if metrics is not None:
        data["metrics"] = list(metrics)
    spec = spec_from_dict(data, name=name)
    return run_experiment(spec, out, **run_options)


def _open_manifest(store: ResultsStore, spec: ExperimentSpec, tasks: list[RunTask]) -> dict:
    """Create the manifest, or check that an existing one describes the same experiment."""
    design_hash = _design_hash(tasks)
    if not store.exists():
        return _new_manifest(spec, tasks, design_hash)
    manifest = store.read_manifest()
    refuse = f"{store.path} holds results of a different experiment design than {spec.source}"
    advice = (
        "mixing runs of two designs would corrupt the comparison: run into another folder "
        f"(--out) or delete {store.path} to start afresh"
    )
    if manifest["spec"]["sha256"] != spec.sha256:
        raise SpecError(
            f"{refuse} (experiment file sha256 {manifest['spec']['sha256'][:12]} when started, "
            f"{spec.sha256[:12]} now); {advice}"
        )
    if manifest["design_sha256"] != design_hash:
        raise SpecError(
            f"{refuse}: the file is unchanged but the runs it expands to differ (model "
            f"parameter defaults changed?); {advice}"
        )
    then = {**manifest["versions"], "git commit": manifest["git_commit"]}
    current = {**versions(), "git commit": git_state()["git_commit"]}
    changed = {
        key: (then[key], value)
        for key, value in current.items()
        if key in then and then[key] != value  # not for what an older manifest did not record
    }
    if changed:
        listing = ", ".join(f"{key} {old} -> {new}" for key, (old, new) in changed.items())
        warnings.warn(
            f"{store.path} was started with other code ({listing}); its finished runs are kept "
            f"as they are, so delete the folder to redo every run with this code",
            RuntimeWarning,
            stacklevel=3,
        )
    return manifest


def _new_manifest(spec: ExperimentSpec, tasks: list[RunTask], design_hash: str) -> dict:
    n_scenarios = len(tasks) // spec.replications
    return {
        "format": MANIFEST_FORMAT,
        "experiment": spec.name,
        "description": spec.description,
        "model": spec.model,
        "spec": {"source": spec.source, "content": spec.content, "sha256": spec.sha256},
        "design_sha256": design_hash,
        "master_seed": spec.master_seed,
        "replications": spec.replications,
        "steps": spec.steps,
        "collect_every": spec.collect_every,
        "sampler": spec.sampler,
        "samples": spec.samples,
        "factors": spec.factor_names(),
        "compare": spec.compare[0] if spec.compare else None,
        "metrics": list(spec.metrics),
        "fixed": spec.fixed,
        # every table parameter, then any matrix entry varied on its own (``name.row.column``)
        "parameters": _parameter_columns(spec),
        "n_scenarios": n_scenarios,
        "n_runs": len(tasks),
        "scenarios": scenario_values(spec),
        # scenario -> the earlier scenario that is the same model (run once, under that index)
        "equivalent_scenarios": {str(k): v for k, v in equivalent_scenarios(spec).items()},
        "replication_seeds": [t.seed for t in tasks[::n_scenarios]],
        "versions": versions(),
        **git_state(),
        "started": now(),
        "finished": None,
        "sessions": [],
    }


def _design_hash(tasks: list[RunTask]) -> str:
    """Hash of every run's id, seed and full parameters: what the results actually are."""
    plan = [[t.run_id, t.seed, t.params, t.steps, t.collect_every, t.metrics] for t in tasks]
    return hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()


def _needs_run(record: Mapping[str, Any] | None, retry_failed: bool) -> bool:
    return record is None or (retry_failed and record["status"] == "failed")


def _count(records: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    done = sum(r["status"] == "done" for r in records.values())
    return {"done": done, "failed": len(records) - done}


def _plain(value: Any) -> Any:
    """numpy scalars (e.g. from a SALib sample) as plain Python values."""
    return value.item() if hasattr(value, "item") and hasattr(value, "dtype") else value


def _parameter_columns(spec) -> list[str]:
    """Columns of the runs table: the model's parameters, then the varied matrix entries."""
    names = spec.parameter_table().names()
    return names + [f for f in spec.factor_names() if f not in names]
