"""Handoffs and customer context: what a colleague learned about an account, and how much of it
survives being handed on (docs/ODD.md section 7.11).

An account (a lead, then a deal, then a customer) carries a *context* in [0, 1]: the share of
what the people who worked it learned about it (the buyer's problem, the expectations set at the
sale, the technical fit) that the person now holding it still has. A new lead starts at 1. Each
handoff between two people multiplies it by ``1 - handoff_loss x distance``. The distance is a
property of the structure, the same rule for every design:

    distance = (1 + [different units] + [not seated within seat_radius]) / 3

so a handoff inside a unit between neighbours loses a third of ``handoff_loss``, one across
units between seats far apart loses all of it. Why these two terms: knowledge is "sticky"
between people without an established relationship (Szulanski 1996), complex knowledge
crosses unit boundaries poorly (Hansen 1999), and communication falls off steeply with the
distance between desks (Allen 1977). The equal thirds are an assumption (no study gives the
weights); ``handoff_loss`` is swept over [0, 1] in ``experiments/when_pods_win.toml``.

Handoffs (who hands to whom):

* marketer -> SDR when an SDR works a generated lead (a referral comes from the customer, so its
  first handoff is the next one);
* SDR -> AE when an AE takes the qualified opportunity;
* AE -> the CSMs of the account's queue when the deal is won (the mean distance to them: the
  account is covered by the queue's CSMs together);
* the queue's CSMs -> the queue's support staff (mean over pairs): the context that reaches
  support is what the CSMs hand on, and that is the context the account is delivered with.

What the context changes: the AE's knowledge of the account's domains (the buyer's language and
problem) counts in the win odds only in proportion to the context the AE received, and the
expectations set at the sale count toward the customer's satisfaction only in proportion to
the context its CSMs and support received; what is lost is as good as a guess (knowledge 0.5).

The methods of :class:`Handoffs` run compiled loops over the handoffs (:mod:`model.jit`), one
per account, as the formula above reads; the plain references beside them
(:func:`distance_reference`, :func:`pool_distance_reference`) are loops over pairs, and tests
show they agree (tests/test_model_handoffs.py; tests/test_perf_selling.py checks the loops bit
for bit against the numpy code they replaced).
"""

from __future__ import annotations

import numpy as np
from salesorg.model.jit import inline_kernel, kernel
from salesorg.model.knowledge import DOMAIN_INDEX, ROLE_INDEX

#: A lead's or deal's context is kept as an integer in units of 1 / CONTEXT_ONE, so the lines'
#: fields stay one integer table (one gather moves a lead with all its fields).
CONTEXT_ONE = 1 << 40

#: Domains whose account-specific part is the context the AE works with: what this buyer says
#: and why this buyer fits (the buyer's problem).
ACCOUNT_DOMAINS = (DOMAIN_INDEX["customer_language"], DOMAIN_INDEX["fit_signals"])
ROLE_CSM = ROLE_INDEX["csm"]
UNIT, QUEUE, ROLE = range(3)  # the rows of Handoffs._person


def distance_reference(giver: int, receiver: int, unit, neighbours) -> float:
    """Distance of one handoff, written out (the reference of :meth:`Handoffs.distance`)."""
    other_unit = 1.0 if unit[giver] != unit[receiver] else 0.0
    far = 0.0 if receiver in set(neighbours[giver].tolist()) else 1.0
    return (1.0 + other_unit + far) / 3.0


def pool_distance_reference(giver: int, pool, unit, neighbours) -> float:
    """Mean distance from ``giver`` to each member of ``pool``, written out."""
    pool = list(pool)
    if not pool:
        return 0.0
    return sum(distance_reference(giver, r, unit, neighbours) for r in pool) / len(pool)


