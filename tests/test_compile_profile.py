"""benchmarks/compile_profile.py: numba's compile events as exclusive and inclusive times."""

from __future__ import annotations

import numpy as np
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


def test_kernels_that_assign_a_slice_are_named() -> None:
    @njit
    def assigns_a_slice(a, b):  # 3-d rows: a shape no other test compiles a message for
        a[0] = b

    @njit
    def assigns_elements(a, b):
        for i in range(b.shape[0]):
            for j in range(b.shape[1]):
                for k in range(b.shape[2]):
                    a[0, i, j, k] = b[i, j, k]

    a, b = np.zeros((2, 2, 2, 2)), np.ones((2, 2, 2))
    profile = record(lambda: (assigns_a_slice(a, b), assigns_elements(a, b)))
    assert [name.rsplit(".", 1)[-1] for name in profile.shape_checks] == ["assigns_a_slice"]
    assert (a[0] == 1).all()
