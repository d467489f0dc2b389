"""Same seed, same package versions, same bits on every CPU.

A BLAS float product adds in an order chosen by the kernel OpenBLAS selects for the CPU, so the
model's code must hold none (it uses :mod:`model.sums` and integer counts instead). These tests
leave ``OPENBLAS_*`` as the machine sets it: they check the source, and that each fixed-order
sum equals a plain left-to-right loop bit for bit.

numpy's exponentials, logarithms, powers and trigonometric functions are SIMD code chosen for
the CPU at run time (with AVX-512 ``np.log1p`` rounds about 7 % of values differently from the
C library), so the model takes them from the C library (``math``, and the kernels' ``math``
calls); a run with numpy's CPU dispatch switched off must give the same bits.
"""

import ast
import hashlib
import json
import os
import pathlib
import subprocess
import sys

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


def scan_package(package: str, scan) -> dict[str, list[int]]:
    """``scan``'s line numbers in each Python file of ``package`` that has any."""
    return {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / package).rglob("*.py"))
        if (lines := scan(path.read_text()))
    }


@pytest.mark.parametrize("package", MODEL_CODE)
def test_model_code_has_no_blas_backed_product(package):
    found = scan_package(package, blas_products)
    assert found == {}, f"matrix products whose rounding depends on the BLAS kernel: {found}"


#: numpy functions whose float results depend on the SIMD code numpy picks for the CPU
SIMD_MATH = {
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "power", "float_power", "sin",
    "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "arcsinh",
    "arccosh", "arctanh", "cbrt", "hypot", "logaddexp", "logaddexp2",
}  # fmt: skip


def simd_math_calls(source: str) -> list[int]:
    """Line numbers of numpy's transcendental functions (``np.log``, ``np.exp``, ...)."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and node.attr in SIMD_MATH
        and isinstance(node.value, ast.Name)
        and node.value.id in ("np", "numpy")
    )


def test_the_scan_finds_numpys_transcendental_functions():
    source = "np.log(x)\nmath.log(x)\nnp.log1p(y)\nnumpy.exp(z)\nnp.sqrt(w)\n"
    assert simd_math_calls(source) == [1, 3, 4]


@pytest.mark.parametrize("package", MODEL_CODE)
def test_model_code_takes_transcendental_functions_from_the_c_library(package):
    found = scan_package(package, simd_math_calls)
    assert found == {}, f"numpy functions whose rounding depends on the CPU's SIMD code: {found}"


#: configurations whose weeks use every logarithm and exponential of the model: learning by
#: doing's thinning, the win and churn log-odds, the contract values' log-normal law
DIGEST_RUNS = (
    {},
    {"design": "pods", "territory_correlation": 0.5, "interdependence": 2},
    {"design": "the_model", "incentive": "hybrid", "acv_median": 37_000.0},
)


def run_digest(weeks: int = 40) -> str:
    """A digest of every metric, belief and playbook of :data:`DIGEST_RUNS` after ``weeks``."""
    digest = hashlib.sha256()
    for seed, params in enumerate(DIGEST_RUNS, start=1):
        model = SalesOrgModel(rng=seed, burn_in_weeks=0, **params)
        for _ in range(weeks):
            model.step()
        frame = model.datacollector.get_model_vars_dataframe()
        digest.update(frame.to_numpy(dtype=float).tobytes())
        digest.update(model.people.beliefs.tobytes() + model.codes.tobytes())
    return digest.hexdigest()


def test_results_do_not_depend_on_numpys_cpu_dispatch():
    """The same runs with numpy's SIMD dispatch off (its baseline code only, as on the oldest
    CPU numpy supports) give the same bits."""
    from numpy._core._multiarray_umath import __cpu_dispatch__

    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(__cpu_dispatch__)}
    code = "import json, test_reproducibility as t; print(json.dumps(t.run_digest()))"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=pathlib.Path(__file__).parent,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(out.stdout.strip().splitlines()[-1]) == run_digest()


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
