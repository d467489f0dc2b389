"""numpy's ``Generator.choice(n, k, replace=False)`` inside compiled kernels, bit for bit.

Turbulence picks which dimensions flip, and the territories which signs they redraw, as ``k``
distinct indices of ``n`` (:mod:`model.territories`). numba's Generator has no ``choice``, so
:func:`choice_without_replacement` ports numpy's (``numpy/random/_generator.pyx``, ``p=None``,
``shuffle=True``) onto the generator a kernel draws from (:func:`model.draws.generator`):

- ``n > 10000`` and ``k > n // 50``: a tail shuffle, the last ``k`` positions of a partial
  Fisher-Yates shuffle of ``0 .. n - 1``;
- otherwise Floyd's algorithm (for ``j = n - k .. n - 1`` take a uniform integer of
  ``0 .. j``, or ``j`` itself if it was taken), then a Fisher-Yates shuffle of the ``k``.

Both shuffles swap position ``i`` (from the last down) with a uniform integer of ``0 .. i``,
drawn as ``integers(0, i + 1)`` draws it (Lemire's method). Called from plain Python (or with
``NUMBA_DISABLE_JIT=1``) it is numpy's own ``choice``; ``tests/test_sampling.py`` holds the
two equal on both paths.
"""

from __future__ import annotations

import numpy as np
from numba.extending import overload, register_jitable


def choice_without_replacement(rng, n: int, k: int) -> np.ndarray:
    """``k`` distinct indices of ``0 .. n - 1`` in random order: ``rng.choice(n, k,
    replace=False)``."""
    return rng.choice(n, k, replace=False)


@overload(choice_without_replacement)
def _choice_compiled(rng, n, k):
    def implementation(rng, n, k):
        if n > 10000 and k > n // 50:  # tail shuffle
            index = np.arange(n)
            _shuffle_from(rng, index, max(n - k, 1))
            return index[n - k :].copy()
        index = np.empty(k, dtype=np.int64)  # Floyd's algorithm
        taken = np.zeros(n, dtype=np.bool_)
        for j in range(n - k, n):
            value = rng.integers(0, j + 1)
            if taken[value]:
                value = j
            taken[value] = True
            index[j - n + k] = value
        _shuffle_from(rng, index, 1)
        return index

    return implementation


@register_jitable
def _shuffle_from(rng, data: np.ndarray, first: int) -> None:
    """Swap each position ``i = len - 1 .. first`` with a uniform position of ``0 .. i``."""
    for i in range(len(data) - 1, first - 1, -1):
        j = rng.integers(0, i + 1)
        data[i], data[j] = data[j], data[i]
