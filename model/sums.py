"""Fixed-order float sums: the same bits on every CPU.

A BLAS matrix product (``np.dot``, ``@``, ``matmul``, ``einsum``, ``vdot``) on floats adds in an
order chosen by the BLAS kernel the CPU selects (OpenBLAS's Haswell, SkylakeX, ... kernels), so
the last bit of a sum can differ between machines; floored capacities can then split a whole
trajectory. Every float reduction that reaches the model's state or its metrics goes through
a compiled loop here that adds one value at a time in index order (:mod:`model.jit`: no
fastmath, so the compiler keeps that order), or through :func:`np.bincount`, which does the same.
``tests/test_reproducibility.py`` checks that the model's code holds no BLAS-backed product and
that these sums equal plain left-to-right Python loops bit for bit.

:func:`numpy_sum` is for kernels that replace a ``np.sum`` / ``np.add.reduce`` of a 1-D float
array: it adds in numpy's own pairwise order, so the kernel keeps the bits of the code it
replaced (numpy's order is fixed by the array's length alone, not by the CPU).
"""

from __future__ import annotations

import numpy as np
from salesorg.model.jit import kernel


@kernel
def _ordered_sum(flat: np.ndarray) -> float:
    total = 0.0
    for value in flat:
        total += value
    return total


def ordered_sum(values: np.ndarray) -> float:
    """The left-to-right sum of ``values`` (flattened), the same on every CPU."""
    return float(_ordered_sum(np.ravel(np.asarray(values, dtype=float))))


@kernel
def sums_by_group(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Column sums of ``values`` (rows x columns) per row group, added in row order.

    Args:
        values: rows x columns floats.
        group: per row, its group in ``0 .. n_groups - 1``; a row with a negative group is left out.
        n_groups: the number of groups.

    Returns:
        n_groups x columns sums (0 for an empty group).
    """
    rows, columns = values.shape
    sums = np.zeros((n_groups, columns))
    for i in range(rows):
        g = group[i]
        if g >= 0:
            for j in range(columns):
                sums[g, j] += values[i, j]
    return sums


@kernel
def _block_sum(block: np.ndarray) -> float:
    """numpy's sum of a block of at most 128 values (``pairwise_sum`` in numpy's
    ``loops_utils.h``): a plain loop below 8 values, else eight running sums combined in pairs."""
    n = len(block)
    if n < 8:
        total = 0.0
        for i in range(n):
            total += block[i]
        return total
    r = block[:8].copy()
    i = 8
    while i < n - n % 8:
        for j in range(8):
            r[j] += block[i + j]
        i += 8
    total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < n:
        total += block[i]
        i += 1
    return total


@kernel
def numpy_sum(a: np.ndarray) -> float:
    """``np.add.reduce(a)`` of a 1-D float array, bit for bit, inside a kernel.

    numpy sums blocks of up to 128 values (:func:`_block_sum`) and above that adds the sums of
    two halves (the first rounded down to a multiple of 8). The halving runs here on an
    explicit stack of tasks (numba's cache cannot hold a recursive kernel): "sum the block
    ``(start, n)``" or "add the last two sums".
    """
    n = len(a)
    if n <= 128:
        return _block_sum(a)
    task_start = np.empty(256, np.intp)
    task_n = np.empty(256, np.intp)  # -1: add the last two sums
    sums = np.empty(128)
    tasks, done = 1, 0
    task_start[0], task_n[0] = 0, n
    while tasks:
        tasks -= 1
        start, size = task_start[tasks], task_n[tasks]
        if size < 0:
            done -= 1
            sums[done - 1] += sums[done]
        elif size <= 128:
            sums[done] = _block_sum(a[start : start + size])
            done += 1
        else:
            half = size // 2
            half -= half % 8
            # run the first half, then the second, then add them (a stack: pushed in reverse)
            task_start[tasks], task_n[tasks] = 0, -1
            task_start[tasks + 1], task_n[tasks + 1] = start + half, size - half
            task_start[tasks + 2], task_n[tasks + 2] = start, half
            tasks += 3
    return sums[0]
