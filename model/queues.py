"""Small vectorised helpers for per-queue work: who is first in line, weighted worker draws.

A queue is the pool of work one group of people shares: one per pod, or a single shared queue
per stage in the assembly-line designs (which is where the assembly line's load-balancing
advantage comes from: a large pooled queue wastes less capacity than many small ones).
"""

from __future__ import annotations

import numpy as np
from salesorg.model.jit import kernel


@kernel
def first_in_line(queue, room):
    """The items each queue takes this week: the first ``room[q]`` of queue ``q``, in line order.

    Args:
        queue: queue of each item, in line order (oldest first).
        room: per queue, how many items it takes (a real number: items whose 1-based position
            is at most ``room[q]`` are taken; zero or less takes none).

    Returns:
        ``(taken, taken_queue)``: indices of the taken items grouped by queue (first-in
        first-out within each queue) and their queues.
    """
    n_queues = len(room)
    seen = np.zeros(n_queues, np.intp)
    start = np.zeros(n_queues + 1, np.intp)  # where each queue's taken items begin
    is_taken = np.zeros(len(queue), np.bool_)
    for i in range(len(queue)):
        q = queue[i]
        seen[q] += 1
        if seen[q] <= room[q]:  # its 1-based position in its queue
            is_taken[i] = True
            start[q + 1] += 1
    for q in range(n_queues):
        start[q + 1] += start[q]
    taken, taken_queue = np.empty(start[n_queues], np.intp), np.empty(start[n_queues], np.intp)
    for i in range(len(queue)):
        if is_taken[i]:
            q = queue[i]
            taken[start[q]], taken_queue[start[q]] = i, q
            start[q] += 1
    return taken, taken_queue


class Crew:
    """The people of one role, sorted by queue, and this week's draws of who does an item.

    :meth:`load` takes the week's productivity (each person's weight) and returns the weight
    per queue; :meth:`pick` then draws, for each item, a person of the item's queue with
    probability proportional to weight, with the per-queue bookkeeping done once per week
    instead of once per call. One queue is the case of one queue with every person in it.
    """

    def __init__(self, people: np.ndarray, queue_of_person: np.ndarray, n_queues: int) -> None:
        self.people = people
        self.queue = queue_of_person[people].astype(np.intp)
        self.single = n_queues == 1
        count = np.bincount(self.queue, minlength=n_queues)
        #: the people drawn from, by position (this crew's, or those of a :class:`CrewGroup`)
        self.pool = people
        self.end = np.cumsum(count)  # each queue's people are positions [end - count, end)
        self.first = self.end - count
        self.last = np.maximum(self.end - 1, 0)
        self.cumulative = np.zeros(len(people) + 1)  # 0, then the running weight
        self.group: CrewGroup | None = None
        #: each queue's first cumulative weight and its total weight, set by :meth:`load`
        self.start: np.ndarray = np.zeros(n_queues)
        self.span: np.ndarray = np.zeros(n_queues)
        self._one_queue = np.zeros(0, np.intp)  # an item queue for pick: empty, every item in 0

    def __len__(self) -> int:
        return len(self.people)

    def load(self, productivity: np.ndarray):
        """Set the week's weights; returns the total weight (one queue) or weight per queue."""
        if self.group is not None:  # loaded with the group's other crews
            self.group.load(productivity)
        else:
            running_weights(productivity, self.pool, self.cumulative, self.first, self.end,
                            self.start, self.span)  # fmt: skip
        return float(self.span[0]) if self.single else self.span

    def pick(self, uniform: np.ndarray, item_queue: np.ndarray | None) -> np.ndarray:
        """One person per item, from the item's queue in proportion to weight (one U[0, 1) per
        item; ``item_queue`` is ignored with one queue)."""
        queue = self._one_queue if self.single else item_queue
        return pick_people(uniform, queue, *self.weights)

    @property
    def weights(self) -> tuple:
        """What :func:`pick_one` draws from: ``(start, span, cumulative, last, pool)``."""
        return self.start, self.span, self.cumulative, self.last, self.pool

    @property
    def loading(self) -> tuple:
        """What :func:`running_weights` fills (after the week's productivity): ``(pool,
        cumulative, first, end, start, span)``, of the crew's :class:`CrewGroup` if it has one."""
        owner = self if self.group is None else self.group
        return owner.pool, owner.cumulative, owner.first, owner.end, owner.start, owner.span


