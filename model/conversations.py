"""Who talks to whom this week: informal talks and reviews (feedback debriefs).

All conversations of a week are drawn in one batch (no per-person loops):

* **Informal talk**: with probability ``talk_probability`` a person talks with one random seat
  neighbour (the neighbour table is precomputed at seating), and with probability
  ``unit_talk_probability`` with one random member of their unit, or, with probability
  ``cross_unit_links``, with a random person of any unit (Fang, Lee & Schilling 2010's
  semi-isolated subgroups, from isolated units at 0 to a fully mixed floor at 1).
* **Reviews** (feedback debriefs; The Model's loops and the pods' in-pod reviews): each receiver
  of a loop (marketing from CSMs, SDRs from AEs, marketing from SDRs) is debriefed with
  probability ``feedback_rate`` by a random member of the source role (one shared pool in the
  assembly line, the pod's own members in a pod). A review tells the briefer's beliefs on the
  loop's dimensions, as a talk tells the source's.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from salesorg.model.jit import inline_kernel


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
        pool_loop: the loop of each entry of ``pool``.
    """

    receivers: np.ndarray
    loop: np.ndarray
    pool_start: np.ndarray
    pool_size: np.ndarray
    pool: np.ndarray
    pool_loop: np.ndarray


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
        pool_loop=np.repeat(np.arange(len(loops)), pool_sizes),
    )


class ConversationPlan(NamedTuple):
    """Every conversation a week can hold, one slot each, drawn together (set up once).

    Slots are the ``n`` neighbour talks (one per receiver), the ``n`` unit talks, then the
    debriefs' slots in loop order, so a debrief comes after every talk. Each slot's source is
    a random entry of its segment of one lookup list: the receiver's row of the seat neighbour
    table, the receiver's unit in ``unit_order`` (or, across a cross-unit link, all of it), the
    loop's pool of source people.

    Attributes:
        receivers: the receiver of each slot.
        chance: per slot, the probability that it happens if the source always shared: the
            talk probabilities (0 for a seat without neighbours) and ``feedback_rate``.
        lookup: the neighbour table (flat), ``unit_order`` and the debriefs' pool, concatenated.
        rows: per entry of ``lookup``, the topics row of a conversation with it: the person
            for a talk, ``n`` + the loop for a debrief (the loop's relay).
        start, size: per slot, its segment of ``lookup``.
        cross: per slot, the chance of a cross-unit link (0 but for unit talks).
        everyone: where ``unit_order`` starts in ``lookup``; ``n`` its length.
        debriefs: the feedback loops' slots (:func:`debrief_plan`).
        n_uniforms: the uniforms :func:`draw_conversations` needs.
    """

    receivers: np.ndarray
    chance: np.ndarray
    lookup: np.ndarray
    rows: np.ndarray
    start: np.ndarray
    size: np.ndarray
    cross: np.ndarray
    everyone: int
    n: int
    debriefs: DebriefPlan
    n_uniforms: int


def conversation_plan(structure, neighbours, neighbour_counts, params, debriefs=None):
    """The week's possible conversations (:class:`ConversationPlan`), built once at set-up."""
    s, n = structure, structure.size
    if debriefs is None:
        debriefs = debrief_plan([])
    people = np.arange(n)
    slots = len(debriefs.receivers)
    table = np.ascontiguousarray(neighbours).ravel()
    everyone = len(table)
    pool = everyone + n  # where the debriefs' pool starts in the lookup list
    return ConversationPlan(
        receivers=np.concatenate((people, people, debriefs.receivers)),
        chance=np.concatenate(
            (
                np.where(neighbour_counts > 0, params["talk_probability"], 0.0),
                np.full(n, params["unit_talk_probability"]),
                np.full(slots, params["feedback_rate"] if slots else 0.0),
            )
        ),
        lookup=np.concatenate((table, s.unit_order, debriefs.pool)),
        rows=np.concatenate((table, s.unit_order, n + debriefs.pool_loop)),
        start=np.concatenate(
            (
                people * neighbours.shape[1],
                everyone + s.unit_starts[s.unit],
                pool + debriefs.pool_start,
            )
        ),
        size=np.concatenate((neighbour_counts, s.size_of_unit, debriefs.pool_size)),
        cross=np.concatenate(
            (np.zeros(n), np.full(n, params["cross_unit_links"]), np.zeros(slots))
        ),
        everyone=everyone,
        n=n,
        debriefs=debriefs,
        n_uniforms=3 * (2 * n + slots),
    )


