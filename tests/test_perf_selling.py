"""The selling phase's compiled kernels (docs/ODD.md 7.2, 7.11) against the numpy code they
replaced, bit for bit on the same inputs: the handoff kernels of :mod:`model.handoffs`.

The references below are the whole-population numpy versions the kernels replaced (each
computes the same float operations in the same order); ``tests/test_model_handoffs.py`` checks
both against the pair-by-pair definitions.
"""

from __future__ import annotations

import numpy as np
import pytest
from salesorg.model import SalesOrgModel
from salesorg.model.handoffs import CONTEXT_ONE, Handoffs
from salesorg.model.knowledge import ROLE_INDEX

CSM, SUPPORT = ROLE_INDEX["csm"], ROLE_INDEX["support"]


def keep_reference(h: Handoffs, giver: np.ndarray, receiver: np.ndarray) -> np.ndarray:
    """Share of context each handoff keeps (numpy: gathers, a neighbour match, arithmetic)."""
    colleague = giver >= 0
    kept = np.ones(len(receiver))
    g, r = giver[colleague], receiver[colleague]
    other_unit = h.unit[g] != h.unit[r]
    near = (h.neighbours[g] == r[:, None]).any(axis=1)
    kept[colleague] = 1.0 - h.loss * ((1.0 + other_unit + ~near) / 3.0)
    return kept


def pool_keep_reference(h: Handoffs, giver: np.ndarray, queue: np.ndarray, role: int):
    """Share kept handing to the pool of ``role`` in ``queue`` (numpy, sorted pool keys)."""
    people = np.flatnonzero(h.role == role)
    members = np.bincount(h.queue[people], None, h.n_queues)[queue]
    key, count = np.unique(h.queue[people] * h.n_units + h.unit[people], return_counts=True)
    if not len(key):
        key, count = np.array([-1]), np.array([0])
    wanted = queue * h.n_units + h.unit[giver]
    at = np.minimum(key.searchsorted(wanted), len(key) - 1)
    same_unit = np.where(key[at] == wanted, count[at], 0)
    table = h.neighbours[giver]
    seated = table >= 0
    person = np.where(seated, table, 0)
    in_pool = seated & (h.role[person] == role) & (h.queue[person] == queue[:, None])
    near = np.count_nonzero(in_pool, axis=1)
    mean = np.divide(
        1.0 * members + (members - same_unit) + (members - near),
        3.0 * members,
        out=np.zeros(len(giver)),
        where=members > 0,
    )
    return 1.0 - h.loss * mean


def _handoffs(design: str, seating: str, loss: float) -> Handoffs:
    model = SalesOrgModel(rng=3, design=design, seating=seating, seat_radius=2)
    return Handoffs(loss, model.structure, model.neighbours)


@pytest.mark.parametrize("design", ["functional", "the_model", "pods"])
@pytest.mark.parametrize("seating", ["by_unit", "random"])
def test_handoff_kernels_equal_the_numpy_code_bit_for_bit(design, seating):
    h = _handoffs(design, seating, 0.37)
    rng = np.random.default_rng(1)
    n = h.unit.size
    giver = np.append(rng.integers(0, n, 400), [-1, -1])  # -1: a referral, no colleague
    receiver = rng.integers(0, n, 402)
    kept = keep_reference(h, giver, receiver)
    np.testing.assert_array_equal(h.keep(giver, receiver), kept)
    context = rng.integers(0, CONTEXT_ONE + 1, 402)
    handed = np.rint(kept * context).astype(np.intp)
    np.testing.assert_array_equal(h.hand_over(giver, receiver, context), handed)
    whole = np.rint(kept * CONTEXT_ONE).astype(np.intp)
    np.testing.assert_array_equal(h.hand_over(giver, receiver, CONTEXT_ONE), whole)
    queue = rng.integers(0, h.n_queues, 400)
    for role in (CSM, SUPPORT):
        pooled = pool_keep_reference(h, giver[:400], queue, role)
        np.testing.assert_array_equal(h.keep_to_pool(giver[:400], queue, role), pooled)
    share = rng.random(400)
    served = share * pool_keep_reference(h, giver[:400], queue, CSM)
    served *= h.support_keep[queue]
    np.testing.assert_array_equal(h.to_service(giver[:400], queue, share), served)
