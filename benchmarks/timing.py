"""Timing, memory and curve-fitting helpers for ``make bench``.

Everything here is generic: it knows nothing about salesorg, so it can be unit-tested on toy
workloads. Wall times use :func:`time.perf_counter`; repeated timings report the median, which
shrugs off the odd slow run caused by another process on a 2-core machine.
"""

from __future__ import annotations

import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Wall times of repeated calls to one workload (seconds), warm-up calls excluded."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def __repr__(self) -> str:
        return f"Timing(median={self.median:.4f} s, n={len(self.samples)})"


def time_call(fn: Callable[[], object]) -> float:
    """Wall time of one call to ``fn``, in seconds."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def time_repeated(fn: Callable[[], object], repeats: int, warmup: int = 1) -> Timing:
    """Time ``repeats`` calls to ``fn`` after ``warmup`` untimed ones (imports, caches)."""
    if repeats < 1:
        raise ValueError(f"repeats = {repeats!r}; expected an integer >= 1")
    if warmup < 0:
        raise ValueError(f"warmup = {warmup!r}; expected an integer >= 0")
    for _ in range(warmup):
        fn()
    return Timing(tuple(time_call(fn) for _ in range(repeats)))


def time_interleaved(
    workloads: dict[str, Callable[[], object]], repeats: int, warmup: int = 1
) -> dict[str, Timing]:
    """Time several workloads in turn (a, b, a, b, ...), so they see the same machine load.

    On a shared machine the load drifts over seconds; alternating the workloads makes a ratio of
    their medians far steadier than timing one after the other.
    """
    if repeats < 1:
        raise ValueError(f"repeats = {repeats!r}; expected an integer >= 1")
    if warmup < 0:
        raise ValueError(f"warmup = {warmup!r}; expected an integer >= 0")
    for _ in range(warmup):
        for fn in workloads.values():
            fn()
    samples: dict[str, list[float]] = {name: [] for name in workloads}
    for _ in range(repeats):
        for name, fn in workloads.items():
            samples[name].append(time_call(fn))
    return {name: Timing(tuple(times)) for name, times in samples.items()}


def scaling_exponent(sizes: Sequence[float], times: Sequence[float]) -> float:
    """Least-squares slope of log(time) against log(size): 1 is linear, 2 quadratic.

    Raises:
        ValueError: fewer than two distinct sizes, or a size or time that is not positive.
    """
    if len(sizes) != len(times):
        raise ValueError(f"{len(sizes)} sizes but {len(times)} times; expected one time per size")
    if len(set(sizes)) < 2:
        raise ValueError(f"sizes = {list(sizes)!r}; need at least two distinct sizes")
    if any(v <= 0 for v in (*sizes, *times)):
        raise ValueError("sizes and times must all be positive to take logarithms")
    xs = [math.log(s) for s in sizes]
    ys = [math.log(t) for t in times]
    x_mean = statistics.fmean(xs)
    y_mean = statistics.fmean(ys)
    cov = sum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys, strict=True))
    var = sum((x - x_mean) ** 2 for x in xs)
    return cov / var


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB.

    Reads the kernel's high-water mark of this process's own address space (``VmHWM``), which
    starts afresh at ``exec``. ``getrusage(RUSAGE_SELF).ru_maxrss`` would not do for a child: Linux
    carries the parent's resident size at ``fork`` into it, so every child would report at least
    the memory of the ``make bench`` process that started it. Falls back to ``ru_maxrss`` where
    ``/proc`` is missing.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(module: str, *args: str, timeout: float = 600, env: dict | None = None) -> dict:
    """Run ``python -m module args...`` in a fresh interpreter and parse its last stdout line.

    The child prints one JSON object as its last line; a fresh process gives each measurement
    its own peak-memory counter and no warm caches from earlier measurements. ``env`` adds
    environment variables (e.g. ``NUMBA_CACHE_DIR``) to the child's.

    Raises:
        RuntimeError: the child failed; the message carries its stderr.
    """
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=None if env is None else {**os.environ, **env},
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError(
            f"`python -m {module} {' '.join(args)}` exited with {proc.returncode}:\n"
            f"{proc.stderr.strip()[-2000:]}"
        )
    return json.loads(lines[-1])