def draw_conversations(plan: ConversationPlan, u: np.ndarray, cooperation: np.ndarray, rivals=None):
    """This week's conversations as ``(slots, sources, rows)``, in slot order.

    ``slots`` are the slots that happen, ``sources`` who talks or briefs in each (whose beliefs
    it tells), and ``rows`` its topics: the source for a talk, ``n`` + the loop for a debrief
    (the briefer's beliefs on the loop's relay, not the true market).

    Each person draws a random seat neighbour and a random member of their unit (or, with
    probability ``cross_unit_links``, of anyone); each debrief slot a random member of its
    loop's source role. A slot happens and its source shares with the product of the two
    probabilities, drawn as one uniform; nobody talks to themselves. A rival shares less
    (``rivals``).

    Args:
        plan: :func:`conversation_plan`.
        u: ``plan.n_uniforms`` uniforms in [0, 1): per slot, one to decide it, one to choose
            the source and one for a cross-unit link.
        cooperation: per person, the probability of sharing.
        rivals: ``(key, kept)`` or None: a source shares with a receiver of the same ``key``
            (per person, :func:`model.incentives.rival_key`) with ``kept x`` its cooperation.
    """
    key, kept = (plan.receivers[:0], 1.0) if rivals is None else rivals
    p = plan
    return conversation_slots(
        p.receivers, p.chance, p.lookup, p.rows, p.start, p.size, p.cross, p.everyone, p.n,
        u, cooperation, key, kept, rivals is not None,
    )  # fmt: skip


@inline_kernel
def conversation_slots(
    receivers, chance, lookup, rows, start, size, cross, everyone, n, u, cooperation, key, kept,
    rivalry,
):  # fmt: skip
    """One slot at a time: across a cross-unit link the segment is everyone; the source is
    entry ``floor(u k)`` of the slot's segment of ``k`` entries; the slot happens with
    probability ``chance x share`` (a rival's share times ``kept``) and never with oneself."""
    c = receivers.size
    slots = np.empty(c, dtype=np.intp)
    sources = np.empty(c, dtype=np.intp)
    topics = np.empty(c, dtype=np.intp)
    count = 0
    for j in range(c):
        if u[2 * c + j] < cross[j]:
            first, k = everyone, n
        else:
            first, k = start[j], size[j]
        # floor(u k) < k for every double u < 1 numpy draws, so no index leaves its segment;
        # a seat without neighbours picks its row's -1 padding, whose slot has chance 0
        pick = np.intp(u[c + j] * k) + first
        source, receiver = lookup[pick], receivers[j]
        share = cooperation[source]
        if rivalry and key[source] == key[receiver]:
            share = kept * share
        if u[j] < chance[j] * share and source != receiver:
            slots[count], sources[count], topics[count] = j, source, rows[pick]
            count += 1
    return slots[:count], sources[:count], topics[:count]


def draw_conversations_reference(plan: ConversationPlan, u, cooperation, rivals=None):
    """Plain reference of :func:`draw_conversations`: one slot at a time on the same uniforms,
    as ``(slots, sources, rows)`` lists."""
    c = len(plan.receivers)
    slots, sources, rows = [], [], []
    for j in range(c):
        cross = u[2 * c + j] < plan.cross[j]
        size, start = (plan.n, plan.everyone) if cross else (plan.size[j], plan.start[j])
        pick = start + int(u[c + j] * size)
        source, receiver = int(plan.lookup[pick]), int(plan.receivers[j])
        share = cooperation[source]
        if rivals is not None and rivals[0][source] == rivals[0][receiver]:
            share = rivals[1] * share
        if u[j] < plan.chance[j] * share and source != receiver:
            slots.append(j)
            sources.append(source)
            rows.append(int(plan.rows[pick]))
    return slots, sources, rows
