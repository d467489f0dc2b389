"""The assessment kernels (what people know, how they perform, the metrics' group sums and
belief diversity) equal the numpy code they replaced, bit for bit, on the same inputs."""

import numpy as np
import pytest
from salesorg.model.learning import (
    belief_diversity,
    domain_knowledge,
    domain_knowledge_reference,
    knowledge_and_performance,
)
from salesorg.model.metrics import group_sums, role_performance
from salesorg.model.sums import sums_by_group


@pytest.mark.parametrize("people, per_domain", [(37, 6), (300, 10), (1, 1)])
def test_knowledge_and_performance_equal_the_numpy_code(people, per_domain):
    rng = np.random.default_rng(people)
    correct = rng.random((people, 5 * per_domain)) < 0.6
    weights = rng.dirichlet(np.ones(5), people)  # rows summing to 1, as the role weights
    knowledge, performance = knowledge_and_performance(correct, 5, weights)
    expected = domain_knowledge(correct, 5)
    np.testing.assert_array_equal(knowledge, expected)
    np.testing.assert_array_equal(knowledge, domain_knowledge_reference(correct, 5))
    np.testing.assert_array_equal(performance, role_performance(expected, weights))


def test_group_sums_equal_one_fixed_order_sum_per_group():
    rng = np.random.default_rng(8)
    quantities = rng.lognormal(0.0, 3.0, (500, 9))
    role = rng.integers(0, 6, 500)
    kind = rng.integers(-1, 2, 500)
    sums = group_sums(quantities, role, 6, kind)
    np.testing.assert_array_equal(sums[0], sums_by_group(quantities, np.zeros(500, int), 1)[0])
    np.testing.assert_array_equal(sums[1:7], sums_by_group(quantities, role, 6))
    np.testing.assert_array_equal(sums[7:9], sums_by_group(quantities, kind, 2))


def belief_diversity_numpy(beliefs):
    """The numpy code :func:`belief_diversity` replaced: one bincount per (dimension, value)."""
    n, dims = beliefs.shape
    cells = np.tile(np.arange(dims) * 3 + 1, (n, 1))
    counts = np.bincount((beliefs + cells).ravel(), minlength=3 * dims)
    return (1.0 - int(np.add.reduce(counts * counts)) / (n * n * dims)) * 1.5


@pytest.mark.parametrize("shape", [(90, 50), (7, 3), (2000, 30)])
def test_belief_diversity_equals_the_numpy_code(shape):
    beliefs = np.random.default_rng(shape[0]).integers(-1, 2, shape).astype(np.int8)
    beliefs[: shape[0] // 3] = 1  # some agreement
    assert belief_diversity(beliefs) == belief_diversity_numpy(beliefs)
