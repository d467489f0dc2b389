"""Where the cold compile goes: ``python -m salesorg.benchmarks.compile_profile``.

Runs the first default run (the workload of ``jit_cold_s`` in ``make bench``) with an empty numba
cache and listens to numba's compile events (``numba.core.event``, kind ``"numba:compile"``: one
event per function and signature compiled, numba's own overloads such as ``np.empty`` included).
A compilation that needs another function compiles that one inside its own event, so each
compilation's *exclusive* time is its wall time less its nested compilations. Prints the
functions by exclusive compile time, summed over their signatures, with the number of
signatures, their inclusive time (nested compilations counted once per function) and the total.

A function compiled for several signatures (``int32`` and ``intp`` arguments, readonly and
writable arrays, C and A layouts, int and float literals) pays its compile once per signature:
the salesorg functions compiled more than once are listed with their signatures, to find which
argument differs (``--signatures NAME`` lists those of any function whose name contains NAME).
Last, the kernels that assign an array to an array slice (``a[i] = row``): each compiles numba's
shape-mismatch message with its string formatting, about 2 s; an element loop compiles none.

Times are wall clock: on a shared machine, compare two runs' minima, not single numbers.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Compilation:
    """One function compiled for one signature."""

    name: str
    signature: str
    start: float
    nested: float = 0.0  # inclusive time of the compilations started inside this one
    inclusive: float = 0.0


@dataclass
class Profile:
    """Compilations by function: exclusive and inclusive seconds, signatures."""

    exclusive: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    inclusive: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    signatures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    shape_checks: set[str] = field(default_factory=set)  # kernels compiling a shape message
    total: float = 0.0  # wall time of the outermost compilations
    wall: float = 0.0  # wall time of the whole workload


#: numba's error message for an array assignment whose shapes differ (``a[i] = row``,
#: ``a[:n] = b``): compiled with its string formatting into the kernel that assigns.
SHAPE_MESSAGE = "raise_with_shape_context"


def function_name(dispatcher) -> str:
    """``module.qualname`` of the Python function a dispatcher compiles."""
    function = dispatcher.py_func
    module = function.__module__ or "?"
    return f"{module.removeprefix('salesorg.model.')}.{function.__qualname__}"


def record(workload) -> Profile:
    """Run ``workload()`` with a compile listener installed; return its profile."""
    from numba.core import event

    profile = Profile()
    stack: list[Compilation] = []
    open_names: list[str] = []  # functions with a compilation on the stack (counted once)

    class Listener(event.Listener):
        def on_start(self, ev) -> None:
            name = function_name(ev.data["dispatcher"])
            if SHAPE_MESSAGE in name and stack:
                profile.shape_checks.add(stack[-1].name)
            signature = ", ".join(str(a) for a in ev.data["args"])
            stack.append(Compilation(name, signature, time.perf_counter()))
            open_names.append(name)

        def on_end(self, ev) -> None:
            done = stack.pop()
            open_names.pop()
            done.inclusive = time.perf_counter() - done.start
            profile.exclusive[done.name] += done.inclusive - done.nested
            if done.name not in open_names:  # a recursive overload counts once
                profile.inclusive[done.name] += done.inclusive
            profile.signatures[done.name].append(done.signature)
            if stack:
                stack[-1].nested += done.inclusive
            else:
                profile.total += done.inclusive

    start = time.perf_counter()
    with event.install_listener("numba:compile", Listener()):
        workload()
    profile.wall = time.perf_counter() - start
    return profile


def first_run() -> None:
    """The first default run (burn-in and 260 weeks), as ``benchmarks.child first-run``."""
    from salesorg.benchmarks.child import measure_first_run

    measure_first_run()


def report(profile: Profile, top: int) -> str:
    """The profile as a table, largest exclusive time first."""
    rows = sorted(profile.exclusive.items(), key=lambda item: -item[1])
    width = max([len(name) for name, _ in rows[:top]] + [8])
    lines = [f"{'function':<{width}}  {'excl s':>7}  {'incl s':>7}  {'sigs':>4}"]
    for name, seconds in rows[:top]:
        count = len(profile.signatures[name])
        lines.append(f"{name:<{width}}  {seconds:7.2f}  {profile.inclusive[name]:7.2f}  {count:4d}")
    compilations = sum(len(s) for s in profile.signatures.values())
    lines.append(
        f"{len(rows)} functions, {compilations} compilations, {profile.total:.1f} s compiling "
        f"of {profile.wall:.1f} s for the first run"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m salesorg.benchmarks.compile_profile", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--top", type=int, default=40, help="rows to print (default 40)")
    parser.add_argument(
        "--signatures",
        metavar="NAME",
        action="append",
        default=[],
        help="also list the signatures of functions whose name contains NAME",
    )
    args = parser.parse_args(argv)
    if "numba" in sys.modules:
        parser.error("numba is already imported: its cache directory can no longer be set")
    with tempfile.TemporaryDirectory(prefix="salesorg-numba-") as cache:
        os.environ["NUMBA_CACHE_DIR"] = cache  # empty: every kernel compiles
        profile = record(first_run)
    print(report(profile, args.top))
    for name in sorted(profile.shape_checks):
        print(f"\n{name}: assigns an array to an array slice; a loop saves its shape message")
    for name, signatures in sorted(profile.signatures.items()):
        several = len(signatures) > 1 and not name.startswith("numba.")
        if several or any(part in name for part in args.signatures):
            print(f"\n{name}:")
            for signature in signatures:
                print(f"  ({signature})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
