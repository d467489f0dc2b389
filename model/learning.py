"""The learning mechanism (:class:`Learning`) and its kernels on the people x dimensions beliefs.

The extensions of March (1991) the sales model adds: learning by doing through a role's vantage,
peer learning between pairs of people (Miller, Zhao & Calantone 2006) and market turbulence.
The March rules themselves (acting, socialization, the superior group and the playbooks'
learning) live in :mod:`model.march.rules`, shared with the March engine. A kernel is one numpy
call on whole arrays or a compiled loop over hits, pairs or cells (:mod:`model.jit`); the random
draws stay numpy's, outside. Each kernel has a plain reference beside it (``*_reference``,
one person, pair or cell at a time) that ``tests/test_learning.py`` holds it equal to on the same
draws. Beliefs are in {-1, 0, +1}; the reality is in {-1, +1}.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from salesorg.model.conversations import conversation_plan, debrief_plan, draw_conversations
from salesorg.model.incentives import rival_key, rival_share, sharing_kept
from salesorg.model.interdependence import effective, teachable
from salesorg.model.jit import kernel
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
from salesorg.model.territories import territory_of_cells

#: Per role, the parameter that says how many cases make a full week's load: leads generated,
#: leads worked, deals worked, technical deals helped, accounts covered, tickets solved.
FULL_LOAD = {
    "marketer": "leads_per_marketer", "sdr": "sdr_capacity", "ae": "ae_capacity",
    "se": "se_capacity", "csm": "csm_capacity", "support": "support_capacity",
}  # fmt: skip


# ----------------------------------------------------------------- kernels


def turbulence(reality: np.ndarray, rate: float, rng: np.random.Generator) -> None:
    """Flip each dimension of the market reality with probability ``rate`` (March's p4).

    Drawn as the number of flips, Binomial(dimensions, rate), then which dimensions: the same
    distribution as one coin per dimension, with one draw in the usual week without a flip.
    """
    flips = rng.binomial(reality.shape[0], rate)
    if flips:
        reality[rng.choice(reality.shape[0], flips, replace=False)] *= -1


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


def sparse_cells(rng: np.random.Generator, intensity: float, cells: int) -> np.ndarray:
    """The flat cells hit by one Poisson process of ``intensity`` per cell: Poisson(intensity x
    cells) hits, each on a uniform cell. A cell is hit at least once with probability
    ``1 - exp(-intensity)``, independently of every other cell, as one coin per cell would
    decide; the cost grows with the hits, not the cells. A cell hit twice is listed twice."""
    hits = rng.poisson(intensity * cells)
    return (rng.random(hits) * cells).astype(np.intp)  # floor(u k) < k for numpy's doubles


def practice_cells(u_cell, u_mark, neg_rate, work, practice):
    """Flat cells where people learn by doing this week (a thinned Poisson process).

    One Poisson process of intensity ``practice`` per (person, dimension) cell, each hit marked
    ``m = u practice``: a mark below ``-log(1 - rate)`` is kept, where ``rate`` is the cell's
    learning-by-doing probability (its role's vantage on the dimension's domain times the base
    rate and the person's work share). A thinned Poisson process is a Poisson process, so each
    cell learns with probability ``rate``, independently, as one coin per cell would decide;
    the cost grows with the hits, not the cells. A cell hit twice is listed twice (the update is
    idempotent). The logarithms are numpy's, between the two loops (:mod:`model.jit`).

    Args:
        u_cell, u_mark: two uniforms per hit; the hits are Poisson(``practice`` x cells).
        neg_rate: minus the learning-by-doing rate at a full load, people x dimensions (flat).
        work: per person, the multiplier of the rate (the work share).
        practice: the intensity of the largest ``rate``, ``-log(1 - max rate)``.
    """
    cell, neg = _practice_hits(u_cell, neg_rate, work)
    return _kept_hits(cell, np.log1p(neg), u_mark, practice)


@kernel
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


@kernel
def _kept_hits(cell, log_keep, u_mark, practice):
    """The hits whose mark ``u x practice`` falls below ``-log(1 - rate)``, in hit order."""
    kept = np.empty(cell.size, dtype=np.intp)
    count = 0
    for h in range(cell.size):
        if log_keep[h] < u_mark[h] * -practice:
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


@kernel
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


@kernel
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


def belief_diversity(beliefs: np.ndarray) -> float:
    """Mean Gini-Simpson diversity of beliefs per dimension, scaled to [0, 1].

    1 means the three belief values are equally common on every dimension; 0 means everyone
    agrees (March 1991 tracks the loss of this diversity as exploitation crowds out
    exploration).
    """
    n, dims = beliefs.shape
    return (1.0 - _agreement(beliefs) / (n * n * dims)) * 1.5


@kernel
def _agreement(beliefs: np.ndarray) -> int:
    """Sum over dimensions and belief values of the squared count of people holding it (an
    integer: exact): ``n^2`` x the summed shares squared."""
    n, dims = beliefs.shape
    counts = np.zeros((dims, 3), dtype=np.int64)
    for i in range(n):
        for j in range(dims):
            counts[j, beliefs[i, j] + 1] += 1
    total = 0
    for j in range(dims):
        for v in range(3):
            total += counts[j, v] * counts[j, v]
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


class Learning:
    """The week's learning (docs/ODD.md 7.4), one method per sub-process in the schedule's order:
    :meth:`act`, :meth:`learn_by_doing`, :meth:`converse` (talks and reviews),
    :meth:`socialize` and :meth:`learn_playbooks`; :meth:`step` runs them in that order.

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
        unit_serves = np.zeros((s.n_units, s.n_territories), dtype=np.int64)
        np.add.at(unit_serves, s.unit, s.serves)
        self.unit_serves = (unit_serves > 0).astype(np.int64).take(s.unit, axis=0).T

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
        full = self.full_load  # cases / full load below a full load, else 1 (no overflow)
        return np.divide(cases, full, out=(cases > 0).astype(float), where=cases < full)

    def step(self, people, market: Market, performance, work) -> None:
        """One week of learning, in the order of docs/ODD.md section 7.4."""
        actions = self.act(people.beliefs)
        self.learn_by_doing(people.beliefs, market, work)
        self.converse(people.beliefs, people.cooperation, performance)
        self.socialize(people.beliefs)
        self.learn_playbooks(actions, market, people.cooperation)

    def act(self, beliefs: np.ndarray) -> np.ndarray:
        """What people did this week: their beliefs, a coin where they hold none (March 1991);
        read before this week's learning changes the beliefs."""
        return rules.act(beliefs, self.streams["acts"])

    def learn_by_doing(self, beliefs: np.ndarray, market: Market, work: np.ndarray) -> None:
        """People observe the truth of a dimension with probability ``learning_by_doing_rate``
        x their role's vantage x their work share (:func:`practice_cells`, :meth:`observe`)."""
        rng = self.streams["learning_by_doing"]
        top = self.top_practice * work.max(initial=0.0)  # the largest rate
        if top < 1.0:
            practice = -math.log1p(-top)
            hits = rng.poisson(practice * beliefs.size)
            u = rng.random(2 * hits)
            cells = practice_cells(u[:hits], u[hits:], self.neg_practice, work, practice)
        else:  # a rate of 1 has no finite intensity: one coin per cell
            rate = -(self.neg_practice.reshape(beliefs.shape) * work[:, None]).ravel()
            cells = (rng.random(beliefs.size) < rate).nonzero()[0]
        self.observe(beliefs, market, cells)

    def observe(self, beliefs: np.ndarray, market: Market, cells: np.ndarray) -> None:
        """People observe the truth of the dimensions in ``cells`` (flat person x dimension)
        in the reality of the account worked: its territory's (one served territory, or one
        drawn by work share), and with interdependence only where the person's beliefs on the
        dimensions it depends on are right (:mod:`model.interdependence`)."""
        if market.realities is None:
            learn_by_doing(beliefs, market.reality, cells)
            return
        s, realities, dims = self.structure, market.realities, beliefs.shape[1]
        territory = territory_of_cells(
            cells, dims, s.territory, s.n_territories, self.streams["worked_territory"]
        )
        if market.depends is not None:
            keep = teachable(beliefs, realities, territory, cells, market.depends)
            cells, territory = cells[keep], territory[keep]
        beliefs.put(cells, realities.take(territory * dims + cells % dims))

    def converse(self, beliefs, cooperation, performance) -> None:
        """Talks and reviews pass the source's beliefs (right or wrong), all read before any
        writes (:func:`model.conversations.draw_conversations`, :func:`peer_transfer`)."""
        plan, rng, n = self.plan, self.streams["conversations"], len(beliefs)
        slot, sources, row = draw_conversations(
            plan, rng.random(plan.n_uniforms), cooperation, self.rivals
        )
        receivers = plan.receivers.take(slot)
        self.source_performance[:n] = performance
        u = rng.random((len(slot), beliefs.shape[1]), dtype=np.float32)
        peer_transfer(
            beliefs, receivers, sources, row, self.source_performance, self.adopt_rates,
            self.worse_offset, u,
        )  # fmt: skip

    def socialize(self, beliefs: np.ndarray) -> None:
        """Each cell moves one step toward its unit's playbook, where it holds a view, with
        probability ``socialization_rate`` (March's p1; :func:`sparse_cells`)."""
        if self.socialization < math.inf:
            cells = sparse_cells(self.streams["socialization"], self.socialization, beliefs.size)
        else:  # a rate of 1: every cell
            cells = np.arange(beliefs.size)
        rules.socialize(beliefs, cells, self.codes.take(self.code_cell.take(cells)))

    def learn_playbooks(self, actions, market: Market, cooperation) -> None:
        """Each playbook learns from its superior group (March's p2): the members whose week's
        actions scored above the playbook on what their role needs, and who share with it
        (cooperativeness gates the playbook as it gates talks; what goes into the playbook
        helps the unit's rivals too)."""
        codes, s = self.codes, self.structure
        rng = self.streams["playbook"]
        u_share = rng.random(len(s.unit))
        u_code = rng.random(codes.shape)
        share = cooperation * self.playbook_kept
        if market.realities is None:  # one market: scores and sharing in one pass
            superior = rules.superior_group(
                actions, codes, s.unit, market.reality, self.score_weights, share, u_share
            )
        else:
            superior = self.score(actions, market) > self.score(codes.take(s.unit, axis=0), market)
            superior &= u_share < share
        rules.learn_codes(
            codes, actions, superior, s.unit_order, s.unit_starts, self.code_change, u_code
        )

    def score(self, rows: np.ndarray, market: Market) -> np.ndarray:
        """March's score of each person's row (actions, or their unit's code) on what their
        role needs: against the common reality, or summed over the realities of the
        territories their unit serves; with interdependence a right value scores only where
        its dependencies are right too (integers: exact)."""
        if market.realities is None:
            return rules.score(rows, market.reality, self.score_weights)
        realities = market.realities[:, None]  # territories x 1 x dimensions
        if market.depends is None:
            per = rules.score(rows[None], realities, self.score_weights)
        else:
            # +1 where right with its dependencies, -1 where wrong, 0 for no view (or a right
            # value whose dependencies are wrong: it does not count)
            right = effective(rows[None] == realities, market.depends)
            wrong = (rows[None] != 0) & (rows[None] != realities)
            value = np.where(right, 1, np.where(wrong, -1, 0))
            per = rules.score(value.astype(np.int8), np.ones(1, np.int8), self.score_weights)
        return np.add.reduce(per * self.unit_serves, axis=0)
