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

import numpy as np


def draw_talks(structure, neighbours, neighbour_counts, params, rng):
    """Informal talks as ``(receivers, sources)`` person-index arrays (no self-talks)."""
    s = structure
    n = s.size
    everyone = np.arange(n)
    u = rng.random((6, n))
    near = (neighbour_counts > 0) & (u[0] < params["talk_probability"])
    slot = np.minimum(
        (u[1] * neighbour_counts).astype(np.int64), np.maximum(neighbour_counts - 1, 0)
    )
    neighbour = neighbours[everyone, slot]
    size = s.unit_sizes[s.unit]
    pick = np.minimum((u[3] * size).astype(np.int64), size - 1)
    in_unit = s.unit_order[s.unit_starts[s.unit] + pick]
    anyone = np.minimum((u[5] * n).astype(np.int64), n - 1)
    colleague = np.where(u[4] < params["cross_unit_links"], anyone, in_unit)
    talks_unit = u[2] < params["unit_talk_probability"]
    receivers = np.concatenate([everyone[near], everyone[talks_unit]])
    sources = np.concatenate([neighbour[near], colleague[talks_unit]])
    different = receivers != sources
    return receivers[different], sources[different]


def draw_debriefs(loops, feedback_rate: float, rng):
    """Feedback debriefs as ``(receivers, sources, loop)`` arrays.

    Args:
        loops: list of ``(source people, receiver people, dimension mask)``, one per loop.
        feedback_rate: probability per week that a receiver is debriefed in each loop.
    """
    receivers, sources, which = (
        [np.empty(0, np.int64)],
        [np.empty(0, np.int64)],
        [np.empty(0, np.int64)],
    )
    for k, (src, dst, _) in enumerate(loops):
        debriefed = dst[rng.random(len(dst)) < feedback_rate]
        receivers.append(debriefed)
        sources.append(src[rng.integers(0, len(src), len(debriefed))])
        which.append(np.full(len(debriefed), k, np.int64))
    return np.concatenate(receivers), np.concatenate(sources), np.concatenate(which)
