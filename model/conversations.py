"""Who talks to whom this week: informal talks and The Model's feedback debriefs.

All conversations of a week are drawn in one batch (no per-person loops):

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
    plan = conversation_plan(structure, neighbours, neighbour_counts, params)
    if cooperation is None:
        cooperation = np.ones(structure.size)
    slot, sources, _ = draw_conversations(plan, rng.random(plan.n_uniforms), cooperation)
    return plan.receivers[slot], sources


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


class ConversationPlan(NamedTuple):
    """Every conversation a week can hold, one slot each, drawn together (set up once).

    Slots are the ``n`` neighbour talks (one per receiver), the ``n`` unit talks, then the
    debriefs' slots in loop order, so a debrief comes after every talk.

    Attributes:
        receivers: the receiver of each slot.
        chance: per slot, the probability that it happens if the source always shared: the
            talk probabilities (0 for a seat without neighbours) and ``feedback_rate``.
        neighbours: the seat neighbour table, flat; ``neighbour_row`` each row's offset in it
            and ``neighbour_counts`` how many of the row are people.
        unit_start, unit_size: per person, their unit's segment of ``unit_order``.
        unit_order: people sorted by unit.
        cross: ``cross_unit_links``.
        debriefs: the feedback loops' slots (:func:`debrief_plan`).
        debrief_rows: per debrief slot, ``n`` + its loop.
        n_uniforms: the uniforms :func:`draw_conversations` needs.
    """

    receivers: np.ndarray
    chance: np.ndarray
    neighbours: np.ndarray
    neighbour_row: np.ndarray
    neighbour_counts: np.ndarray
    unit_start: np.ndarray
    unit_size: np.ndarray
    unit_order: np.ndarray
    cross: np.ndarray
    debriefs: DebriefPlan
    debrief_rows: np.ndarray
    n_uniforms: int


def conversation_plan(structure, neighbours, neighbour_counts, params, debriefs=None):
    """The week's possible conversations (:class:`ConversationPlan`), built once at set-up."""
    s, n = structure, structure.size
    if debriefs is None:
        debriefs = debrief_plan([])
    everyone = np.arange(n)
    slots = len(debriefs.receivers)
    return ConversationPlan(
        receivers=np.concatenate((everyone, everyone, debriefs.receivers)),
        chance=np.concatenate(
            (
                np.where(neighbour_counts > 0, params["talk_probability"], 0.0),
                np.full(n, params["unit_talk_probability"]),
                np.full(slots, params["feedback_rate"] if slots else 0.0),
            )
        ),
        neighbours=np.ascontiguousarray(neighbours).ravel(),
        neighbour_row=everyone * neighbours.shape[1],
        neighbour_counts=neighbour_counts,
        unit_start=s.unit_starts[s.unit],
        unit_size=s.unit_sizes[s.unit],
        unit_order=s.unit_order,
        cross=np.array(params["cross_unit_links"]),
        debriefs=debriefs,
        debrief_rows=n + debriefs.loop,
        n_uniforms=5 * n + 2 * slots,
    )


def draw_conversations(plan: ConversationPlan, u: np.ndarray, cooperation: np.ndarray):
    """This week's conversations as ``(slots, sources, rows)``, in slot order.

    ``slots`` are the slots that happen, ``sources`` who talks or briefs in each, and ``rows``
    what each tells: the source for a talk, ``n`` + the loop for a debrief (it relays the
    reality as the loop sees it, not the briefer's opinions).

    Each person draws a random seat neighbour and a random member of their unit (or, with
    probability ``cross``, of anyone); each debrief slot a random member of its loop's source
    role. A slot happens and its source shares with the product of the two probabilities,
    drawn as one uniform; nobody talks to themselves.

    Args:
        plan: :func:`conversation_plan`.
        u: ``plan.n_uniforms`` uniforms in [0, 1): one per slot to decide it, then the
            neighbour, cross-unit and colleague choices (``n`` each) and the debrief sources.
        cooperation: per person, the probability of sharing.
    """
    n, c = len(plan.unit_start), len(plan.receivers)
    # floor(u k) < k for every double u < 1 numpy draws, so no index needs clipping; a seat
    # without neighbours picks the -1 padding, whose slot has chance 0
    pick = (u[c : c + n] * plan.neighbour_counts).astype(np.intp)
    neighbour = plan.neighbours.take(pick + plan.neighbour_row)
    # a random position in one's unit's segment of unit_order or, across a cross-unit link,
    # in all of it (unit_order lists everyone once, so that is a random person of any unit)
    cross = u[c + n : c + 2 * n] < plan.cross
    start = np.where(cross, 0, plan.unit_start)
    size = np.where(cross, n, plan.unit_size)
    colleague = plan.unit_order.take(start + (u[c + 2 * n : c + 3 * n] * size).astype(np.intp))
    d = plan.debriefs
    if d.pool.size:
        briefer = d.pool.take((u[c + 3 * n :] * d.pool_size + d.pool_start).astype(np.intp))
        sources = np.concatenate((neighbour, colleague, briefer))
        rows = np.concatenate((neighbour, colleague, plan.debrief_rows))
    else:
        sources = rows = np.concatenate((neighbour, colleague))
    happens = u[:c] < plan.chance * cooperation.take(sources)
    happens &= sources != plan.receivers
    slot = happens.nonzero()[0]
    return slot, sources.take(slot), rows.take(slot)
