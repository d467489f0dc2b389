"""Local workers are forked when that is safe, and spawned when another thread is alive."""

import threading

from salesorg.experiments.executors import _start_method
from salesorg.experiments.progress import SweepProgress


def test_a_visible_progress_bar_starts_no_thread_so_workers_can_fork():
    before = threading.active_count()
    bar = SweepProgress("x", 3, enabled=True)
    bar.update("done")
    try:
        assert threading.active_count() == before
        assert _start_method() == ("fork" if before == 1 else "spawn")
    finally:
        bar.close()


def test_workers_are_spawned_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert _start_method() == "spawn"
    finally:
        stop.set()
        thread.join()
