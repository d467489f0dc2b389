"""Who talks to whom this week: informal talks and The Model's feedback debriefs.

All conversations of a week are drawn in one batch per kind (no per-person loops):

* **Informal talk**: with probability ``talk_probability`` a person talks with one random seat
  neighbour (the neighbour table is precomputed at seating), and with probability
  ``unit_talk_probability`` with one random member of their unit, or, with probability
  ``cross_unit_links``, with a random person of any unit (Fang, Lee & Schilling 2010's
  semi-isolated subgroups, from isolated units at 0 to a fully mixed floor at 1).
* **Feedback debriefs** (The Model only): each receiver of a loop (marketing from CSMs, SDRs from
  AEs, marketing from SDRs) is debriefed with probability ``feedback_rate`` by a random member
  of the source role (one shared pool in the assembly line).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


def draw_talks(structure, neighbours, neighbour_counts, params, rng, cooperation=None):
    """Informal talks as ``(receivers, sources)`` person-index arrays (no self-talks).

    Pairs come neighbour talks first, then unit talks, each by receiver. With ``cooperation``
    (per person) only the talks whose source shares come back: a talk happens and the source
    shares with the product of the two probabilities, drawn as one uniform per talk.
    """
    s = structure
    n = s.size
    everyone = np.arange(n)
    u = rng.random((5, n))
    # floor(u k) < k for every double u < 1 numpy draws, so no index needs clipping
    # a random seat neighbour (column 0 holds the -1 padding where a seat has none)
    neighbour = neighbours[everyone, (u[0] * neighbour_counts).astype(np.intp)]
    # a random position in one's unit's segment of unit_order or, across a cross-unit link,
    # in all of it (unit_order lists everyone once, so that is a random person of any unit)
    cross = u[1] < params["cross_unit_links"]
    start = s.unit_starts.take(s.unit)
    np.copyto(start, 0, where=cross)
    size = s.unit_sizes.take(s.unit)
    np.copyto(size, n, where=cross)
    colleague = s.unit_order[start + (u[2] * size).astype(np.intp)]
    sources = np.concatenate((neighbour, colleague)).reshape(2, n)  # np.stack costs 10x more
    chance = np.array([[params["talk_probability"]], [params["unit_talk_probability"]]])
    if cooperation is not None:
        chance = chance * cooperation[sources]  # -1 (no neighbour) is masked out below
    talks = u[3:] < chance
    talks &= sources != everyone
    talks &= sources >= 0
    pair = talks.ravel().nonzero()[0]
    return pair % n, sources.ravel()[pair]


class DebriefPlan(NamedTuple):
    """The feedback loops' possible debriefs, one slot per (loop, receiver), in loop order.

    Attributes:
        receivers: the receiver of each slot.
        loop: the loop of each slot.
        pool_start, pool_size: the slot's loop's source people, a segment of ``pool``.
        pool: the loops' source people, concatenated.
    """

    receivers: np.ndarray
    loop: np.ndarray
    pool_start: np.ndarray
    pool_size: np.ndarray
    pool: np.ndarray


def debrief_plan(loops) -> DebriefPlan:
    """Concatenate ``loops`` (``(source people, receiver people, ...)`` each) once, at set-up."""
    sizes = np.array([len(dst) for _, dst, *_ in loops], dtype=np.intp)
    pool_sizes = np.array([len(src) for src, *_ in loops], dtype=np.intp)
    pool_starts = np.cumsum(pool_sizes) - pool_sizes
    loop = np.repeat(np.arange(len(loops)), sizes)
    return DebriefPlan(
        receivers=np.concatenate([dst for _, dst, *_ in loops] or [np.empty(0, np.intp)]),
        loop=loop,
        pool_start=pool_starts[loop],
        pool_size=pool_sizes[loop],
        pool=np.concatenate([src for src, *_ in loops] or [np.empty(0, np.intp)]),
    )


def draw_debriefs(plan: DebriefPlan, feedback_rate: float, rng, cooperation=None):
    """Feedback debriefs as ``(receivers, sources, loop)`` arrays, in loop order.

    Args:
        plan: the loops' slots (:func:`debrief_plan`).
        feedback_rate: probability per week that a receiver is debriefed in each loop.
        cooperation: per person; if given, only debriefs whose source shares come back (the
            debrief happens and the source shares with the product of the probabilities).
    """
    u = rng.random((2, len(plan.receivers)))
    sources = plan.pool[plan.pool_start + (u[0] * plan.pool_size).astype(np.intp)]
    chance = feedback_rate if cooperation is None else feedback_rate * cooperation[sources]
    slot = (u[1] < chance).nonzero()[0]
    return plan.receivers[slot], sources[slot], plan.loop[slot]
