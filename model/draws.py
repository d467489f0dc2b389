"""Random draws inside compiled kernels, from the model's own named numpy streams.

A kernel that draws takes a stream's :func:`handle` (six addresses as unsigned ints: the
bit generator's state and its ``next_uint64``, ``next_uint32`` and ``next_double`` functions,
which numpy publishes as ``bit_generator.ctypes``) and calls :func:`generator` on it. That
rebuilds, inside the kernel, the Generator numba itself makes when a numpy Generator is passed
in, so ``rng.random()``, ``rng.integers(...)``, ``rng.poisson(...)`` and the rest are numba's
ports of numpy's methods, drawing from the same PCG64 state through numpy's own C functions:

- **the same bits as numpy**: a draw inside a kernel advances the stream exactly as the same
  numpy call outside would, so draws inside and outside kernels interleave freely, seeds and
  common random numbers are unchanged (``tests/test_draws.py`` checks each method used);
- **cheap to call**: passing a numpy Generator to a compiled function costs about 20 us per
  call (numba looks up and casts its function pointers every time); a handle is a small array
  computed once per stream.

The handle is only valid while its Generator lives: :class:`Handles` keeps both together.
With ``NUMBA_DISABLE_JIT=1`` :func:`generator` returns the numpy Generator itself, so kernels
run as plain Python with the same draws.
"""

from __future__ import annotations

import ctypes

import numpy as np
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, overload

#: Field order of a handle (numba's bit generator model, ``numba.np.random.generator_core``).
FIELDS = ("state_address", "state", "next_uint64", "next_uint32", "next_double", "bit_generator")

# Generators by state address, for the plain-Python path (NUMBA_DISABLE_JIT=1).
_LIVE: dict[int, np.random.Generator] = {}


def handle(rng: np.random.Generator) -> np.ndarray:
    """The addresses a kernel needs to draw from ``rng``, as ``uint64[6]`` (:data:`FIELDS`)."""
    c = rng.bit_generator.ctypes
    addresses = (
        c.state_address,
        c.state.value,
        ctypes.cast(c.next_uint64, ctypes.c_void_p).value,
        ctypes.cast(c.next_uint32, ctypes.c_void_p).value,
        ctypes.cast(c.next_double, ctypes.c_void_p).value,
        c.bit_generator.value,
    )
    _LIVE[c.state_address] = rng
    return np.array(addresses, dtype=np.uint64)


class Handles:
    """The handles of a dict of named streams, kept beside the Generators they point into.

    A stream's handle is made when a kernel first asks for it (making one costs tens of us).
    """

    def __init__(self, streams: dict[str, np.random.Generator]) -> None:
        self.streams = streams  # keeps every Generator (and so its state memory) alive
        self._handles: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        address = self._handles.get(name)
        if address is None:
            address = self._handles[name] = handle(self.streams[name])
        return address

    def __getstate__(self) -> dict:
        return {"streams": self.streams}  # addresses are per process: remade after unpickling

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["streams"])  # type: ignore[misc]


def generator(address: np.ndarray) -> np.random.Generator:
    """The numpy Generator behind a :func:`handle` (the compiled version rebuilds it)."""
    return _LIVE[int(address[0])]


@intrinsic
def _rebuild(typingctx, address):
    """A numba Generator value from a handle: the bit generator's fields, no Python parent."""
    generator_type = types.NumPyRandomGeneratorType("generator")
    bit_generator_type = types.NumPyRandomBitGeneratorType("bit_generator")

    def codegen(context, builder, signature, arguments):
        array = context.make_array(signature.args[0])(context, builder, arguments[0])
        bits = cgutils.create_struct_proxy(bit_generator_type)(context, builder)
        for i, name in enumerate(FIELDS):
            value = builder.load(builder.gep(array.data, [context.get_constant(types.intp, i)]))
            setattr(bits, f"fnptr_{name}" if name.startswith("next_") else name, value)
        rng = cgutils.create_struct_proxy(generator_type)(context, builder)
        rng.bit_generator = bits._getvalue()
        return rng._getvalue()  # meminfo and parent stay null: nothing to reference-count

    return generator_type(address), codegen


@overload(generator)
def _generator_compiled(address):
    def implementation(address):
        return _rebuild(address)

    return implementation