class CrewGroup:
    """Crews of several roles (with several queues) weighted by one running sum: their weeks'
    loads are one running sum for all of them instead of one per crew.

    Each crew's positions become positions in the group's ``pool`` (the crews' people one
    after the other), so :meth:`Crew.pick` works unchanged. A crew's :meth:`Crew.load` loads
    the whole group, once per productivity array (the week's; it must not change in place).
    """

    def __init__(self, crews: list[Crew]) -> None:
        self.crews = crews
        self.pool = np.concatenate([crew.people for crew in crews])
        self.cumulative = np.zeros(len(self.pool) + 1)
        offset, firsts, ends = 0, [], []
        for crew in crews:
            crew.first, crew.end, crew.last = (
                x + offset for x in (crew.first, crew.end, crew.last)
            )
            crew.pool, crew.cumulative, crew.group = self.pool, self.cumulative, self
            firsts.append(crew.first)
            ends.append(crew.end)
            offset += len(crew.people)
        self.first, self.end = np.concatenate(firsts), np.concatenate(ends)
        self.start, self.span = np.zeros(len(self.first)), np.zeros(len(self.first))
        at = 0
        for crew in crews:  # each crew's queues: a view of the group's entries
            n_queues = len(crew.end)
            crew.start, crew.span = self.start[at : at + n_queues], self.span[at : at + n_queues]
            at += n_queues
        self.loaded: np.ndarray | None = None

    def load(self, productivity: np.ndarray) -> None:
        """Every crew's weights for ``productivity`` (no work if they are already loaded)."""
        if productivity is self.loaded:
            return
        running_weights(productivity, self.pool, self.cumulative, self.first, self.end,
                        self.start, self.span)  # fmt: skip
        self.loaded = productivity


@kernel
def running_weights(productivity, pool, cumulative, first, end, start, span):
    """The week's weights of the people of ``pool`` (their productivity) as a running sum in
    pool order, ``cumulative[1:]`` (``cumulative[0]`` stays 0), and per queue (its people at
    positions ``first[q]`` to ``end[q] - 1``) the running sum before it, ``start[q]``, and its
    total weight, ``span[q]``, written in place."""
    total = 0.0
    for i in range(len(pool)):
        weight = productivity[pool[i]]
        total = weight if i == 0 else total + weight
        cumulative[i + 1] = total
    for q in range(len(first)):
        start[q] = cumulative[first[q]]
        span[q] = cumulative[end[q]] - start[q]


@kernel
def pick_one(uniform, q, start, span, cumulative, last, pool):
    """One person of queue ``q``, drawn in proportion to weight with the uniform ``uniform``:
    the person whose stretch of the running weight holds ``start[q] + uniform x span[q]``. A
    draw rounded up to the queue's end stays with its last person (position ``last[q]``)."""
    target = start[q] + uniform * span[q]
    # the people whose running weight is <= the target come before the one drawn
    position = np.searchsorted(cumulative[1:], target, side="right")
    return pool[min(position, last[q])]


@kernel
def pick_people(uniform, item_queue, start, span, cumulative, last, pool):
    """:func:`pick_one` for each item, from its queue (an empty ``item_queue``: every item in
    queue 0)."""
    picked = np.empty(len(uniform), np.intp)
    for i in range(len(uniform)):
        q = item_queue[i] if len(item_queue) else 0
        picked[i] = pick_one(uniform[i], q, start, span, cumulative, last, pool)
    return picked
