"""The March rules' kernels equal their plain references on the same draws, in both layouts
(the March engine's replications x people x dimensions, the sales model's people x dimensions
with a unit per person), and the rules do what March (1991) says."""

import numpy as np
import pytest
from salesorg.model.draws import handle
from salesorg.model.march import rules


def beliefs_of(seed, shape):
    return np.random.default_rng(seed).integers(-1, 2, shape).astype(np.int8)


def signs_of(seed, shape):
    return rules.random_signs(np.random.default_rng(seed), shape)


@pytest.mark.parametrize("shape", [(4, 7, 6), (15, 9)])
def test_act_kernel_equals_reference(shape):
    beliefs = beliefs_of(1, shape)
    coins = rules.coins_for(beliefs, np.random.default_rng(2))
    actions = rules.act(beliefs, np.random.default_rng(2))
    np.testing.assert_array_equal(actions, rules.act_reference(beliefs, coins))
    assert set(np.unique(actions)) == {-1, 1}
    kept = beliefs != 0
    np.testing.assert_array_equal(actions[kept], beliefs[kept])


@pytest.mark.parametrize("zero_share", [0.0, 0.02, 0.4, 1.0])
def test_draw_actions_inside_a_kernel_equals_act_and_leaves_the_stream_where_it_does(zero_share):
    """The compiled act draws the same coin bytes from the stream's handle as :func:`rules.act`
    draws from the stream, from no 0 belief to all of them (numpy's bytes, bit for bit)."""
    rng = np.random.default_rng(int(zero_share * 100))
    beliefs = np.where(rng.random((40, 30)) < zero_share, 0, signs_of(8, (40, 30)))
    beliefs = beliefs.astype(np.int8)
    inside, outside = np.random.default_rng(9), np.random.default_rng(9)
    actions = rules.draw_actions(beliefs, handle(inside))
    np.testing.assert_array_equal(actions, rules.act(beliefs, outside))
    assert inside.random() == outside.random()


def test_score_kernel_equals_reference_with_and_without_weights():
    actions = signs_of(3, (4, 7, 6))
    reality = signs_of(4, (4, 1, 6))
    np.testing.assert_array_equal(
        rules.score(actions, reality), rules.score_reference(actions, reality)
    )
    flat, one_reality = signs_of(5, (15, 10)), signs_of(6, (10,))
    weights = np.random.default_rng(7).integers(0, 60, (15, 10)).astype(np.int16)
    np.testing.assert_array_equal(
        rules.score(flat, one_reality, weights),
        rules.score_reference(flat, one_reality, weights),
    )


def test_equal_weights_rank_like_march_unweighted_score():
    actions, reality = signs_of(8, (30, 12)), signs_of(9, (12,))
    np.testing.assert_array_equal(
        rules.score(actions, reality, np.full((30, 12), 20, np.int16)),
        20 * rules.score(actions, reality),
    )


@pytest.mark.parametrize("repeat", [False, True])
def test_socialize_kernel_equals_reference_and_moves_one_step(repeat):
    beliefs = beliefs_of(10, (12, 10))
    codes = beliefs_of(11, (3, 10))
    targets = codes[np.arange(12) % 3]
    drawn = np.random.default_rng(12).random(beliefs.shape) < 0.5
    cells = np.flatnonzero(drawn)
    if repeat:  # a cell drawn twice still moves one step
        cells = np.concatenate((cells, cells[::2]))
    expected = beliefs.copy()
    rules.socialize_reference(expected, targets, drawn)
    before = beliefs.copy()
    rules.socialize(beliefs, cells, targets.reshape(-1).take(cells))
    np.testing.assert_array_equal(beliefs, expected)
    moved = beliefs != before
    assert moved.any()
    assert (np.abs(beliefs.astype(int) - before)[moved] == 1).all()
    assert (targets[moved] != 0).all()


