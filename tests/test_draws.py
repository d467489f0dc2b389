"""Draws inside compiled kernels (model/draws.py) are numpy's draws, bit for bit."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from salesorg.model.draws import Handles, generator, handle
from salesorg.model.jit import kernel


@kernel
def _draw_each_kind(address, n):
    """Every kind of draw the model's kernels make, in a fixed order."""
    rng = generator(address)
    uniforms = rng.random(n)
    integers = rng.integers(0, 17, n)
    counts = np.empty(n, np.int64)
    for i in range(n):
        counts[i] = rng.poisson(
            0.4 + i % 25
        )  # both of numpy's Poisson algorithms (lam < 10, >= 10)
    binomials = rng.binomial(20, 0.3, n)
    large_binomials = rng.binomial(400, 0.4, n)  # BTPE (n p > 30)
    geometric = rng.geometric(0.2, n)
    lognormal = rng.lognormal(1.0, 0.5, n)
    return uniforms, integers, counts, binomials, large_binomials, geometric, lognormal


def _numpy_each_kind(rng, n):
    return (
        rng.random(n),
        rng.integers(0, 17, n),
        rng.poisson(0.4 + np.arange(n) % 25),
        rng.binomial(20, 0.3, n),
        rng.binomial(400, 0.4, n),
        rng.geometric(0.2, n),
        rng.lognormal(1.0, 0.5, n),
    )


@pytest.mark.parametrize("seed", [0, 1, 2024])
def test_kernel_draws_equal_numpy_and_interleave(seed):
    inside = np.random.default_rng(seed)
    before, drawn, after = inside.random(3), _draw_each_kind(handle(inside), 400), inside.random(3)
    outside = np.random.default_rng(seed)
    expected = (outside.random(3), *_numpy_each_kind(outside, 400), outside.random(3))
    for got, want in zip((before, *drawn, after), expected, strict=True):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


@kernel
def _uniforms(address, n):
    return generator(address).random(n)


def test_handles_survive_pickling_and_point_at_the_new_streams():
    streams = {"a": np.random.default_rng(5), "b": np.random.default_rng(6)}
    handles = pickle.loads(pickle.dumps(Handles(streams)))
    copy = handles.streams
    assert copy["a"] is not streams["a"]
    np.testing.assert_array_equal(_uniforms(handles["b"], 10), np.random.default_rng(6).random(10))
    assert copy["b"].random() == np.random.default_rng(6).random(11)[10]  # the copy advanced
    assert streams["b"].random() == np.random.default_rng(6).random()  # the original did not
