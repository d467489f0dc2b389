"""The learning mechanism (:class:`Learning`) and its kernels on the people x dimensions beliefs.

The extensions of March (1991) the sales model adds: learning by doing through a role's vantage,
peer learning between pairs of people (Miller, Zhao & Calantone 2006) and market turbulence.
The March rules themselves (acting, socialization, the superior group and the playbooks'
learning) live in :mod:`model.march.rules`, shared with the March engine.

The week runs compiled (:mod:`model.jit`): one kernel per sub-process of docs/ODD.md 7.4, each
drawing from its own stream inside through the stream's handle (:mod:`model.draws`: numpy's
draws, bit for bit), all called from one phase kernel, :func:`learn_week`; the week's
turbulence is one more, :func:`market_turbulence`. Each kernel has a plain reference:
beside it (``*_reference``, one person, pair or cell at a time; ``tests/test_learning.py``), and
for the week as a whole the numpy code the kernels replaced (``tests/reference_learning.py``;
``tests/test_perf_learning.py`` holds them equal on the same seeds, in every market path).
Beliefs are in {-1, 0, +1}; the reality is in {-1, +1}.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from salesorg.model.conversations import conversation_plan, conversation_slots, debrief_plan
from salesorg.model.draws import Handles, generator
from salesorg.model.incentives import rival_key, rival_share, sharing_kept
from salesorg.model.interdependence import teachable
from salesorg.model.jit import inline_kernel, kernel
from salesorg.model.knowledge import (
    FEEDBACK_LOOPS,
    ROLE_INDEX,
    ROLES,
    VANTAGE,
    as_matrix,
    dimension_domains,
    feedback_dimension_mask,
    talk_masks,
)
from salesorg.model.march import rules
from salesorg.model.reorganization import merge_playbooks
from salesorg.model.sampling import choice_without_replacement
from salesorg.model.territories import redraw_signs, territory_of_cells

#: Per role, the parameter that says how many cases make a full week's load: leads generated,
#: leads worked, deals worked, technical deals helped, accounts covered, tickets solved.
FULL_LOAD = {
    "marketer": "leads_per_marketer", "sdr": "sdr_capacity", "ae": "ae_capacity",
    "se": "se_capacity", "csm": "csm_capacity", "support": "support_capacity",
}  # fmt: skip


# ----------------------------------------------------------------- kernels


@inline_kernel
def turbulence(reality: np.ndarray, rate: float, rng) -> None:
    """Flip each dimension of the market reality with probability ``rate`` (March's p4).

    Drawn as the number of flips, Binomial(dimensions, rate), then which dimensions
    (:func:`model.sampling.choice_without_replacement`): the same distribution as one coin
    per dimension, with one draw in the usual week without a flip. ``rng``: a Generator (in a
    kernel, :func:`model.draws.generator`).
    """
    flips = rng.binomial(reality.size, rate)
    if flips:
        for d in choice_without_replacement(rng, reality.size, flips):
            reality[d] = -reality[d]


@kernel
def market_turbulence(reality, rate, market, sign, realities, same, drifts, territory_market):
    """The week's turbulence (docs/ODD.md 7.4, 7.9): the common reality flips
    (:func:`turbulence`, stream ``market``), each territory's sign is redrawn at the same rate
    where territories drift (:func:`model.territories.redraw_signs`, stream
    ``territory_market``), and every territory's reality follows, ``sign x common``. The
    streams are given as :func:`model.draws.handle` addresses."""
    turbulence(reality, rate, generator(market))
    if drifts:
        redraw_signs(sign, rate, same, generator(territory_market))
    for t in range(sign.shape[0]):
        for d in range(reality.size):
            realities[t, d] = sign[t, d] * reality[d]


def domain_knowledge(correct: np.ndarray, n_domains: int) -> np.ndarray:
    """Share of each domain's dimensions believed correctly, per person (people x domains)."""
    people, m = correct.shape
    per_domain = m // n_domains
    # a domain's dimensions are contiguous: integer counts per (person, domain), exact anywhere
    counts = np.count_nonzero(correct.reshape(people, n_domains, per_domain), axis=2)
    return counts / per_domain


def domain_knowledge_reference(correct: np.ndarray, n_domains: int) -> np.ndarray:
    """Plain reference of :func:`domain_knowledge`: per person and domain, count and divide."""
    people, m = correct.shape
    per_domain = m // n_domains
    out = np.zeros((people, n_domains))
    for i in range(people):
        for g in range(n_domains):
            hits = sum(bool(correct[i, g * per_domain + j]) for j in range(per_domain))
            out[i, g] = hits / per_domain
    return out


@kernel
def knowledge_and_performance(correct: np.ndarray, n_domains: int, weights: np.ndarray):
    """What people know and how well they work (docs/ODD.md 7.4), from which beliefs are right.

    Per person: the share of each domain's dimensions believed correctly (a domain is a
    contiguous block of dimensions; :func:`domain_knowledge`), and performance, the knowledge
    of what the role needs: the domains' knowledge weighted by ``weights`` (people x domains)
    and added in domain order, as numpy adds fewer than eight terms
    (:func:`model.metrics.role_performance`).

    Returns:
        ``(knowledge, performance)``: people x domains and per person.
    """
    people, m = correct.shape
    per_domain = m // n_domains
    knowledge = np.empty((people, n_domains))
    performance = np.empty(people)
    for i in range(people):
        for g in range(n_domains):
            hits = 0
            for j in range(g * per_domain, (g + 1) * per_domain):
                hits += correct[i, j]
            knowledge[i, g] = hits / per_domain
        total = knowledge[i, 0] * weights[i, 0]
        for g in range(1, n_domains):
            total += knowledge[i, g] * weights[i, g]
        performance[i] = total
    return knowledge, performance


@inline_kernel
def sparse_cells(rng, intensity: float, cells: int) -> np.ndarray:
    """The flat cells hit by one Poisson process of ``intensity`` per cell: Poisson(intensity x
    cells) hits, each on a uniform cell. A cell is hit at least once with probability
    ``1 - exp(-intensity)``, independently of every other cell, as one coin per cell would
    decide; the cost grows with the hits, not the cells. A cell hit twice is listed twice.
    ``rng``: a Generator (in a kernel, :func:`model.draws.generator`)."""
    hits = rng.poisson(intensity * cells)
    u = rng.random(hits)
    hit = np.empty(hits, dtype=np.intp)
    for h in range(hits):
        hit[h] = np.intp(u[h] * cells)  # floor(u k) < k for numpy's doubles
    return hit


def practice_cells(u_cell, u_mark, neg_rate, work, practice):
    """Flat cells where people learn by doing this week (a thinned Poisson process).

    One Poisson process of intensity ``practice`` per (person, dimension) cell, each hit marked
    ``m = u practice``: a mark below ``-log(1 - rate)`` is kept, where ``rate`` is the cell's
    learning-by-doing probability (its role's vantage on the dimension's domain times the base
    rate and the person's work share). A thinned Poisson process is a Poisson process, so each
    cell learns with probability ``rate``, independently, as one coin per cell would decide;
    the cost grows with the hits, not the cells. A cell hit twice is listed twice (the update is
    idempotent). The logarithms are the C library's ``log1p``, as in the kernels (numpy's
    vectorised ``log1p`` rounds differently on CPUs with AVX-512: :mod:`model.jit`).

    Args:
        u_cell, u_mark: two uniforms per hit; the hits are Poisson(``practice`` x cells).
        neg_rate: minus the learning-by-doing rate at a full load, people x dimensions (flat).
        work: per person, the multiplier of the rate (the work share).
        practice: the intensity of the largest ``rate``, ``-log(1 - max rate)``.
    """
    cell, neg = _practice_hits(u_cell, neg_rate, work)
    return kept_hits(cell, neg, u_mark * -practice)


@inline_kernel
def practice_hits(rng, work, neg_rate, top_practice):
    """Learning by doing's draws (docs/ODD.md 7.4), up to the logarithms: the hits of
    :func:`practice_cells`' Poisson process, each with its cell, minus its rate and its mark's
    threshold ``-u x practice`` (a hit is kept where ``log(1 - rate)`` falls below it,
    :func:`kept_hits`).

    ``top_practice`` is the largest rate at a full load; scaled by the largest work share it
    gives the intensity. At a largest rate of 1 (no finite intensity) each cell tosses one
    coin instead and the cells it picks are kept whatever their rate (an infinite threshold).

    Returns:
        ``(cell, neg, threshold)`` per hit, in draw order.
    """
    top = top_practice * work.max() if work.size else 0.0  # the largest rate this week
    if top < 1.0:
        practice = -math.log1p(-top)
        hits = rng.poisson(practice * neg_rate.size)
        u = rng.random(2 * hits)
        cell, neg = _practice_hits(u[:hits], neg_rate, work)
        return cell, neg, u[hits:] * -practice
    u = rng.random(neg_rate.size)  # one coin per cell
    per_person = neg_rate.size // work.size
    cell = np.empty(neg_rate.size, dtype=np.intp)
    count = 0
    for c in range(neg_rate.size):
        if u[c] < -(neg_rate[c] * work[c // per_person]):
            cell[count] = c
            count += 1
    return cell[:count], np.zeros(count), np.full(count, np.inf)


@inline_kernel
def _practice_hits(u_cell, neg_rate, work):
    """Each hit's cell, ``floor(u x cells)``, and minus its rate, ``-rate x work share``."""
    per_person = neg_rate.size // work.size
    cell = np.empty(u_cell.size, dtype=np.intp)
    neg = np.empty(u_cell.size)
    for h in range(u_cell.size):
        c = np.intp(u_cell[h] * neg_rate.size)  # floor(u k) < k for numpy's doubles
        cell[h] = c
        neg[h] = neg_rate[c] * work[c // per_person]
    return cell, neg


@inline_kernel
def kept_hits(cell, neg, threshold):
    """The hits whose ``log(1 - rate)`` (``neg``: minus the rate) falls below their mark's
    threshold, in hit order."""
    kept = np.empty(cell.size, dtype=np.intp)
    count = 0
    for h in range(cell.size):
        if math.log1p(neg[h]) < threshold[h]:
            kept[count] = cell[h]
            count += 1
    return kept[:count]


def practice_cells_reference(u_cell, u_mark, neg_rate, work, practice):
    """Plain reference of :func:`practice_cells`, one hit at a time on the same uniforms."""
    per_person = len(neg_rate) // len(work)
    practised = []
    for uc, um in zip(u_cell, u_mark, strict=True):
        cell = int(uc * len(neg_rate))
        if um * practice < -math.log1p(neg_rate[cell] * work[cell // per_person]):
            practised.append(cell)
    return np.array(practised, dtype=np.intp)


def learn_by_doing(beliefs: np.ndarray, reality: np.ndarray, cells: np.ndarray) -> None:
    """People observe the truth of the dimensions in ``cells`` (flat person x dimension)."""
    _observe(beliefs, reality, cells)


@inline_kernel
def _observe(beliefs, reality, cells) -> None:
    """Each listed cell (person x dimension, flat) takes the reality of its dimension."""
    dims = reality.size
    for cell in cells:
        beliefs[cell // dims, cell % dims] = reality[cell % dims]


def learn_by_doing_reference(beliefs: np.ndarray, reality: np.ndarray, cells) -> None:
    """Plain reference of :func:`learn_by_doing`: each listed cell takes the reality."""
    dims = len(reality)
    for cell in cells:
        person, d = divmod(int(cell), dims)
        beliefs[person, d] = reality[d]


@inline_kernel
def observe(beliefs, cells, reality, realities, territorial, territory, depends, rng) -> None:
    """Learning by doing's writes (docs/ODD.md 7.4, 7.9, 7.10): each practised cell (flat
    person x dimension) takes the truth of its dimension in the market of the account worked.

    One market (``territorial`` False): the common ``reality``. Territories: the reality of
    the worked account's territory (:func:`model.territories.territory_of_cells`, drawing from
    ``rng`` for one who serves every territory), and with interdependence (``depends``,
    dimensions x K; K = 0 without) only where the person's beliefs on the dimensions it
    depends on are right there (:func:`model.interdependence.teachable`), judged on the
    beliefs before any of the week's writes.
    """
    if not territorial:
        _observe(beliefs, reality, cells)
        return
    dims = beliefs.shape[1]
    worked = territory_of_cells(cells, dims, territory, realities.shape[0], rng)
    keep = teachable(beliefs, realities, worked, cells, depends)
    for h in range(cells.size):
        if keep[h]:
            beliefs[cells[h] // dims, cells[h] % dims] = realities[worked[h], cells[h] % dims]


@inline_kernel
def converse(beliefs, plan, cooperation, key, kept, rivalry, standing, rates, worse_offset, rng):
    """Talks and reviews (docs/ODD.md 7.4): who talks to or reviews with whom this week
    (:func:`model.conversations.draw_conversations`, on ``plan`` and the first uniforms), then
    what each receiver takes from what its source tells (:func:`peer_transfer`, one float32
    uniform per pair and dimension), all from ``rng``.

    Args:
        plan: the conversation plan's receivers, chance, lookup, rows, start, size, cross and
            ``everyone`` (:class:`model.conversations.ConversationPlan`), as a tuple.
        key, kept, rivalry: the rivals' key and share kept, and whether rivalry is on.
        standing: per topics row, the source's performance; the people's rows hold this
            week's performance.
    """
    receivers, chance, lookup, rows, start, size, cross, everyone = plan
    n, dims = beliefs.shape
    u = rng.random(3 * receivers.size)
    slot, sources, row = conversation_slots(
        receivers, chance, lookup, rows, start, size, cross, everyone, n, u, cooperation, key,
        kept, rivalry,
    )  # fmt: skip
    u_told = rng.random((slot.size, dims), np.float32)
    peer_transfer(
        beliefs, receivers[slot], sources, row, standing, rates, worse_offset, u_told
    )  # fmt: skip


@inline_kernel
def socialize(beliefs, codes, code_cell, intensity, rng) -> None:
    """Socialization (March's p1, docs/ODD.md 7.4): each cell moves one step toward its unit's
    playbook, where the playbook holds a view, with probability ``1 - exp(-intensity)``: the
    cells hit by :func:`sparse_cells`, or every cell at an infinite intensity (a rate of 1).
    ``code_cell``: per flat belief cell, its flat cell of ``codes``."""
    if intensity < math.inf:
        cells = sparse_cells(rng, intensity, beliefs.size)
    else:
        cells = np.arange(beliefs.size)
    targets = np.empty(cells.size, dtype=codes.dtype)
    flat_codes = codes.reshape(-1)
    for k in range(cells.size):
        targets[k] = flat_codes[code_cell[cells[k]]]
    rules.socialize_cells(beliefs.reshape(-1), cells, targets)


@kernel
def add_served_values(row, realities, depends, served, total) -> None:
    """Add to ``total``, per dimension ``d``, ``sum_t v_td`` over the territories ``t`` a unit
    serves (``served``: per territory, 0 or 1) of one ``row`` (a person's actions or a
    playbook): ``v = +1`` where the row is right in ``t`` and so are the dimensions it depends
    on (``depends``, dimensions x K), ``-1`` where it holds a wrong view, else 0."""
    dims, k = depends.shape
    same = np.empty(dims, dtype=np.bool_)  # the row's value is territory t's
    for t in range(realities.shape[0]):
        if not served[t]:
            continue
        for d in range(dims):
            same[d] = row[d] == realities[t, d]
        for d in range(dims):  # no branch on `same`: a coin flip to the CPU's predictor
            right = same[d]
            for j in range(k):
                right &= same[depends[d, j]]
            total[d] += np.int64(right) - np.int64(row[d] != 0 and not same[d])


@inline_kernel
def territory_scores(actions, codes, realities, depends, weights, unit, unit_serves):
    """March's scores on what each person's role needs, summed over the realities of the
    territories their unit serves (``unit_serves``: units x territories, 0 or 1), of their
    actions and of their unit's playbook: ``sum_t sum_d w_id v_tid = sum_d w_id sum_t v_tid``
    (:func:`add_served_values`; integers, so exact in any order). A playbook's sums are its
    unit's, taken once per unit; without dependencies (K = 0) ``v = row x reality``, so the
    actions' sums are ``a_id x sum_t z_td``, per unit too.

    Returns:
        ``(acted, scored)``: per person, the actions' and the playbook's score.
    """
    people, dims = actions.shape
    units = codes.shape[0]
    coded = np.zeros((units, dims), dtype=np.int64)
    reality_sum = np.zeros((units, dims), dtype=np.int64)
    for u in range(units):
        add_served_values(codes[u], realities, depends, unit_serves[u], coded[u])
        for t in range(realities.shape[0]):
            if unit_serves[u, t]:
                for d in range(dims):
                    reality_sum[u, d] += realities[t, d]
    independent = depends.shape[1] == 0
    values = np.zeros(dims, dtype=np.int64)  # one person's actions' sums
    acted = np.zeros(people, dtype=np.int64)
    scored = np.zeros(people, dtype=np.int64)
    for i in range(people):
        u = unit[i]
        for d in range(dims):
            values[d] = reality_sum[u, d] * actions[i, d] if independent else 0
        if not independent:
            add_served_values(actions[i], realities, depends, unit_serves[u], values)
        for d in range(dims):
            acted[i] += int(weights[i, d]) * values[d]
            scored[i] += int(weights[i, d]) * coded[u, d]
    return acted, scored


@inline_kernel
def learn_playbooks(codes, actions, cooperation, market, tables, rng) -> None:
    """The playbooks learn from their superior groups (March's p2, docs/ODD.md 7.4): the
    members whose week's actions scored above their unit's playbook on what their role needs
    (:func:`model.march.rules.superior_group` against the common reality, or
    :func:`territory_scores` over the territories their unit serves) and who share with it,
    ``u < cooperation x kept share``; then :func:`model.march.rules.learn_codes`. The uniforms
    (one per person, then one per playbook cell) come from ``rng``.

    Args:
        market: ``(reality, realities, territorial, depends)``.
        tables: ``(unit, weights, kept share, unit_serves, unit order, unit starts, change)``
            (``unit_serves``: units x territories, 0 or 1).
    """
    reality, realities, territorial, depends = market
    unit, weights, kept_share, unit_serves, order, starts, change = tables
    people = unit.size
    u_share = rng.random(people)
    u_code = rng.random(codes.shape)
    share = np.empty(people)
    for i in range(people):
        share[i] = cooperation[i] * kept_share[i]
    if territorial:
        acted, scored = territory_scores(
            actions, codes, realities, depends, weights, unit, unit_serves
        )
        superior = np.empty(people, dtype=np.bool_)
        for i in range(people):
            superior[i] = acted[i] > scored[i] and u_share[i] < share[i]
    else:
        superior = rules.superior_group(actions, codes, unit, reality, weights, share, u_share)
    rules.learn_codes(codes, actions, superior, order, starts, change, u_code)


@inline_kernel
def peer_transfer(beliefs, receivers, sources, rows, standing, rates, worse_offset, u) -> int:
    """Receivers adopt what their sources tell where it differs from their view and is not
    neutral (peer learning, docs/ODD.md 7.4): pair ``p`` takes told dimension ``d`` when
    ``u[p, d]`` falls below its rate.

    One pass for informal talks and reviews (feedback debriefs): each tells the source's
    beliefs as they were before the call (synchronous). If a receiver has several pairs, each
    dimension keeps what the last pair that changed it passed (docs/ODD.md section 3).

    Args:
        beliefs: people x dimensions int8 array, updated in place.
        receivers, sources: person index of each pair's receiver and source.
        rows: per pair, its row of ``rates`` (its topics) and of ``standing``.
        standing: per row, the source's performance (a review's briefer: infinite).
        rates: per row, the chance of taking each dimension from a source who performs at
            least as well as the receiver; from a worse one, row ``worse_offset`` further on.
        u: pairs x dimensions uniforms.

    Returns:
        Number of beliefs changed.
    """
    before = beliefs.copy()
    changed = 0
    for p in range(receivers.size):
        receiver, source, row = receivers[p], sources[p], rows[p]
        if standing[row] < standing[receiver]:  # a worse source's talk is taken less often
            row += worse_offset
        for d in range(beliefs.shape[1]):
            told = before[source, d]
            if u[p, d] < rates[row, d] and told != 0 and told != before[receiver, d]:
                beliefs[receiver, d] = told
                changed += 1
    return changed


def peer_transfer_reference(beliefs, receivers, sources, rows, standing, rates, worse_offset, u):
    """Plain reference of :func:`peer_transfer`, in numpy: every pair's told and own beliefs
    and adoption chances first, then the changes."""
    worse = standing.take(rows) < standing.take(receivers)
    probability = rates.take(rows + worse_offset * worse, axis=0)
    told = beliefs.take(sources, axis=0)
    own = beliefs.take(receivers, axis=0)
    adopt = (u < probability) & (told != 0) & (told != own)
    # per cell, not per row: a later pair overwrites only the dimensions it changes (with
    # repeated cells numpy's assignment keeps the last value)
    pair, dim = adopt.nonzero()
    beliefs[receivers.take(pair), dim] = told[pair, dim]
    return len(pair)


@inline_kernel
def belief_diversity(beliefs: np.ndarray) -> float:
    """Mean Gini-Simpson diversity of beliefs per dimension, scaled to [0, 1].

    1 means the three belief values are equally common on every dimension; 0 means everyone
    agrees (March 1991 tracks the loss of this diversity as exploitation crowds out
    exploration). A kernel: the weekly metrics (:func:`model.metrics.weekly_metrics`) call it.
    """
    n, dims = beliefs.shape
    return (1.0 - agreement(beliefs) / (n * n * dims)) * 1.5


@inline_kernel
def agreement(beliefs: np.ndarray) -> int:
    """Sum over dimensions and belief values (-1, 0, 1) of the squared count of people holding
    it (an integer: exact): ``n^2`` x the summed squared shares. Counted per dimension as
    those who hold 1 and -1 (the rest hold 0), in loops along the dimensions, which the
    compiler vectorizes."""
    n, dims = beliefs.shape
    plus, minus = np.zeros(dims, np.int64), np.zeros(dims, np.int64)
    for i in range(n):
        for j in range(dims):
            plus[j] += beliefs[i, j] == 1
            minus[j] += beliefs[i, j] == -1
    total = 0
    for j in range(dims):
        zero = n - plus[j] - minus[j]
        total += plus[j] * plus[j] + minus[j] * minus[j] + zero * zero
    return total


def belief_diversity_reference(beliefs: np.ndarray) -> float:
    """Plain reference of :func:`belief_diversity`: Gini-Simpson per dimension, averaged."""
    n, dims = beliefs.shape
    total = 0.0
    for d in range(dims):
        column = [int(b) for b in beliefs[:, d]]
        total += 1.0 - sum((column.count(v) / n) ** 2 for v in (-1, 0, 1))
    return total / dims * 1.5


def feedback_loops(structure, dimensions_per_domain: int, vantage: np.ndarray = VANTAGE):
    """The reviews' loops as (sources, receivers, relay), one per role pair and territory.

    The same role pairs (CSM -> marketer, AE -> SDR, SDR -> marketer) review in every design
    that holds reviews, among the people who work the same cases: The Model's departments share
    one territory, so its loops span the organization; a pod owns its territory end to end, so
    it reviews inside the pod (Ross & Tyler 2011). ``functional`` has no reviews. ``relay`` is
    what a review passes per dimension: the source role's vantage on the domains it sees better
    than the receiver, zero elsewhere. ``vantage``: roles x domains (the ``vantage`` input).
    """
    if structure.design == "functional":
        return []
    s = structure
    domains = dimension_domains(dimensions_per_domain)
    loops = []
    for territory in range(s.n_queues):
        here = s.queue == territory
        for source, receiver in FEEDBACK_LOOPS:
            src = np.flatnonzero(here & (s.role == ROLE_INDEX[source]))
            dst = np.flatnonzero(here & (s.role == ROLE_INDEX[receiver]))
            if len(src) and len(dst):
                mask = feedback_dimension_mask(source, receiver, dimensions_per_domain, vantage)
                loops.append((src, dst, vantage[ROLE_INDEX[source]][domains] * mask))
    return loops


# ----------------------------------------------------------------- the week, compiled


@kernel
def share_of_full_load(cases, full_load) -> np.ndarray:
    """Per person, ``cases`` worked relative to ``full_load``, at most 1 (0 for no case):
    learning by doing scales with it (docs/ODD.md 7.4)."""
    share = np.empty(cases.size)
    for i in range(cases.size):
        if cases[i] < full_load[i]:
            share[i] = cases[i] / full_load[i]
        else:
            share[i] = 1.0 if cases[i] > 0 else 0.0
    return share


@kernel
def learn_week(
    beliefs, codes,  # the week's beliefs and playbooks
    work, neg_rate, top_practice,  # learning by doing: work shares, minus the rates, the top
    cooperation, performance, territory,  # per person
    reality, realities, territorial, depends,  # the market (Learning.market_arrays)
    receivers, chance, lookup, rows, start, size, cross, everyone,  # the conversation plan
    key, kept, rivalry, standing, rates, worse_offset,  # rivals and adoption (converse)
    code_cell, socialization,  # socialization
    unit, weights, kept_share, unit_serves, order, starts, change,  # the playbooks
    acted, practised, worked, talked, socialized, playbook,  # the streams (model.draws)
):  # fmt: skip
    """The week's learning, in the order of docs/ODD.md 7.4: what people did
    (:func:`model.march.rules.draw_actions`), learning by doing's hits
    (:func:`practice_hits`), the kept ones (:func:`kept_hits`) observe the market
    (:func:`observe`), talks and reviews (:func:`converse`), socialization
    (:func:`socialize`), the playbooks (:func:`learn_playbooks`), each drawing from its own
    stream (given as :func:`model.draws.handle` addresses). Beliefs and playbooks change in
    place. The arguments are flat arrays and numbers, grouped as the comments say (a kernel
    call costs per argument, and a tuple far more than its arrays).
    """
    actions = rules.draw_actions(beliefs, acted)  # read before this week's learning writes
    cell, neg, threshold = practice_hits(generator(practised), work, neg_rate, top_practice)
    cells = kept_hits(cell, neg, threshold)
    observe(beliefs, cells, reality, realities, territorial, territory, depends, generator(worked))
    for i in range(performance.size):  # a source's standing: this week's performance
        standing[i] = performance[i]
    plan = (receivers, chance, lookup, rows, start, size, cross, everyone)
    converse(
        beliefs, plan, cooperation, key, kept, rivalry, standing, rates, worse_offset,
        generator(talked),
    )  # fmt: skip
    socialize(beliefs, codes, code_cell, socialization, generator(socialized))
    learn_playbooks(
        codes, actions, cooperation, (reality, realities, territorial, depends),
        (unit, weights, kept_share, unit_serves, order, starts, change), generator(playbook),
    )  # fmt: skip


# ----------------------------------------------------------------- the mechanism


class Market(NamedTuple):
    """What learning is judged against this week (docs/ODD.md 7.9, 7.10).

    Attributes:
        reality: the common market, one sign per dimension.
        realities: territories x dimensions, each territory's market; None where every
            territory's equals the common one and knowledge is independent (the one-market
            shortcut, the same bits as the per-territory path there).
        depends: the dependency map of interdependent knowledge, or None.
    """

    reality: np.ndarray
    realities: np.ndarray | None = None
    depends: np.ndarray | None = None


def unit_serves(structure) -> np.ndarray:
    """Units x territories, 1 where a unit serves the territory: where one of its members
    serves it (:attr:`model.organization.Structure.serves`), read from each member's one
    territory (-1: every territory) rather than the people x territories table."""
    s = structure
    served = np.zeros((s.n_units, s.n_territories), dtype=np.int64)
    everywhere = s.territory < 0
    served[s.unit[everywhere]] = 1
    served[s.unit[~everywhere], s.territory[~everywhere]] = 1
    return served


class Learning:
    """The week's learning (docs/ODD.md 7.4): :meth:`step` runs the sub-processes in the
    schedule's order, acts, learning by doing, talks and reviews, socialization and the
    playbooks, as one compiled call (:func:`learn_week`, one kernel per sub-process) that draws
    from the sub-processes' streams through their handles (:mod:`model.draws`).

    The mechanism owns the unit playbooks (March's organizational code, ``codes``: units x
    dimensions) and the tables it builds from the structure and the seats (:meth:`rebuild` at a
    reorganization). Each sub-process draws from its own named random stream, spawned once from
    the model's ``learning`` stream, so adding or changing one does not shift another's draws:

    * ``acts``: the coins people toss where they hold no belief (March's actions);
    * ``learning_by_doing``: the cells where people observe the truth from their work;
    * ``conversations``: who talks to or reviews with whom, and what is taken;
    * ``socialization``: the cells where people move toward their unit's playbook (p1);
    * ``playbook``: who shares with the playbook, and its changes (p2);
    * ``worked_territory``: the territory of the account behind a learning-by-doing event, for
      one who serves several territories (:func:`model.territories.territory_of_cells`).

    Args:
        params: the model's parameters.
        structure: :class:`model.organization.Structure`.
        neighbours, neighbour_counts: the seat neighbours (:func:`model.seating.neighbour_table`).
        own_share: the share of pay that is one's own (rivalry's strength, ODD 7.1).
        role_weights: people x domains, what each person's performance weighs.
        rng: the model's ``learning`` stream.
    """

    STREAMS = (
        "acts", "learning_by_doing", "conversations", "socialization", "playbook",
        "worked_territory",
    )  # fmt: skip

    def __init__(
        self, params, structure, neighbours, neighbour_counts, own_share, role_weights, rng
    ) -> None:
        p = self.params = params
        domains = dimension_domains(p["dimensions_per_domain"])  # each dimension's domain
        dims = len(domains)
        self.streams = dict(zip(self.STREAMS, rng.spawn(len(self.STREAMS)), strict=True))
        self.handles = Handles(self.streams)  # the streams as the kernels draw from them
        h = self.handles
        self._streams = (
            h["acts"],
            h["learning_by_doing"],
            h["worked_territory"],
            h["conversations"],
            h["socialization"],
            h["playbook"],
        )
        # what a one-market or independent market lacks, as arrays of the kernels' types
        self._no_realities = np.empty((0, dims), dtype=np.int8)
        self._no_dependencies = np.empty((dims, 0), dtype=np.intp)
        self.codes = np.zeros((structure.n_units, dims), dtype=np.int8)
        # what each role sees of each dimension, and what each person's score weighs: a
        # person's role stays through a reorganization
        self.vantage_matrix = as_matrix(p["vantage"])  # roles x domains (the input)
        self.vantage = self.vantage_matrix[structure.role][:, domains]
        # the superior group's scores weigh each dimension by what the person's role needs,
        # in whole percent so that scores are exact integers and ties are ties
        percent = np.rint(100 * role_weights).astype(np.int16)
        self.score_weights = percent[:, domains]
        # learning by doing: intensities of its per-cell Poisson process; socialization's
        self.neg_practice = -(p["learning_by_doing_rate"] * self.vantage).ravel()
        self.top_practice = p["learning_by_doing_rate"] * float(self.vantage.max(initial=0.0))
        rate = p["socialization_rate"]
        self.socialization = -math.log1p(-rate) if rate < 1 else math.inf
        # a full load per role (the cases a fully productive person works in a week)
        full = np.array([p[FULL_LOAD[role]] for role in ROLES], dtype=float)
        self.full_load = full.take(structure.role)
        self.code_change = rules.change_table(p["code_learning_rate"], structure.size)
        self._tables(structure, neighbours, neighbour_counts, own_share)

    def _tables(self, structure, neighbours, neighbour_counts, own_share) -> None:
        """The tables that depend on the structure and the seats.

        A week's conversations are slots of one plan (:func:`draw_conversations`); a slot's
        *row* indexes its topics (``topics``: the source's talk mask for a talk, the loop's
        relay for a review) and how readily they are taken (``adopt_rates``). Every slot tells
        its source's beliefs.
        """
        p, s, n = self.params, structure, structure.size
        dims = self.codes.shape[1]
        self.structure = s
        loops = feedback_loops(s, p["dimensions_per_domain"], self.vantage_matrix)
        self.plan = conversation_plan(s, neighbours, neighbour_counts, p, debrief_plan(loops))
        relay = np.array([r for *_, r in loops], dtype=float).reshape(len(loops), dims)
        talks = talk_masks(
            p["dimensions_per_domain"], self.vantage_matrix, p["expertise_threshold"]
        )
        talks = talks[s.role]  # what each person talks about
        self.topics = np.concatenate((talks.astype(float), relay))
        # per row, the chance of taking each dimension from a source who performs at least as
        # well as the receiver, then from one who performs worse (a review's briefer counts as
        # "better": the receiver asked for the report of a stage they do not see)
        rate = p["peer_learning_rate"] * self.topics
        self.adopt_rates = np.concatenate((rate, rate * p["worse_source_weight"]))
        self.worse_offset = len(self.topics)
        self.source_performance = np.full(n + len(loops), np.inf)  # a review: "better"
        self.code_cell = (s.unit[:, None] * dims + np.arange(dims)).ravel()
        # rivalry under individual pay: less sharing with rivals, in talks and playbooks (7.1)
        kept = sharing_kept(p["rivalry"], own_share)
        self.rivals = None if kept == 1.0 else (rival_key(s), kept)
        self.playbook_kept = 1.0 - (1.0 - kept) * rival_share(s)  # exactly 1 without rivalry
        # the territories each person's unit serves (a pod: its own; a department: its
        # members' union): the superior group is judged on them
        self.unit_serves = unit_serves(s)  # units x territories
        # the tables the compiled week takes (learn_week), grouped as it reads them
        plan = self.plan
        talk_plan = (
            plan.receivers, plan.chance, plan.lookup, plan.rows, plan.start, plan.size,
            plan.cross, plan.everyone,
        )  # fmt: skip
        key, kept = (plan.receivers[:0], 1.0) if self.rivals is None else self.rivals
        self._talks = (
            *talk_plan, key, kept, self.rivals is not None, self.source_performance,
            self.adopt_rates, self.worse_offset,
        )  # fmt: skip
        self._playbooks = (
            self.code_cell, self.socialization, s.unit, self.score_weights, self.playbook_kept,
            self.unit_serves, s.unit_order, s.unit_starts, self.code_change,
        )  # fmt: skip

    def rebuild(self, structure, neighbours, neighbour_counts, own_share) -> None:
        """The same people in a new ``structure`` and seats (a reorganization, docs/ODD.md 5.2):
        new playbooks merge the members' former ones (:func:`model.reorganization.merge_playbooks`),
        the conversations, review loops and rivals follow the new units; the streams go on."""
        old = self.structure
        self.codes = merge_playbooks(self.codes, old.unit, structure.unit, structure.n_units)
        self._tables(structure, neighbours, neighbour_counts, own_share)

    def __repr__(self) -> str:
        units, dims = self.codes.shape
        return f"Learning(units={units}, dimensions={dims}, slots={len(self.plan.receivers)})"

    def work_share(self, cases: np.ndarray) -> np.ndarray:
        """Per person, ``cases`` worked this week relative to a full load (:data:`FULL_LOAD`),
        at most 1: learning by doing scales with it."""
        return share_of_full_load(cases, self.full_load)

    def step(self, people, market: Market, performance, work) -> None:
        """One week of learning, in the order of docs/ODD.md section 7.4: one compiled call,
        :func:`learn_week`."""
        learn_week(
            people.beliefs, self.codes, work, self.neg_practice, self.top_practice,
            people.cooperation, performance, self.structure.territory,
            *self.market_arrays(market), *self._talks, *self._playbooks, *self._streams,
        )  # fmt: skip

    def market_arrays(self, market: Market) -> tuple[np.ndarray, np.ndarray, bool, np.ndarray]:
        """``market`` as the kernels take it: ``(reality, realities, territorial, depends)``,
        with an empty array for what a one-market or independent market lacks."""
        territorial = market.realities is not None
        realities = self._no_realities if market.realities is None else market.realities
        depends = self._no_dependencies if market.depends is None else market.depends
        return market.reality, realities, territorial, depends

    def observe(self, beliefs: np.ndarray, market: Market, cells: np.ndarray) -> None:
        """People observe the truth of the dimensions in ``cells`` (flat person x dimension)
        in the reality of the account worked (:func:`observe`, drawing territories from the
        ``worked_territory`` stream)."""
        reality, realities, territorial, depends = self.market_arrays(market)
        rng = self.streams["worked_territory"]
        observe(beliefs, cells, reality, realities, territorial, self.structure.territory,
                depends, rng)  # fmt: skip