class Handoffs:
    """The handoff distances of one organization's structure and seats.

    Args:
        handoff_loss: share of the context lost in a handoff at distance 1.
        structure: :class:`model.organization.Structure` (units, queues, roles).
        neighbours: the seat neighbour table (people x slots, -1 padded) of
            :func:`model.seating.neighbour_table`.

    Attributes:
        active: False at ``handoff_loss`` = 0: nothing is lost and the model skips this work.
        support_keep: per queue, the share of an account's context that reaches its support
            staff from its CSMs (1 where the queue has no CSM or no support).

    A reorganization (new units, queues or seats) builds a new ``Handoffs``; the context
    accounts already carry stays with them.
    """

    def __init__(self, handoff_loss: float, structure, neighbours: np.ndarray) -> None:
        self.loss = float(handoff_loss)
        self.active = self.loss > 0.0
        self.unit = structure.unit
        self.queue = structure.queue
        self.role = structure.role
        self.neighbours = neighbours
        #: each person's unit, queue and role (rows UNIT, QUEUE, ROLE), for the kernels
        self._person = np.stack((self.unit, self.queue, self.role)).astype(np.intp)
        self.n_queues = structure.n_queues
        self.n_units = structure.n_units
        csm, support = ROLE_INDEX["csm"], ROLE_INDEX["support"]
        self._pools = {}
        self.support_keep = np.ones(self.n_queues)
        #: what the selling kernels hand accounts on with (:func:`hand_on`, :func:`service_context`)
        self.tables = inactive_tables(structure.size, self.n_queues)
        if not self.active:
            return
        for role in (csm, support):
            self._pools[role] = self._pool_table(role)
        csms = np.flatnonzero(self.role == csm)
        if len(csms):
            keep = self.keep_to_pool(csms, self.queue[csms], support)
            total = np.bincount(self.queue[csms], keep, self.n_queues)
            count = np.bincount(self.queue[csms], None, self.n_queues)
            self.support_keep = np.divide(total, count, out=np.ones(self.n_queues), where=count > 0)
        size, same_unit = self._pools[ROLE_CSM]
        self.tables = (True, self.loss, self._person[UNIT], np.asarray(neighbours, np.intp),
                       self._person, size.astype(np.intp), same_unit.astype(np.intp),
                       self.support_keep)  # fmt: skip

    def __repr__(self) -> str:
        return f"Handoffs(handoff_loss={self.loss}, queues={self.n_queues})"

    def distance(self, giver: np.ndarray, receiver: np.ndarray) -> np.ndarray:
        """Distance of each handoff ``giver[i] -> receiver[i]`` (see the module docstring)."""
        return _distances(giver, receiver, self.unit, self.neighbours)

    def keep(self, giver: np.ndarray, receiver: np.ndarray) -> np.ndarray:
        """Share of context each handoff keeps; a giver of -1 (no colleague) keeps all."""
        return _keeps(giver, receiver, self.unit, self.neighbours, self.loss)

    def hand_over(self, giver: np.ndarray, receiver: np.ndarray, context) -> np.ndarray:
        """The context (in units of :data:`CONTEXT_ONE`) of accounts ``giver[i]`` hands to
        ``receiver[i]``: ``context[i]`` (or one ``context`` for all) times the share kept,
        rounded to the nearest unit; a giver of -1 (no colleague) hands all of it on."""
        if np.ndim(context) == 0:
            context = np.full(len(receiver), context, np.intp)
        return _handed(giver, receiver, context, self.unit, self.neighbours, self.loss)

    def keep_to_pool(self, giver: np.ndarray, queue: np.ndarray, role: int) -> np.ndarray:
        """Share of context kept when ``giver[i]`` hands to the people of ``role`` in
        ``queue[i]`` together (the mean distance to them); all of it where there are none."""
        size, same_unit = self._pools[role]
        person, neighbours, loss = self._person, self.neighbours, self.loss
        return _pool_keeps(giver, queue, role, size, same_unit, person, neighbours, loss)

    def to_service(self, giver: np.ndarray, queue: np.ndarray, context: np.ndarray) -> np.ndarray:
        """The context (a share) of won accounts once ``giver[i]`` (their AE) has handed them to
        the CSMs of ``queue[i]`` and these to the queue's support staff."""
        return service_context(giver, queue, context, self.tables)

    def _pool_table(self, role: int):
        """Pool size per queue, and per queue and unit the pool's people in that unit."""
        people = np.flatnonzero(self.role == role)
        size = np.bincount(self.queue[people], None, self.n_queues)
        cell = self.queue[people] * self.n_units + self.unit[people]
        same_unit = np.bincount(cell, None, self.n_queues * self.n_units)
        return size, same_unit.reshape(self.n_queues, self.n_units)


@kernel
def _pair_distance(giver, receiver, unit, neighbours):
    """Distance of a handoff from ``giver`` to ``receiver``:
    ``(1 + [different units] + [not seated within seat_radius]) / 3``."""
    other_unit = 1.0 if unit[giver] != unit[receiver] else 0.0
    far = 1.0
    for slot in range(neighbours.shape[1]):
        if neighbours[giver, slot] == receiver:
            far = 0.0
    return (1.0 + other_unit + far) / 3.0


