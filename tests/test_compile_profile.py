"""benchmarks/compile_profile.py: numba's compile events as exclusive and inclusive times."""

from __future__ import annotations

from numba import njit
from salesorg.benchmarks.compile_profile import record, report


def test_nested_compilations_are_counted_once_and_apart() -> None:
    @njit
    def inner(x):
        return x + 1

    @njit
    def outer(x):
        return inner(x) * 2

    def workload() -> None:
        outer(1)
        outer(2.5)  # a second signature of outer and of inner

    profile = record(workload)
    name_outer = next(name for name in profile.signatures if name.endswith("outer"))
    name_inner = next(name for name in profile.signatures if name.endswith("inner"))
    assert profile.signatures[name_outer] == ["int64", "float64"]
    assert profile.signatures[name_inner] == ["int64", "float64"]
    # outer's inclusive time holds inner's compilations; its exclusive time does not
    assert profile.inclusive[name_outer] > profile.exclusive[name_outer] > 0
    assert (
        profile.inclusive[name_outer]
        >= profile.exclusive[name_outer] + profile.inclusive[name_inner] * 0.999
    )
    assert profile.total <= profile.wall
    lines = report(profile, top=5).splitlines()
    assert any(line.startswith(name_outer) for line in lines[1:6])
    assert lines[-1].startswith(f"{len(profile.exclusive)} functions, ")
