"""Compiled kernels: numba's ``njit`` with the project's settings, in one place.

A kernel is a plain loop over people, cases or belief cells, written the way docs/ODD.md states
the mechanism, and compiled to machine code so a week costs loops, not hundreds of numpy calls
(docs/performance.md). The settings below keep the two promises of the model's code:

- **Same bits on every CPU.** No ``fastmath``: the compiler may not reorder, fuse or approximate
  float operations, so a kernel adds in the order it is written and gives the same bits as the
  plain reference beside it (each kernel's test checks this on the same inputs and draws).
  Its ``math`` functions are the C library's; numpy's vectorised ``np.log``, ``np.exp``, ...
  are SIMD code chosen per CPU, which the model's code does not use.
- **The named streams' draws.** A kernel that draws takes a stream's handle and draws with
  numba's ports of numpy's Generator methods on the stream's own state (:mod:`model.draws`), so
  seeds, streams, draw order and common random numbers are those of the numpy code, bit for bit.

``cache=True`` writes the machine code beside the source (``__pycache__``, or
``NUMBA_CACHE_DIR`` when set), so a checkout compiles once (``make bench`` times the first run
with an empty and with a warm cache: ``jit_cold_s``, ``jit_warm_s``). ``NUMBA_DISABLE_JIT=1``
runs every kernel as plain Python, for stepping through one in a debugger. Intel's SVML, which
numba uses for exp and log in loops when the ``icc_rt`` package is installed, rounds differently
from numpy's C code: ``salesorg.model`` turns it off before numba is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from numba import njit


def kernel[F: Callable](function: F) -> F:
    """Compile ``function`` as a salesorg kernel (no fastmath, cached per checkout)."""
    return cast(F, njit(cache=True, nogil=True)(function))  # a Dispatcher, called like F


def inline_kernel[F: Callable](function: F) -> F:
    """:func:`kernel`, compiled into each kernel that calls it rather than on its own.

    A kernel called from another is compiled twice over: on its own (with the wrapper that
    lets Python call it), and again inside its caller, whose cached machine code holds a copy
    of every kernel it calls, optimised anew by LLVM. A step of a phase, or a helper, called
    from one kernel (``sell_week``'s ``generate_leads``, ...) is inlined instead (numba's
    ``inline="always"``): it compiles once, as part of its caller, which halves the cold
    compile (docs/performance.md, "The cold compile"). Called from Python (a test, a
    reference), it compiles on its own like any kernel: the same code, the same bits.
    """
    return cast(F, njit(cache=True, nogil=True, inline="always")(function))