@kernel
def _pair_keep(giver, receiver, unit, neighbours, loss):
    """Share of context kept when ``giver`` hands an account to ``receiver``."""
    return 1.0 - loss * _pair_distance(giver, receiver, unit, neighbours)


@kernel
def _distances(giver, receiver, unit, neighbours):
    """Distance of each handoff ``giver[i] -> receiver[i]``."""
    distance = np.empty(len(receiver))
    for i in range(len(receiver)):
        distance[i] = _pair_distance(giver[i], receiver[i], unit, neighbours)
    return distance


@kernel
def _keeps(giver, receiver, unit, neighbours, loss):
    """Share of context kept at each handoff ``giver[i] -> receiver[i]`` (all of it without a
    giver, -1)."""
    kept = np.ones(len(receiver))
    for i in range(len(receiver)):
        if giver[i] >= 0:
            kept[i] = _pair_keep(giver[i], receiver[i], unit, neighbours, loss)
    return kept


@kernel
def _handed(giver, receiver, context, unit, neighbours, loss):
    """Context (units of CONTEXT_ONE) after each handoff: ``context x`` the share kept, rounded."""
    handed = context.copy()
    for i in range(len(receiver)):
        if giver[i] >= 0:
            kept = _pair_keep(giver[i], receiver[i], unit, neighbours, loss) * context[i]
            handed[i] = int(np.rint(kept))
    return handed


@inline_kernel
def _pool_keep(giver, queue, role, size, same_unit, person, neighbours, loss):
    """Share of context kept when ``giver`` hands an account to the people of ``role`` in
    ``queue`` together: ``1 - loss x`` the mean distance to them, which is
    ``(members + members in other units + members not seated near) / (3 x members)``.

    ``size`` is the role's people per queue, ``same_unit`` per queue and unit; ``person``
    each person's unit, queue and role (rows)."""
    members = size[queue]
    if members == 0:  # no one to hand to: nothing lost
        return 1.0
    near = 0
    for slot in range(neighbours.shape[1]):
        other = neighbours[giver, slot]
        if other >= 0 and person[ROLE, other] == role and person[QUEUE, other] == queue:
            near += 1
    other_unit = members - same_unit[queue, person[UNIT, giver]]
    mean = (1.0 * members + other_unit + (members - near)) / (3.0 * members)
    return 1.0 - loss * mean


@kernel
def _pool_keeps(giver, queue, role, size, same_unit, person, neighbours, loss):
    """:func:`_pool_keep` of each ``giver[i]`` handing to the pool of ``queue[i]``."""
    kept = np.empty(len(giver))
    for i in range(len(giver)):
        kept[i] = _pool_keep(giver[i], queue[i], role, size, same_unit, person, neighbours, loss)
    return kept


def inactive_tables(n: int, n_queues: int) -> tuple:
    """:attr:`Handoffs.tables` where nothing is lost (the arrays are never read)."""
    people, queues = np.zeros(n, np.intp), np.zeros(n_queues, np.intp)
    neighbours, person = np.zeros((n, 1), np.intp), np.zeros((3, n), np.intp)
    same_unit = np.zeros((n_queues, 1), np.intp)
    return False, 0.0, people, neighbours, person, queues, same_unit, np.ones(n_queues)


@kernel
def hand_on(giver, receiver, context, tables):
    """The context (in units of :data:`CONTEXT_ONE`) of an account ``giver`` hands to
    ``receiver``: ``context x`` the share kept, rounded to the nearest unit; all of it where
    nothing is lost or there is no giver (-1). ``tables``: :attr:`Handoffs.tables`."""
    active, loss, unit, neighbours = tables[0], tables[1], tables[2], tables[3]
    if not active or giver < 0:
        return context
    kept = _pair_keep(giver, receiver, unit, neighbours, loss) * context
    return int(np.rint(kept))


@inline_kernel
def service_context(giver, queue, context, tables):
    """Context of won accounts once the AE ``giver[i]`` has handed each to the CSMs of
    ``queue[i]`` (:func:`_pool_keep`) and these to the queue's support staff (keeping
    ``support[queue[i]]``). ``tables``: :attr:`Handoffs.tables` (of handoffs that lose)."""
    _, loss, _, neighbours, person, size, same_unit, support = tables
    served = np.empty(len(context))
    for i in range(len(context)):
        q = queue[i]
        to_csms = _pool_keep(giver[i], q, ROLE_CSM, size, same_unit, person, neighbours, loss)
        served[i] = context[i] * to_csms * support[q]
    return served
