"""Vectorised kernels against straightforward reference implementations on small inputs.

Tests marked ``reference_only`` check the plain references in tests/reference_queues.py themselves
(so that the kernels compared with them are compared with something right); they are not tests of
the model.
"""

import numpy as np
import pytest
from mesa import Model
from mesa.discrete_space import OrthogonalMooreGrid
from reference_queues import pick_workers, queue_rank
from salesorg.model.learning import peer_transfer
from salesorg.model.seating import neighbour_table, row_path, seat_positions


def test_neighbour_table_matches_mesa_moore_neighbourhood():
    width, height, n, radius = 7, 5, 33, 2
    positions = seat_positions(np.random.default_rng(0).permutation(n), row_path((width, height)))
    table, counts = neighbour_table(positions, (width, height), radius)
    grid = OrthogonalMooreGrid((width, height), torus=False, random=Model(rng=0).random)
    who = {tuple(p): i for i, p in enumerate(positions.tolist())}
    for i, (x, y) in enumerate(positions.tolist()):
        cells = grid._cells[(x, y)].get_neighborhood(radius=radius)
        expected = {who[c.coordinate] for c in cells if c.coordinate in who}
        assert set(table[i, : counts[i]].tolist()) == expected
        assert (table[i, counts[i] :] == -1).all()


@pytest.mark.reference_only
def test_queue_rank_is_first_in_first_out_per_queue():
    queue = np.array([2, 0, 2, 1, 0, 2])
    np.testing.assert_array_equal(queue_rank(queue, 3), [0, 0, 1, 0, 1, 2])


@pytest.mark.reference_only
def test_pick_workers_draws_within_queue_in_proportion_to_weight():
    workers = np.array([10, 11, 12, 13])
    worker_queue = np.array([0, 0, 1, 1])
    weight = np.array([1.0, 3.0, 0.0, 2.0])
    rng = np.random.default_rng(1)
    items = np.repeat([0, 1], 20000)
    picked = pick_workers(items, workers, worker_queue, weight, 2, rng.random(len(items)))
    assert set(picked[items == 0]) == {10, 11} and set(picked[items == 1]) == {13}
    assert abs((picked[items == 0] == 11).mean() - 0.75) < 0.02


def test_peer_transfer_copies_only_differing_nonzero_beliefs():
    beliefs = np.array([[1, -1, 0, 1], [-1, -1, 1, 0]], dtype=np.int8)
    one = np.array([1])
    changed = peer_transfer(
        beliefs, one, 1 - one, 1 - one, np.zeros(2), np.ones((1, 4)), 0, np.zeros((1, 4))
    )
    np.testing.assert_array_equal(beliefs[1], [1, -1, 1, 1])
    assert changed == 2
