"""The vectorised learning kernels against straightforward per-person loops on small inputs.

Kernels that draw their uniforms in the same order as the loop must give the same result for
the same seed; the conversation draws (which fold the source's decision to share into the
talk's or debrief's own uniform) are checked against their exact pair probabilities.
"""

import numpy as np
import pytest

from model import SalesOrgModel
from model.conversations import debrief_plan, draw_debriefs, draw_talks
from model.knowledge import VANTAGE, dimension_domains, feedback_dimension_mask
from model.learning import (
    correct_counts,
    event_cells,
    learn_by_doing,
    learn_code,
    peer_transfer,
    relay_observations,
    socialize,
)
from model.organization import build_structure
from model.seating import floor_shape, neighbour_table, seat_order, seat_positions


def small_beliefs(seed, n=12, m=10):
    rng = np.random.default_rng(seed)
    return rng.integers(-1, 2, (n, m)).astype(np.int8), rng.choice(np.array([-1, 1], np.int8), m)


def test_correct_counts_counts_dimensions_believed_correctly():
    beliefs, reality = small_beliefs(0)
    expected = [sum(int(b == z) for b, z in zip(row, reality, strict=True)) for row in beliefs]
    np.testing.assert_array_equal(correct_counts(beliefs, reality), expected)


def test_learn_by_doing_matches_loop():
    beliefs, reality = small_beliefs(1)
    rate = np.random.default_rng(2).random(beliefs.shape) * 0.5
    expected = beliefs.copy()
    u = np.random.default_rng(3).random(beliefs.shape, dtype=np.float32)
    for i, d in np.ndindex(*beliefs.shape):
        if u[i, d] < rate[i, d]:
            expected[i, d] = reality[d]
    learn_by_doing(beliefs, reality, rate, np.random.default_rng(3))
    np.testing.assert_array_equal(beliefs, expected)


def test_peer_transfer_matches_loop_with_synchronous_reads_and_last_pair_per_dimension():
    beliefs, _ = small_beliefs(4)
    receivers = np.array([0, 1, 2, 1, 5, 0])  # 0 and 1 hear twice, 1 also tells
    sources = np.array([1, 3, 1, 4, 0, 7])
    probability = np.array([0.9, 0.5, 0.7, 0.8, 1.0, 0.6])
    mask = np.random.default_rng(5).random((len(receivers), beliefs.shape[1])) < 0.7
    before, expected, changed = beliefs.copy(), beliefs.copy(), 0
    u = np.random.default_rng(6).random(mask.shape, dtype=np.float32)
    for k, (r, s) in enumerate(zip(receivers, sources, strict=True)):
        for d in range(beliefs.shape[1]):
            told = before[s, d]  # everyone reads the beliefs from before the talks
            if mask[k, d] and told != 0 and told != before[r, d] and u[k, d] < probability[k]:
                expected[r, d] = told  # a later pair overwrites only what it changes
                changed += 1
    count = peer_transfer(beliefs, receivers, sources, probability, mask, np.random.default_rng(6))
    np.testing.assert_array_equal(beliefs, expected)
    assert count == changed


def test_relay_observations_matches_loop():
    beliefs, reality = small_beliefs(7)
    receivers = np.array([3, 0, 3])
    rate = np.random.default_rng(8).random((3, beliefs.shape[1]))
    expected = beliefs.copy()
    u = np.random.default_rng(9).random(rate.shape, dtype=np.float32)
    for k, r in enumerate(receivers):
        expected[r, u[k] < rate[k]] = reality[u[k] < rate[k]]  # every debrief counts
    relay_observations(beliefs, reality, receivers, rate, np.random.default_rng(9))
    np.testing.assert_array_equal(beliefs, expected)


def test_event_cells_are_independent_bernoulli_draws_per_cell():
    n_cells, rate, runs = 40, 0.3, 20000
    rng = np.random.default_rng(12)
    hit = np.zeros((runs, n_cells), bool)
    for k in range(runs):
        hit[k, event_cells(n_cells, rate, rng)] = True
    share = hit.mean(axis=0)
    assert np.abs(share - rate).max() < 5 * np.sqrt(rate * (1 - rate) / runs)
    # independent cells: the number hit per week is binomial (its variance n p (1 - p))
    assert abs(hit.sum(axis=1).var() / (n_cells * rate * (1 - rate)) - 1) < 0.05
    assert (event_cells(7, 1.0, rng) == np.arange(7)).all()
    assert len(event_cells(7, 0.0, rng)) == 0


