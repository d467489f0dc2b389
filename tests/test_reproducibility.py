"""Same seed, same package versions, same bits on every CPU.

A BLAS float product adds in an order chosen by the kernel OpenBLAS selects for the CPU, so the
model's code must hold none (it uses :mod:`model.sums` and integer counts instead). These tests
leave ``OPENBLAS_*`` as the machine sets it: they check the source, and that each fixed-order
sum equals a plain left-to-right loop bit for bit.
"""

import ast
import pathlib

import numpy as np
import pytest
from salesorg.model import SalesOrgModel
from salesorg.model.knowledge import DOMAINS, ROLES
from salesorg.model.metrics import group_sums
from salesorg.model.sums import numpy_sum, ordered_sum, sums_by_group

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: Packages whose arithmetic reaches the model's state or its metrics.
MODEL_CODE = ("model", "agents")
BLAS_CALLS = {"dot", "vdot", "inner", "matmul", "einsum", "tensordot", "multi_dot", "linalg"}


def blas_products(source: str) -> list[int]:
    """Line numbers of matrix products (``@``, ``dot``, ``matmul``, ...) in Python source."""

    def is_product(node) -> bool:
        if isinstance(node, ast.BinOp | ast.AugAssign):
            return isinstance(node.op, ast.MatMult)
        if isinstance(node, ast.Attribute):
            return node.attr in BLAS_CALLS
        return isinstance(node, ast.Name) and node.id in BLAS_CALLS

    lines = [node.lineno for node in ast.walk(ast.parse(source)) if is_product(node)]
    return sorted(lines)


def test_the_scan_finds_every_kind_of_matrix_product():
    source = "a @ b\nc.dot(d)\nnp.einsum('i,i', x, y)\nnp.linalg.norm(x)\nx @= y\nz = a * b\n"
    assert blas_products(source) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("package", MODEL_CODE)
def test_model_code_has_no_blas_backed_product(package):
    found = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / package).rglob("*.py"))
        if (lines := blas_products(path.read_text()))
    }
    assert found == {}, f"matrix products whose rounding depends on the BLAS kernel: {found}"


def _loop_sum(values):
    total = 0.0
    for value in values:
        total += float(value)
    return total


def test_ordered_sum_is_the_left_to_right_sum():
    values = np.random.default_rng(3).lognormal(0.0, 3.0, 1001)
    assert ordered_sum(values) == _loop_sum(values)
    assert ordered_sum(np.array([])) == 0.0


def test_numpy_sum_adds_in_numpys_pairwise_order():
    rng = np.random.default_rng(6)
    for n in [*range(0, 140), 255, 256, 257, 1000, 4097]:
        values = rng.lognormal(0.0, 3.0, n) * rng.choice([-1.0, 1.0], n)
        assert numpy_sum(values) == np.add.reduce(values), n
    # the orders differ: on some of these a left-to-right loop gives other bits
    values = rng.lognormal(0.0, 3.0, (50, 300)) * rng.choice([-1.0, 1.0], (50, 300))
    assert any(numpy_sum(row) != _loop_sum(row) for row in values)


def test_sums_by_group_equal_plain_loops_bit_for_bit():
    rng = np.random.default_rng(4)
    values = rng.lognormal(0.0, 3.0, (500, 7))
    group = rng.integers(-1, 4, 500)
    sums = sums_by_group(values, group, 4)
    for g in range(4):
        for column in range(7):
            assert sums[g, column] == _loop_sum(values[group == g, column])


def test_metric_group_sums_equal_plain_loops_bit_for_bit():
    model = SalesOrgModel(rng=5, design="pods", incentive="hybrid")
    for _ in range(8):
        model.step()
    quantities = model.metrics_state.quantities  # people x quantities, as the week's update left it
    np.testing.assert_array_equal(quantities[:, : len(DOMAINS)], model.domain_knowledge)
    role = model.structure.role
    sums = group_sums(quantities, role, len(ROLES), np.full(len(role), -1))
    assert sums[0].tolist() == [_loop_sum(quantities[:, j]) for j in range(quantities.shape[1])]
    for r in range(role.max() + 1):
        expected = [_loop_sum(quantities[role == r, j]) for j in range(quantities.shape[1])]
        assert sums[1 + r].tolist() == expected
