"""Small vectorised helpers for per-queue work: FIFO ranks and weighted worker draws.

A queue is the pool of work one group of people shares: one per pod, or a single shared queue
per stage in the assembly-line designs (which is where the assembly line's load-balancing
advantage comes from: a large pooled queue wastes less capacity than many small ones).
"""

from __future__ import annotations

import numpy as np


def queue_rank(queue: np.ndarray, n_queues: int) -> np.ndarray:
    """Position of each item within its queue, in array order (0 = first in line)."""
    if n_queues == 1:  # the assembly line's one shared queue: array order is the line
        return np.arange(len(queue))
    order = np.argsort(queue, kind="stable")
    counts = np.bincount(queue, minlength=n_queues)
    starts = np.cumsum(counts) - counts
    rank = np.empty(len(queue), dtype=np.int64)
    rank[order] = np.arange(len(queue)) - np.repeat(starts, counts)
    return rank


def queue_totals(queue: np.ndarray, weights: np.ndarray, n_queues: int) -> np.ndarray:
    """Sum of ``weights`` per queue."""
    return np.bincount(queue, weights=weights, minlength=n_queues)


def weighted_mean_by_queue(
    queue: np.ndarray,
    values: np.ndarray,
    weights: np.ndarray,
    n_queues: int,
    total: np.ndarray | None = None,
) -> np.ndarray:
    """Weighted mean of ``values`` per queue (0 where a queue has no weight).

    ``total``, if given, must be ``queue_totals(queue, weights, n_queues)`` (a caller that
    already has it saves recomputing it).
    """
    if total is None:
        total = queue_totals(queue, weights, n_queues)
    sums = queue_totals(queue, values * weights, n_queues)
    return np.divide(sums, total, out=np.zeros(n_queues), where=total > 0)


def pick_workers(
    item_queue: np.ndarray,
    workers: np.ndarray,
    worker_queue: np.ndarray,
    weight: np.ndarray,
    n_queues: int,
    uniform: np.ndarray,
) -> np.ndarray:
    """Draw one worker per item from the item's queue, with probability proportional to weight.

    Args:
        item_queue: queue of each item (every queue used must have positive total weight).
        workers: worker indices sorted by queue; ``worker_queue`` and ``weight`` align with it.
        uniform: one U[0, 1) draw per item.
    """
    cumulative = np.cumsum(weight)
    if n_queues == 1:  # one shared queue: the same draw without per-queue offsets
        position = np.searchsorted(cumulative, 0.0 + uniform * cumulative[-1], side="right")
        return workers[np.minimum(position, len(workers) - 1)]
    total = np.bincount(worker_queue, weights=weight, minlength=n_queues)
    start = np.cumsum(total) - total
    target = start[item_queue] + uniform * total[item_queue]
    position = np.searchsorted(cumulative, target, side="right")
    # guard against rounding at a queue's edge: stay inside the item's own queue
    count = np.bincount(worker_queue, minlength=n_queues)
    first = np.cumsum(count) - count
    first_of_item = first[item_queue]
    position = np.minimum(
        np.maximum(position, first_of_item), first_of_item + count[item_queue] - 1
    )
    return workers[position]
