"""The learning engine reproduces March (1991) and its kernels match plain reference loops."""

import numpy as np
import pytest
from salesorg.model.march.engine import (
    MarchState,
    learn_code,
    run_for,
    run_to_equilibrium,
    socialize,
)
from salesorg.model.march.rules import change_table, random_signs
from salesorg.model.march.validation import PUBLISHED_FIG1, figure1, figure2, run_all

REPS = 150


@pytest.fixture(scope="module")
def fig1_ends():
    """Equilibrium knowledge at p1 in {0.1, 0.9} for each p2, from one vectorised run."""
    p1 = np.repeat([0.1, 0.9, 0.1, 0.9, 0.1, 0.9], REPS)
    p2 = np.repeat([0.1, 0.1, 0.5, 0.5, 0.9, 0.9], REPS)
    knowledge, _ = run_to_equilibrium(np.random.default_rng(7), p1, p2)
    means = knowledge.reshape(6, REPS).mean(axis=1)
    return {
        (a, b): v
        for (a, b), v in zip(
            [(0.1, 0.1), (0.9, 0.1), (0.1, 0.5), (0.9, 0.5), (0.1, 0.9), (0.9, 0.9)],
            means,
            strict=True,
        )
    }


@pytest.mark.parametrize("p2", [0.5, 0.9])
def test_slow_socialization_beats_fast_when_code_learns_well(fig1_ends, p2):
    assert fig1_ends[(0.1, p2)] > fig1_ends[(0.9, p2)] + 0.1


def test_curves_cross(fig1_ends):
    # slow socialization: a fast-learning code wins; fast socialization: the slow code wins
    assert fig1_ends[(0.1, 0.9)] > fig1_ends[(0.1, 0.1)] + 0.05
    assert fig1_ends[(0.9, 0.1)] > fig1_ends[(0.9, 0.9)] + 0.03


def test_ends_near_published_values(fig1_ends):
    for cell, value in PUBLISHED_FIG1.items():
        assert fig1_ends[cell] == pytest.approx(value, abs=0.04), cell


def test_p2_low_curve_is_nearly_flat():
    table = figure1(np.random.default_rng(11), 60)
    span = table.groupby("p2")["mean"].agg(lambda s: s.max() - s.min())
    assert span[0.1] < 0.5 * span[0.5]
    assert span[0.1] < 0.12


def test_mixed_learners_beat_homogeneous_group_with_same_mean():
    table = figure2(np.random.default_rng(5), 80)
    half = table[table.fast_learners == 25].set_index("group")["mean"]
    assert half["mixed"] > half["homogeneous"] + 0.04
    # all-slow and all-fast groups are the same whether called mixed or homogeneous
    ends = table[table.fast_learners.isin([0, 50])].pivot(
        index="fast_learners", columns="group", values="mean"
    )
    assert np.allclose(ends["mixed"], ends["homogeneous"], atol=0.04)


def test_moderate_turnover_helps_fast_socializers():
    p3 = np.repeat([0.0, 0.02], REPS)
    knowledge = run_for(np.random.default_rng(3), 100, 0.9, 0.5, p3, 0.0)[-1]
    without, with_turnover = knowledge.reshape(2, REPS).mean(axis=1)
    assert with_turnover > without + 0.08


def test_turbulence_erodes_knowledge_without_turnover_and_not_with_it():
    p3 = np.repeat([0.0, 0.1], 100)
    trajectory = run_for(np.random.default_rng(4), 200, 0.5, 0.5, p3, 0.02)
    peak = trajectory[:20].mean(axis=1).max()
    late = trajectory[-50:].reshape(50, 2, 100).mean(axis=(0, 2))
    assert late[0] < 0.15 < peak
    assert late[1] > 0.4


def test_same_seed_same_tables_and_different_seed_differs():
    a = run_all(2024, 4)
    b = run_all(2024, 4)
    for name in a:
        assert a[name].equals(b[name]), name
    c = run_all(2025, 4)
    assert not a["fig1"].equals(c["fig1"])


# ---- invariants -------------------------------------------------------------------------


