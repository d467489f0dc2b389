"""Fixed-order float sums: the same bits on every CPU.

A BLAS matrix product (``np.dot``, ``@``, ``matmul``, ``einsum``, ``vdot``) on floats adds in an
order chosen by the BLAS kernel the CPU selects (OpenBLAS's Haswell, SkylakeX, ... kernels), so
the last bit of a sum can differ between machines; floored capacities can then split a whole
trajectory. Every float reduction that reaches the model's state or its metrics goes through
:func:`np.bincount`, which adds its weights one at a time in index order, or through
:func:`ordered_sum`. ``tests/test_reproducibility.py`` checks that the model's code holds no
BLAS-backed product and that these sums equal plain left-to-right loops bit for bit.
"""

from __future__ import annotations

import numpy as np


def ordered_sum(values: np.ndarray) -> float:
    """The left-to-right sum of ``values`` (flattened), the same on every CPU."""
    flat = np.ravel(values)
    return float(np.bincount(np.zeros(flat.size, dtype=np.intp), flat, 1)[0]) if flat.size else 0.0


def sums_by_group(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Column sums of ``values`` (rows x columns) per row group, added in row order.

    Args:
        values: rows x columns floats.
        group: per row, its group in ``0 .. n_groups - 1``; a row with a negative group is left out.
        n_groups: the number of groups.

    Returns:
        n_groups x columns sums (0 for an empty group).
    """
    columns = values.shape[1]
    keep = group >= 0
    cell = (group[keep, None] * columns + np.arange(columns)).ravel()
    sums = np.bincount(cell, values[keep].ravel(), n_groups * columns)
    return sums.reshape(n_groups, columns)
