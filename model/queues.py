"""Small vectorised helpers for per-queue work: who is first in line, weighted worker draws.

A queue is the pool of work one group of people shares: one per pod, or a single shared queue
per stage in the assembly-line designs (which is where the assembly line's load-balancing
advantage comes from: a large pooled queue wastes less capacity than many small ones).
"""

from __future__ import annotations

import numpy as np


def first_in_line(queue: np.ndarray, room) -> tuple[np.ndarray, np.ndarray]:
    """The items each queue takes this week: the first ``room[q]`` of queue ``q``, in line order.

    Args:
        queue: queue of each item, in line order (oldest first).
        room: per queue, how many items it takes (a real number: items whose 1-based position
            is at most ``room[q]`` are taken; zero or less takes none).

    Returns:
        ``(taken, taken_queue)``: indices of the taken items grouped by queue (first-in
        first-out within each queue) and their queues.
    """
    order = queue.argsort(kind="stable")
    by_queue = queue[order]
    # 1-based position within its queue: index in the queue-sorted list minus the queue's start
    position = np.arange(1, len(queue) + 1) - by_queue.searchsorted(by_queue)
    taken = position <= room[by_queue]
    return order[taken], by_queue[taken]


class Crew:
    """The people of one role, sorted by queue, and this week's draws of who does an item.

    :meth:`load` takes the week's productivity (each person's weight) and returns the weight
    per queue; :meth:`pick` then draws, for each item, a person of the item's queue with
    probability proportional to weight, with the per-queue bookkeeping done once per week
    instead of once per call.
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
        self.start: np.ndarray = self.cumulative[self.first]
        self.span: np.ndarray = self.cumulative[self.end] - self.start

    def __len__(self) -> int:
        return len(self.people)

    def load(self, productivity: np.ndarray):
        """Set the week's weights; returns the total weight (one queue) or weight per queue."""
        if self.group is not None:  # loaded with the group's other crews
            self.group.load(productivity)
            return self.span
        if self.single:  # running weight (add.accumulate: a cumsum with less overhead)
            self.bounds = np.add.accumulate(productivity[self.people])
            self.total = self.bounds[-1:]  # an array operand (see model.pipeline)
            return float(self.bounds[-1])
        cumulative = self.cumulative
        np.add.accumulate(productivity[self.people], out=cumulative[1:])
        self.start = cumulative[self.first]
        self.span = cumulative[self.end] - self.start
        return self.span

    def pick(self, uniform: np.ndarray, item_queue: np.ndarray | None) -> np.ndarray:
        """One person per item, from the item's queue in proportion to weight (one U[0, 1) per
        item; ``item_queue`` is ignored with one queue)."""
        if self.single:
            # people whose running weight is <= the draw come before the one drawn; the last
            # bound is left out, so a draw rounded up to the total still picks the last person
            position = self.bounds[:-1].searchsorted(uniform * self.total, "right")
            return self.people[position]
        target = self.start[item_queue] + uniform * self.span[item_queue]
        position = self.cumulative[1:].searchsorted(target, "right")
        # guard against rounding at a queue's edge: stay inside the item's own queue
        return self.pool[np.minimum(position, self.last[item_queue])]


class CrewGroup:
    """Crews of several roles (with several queues) weighted by one running sum: their weeks'
    loads are one gather, one running sum and two lookups for all of them instead of per crew.

    Each crew's positions become positions in the group's ``pool`` (the crews' people one
    after the other), so :meth:`Crew.pick` works unchanged. A crew's :meth:`Crew.load` loads
    the whole group, once per productivity array (the week's; it must not change in place).
    """

    def __init__(self, crews: list[Crew]) -> None:
        self.crews = crews
        self.pool = np.concatenate([crew.people for crew in crews])
        self.cumulative = np.zeros(len(self.pool) + 1)
        offset, firsts, ends, self.parts = 0, [], [], []
        for i, crew in enumerate(crews):
            crew.first, crew.end, crew.last = (
                x + offset for x in (crew.first, crew.end, crew.last)
            )
            crew.pool, crew.cumulative, crew.group = self.pool, self.cumulative, self
            n_queues = len(crew.end)
            self.parts.append(slice(i * n_queues, (i + 1) * n_queues))  # its queues' entries
            firsts.append(crew.first)
            ends.append(crew.end)
            offset += len(crew.people)
        self.first, self.end = np.concatenate(firsts), np.concatenate(ends)
        self.loaded: np.ndarray | None = None

    def load(self, productivity: np.ndarray) -> None:
        """Every crew's weights for ``productivity`` (no work if they are already loaded)."""
        if productivity is self.loaded:
            return
        cumulative = self.cumulative
        np.add.accumulate(productivity[self.pool], out=cumulative[1:])
        start = cumulative[self.first]
        span = cumulative[self.end] - start
        for crew, part in zip(self.crews, self.parts, strict=True):
            crew.start, crew.span = start[part], span[part]
        self.loaded = productivity
