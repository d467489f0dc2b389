"""Where runs execute: in this process, in a local process pool, or on a Dask cluster.

The executor is a choice at the edge (EMA Workbench's evaluators): each one takes the same
tasks and yields ``(task, outcome)`` pairs as runs finish, in whatever order they finish. Since
a run's result depends only on its task, the choice never changes the results.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import secrets
import signal
import threading
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from salesorg.experiments.worker import RunOutcome, RunTask, execute_run

# Thread pools of numerical libraries; one run per core must not start one thread per core each.
THREAD_ENV = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)

Outcomes = Iterator[tuple[RunTask, RunOutcome]]

#: Seconds to wait for a Dask scheduler to answer before giving up with a clear error.
CONNECT_TIMEOUT_S = 5.0


class WorkerCrashError(RuntimeError):
    """A worker process died (killed, out of memory); unfinished runs stay pending."""


class SchedulerUnreachableError(ConnectionError):
    """No Dask scheduler answered at the given address within the connect timeout."""


class SerialExecutor:
    """Runs one after another in this process (``--workers 1``); the reference for tests."""

    description = "serial (this process)"

    def __repr__(self) -> str:
        return "SerialExecutor()"

    def run(self, tasks: Iterable[RunTask]) -> Outcomes:
        for task in tasks:
            yield task, execute_run(task)


def _start_method() -> str:
    """``fork`` where it is safe (POSIX, no other thread alive), else ``spawn``.

    A forked worker starts at once with numpy, Mesa and the model already imported; a spawned
    one spends about a second importing them, which is most of the parallel overhead of a short
    sweep. Forking a process that runs other threads can deadlock, so then we spawn.
    """
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


class ProcessExecutor:
    """A pool of ``workers`` fresh Python processes on this machine.

    Workers are forked where that is safe, else spawned (see :func:`_start_method`), and start with
    single-threaded BLAS / OpenMP unless the user set those variables, so ``workers`` runs use
    ``workers`` cores.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.description = f"{workers} local worker processes"

    def __repr__(self) -> str:
        return f"ProcessExecutor(workers={self.workers})"

    def run(self, tasks: Iterable[RunTask]) -> Outcomes:
        tasks = list(tasks)
        if not tasks:
            return
        context = multiprocessing.get_context(_start_method())
        with _single_threaded_numerics():
            pool = ProcessPoolExecutor(
                max_workers=min(self.workers, len(tasks)), mp_context=context
            )
            # Keep at most two runs per worker queued so an interrupt leaves little in flight.
            queue = iter(tasks)
            running = {}
            for task in _take(queue, 2 * self.workers):
                running[pool.submit(execute_run, task)] = task
        finished_cleanly = False
        try:
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    task = running.pop(future)
                    try:
                        outcome = future.result()
                    except Exception as exc:  # BrokenProcessPool: a worker died mid-run
                        raise WorkerCrashError(
                            f"a worker process died while running {task.run_id} ({exc}); "
                            "finished runs are saved, re-run the same command to resume"
                        ) from exc
                    for nxt in _take(queue, 1):
                        with _single_threaded_numerics():
                            running[pool.submit(execute_run, nxt)] = nxt
                    yield task, outcome
            finished_cleanly = True
        finally:
            if not finished_cleanly:  # Ctrl-C, SIGTERM or an error: stop the runs in flight
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.terminate()
            # Always wait for the pool's manager thread, so nothing is left for interpreter exit.
            pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """Runs as tasks on a Dask ``distributed`` cluster, given its scheduler address.

    The workers need salesorg installed (same version); Dask's nanny already starts them with
    single-threaded BLAS. A task whose worker keeps dying is recorded as a failed run. If no
    scheduler answers within ``connect_timeout`` seconds the run stops with
    :class:`SchedulerUnreachableError` before any task is sent.
    """

    def __init__(self, address: str, connect_timeout: float | None = None) -> None:
        self.address = address
        self.connect_timeout = CONNECT_TIMEOUT_S if connect_timeout is None else connect_timeout
        self.description = f"Dask cluster at {address}"

    def __repr__(self) -> str:
        return f"DaskExecutor({self.address!r})"

    def run(self, tasks: Iterable[RunTask]) -> Outcomes:
        from distributed import Client, as_completed

        tasks = list(tasks)
        if not tasks:
            return
        token = secrets.token_hex(4)  # unique keys: a resumed sweep must not reuse old futures
        try:
            client = Client(self.address, set_as_default=False, timeout=self.connect_timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerUnreachableError(
                f"no Dask scheduler answered at {self.address} within {self.connect_timeout:g} s: "
                "check that `dask scheduler` is running there, that the address and port are "
                "right and that no firewall blocks them"
            ) from exc
        with client:
            futures = {
                client.submit(execute_run, task, key=f"salesorg-{task.run_id}-{token}"): task
                for task in tasks
            }
            try:
                for future in as_completed(futures, loop=client.loop):
                    task = futures[future]
                    try:
                        outcome = future.result()
                    except Exception:  # e.g. KilledWorker: the task itself never returned
                        outcome = RunOutcome(task.run_id, "failed", 0.0, traceback.format_exc())
                    future.release()
                    yield task, outcome
            finally:
                client.cancel(list(futures))


def make_executor(workers: int | None = None, scheduler: str | None = None):
    """Pick the executor for ``--workers`` / ``--scheduler``.

    Args:
        workers: local processes; ``None`` means all cores, ``1`` runs in this process.
        scheduler: a Dask scheduler address (``tcp://host:8786``); overrides ``workers``.
    """
    if scheduler:
        return DaskExecutor(scheduler)
    count = workers if workers is not None else usable_cores()
    if count < 1:
        raise ValueError(f"--workers must be at least 1, not {count}")
    return SerialExecutor() if count == 1 else ProcessExecutor(count)


def usable_cores() -> int:
    """Cores this process may run on (respects CPU affinity, e.g. inside a SLURM allocation)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which saves what finished and stops them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _take(iterator: Iterator[RunTask], n: int) -> list[RunTask]:
    return [task for _, task in zip(range(n), iterator, strict=False)]


@contextlib.contextmanager
def _single_threaded_numerics() -> Iterator[None]:
    """Set the thread variables to 1 while workers start (they inherit the environment)."""
    saved = {name: os.environ.get(name) for name in THREAD_ENV}
    for name, value in saved.items():
        if value is None:
            os.environ[name] = "1"
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
