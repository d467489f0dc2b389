"""The floor seats every group that sits together in a compact block (docs/ODD.md 7.1, seating)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from salesorg.model.incentives import seen_share
from salesorg.model.inputs import DEFAULT_POD
from salesorg.model.organization import build_structure
from salesorg.model.seating import (
    band_path,
    floor_shape,
    neighbour_table,
    place,
    row_path,
    seat_order,
    seat_positions,
    seating_groups,
)

COMPOSITIONS = (
    DEFAULT_POD,
    {"marketer": 1, "sdr": 3, "ae": 2, "se": 0, "csm": 1, "support": 1},
    {"marketer": 2, "sdr": 4, "ae": 4, "se": 1, "csm": 2, "support": 2},
)


def mate_pairs(seats: np.ndarray) -> int:
    """Ordered pairs of a group's seats within Moore radius 1 of each other."""
    distance = np.abs(seats[:, None, :] - seats[None, :, :]).max(axis=2)
    return int((distance <= 1).sum()) - len(seats)


def square_block_pairs(size: int) -> int:
    """The same for the most compact block of ``size`` seats: a square, filled row by row."""
    side = math.ceil(math.sqrt(size))
    return mate_pairs(row_path((side, side))[:size])


def test_the_fill_path_visits_every_seat_once_moving_one_seat_at_a_time_within_a_band():
    for shape, bands in (((10, 9), 3), ((10, 9), 2), ((6, 5), 2), ((7, 7), 1), ((7, 9), 4)):
        path = band_path(shape, bands)
        assert len({tuple(c) for c in path.tolist()}) == shape[0] * shape[1] == len(path)
        step = np.abs(np.diff(path, axis=0))
        ends = (np.arange(1, len(path)) % shape[0] == 0) & (step[:, 1] > 1)  # band changes
        assert (step.max(axis=1)[~ends] == 1).all()
        assert (step[ends, 0] == 0).all()  # the next band starts at the same end
        assert ends.sum() == bands - 1 - (shape[0] % 2) * (bands - 1)  # odd widths never jump


@pytest.mark.parametrize("composition", COMPOSITIONS)
@pytest.mark.parametrize("pods", (3, 10, 20, 100))
def test_every_group_that_sits_together_sits_in_a_compact_block(composition, pods):
    """Each pod (by unit) and each department (by function) has at least 0.6 of the seat
    neighbours within its group that a square block of its size has (a 3 x 3 pod: 1; a pod
    of nine along a row of ten, the old row-by-row floor: 0.36), in every design."""
    employees = pods * sum(composition.values())
    shape = floor_shape(employees)
    for design in ("functional", "pods"):
        structure = build_structure(design, employees, composition)
        for seating in ("by_unit", "by_function"):
            seats = place(structure, seating, None, shape)
            assert len({tuple(c) for c in seats.tolist()}) == employees  # one seat per person
            groups = seating_groups(structure, seating)
            for g in np.unique(groups):
                mine = seats[groups == g]
                assert mate_pairs(mine) >= 0.6 * square_block_pairs(len(mine)), (design, g)


def test_on_the_default_floor_pods_sit_in_three_by_three_blocks():
    """10 pods of 9 on a 10 x 9 floor: bands three deep, so a pod member sees on average
    0.53 of their pod within radius 1 (a 3 x 3 block: 40/72 = 0.56; the pods round a band end
    sit in an L) and a department member 0.34 of their department (blocks 4-5 deep)."""
    pods = build_structure("pods", 90, DEFAULT_POD)
    line = build_structure("functional", 90, DEFAULT_POD)
    seats = place(pods, "by_unit", None, (10, 9))
    blocks = {tuple(np.ptp(seats[pods.unit == u], axis=0)) for u in range(pods.n_units)}
    assert (2, 2) in blocks  # 3 x 3
    seen_pods = seen_share(pods, neighbour_table(seats, (10, 9), 1)[0]).mean()
    seats = place(line, "by_function", None, (10, 9))
    seen_line = seen_share(line, neighbour_table(seats, (10, 9), 1)[0]).mean()
    assert seen_pods == pytest.approx(0.528, abs=0.001)
    assert seen_line == pytest.approx(0.340, abs=0.001)


def test_random_seating_is_a_permutation_over_the_seats_row_by_row():
    structure = build_structure("pods", 90, DEFAULT_POD)
    seats = place(structure, "random", np.random.default_rng(4), (10, 9))
    order = seat_order(structure, "random", np.random.default_rng(4))
    np.testing.assert_array_equal(seats, seat_positions(order, row_path((10, 9))))
