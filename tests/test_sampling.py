"""numpy's choice without replacement in a kernel (model/sampling.py) is numpy's, bit for bit."""

import numpy as np
import pytest
from salesorg.model.draws import generator, handle
from salesorg.model.jit import kernel
from salesorg.model.sampling import choice_without_replacement


@kernel
def _choose(address, n, k):
    return choice_without_replacement(generator(address), n, k)


# Floyd's algorithm at every size up to 10,000, the tail shuffle above it from k > n // 50 on
@pytest.mark.parametrize(
    "n, k",
    [(1, 1), (2, 2), (30, 1), (30, 3), (30, 15), (30, 30), (300, 7), (10000, 9000),
     (10001, 200), (10001, 201), (30000, 600), (30000, 601), (30000, 15000), (30000, 30000)],
)  # fmt: skip
@pytest.mark.parametrize("seed", [0, 7])
def test_compiled_choice_equals_numpys_and_leaves_the_stream_where_numpy_does(n, k, seed):
    inside, outside = np.random.default_rng(seed), np.random.default_rng(seed)
    got = _choose(handle(inside), n, k)
    expected = outside.choice(n, k, replace=False)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
    assert inside.random() == outside.random()


def test_plain_python_choice_is_numpys():
    got = choice_without_replacement(np.random.default_rng(3), 50, 20)
    np.testing.assert_array_equal(got, np.random.default_rng(3).choice(50, 20, replace=False))
    assert len(set(got.tolist())) == 20