def test_socialize_matches_loop_over_the_event_cells():
    beliefs, _ = small_beliefs(10)
    codes = np.random.default_rng(11).integers(-1, 2, (3, beliefs.shape[1])).astype(np.int8)
    unit = np.arange(len(beliefs)) % 3
    expected = beliefs.copy()
    for cell in event_cells(beliefs.size, 0.4, np.random.default_rng(12)):
        i, d = divmod(int(cell), beliefs.shape[1])
        if codes[unit[i], d] != 0:
            expected[i, d] = codes[unit[i], d]
    socialize(beliefs, codes, unit, 0.4, np.random.default_rng(12))
    np.testing.assert_array_equal(beliefs, expected)


def test_socialize_adopts_a_held_code_view_with_the_rate():
    codes = np.array([[1, 0, -1]], dtype=np.int8)
    rng, runs, adopted = np.random.default_rng(13), 20000, np.zeros((4, 3))
    for _ in range(runs):
        beliefs = np.full((4, 3), -1, dtype=np.int8)
        beliefs[:, 2] = 1
        socialize(beliefs, codes, np.zeros(4, np.intp), 0.1, rng)
        adopted += beliefs != [[-1, -1, 1]]
    share = adopted / runs
    assert (share[:, 1] == 0).all()  # the code holds no view
    assert np.abs(share[:, [0, 2]] - 0.1).max() < 5 * np.sqrt(0.1 * 0.9 / runs)


def reference_learn_code(codes, beliefs, contributes, unit, rate, u):
    """March's p2 rule, one unit and dimension at a time: the code keeps its view with
    probability (1 - rate) ** k, else takes the majority of the contributors (k its margin)."""
    for g, d in np.ndindex(*codes.shape):
        tally = sum(int(beliefs[i, d]) for i in np.flatnonzero((unit == g) & contributes))
        if tally != 0 and u[g, d] >= (1.0 - rate) ** abs(tally):
            codes[g, d] = np.sign(tally)


def test_learn_code_matches_loop():
    beliefs, _ = small_beliefs(13, n=20)
    unit = np.random.default_rng(14).integers(0, 4, len(beliefs))
    unit_order = np.argsort(unit, kind="stable")
    unit_starts = np.searchsorted(unit[unit_order], np.arange(4))
    contributes = np.random.default_rng(15).random(len(beliefs)) < 0.6
    codes = np.random.default_rng(16).integers(-1, 2, (4, beliefs.shape[1])).astype(np.int8)
    expected = codes.copy()
    u = np.random.default_rng(17).random(codes.shape)
    reference_learn_code(expected, beliefs, contributes, unit, 0.3, u)
    learn_code(codes, beliefs, contributes, unit_order, unit_starts, 0.3, np.random.default_rng(17))
    np.testing.assert_array_equal(codes, expected)


def test_learn_code_changes_with_probability_growing_with_the_margin():
    beliefs = np.array([[1, 1, -1], [1, 1, -1], [1, -1, -1]], dtype=np.int8)  # margins 3, 1, 3
    rng, runs, changed = np.random.default_rng(18), 20000, np.zeros(3)
    for _ in range(runs):
        codes = np.array([[-1, -1, 0]], dtype=np.int8)
        learn_code(codes, beliefs, np.ones(3, bool), np.arange(3), np.array([0]), 0.2, rng)
        changed += codes[0] == [1, 1, -1]
    expected = 1.0 - 0.8 ** np.array([3, 1, 3])
    assert np.all(np.abs(changed / runs - expected) < 4 * np.sqrt(expected / runs))


@pytest.fixture(scope="module")
def office():
    """A small pods organization on its floor, with uneven cooperation."""
    structure = build_structure(
        "pods", 18, {"marketer": 1, "sdr": 2, "ae": 3, "se": 0, "csm": 2, "support": 1}
    )
    shape = floor_shape(structure.size)
    positions = seat_positions(seat_order(structure, "random", np.random.default_rng(0)), shape[0])
    neighbours, counts = neighbour_table(positions, shape, 1)
    cooperation = np.linspace(0.1, 1.0, structure.size)
    return structure, neighbours, counts, cooperation


