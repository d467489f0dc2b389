"""The office floor: who sits where, and each seat's neighbours (computed once, vectorised).

Seating is independent of the organization design so its effect can be isolated:
``by_function`` (departments sit together), ``by_unit`` (each unit sits together:
pods in pods, departments in departments) or ``random``. Seats are filled row by row on a
near-square floor. Proximity drives informal talk (Allen 1977); the neighbourhood is the Moore
neighbourhood of the given radius, the same cells Mesa's ``OrthogonalMooreGrid`` returns for
``cell.get_neighborhood(radius)`` (a test checks this).
"""

from __future__ import annotations

import math

import numpy as np

from model.organization import Structure, build_structure

#: Seatings without randomness, in the order the canonical name of a floor is chosen.
SAME_FLOOR = ("by_function", "by_unit")


def floor_shape(employees: int) -> tuple[int, int]:
    """Width and height of a near-square floor with one seat per employee."""
    width = math.ceil(math.sqrt(employees))
    return width, math.ceil(employees / width)


def seat_order(structure: Structure, seating: str, rng: np.random.Generator) -> np.ndarray:
    """People in the order seats are filled (row by row)."""
    people = np.arange(structure.size)
    if seating == "by_function":
        return np.lexsort((people, structure.pod, structure.role))
    if seating == "by_unit":
        return np.lexsort((people, structure.role, structure.unit))
    return rng.permutation(structure.size)


def canonical_seating(structures: list[Structure], seating: str) -> str:
    """The seating name that fills the floor the same way in every one of ``structures`` (the
    design a run starts in, and the one it is reorganized into, if any): the first such name in
    :data:`SAME_FLOOR` order.

    ``by_unit`` seats each unit together. Where the units are the departments (the assembly-line
    designs number one unit per role), that is exactly ``by_function``: the same seat for every
    person, hence the same model. Decided by comparing the seat orders themselves, so it stays
    true whatever the structure or the seating rules become.
    """
    if seating in SAME_FLOOR:
        rng = np.random.default_rng(0)  # unused: deterministic seatings draw nothing
        for other in SAME_FLOOR:
            if all(
                np.array_equal(seat_order(s, other, rng), seat_order(s, seating, rng))
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


def seat_positions(order: np.ndarray, width: int) -> np.ndarray:
    """(x, y) seat of each person, given the order in which seats are filled."""
    seat = np.empty(len(order), dtype=np.int64)
    seat[order] = np.arange(len(order))
    return np.stack([seat % width, seat // width], axis=1)


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