def test_superior_tally_kernel_equals_reference_in_both_layouts():
    actions = signs_of(13, (5, 8, 7))
    superior = np.random.default_rng(14).random((5, 8)) < 0.5
    np.testing.assert_array_equal(
        rules.superior_tally(actions, superior), rules.superior_tally_reference(actions, superior)
    )
    flat = signs_of(15, (20, 7))
    chosen = np.random.default_rng(16).random(20) < 0.6
    unit = np.random.default_rng(17).permutation(np.arange(20) % 4)
    order = np.argsort(unit, kind="stable")
    starts = np.arange(4) * 5
    tally = rules.superior_tally(flat, chosen, order, starts)
    np.testing.assert_array_equal(
        tally, rules.superior_tally_reference(flat, chosen, order, starts)
    )
    for k in range(4):  # each unit's row is its superior members' summed actions
        np.testing.assert_array_equal(tally[k], flat[(unit == k) & chosen].sum(axis=0))


def sales_layout(seed, people=40, units=6, dims=12):
    """People with a unit each (every unit non-empty), their actions, the unit codes."""
    rng = np.random.default_rng(seed)
    unit = rng.permutation(np.arange(people) % units)
    order = np.argsort(unit, kind="stable")
    starts = np.searchsorted(unit[order], np.arange(units))
    return (
        unit,
        order,
        starts,
        signs_of(seed + 1, (people, dims)),
        beliefs_of(seed + 2, (units, dims)),
    )


def test_superior_group_kernel_equals_scores_of_the_reference():
    unit, _, _, actions, codes = sales_layout(20)
    people, dims = actions.shape
    rng = np.random.default_rng(21)
    reality = signs_of(22, (dims,))
    weights = rng.integers(0, 60, (people, dims)).astype(np.int16)
    share, u = rng.random(people), rng.random(people)
    expected = (
        rules.score_reference(actions, reality, weights)
        > rules.score_reference(codes[unit], reality, weights)
    ) & (u < share)
    got = rules.superior_group(actions, codes, unit, reality, weights, share, u)
    np.testing.assert_array_equal(got, expected)
    assert 0 < got.sum() < people


def test_learn_codes_kernel_equals_tally_then_learn_code_references():
    unit, order, starts, actions, codes = sales_layout(23)
    rng = np.random.default_rng(24)
    superior = rng.random(len(unit)) < 0.5
    u = rng.random(codes.shape)
    expected, before = codes.copy(), codes.copy()
    tally = rules.superior_tally_reference(actions, superior, order, starts)
    rules.learn_code_reference(expected, tally, 0.4, u)
    rules.learn_codes(codes, actions, superior, order, starts, rules.change_table(0.4, 40), u)
    np.testing.assert_array_equal(codes, expected)
    assert (codes != before).any()  # the draws change some codes


@pytest.mark.parametrize("per_unit", [False, True])
def test_learn_code_kernel_equals_reference(per_unit):
    rng = np.random.default_rng(18)
    code = rng.integers(-1, 2, (5, 9)).astype(np.int8)
    tally = rng.integers(-6, 7, (5, 9))
    p2 = np.array([0.1, 0.3, 0.5, 0.7, 0.9]) if per_unit else 0.3
    u = rng.random(code.shape)
    expected = code.copy()
    rules.learn_code_reference(expected, tally, p2, u)
    rules.learn_code(code, tally, rules.change_table(p2, 6), u)
    np.testing.assert_array_equal(code, expected)


def test_code_takes_the_majority_at_p2_one_and_ignores_an_exact_split():
    code = np.zeros((2, 3), dtype=np.int8)
    tally = np.array([[2, 0, -1], [0, 0, 0]])
    rules.learn_code(code, tally, rules.change_table(1.0, 3), np.zeros((2, 3)))
    np.testing.assert_array_equal(code, [[1, 0, -1], [0, 0, 0]])


def test_code_changes_with_probability_growing_with_the_margin():
    tally = np.array([[3, 1, -3]])
    rng, runs, changed = np.random.default_rng(19), 20000, np.zeros(3)
    table = rules.change_table(0.2, 3)
    for _ in range(runs):
        code = np.array([[-1, -1, 0]], dtype=np.int8)
        rules.learn_code(code, tally, table, rng.random((1, 3)))
        changed += code[0] == [1, 1, -1]
    expected = 1.0 - 0.8 ** np.array([3, 1, 3])
    assert np.all(np.abs(changed / runs - expected) < 4 * np.sqrt(expected / runs))


def test_random_signs_are_fair_coins():
    coins = rules.random_signs(np.random.default_rng(0), (200_001,))
    assert set(np.unique(coins)) == {-1, 1}
    assert abs(coins.mean()) < 0.01