def talk_probabilities(structure, neighbours, counts, params, cooperation):
    """Exact probability of each (kind, receiver, source) talk that passes something."""
    n = structure.size
    p = np.zeros((2, n, n))
    for i in range(n):
        for j in neighbours[i, : counts[i]]:
            p[0, i, j] = params["talk_probability"] / counts[i] * cooperation[j]
        mates = structure.unit_order[structure.unit_starts[structure.unit[i]] :][
            : structure.unit_sizes[structure.unit[i]]
        ]
        for j in range(n):
            within = (1 - params["cross_unit_links"]) / len(mates) if j in mates else 0.0
            anyone = params["cross_unit_links"] / n
            p[1, i, j] = params["unit_talk_probability"] * (within + anyone) * cooperation[j]
        p[:, i, i] = 0.0  # no self-talk
    return p


def test_draw_talks_pair_frequencies_match_exact_probabilities(office):
    structure, neighbours, counts, cooperation = office
    params = {"talk_probability": 0.6, "unit_talk_probability": 0.5, "cross_unit_links": 0.3}
    n, runs = structure.size, 20000
    seen = np.zeros((n, n))
    rng = np.random.default_rng(19)
    for _ in range(runs):
        receivers, sources = draw_talks(structure, neighbours, counts, params, rng, cooperation)
        # neighbour talks first, then unit talks, each block by receiver
        assert (np.diff(receivers) <= 0).sum() <= 1
        np.add.at(seen, (receivers, sources), 1)
    exact = talk_probabilities(structure, neighbours, counts, params, cooperation)
    expected = exact.sum(axis=0) * runs
    assert seen[expected == 0].sum() == 0
    z = (seen - expected)[expected > 0] / np.sqrt(expected[expected > 0])
    assert np.abs(z).max() < 5 and 0.8 < np.mean(z**2) < 1.2


def test_draw_talks_without_cooperation_lists_every_talk(office):
    structure, neighbours, counts, _ = office
    params = {"talk_probability": 1.0, "unit_talk_probability": 1.0, "cross_unit_links": 0.0}
    receivers, sources = draw_talks(structure, neighbours, counts, params, np.random.default_rng(0))
    has_neighbours = np.flatnonzero(counts > 0)
    np.testing.assert_array_equal(receivers[: len(has_neighbours)], has_neighbours)
    assert (structure.unit[receivers] == structure.unit[sources])[len(has_neighbours) :].all()
    assert (receivers != sources).all()


def test_draw_debriefs_frequencies_match_exact_probabilities():
    loops = [
        (np.array([7, 8, 9]), np.array([0, 1]), None),
        (np.array([3]), np.array([4, 5, 6]), None),
        (np.array([4, 5]), np.array([0, 1]), None),  # receivers 0 and 1 are in two loops
    ]
    plan = debrief_plan(loops)
    cooperation = np.linspace(0.2, 1.0, 10)
    rng, runs, rate = np.random.default_rng(20), 20000, 0.4
    seen = np.zeros((3, 10, 10))
    for _ in range(runs):
        receivers, sources, loop = draw_debriefs(plan, rate, rng, cooperation)
        assert (np.diff(loop) >= 0).all()  # in loop order
        np.add.at(seen, (loop, receivers, sources), 1)
    expected = np.zeros_like(seen)
    for k, (src, dst, _) in enumerate(loops):
        for r in dst:
            expected[k, r, src] = rate * cooperation[src] / len(src) * runs
    assert seen[expected == 0].sum() == 0
    z = (seen - expected)[expected > 0] / np.sqrt(expected[expected > 0])
    assert np.abs(z).max() < 5


def test_no_feedback_loops_outside_the_model():
    for design in ("functional", "pods"):
        model = SalesOrgModel(rng=0, design=design)
        assert len(model._feedback.receivers) == 0
        model.step()


def test_debriefs_relay_the_source_roles_vantage_inside_the_loop_domains():
    model = SalesOrgModel(rng=0, design="the_model")
    dpd = model.params["dimensions_per_domain"]
    domains = dimension_domains(dpd)
    plan = model._feedback
    for k, (source, receiver) in enumerate(
        (("csm", "marketer"), ("ae", "sdr"), ("sdr", "marketer"))
    ):
        role = model.ROLES.index(source)
        expected = VANTAGE[role][domains] * feedback_dimension_mask(source, receiver, dpd)
        np.testing.assert_array_equal(model._feedback_relay[k], expected)
        pool = plan.pool[plan.pool_start[plan.loop == k][0] :][: plan.pool_size[plan.loop == k][0]]
        assert (model.structure.role[pool] == role).all()
        receivers = plan.receivers[plan.loop == k]
        assert (model.structure.role[receivers] == model.ROLES.index(receiver)).all()
