"""The week's learning and turbulence as numpy calls, the code the compiled kernels replaced
(test references only).

:func:`learn_week` is :meth:`model.learning.Learning.step` as it was before its kernels drew
inside (numpy draws outside, one numpy call or small kernel per piece), on copies of the
learning streams; :func:`turbulence` and :func:`drift` the weekly market turbulence and the
territories' drift. ``tests/test_perf_learning.py`` holds the kernels equal to them bit for bit
on the same seeds, in every market path (one market, territories, interdependence).
"""

from __future__ import annotations

import math

import numpy as np
from salesorg.model.conversations import draw_conversations
from salesorg.model.interdependence import effective
from salesorg.model.march import rules


def learn_week(learning, beliefs, codes, market, performance, work, cooperation, streams):
    """One week of learning on ``beliefs`` and ``codes`` (updated in place), drawing from
    ``streams`` (copies of ``learning.streams``): act, learning by doing, talks and reviews,
    socialization, playbooks."""
    actions = rules.act(beliefs, streams["acts"])
    _learn_by_doing(learning, beliefs, market, work, streams)
    _converse(learning, beliefs, cooperation, performance, streams["conversations"])
    _socialize(learning, beliefs, codes, streams["socialization"])
    _learn_playbooks(learning, codes, actions, market, cooperation, streams["playbook"])


#: the C library's ``log1p`` element by element, as the kernels take it (numpy's vectorised
#: ``log1p`` rounds differently on CPUs with AVX-512)
C_LOG1P = np.vectorize(math.log1p, otypes=[float])


def _learn_by_doing(learning, beliefs, market, work, streams):
    rng = streams["learning_by_doing"]
    top = learning.top_practice * work.max(initial=0.0)
    if top < 1.0:
        practice = -math.log1p(-top)
        hits = rng.poisson(practice * beliefs.size)
        u = rng.random(2 * hits)
        # a thinned Poisson process: each hit's cell, kept where its mark falls below
        # -log(1 - rate)
        size = beliefs.size
        cell = (u[:hits] * size).astype(np.intp)
        neg = learning.neg_practice[cell] * work[cell // beliefs.shape[1]]
        cells = cell[C_LOG1P(neg) < u[hits:] * -practice]
    else:
        rate = -(learning.neg_practice.reshape(beliefs.shape) * work[:, None]).ravel()
        cells = (rng.random(beliefs.size) < rate).nonzero()[0]
    observe(learning, beliefs, market, cells, streams["worked_territory"])


def observe(learning, beliefs, market, cells, rng):
    """Learning by doing's writes: the reality of the worked account's territory."""
    if market.realities is None:
        dims = beliefs.shape[1]
        beliefs.put(cells, market.reality.take(cells % dims))
        return
    s, realities, dims = learning.structure, market.realities, beliefs.shape[1]
    # the worked account's territory: one's own, or drawn evenly for one who serves all
    territory = s.territory.take(cells // dims)
    shared = (territory < 0).nonzero()[0]
    if len(shared):
        territory[shared] = rng.integers(0, s.n_territories, len(shared))
    if market.depends is not None:  # only where the dependencies are believed right
        person, dim = np.divmod(cells, dims)
        needed = market.depends[dim]
        held = beliefs[person[:, None], needed]
        truth = realities[territory[:, None], needed]
        keep = np.logical_and.reduce(held == truth, axis=1)
        cells, territory = cells[keep], territory[keep]
    beliefs.put(cells, realities.take(territory * dims + cells % dims))


def _converse(learning, beliefs, cooperation, performance, rng):
    plan, n = learning.plan, len(beliefs)
    slot, sources, row = draw_conversations(
        plan, rng.random(plan.n_uniforms), cooperation, learning.rivals
    )
    receivers = plan.receivers.take(slot)
    standing = learning.source_performance.copy()
    standing[:n] = performance
    u = rng.random((len(slot), beliefs.shape[1]), dtype=np.float32)
    # every pair tells the source's beliefs as they were before (synchronous); the last pair
    # that changes a cell wins
    worse = standing.take(row) < standing.take(receivers)
    probability = learning.adopt_rates.take(row + learning.worse_offset * worse, axis=0)
    told = beliefs.take(sources, axis=0)
    own = beliefs.take(receivers, axis=0)
    pair, dim = ((u < probability) & (told != 0) & (told != own)).nonzero()
    beliefs[receivers.take(pair), dim] = told[pair, dim]


def _socialize(learning, beliefs, codes, rng):
    if learning.socialization < math.inf:
        hits = rng.poisson(learning.socialization * beliefs.size)
        cells = (rng.random(hits) * beliefs.size).astype(np.intp)
    else:
        cells = np.arange(beliefs.size)
    rules.socialize(beliefs, cells, codes.take(learning.code_cell.take(cells)))


def _learn_playbooks(learning, codes, actions, market, cooperation, rng):
    s = learning.structure
    u_share = rng.random(len(s.unit))
    u_code = rng.random(codes.shape)
    share = cooperation * learning.playbook_kept
    if market.realities is None:
        superior = rules.score(actions, market.reality, learning.score_weights) > rules.score(
            codes.take(s.unit, axis=0), market.reality, learning.score_weights
        )
    else:
        superior = _score(learning, actions, market) > _score(
            learning, codes.take(s.unit, axis=0), market
        )
    superior &= u_share < share
    tally = rules.superior_tally(actions, superior, s.unit_order, s.unit_starts)
    rules.learn_code(codes, tally, learning.code_change, u_code)


def _score(learning, rows, market):
    realities = market.realities[:, None]
    if market.depends is None:
        per = rules.score(rows[None], realities, learning.score_weights)
    else:
        right = effective(rows[None] == realities, market.depends)
        wrong = (rows[None] != 0) & (rows[None] != realities)
        value = np.where(right, 1, np.where(wrong, -1, 0))
        per = rules.score(value.astype(np.int8), np.ones(1, np.int8), learning.score_weights)
    serves = learning.unit_serves.take(learning.structure.unit, axis=0).T  # territories x people
    return np.add.reduce(per * serves, axis=0)


def turbulence(reality, rate, rng):
    """Flip each dimension with probability ``rate``: Binomial flips, then which."""
    flips = rng.binomial(reality.shape[0], rate)
    if flips:
        reality[rng.choice(reality.shape[0], flips, replace=False)] *= -1


def drift(sign, same, rate, rng):
    """Redraw each territory sign with probability ``rate`` (+1 with probability ``same``)."""
    flat = sign.reshape(-1)
    k = rng.binomial(flat.size, rate)
    if k:  # the new signs are drawn first: Python evaluates the value before the target
        flat[rng.choice(flat.size, k, replace=False)] = np.where(
            rng.random(k) < same, 1, -1
        ).astype(np.int8)
