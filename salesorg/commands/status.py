"""``salesorg status DIR``: how far an experiment's results folder has got."""

from __future__ import annotations

from pathlib import Path

SHOW_FAILED = 20


def register(sub) -> None:
    parser = sub.add_parser(
        "status",
        help="show done / failed / pending runs of a results folder",
        description="Count the finished, failed and pending runs in a results folder written "
        "by `salesorg run`, and show the last error line of failed runs.",
    )
    parser.add_argument("path", type=Path, help="results folder, e.g. results/quick")
    parser.set_defaults(func=handle)


def handle(args) -> int:
    from salesorg.experiments import sweep_status

    status = sweep_status(args.path)
    state = "finished" if status["pending"] == 0 else "incomplete"
    print(
        f"{status['experiment']} in {status['path']}: {status['done']} done, "
        f"{status['failed']} failed, {status['pending']} pending of {status['total']} runs "
        f"({state}; started {status['started']}, finished {status['finished'] or '-'})"
    )
    failed = list(status["failed_runs"].items())
    for run_id, error in failed[:SHOW_FAILED]:
        print(f"  failed {run_id}: {error}")
    if len(failed) > SHOW_FAILED:
        print(f"  ... and {len(failed) - SHOW_FAILED} more (see runs.parquet, column error)")
    if status["pending"]:
        print("re-run the same `salesorg run` command to finish the pending runs")
    return 0
