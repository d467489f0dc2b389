"""Plain per-queue algorithms the rewritten pipeline is checked against (test references only).

``queue_rank`` and ``pick_workers`` are the pipeline's queue kernels as they were before the
per-stage rewrite (model/queues.py's ``first_in_line`` and ``Crew`` replaced them); the tests
check them on their own and then use them as references.
"""

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