def test_nobody_moves_where_the_code_is_zero():
    rng = np.random.default_rng(0)
    beliefs = rng.integers(-1, 2, size=(4, 20, 10)).astype(np.int8)
    code = np.zeros((4, 10), dtype=np.int8)
    code[:, :5] = 1
    before = beliefs.copy()
    socialize(beliefs, code, np.ones((4, 20)), rng)
    assert np.array_equal(beliefs[:, :, 5:], before[:, :, 5:])
    # with p1 = 1 every belief moved exactly one step toward +1 where the code is +1
    expected = np.minimum(before[:, :, :5] + 1, 1)
    assert np.array_equal(beliefs[:, :, :5], expected)


def test_code_unchanged_on_an_exact_split():
    code = np.zeros((1, 3), dtype=np.int8)
    reality = np.array([[1, 1, 1]], dtype=np.int8)
    actions = np.array([[[1, -1, 1], [-1, 1, 1]]], dtype=np.int8)  # split on dims 0 and 1
    performance = (actions * reality[:, None, :]).sum(axis=2)
    change = change_table(np.array([1.0]), 2)
    learn_code(code, reality, actions, performance, change, np.random.default_rng(0))
    assert code.tolist() == [[0, 0, 1]]


def test_everyone_equals_the_code_at_equilibrium():
    from salesorg.model.march import March1991Model

    model = March1991Model(rng=12, p1=0.5, p2=0.5)
    while model.running and model.steps < 2000:
        model.step()
    state = model.state
    assert not model.running
    assert (state.beliefs == state.code[:, None, :]).all()
    assert (state.code != 0).all()


def test_equilibrium_runs_stop_before_the_time_limit():
    _, periods = run_to_equilibrium(np.random.default_rng(1), np.full(50, 0.1), 0.1)
    assert periods.max() < 5000


# ---- optimised kernels against plain loops ----------------------------------------------


def _reference_socialize(beliefs, code, p1, rng):
    """March's socialization written as Workiewicz's loops (one uniform per movable entry)."""
    out = beliefs.copy()
    reps, n, m = beliefs.shape
    for r in range(reps):
        for i in range(n):
            for j in range(m):
                movable = code[r, j] != 0 and beliefs[r, i, j] != code[r, j]
                if movable and rng.random() < p1[r, i]:
                    out[r, i, j] += 1 if code[r, j] > beliefs[r, i, j] else -1
    return out


def _reference_learn_code(code, reality, actions, p2, uniforms):
    out = code.copy()
    for r in range(code.shape[0]):
        score = int((code[r] * reality[r]).sum())
        superior = [a for a in actions[r] if int((a * reality[r]).sum()) > score]
        for j in range(code.shape[1]):
            s = sum(int(a[j]) for a in superior)
            if s != 0 and np.sign(s) != code[r, j] and uniforms[r, j] < 1 - (1 - p2[r]) ** abs(s):
                out[r, j] = np.sign(s)
    return out


def test_vectorised_socialize_matches_reference_loop():
    rng = np.random.default_rng(9)
    beliefs = rng.integers(-1, 2, size=(3, 7, 6)).astype(np.int8)
    code = rng.integers(-1, 2, size=(3, 6)).astype(np.int8)
    p1 = rng.random((3, 7))
    expected = _reference_socialize(beliefs, code, p1, np.random.default_rng(42))
    socialize(beliefs, code, p1, np.random.default_rng(42))
    assert np.array_equal(beliefs, expected)


def test_vectorised_learn_code_matches_reference_loop():
    rng = np.random.default_rng(8)
    state = MarchState.new(rng, 5, 12, 9)
    state.code[:] = random_signs(rng, (5, 9)) * (rng.random((5, 9)) < 0.6)
    actions = random_signs(rng, (5, 12, 9))
    performance = (actions * state.reality[:, None, :]).sum(axis=2)
    p2 = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    expected = _reference_learn_code(
        state.code, state.reality, actions, p2, np.random.default_rng(3).random((5, 9))
    )
    learn_code(
        state.code,
        state.reality,
        actions,
        performance,
        change_table(p2, 12),
        np.random.default_rng(3),
    )
    assert np.array_equal(state.code, expected)
