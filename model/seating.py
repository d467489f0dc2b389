"""The office floor: who sits where, and each seat's neighbours (computed once, vectorised).

Seating is independent of the organization design so its effect can be isolated:
``by_function`` (departments sit together), ``by_unit`` (each unit sits together:
pods in pods, departments in departments) or ``random``. Proximity drives informal talk and
who sees whose work: communication falls steeply with distance (Allen 1977, *Managing the
Flow of Technology*, MIT Press), so "seated together" means a cluster of desks, not a line of
them. One rule places every group that sits together (a pod or a department alike) in a compact
block (:func:`fill_path`):

* the floor (a near-square grid, one seat per person; the last few seats stay empty when the
  head count does not fill the rectangle) is cut into horizontal *bands* about as deep as the
  square root of the typical group size (the size of the group the average person sits in),
  so that a group of ``n`` fills about ``depth x n / depth`` seats: a pod of nine a 3 x 3 block,
  a department of twenty a 5 x 4 block;
* seats are filled along a boustrophedon path: column by column within a band (down one
  column, up the next), band after band in alternating directions (left to right, then right
  to left), so within a band the path moves one seat at a time;
* the groups take consecutive stretches of that path in the seating's order; a group that
  reaches the end of a band continues in the next band at the same end (an L-shaped block).

``random`` seating is a random permutation of people over the seats (row by row: for a uniform
permutation the order of the seats does not matter). The neighbourhood is the Moore
neighbourhood of the given radius, the same cells Mesa's ``OrthogonalMooreGrid`` returns for
``cell.get_neighborhood(radius)`` (a test checks this).
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
from salesorg.model.organization import Structure, build_structure

#: Seatings without randomness, in the order the canonical name of a floor is chosen.
SAME_FLOOR = ("by_function", "by_unit")


def floor_shape(employees: int) -> tuple[int, int]:
    """Width and height of a near-square floor with one seat per employee."""
    width = math.ceil(math.sqrt(employees))
    return width, math.ceil(employees / width)


def seat_order(structure: Structure, seating: str, rng: np.random.Generator) -> np.ndarray:
    """People in the order seats are filled (along :func:`fill_path`)."""
    people = np.arange(structure.size)
    if seating == "by_function":
        return np.lexsort((people, structure.pod, structure.role))
    if seating == "by_unit":
        return np.lexsort((people, structure.role, structure.unit))
    return rng.permutation(structure.size)


def seating_groups(structure: Structure, seating: str) -> np.ndarray | None:
    """Per person, the group that sits together: the department (role) ``by_function``, the
    unit ``by_unit``; ``None`` for ``random`` seating."""
    if seating == "by_function":
        return structure.role.astype(np.int64)
    if seating == "by_unit":
        return structure.unit.astype(np.int64)
    return None


def band_count(groups: np.ndarray, height: int) -> int:
    """Number of bands the floor is cut into: bands about ``sqrt(typical group size)`` deep,
    the typical size being the size of the group the average person sits in (sum n^2 / N), so a
    group of that size fills a near-square block."""
    sizes = np.bincount(groups)
    typical = int((sizes * sizes).sum()) / int(sizes.sum())  # integer sums: exact
    return max(1, min(height, round(height / math.sqrt(typical))))


def row_path(shape: tuple[int, int]) -> np.ndarray:
    """Every seat's (x, y), row by row."""
    width, height = shape
    seat = np.arange(width * height)
    return np.stack([seat % width, seat // width], axis=1)


def band_path(shape: tuple[int, int], bands: int) -> np.ndarray:
    """Every seat's (x, y) along the boustrophedon path through ``bands`` horizontal bands of
    near-equal depth: column by column within a band (down one column, up the next), band after
    band in alternating directions, each band starting at the end where the last one ended."""
    width, height = shape
    edges = np.arange(bands + 1) * height // bands
    path = []
    for band, (top, bottom) in enumerate(pairwise(edges.tolist())):
        depth = int(bottom - top)
        column = np.arange(width)
        x = np.repeat(column if band % 2 == 0 else width - 1 - column, depth)
        row = np.tile(np.arange(depth), width)
        row = np.where(np.repeat(column % 2 == 1, depth), depth - 1 - row, row)
        path.append(np.stack([x, top + row], axis=1))
    return np.concatenate(path)


def fill_path(structure: Structure, seating: str, shape: tuple[int, int]) -> np.ndarray:
    """The seats in the order they are filled: along the bands (:func:`band_path`) cut for the
    seating's groups, or row by row for ``random`` seating."""
    groups = seating_groups(structure, seating)
    if groups is None:
        return row_path(shape)
    return band_path(shape, band_count(groups, shape[1]))


def seat_positions(order: np.ndarray, path: np.ndarray) -> np.ndarray:
    """(x, y) seat of each person, given the order in which people take the seats of ``path``."""
    seat = np.empty(len(order), dtype=np.int64)
    seat[order] = np.arange(len(order))
    return path[seat]


def place(structure: Structure, seating: str, rng: np.random.Generator, shape) -> np.ndarray:
    """(x, y) seat of each person under ``seating`` on a floor of ``shape``."""
    order = seat_order(structure, seating, rng)
    return seat_positions(order, fill_path(structure, seating, shape))


def canonical_seating(structures: list[Structure], seating: str) -> str:
    """The seating name that seats everyone the same way in every one of ``structures`` (the
    design a run starts in, and the one it is reorganized into, if any): the first such name in
    :data:`SAME_FLOOR` order.

    ``by_unit`` seats each unit together. Where the units are the departments (the assembly-line
    designs number one unit per role), that is exactly ``by_function``: the same seat for every
    person, hence the same model. Decided by comparing the seats themselves, so it stays true
    whatever the structure or the seating rules become.
    """
    if seating in SAME_FLOOR:
        rng = np.random.default_rng(0)  # unused: deterministic seatings draw nothing
        for other in SAME_FLOOR:
            if all(
                np.array_equal(
                    place(s, other, rng, floor_shape(s.size)),
                    place(s, seating, rng, floor_shape(s.size)),
                )
                for s in structures
            ):
                return other
    return seating


def canonical_params(params: dict) -> dict:
    """``params`` with every choice that does not change the model replaced by its canonical
    equivalent: two scenarios with equal canonical parameters are one and the same model."""
    designs = [params["design"]]
    if params.get("reorganize_at") is not None and params.get("reorganize_to"):
        designs.append(params["reorganize_to"])
    structures = [
        build_structure(design, params["employees"], params["pod_composition"])
        for design in designs
    ]
    return {**params, "seating": canonical_seating(structures, params["seating"])}


def neighbour_table(positions: np.ndarray, shape: tuple[int, int], radius: int):
    """Occupied Moore neighbours of every seat.

    Returns:
        ``(table, counts)``: ``table[i, :counts[i]]`` are the people seated within ``radius``
        of person ``i`` (padding is -1). Cost is O(people x radius^2), never all pairs.
    """
    width, height = shape
    occupant = np.full((width, height), -1, dtype=np.int64)
    occupant[positions[:, 0], positions[:, 1]] = np.arange(len(positions))
    offsets = [
        (dx, dy)
        for dx in range(-radius, radius + 1)
        for dy in range(-radius, radius + 1)
        if (dx, dy) != (0, 0)
    ]
    dx = np.array([o[0] for o in offsets])
    dy = np.array([o[1] for o in offsets])
    nx = positions[:, :1] + dx
    ny = positions[:, 1:] + dy
    inside = (nx >= 0) & (nx < width) & (ny >= 0) & (ny < height)
    table = np.where(inside, occupant[np.clip(nx, 0, width - 1), np.clip(ny, 0, height - 1)], -1)
    # valid neighbours first, so a neighbour can be drawn as table[i, floor(u * count)]
    table = np.take_along_axis(table, np.argsort(table < 0, axis=1, kind="stable"), axis=1)
    return table, (table >= 0).sum(axis=1)
