"""The vectorised learning kernels against straightforward per-person loops on small inputs.

Kernels that draw their uniforms in the same order as the loop must give the same result for
the same seed; the conversation draws (which fold the source's decision to share into the
talk's or debrief's own uniform) are checked against their exact pair probabilities.
"""

import copy
import math

import numpy as np
import pytest
import reference_learning as reference
from salesorg.model import SalesOrgModel
from salesorg.model.conversations import (
    conversation_plan,
    debrief_plan,
    draw_conversations,
    draw_talks,
)
from salesorg.model.draws import handle
from salesorg.model.interdependence import dependency_map
from salesorg.model.knowledge import (
    DOMAINS,
    ROLES,
    VANTAGE,
    WEIGHTS,
    dimension_domains,
    feedback_dimension_mask,
    talk_masks,
)
from salesorg.model.learning import (
    Market,
    feedback_loops,
    learn_by_doing,
    market_turbulence,
    peer_transfer,
    practice_cells,
    sparse_cells,
    territory_scores,
)
from salesorg.model.march import rules
from salesorg.model.organization import build_structure
from salesorg.model.seating import (
    floor_shape,
    neighbour_table,
    row_path,
    seat_order,
    seat_positions,
)
from salesorg.model.territories import Territories


def small_beliefs(seed, n=12, m=10):
    rng = np.random.default_rng(seed)
    return rng.integers(-1, 2, (n, m)).astype(np.int8), rng.choice(np.array([-1, 1], np.int8), m)


def test_learn_by_doing_sets_the_listed_cells_to_the_reality():
    beliefs, reality = small_beliefs(1)
    cells = np.array([0, 13, 13, 29, 119])
    expected = beliefs.copy()
    for cell in cells:
        i, d = divmod(int(cell), beliefs.shape[1])
        expected[i, d] = reality[d]
    learn_by_doing(beliefs, reality, cells)
    np.testing.assert_array_equal(beliefs, expected)


def test_practice_cells_are_independent_bernoulli_draws_per_cell():
    """Learning by doing with each cell's own rate, independently of every other cell."""
    n, dims, runs = 3, 4, 40000
    full = np.random.default_rng(0).random((n, dims)) * 0.4  # rate at a full load
    work = np.array([1.0, 0.5, 0.8])
    rate = full * work[:, None]
    practice = -np.log1p(-full.max() * work.max())
    rng = np.random.default_rng(1)
    learnt, pairs = np.zeros((n, dims)), np.zeros((n, dims))
    for _ in range(runs):
        hits = rng.poisson(practice * n * dims)
        u = rng.random(2 * hits)
        a = np.zeros(n * dims, bool)
        a[practice_cells(u[:hits], u[hits:], -full.ravel(), work, practice)] = True
        a = a.reshape(n, dims)
        learnt += a
        pairs += a & np.roll(a, 1)  # each cell with its neighbour in the flat order
    both = rate * np.roll(rate, 1)
    for share, p in ((learnt, rate), (pairs, both)):
        z = (share / runs - p) / np.sqrt(p * (1 - p) / runs)
        assert np.abs(z).max() < 5


def test_sparse_cells_hit_each_cell_with_its_probability_independently():
    cells, runs, rate = 6, 10000, 0.3
    rng, hit, pairs = np.random.default_rng(2), np.zeros(cells), np.zeros(cells)
    for _ in range(runs):
        a = np.zeros(cells, bool)
        a[sparse_cells(rng, -np.log1p(-rate), cells)] = True
        hit += a
        pairs += a & np.roll(a, 1)
    for share, p in ((hit, rate), (pairs, rate * rate)):
        z = (share / runs - p) / np.sqrt(p * (1 - p) / runs)
        assert np.abs(z).max() < 5


def reference_conversations(beliefs, reality, talks, debriefs, u):
    """Talks, then debriefs, one pair and dimension at a time, all reading the old beliefs.

    ``talks``: (receiver, source, probability, topics); ``debriefs``: (receiver, source, relay
    rate). Each passes the source's differing, non-neutral belief; the last pair that changes
    a dimension wins."""
    before, after, k = beliefs.copy(), beliefs.copy(), 0
    for r, s, probability, topics in talks:
        for d in range(beliefs.shape[1]):
            told = before[s, d]
            if topics[d] and told != 0 and told != before[r, d] and u[k, d] < probability:
                after[r, d] = told
        k += 1
    for r, s, rate in debriefs:
        for d in range(beliefs.shape[1]):
            told = before[s, d]
            if told != 0 and told != before[r, d] and u[k, d] < rate[d]:
                after[r, d] = told
        k += 1
    return after


def test_peer_transfer_of_talks_and_debriefs_matches_talks_then_debriefs():
    beliefs, reality = small_beliefs(4)
    n, dims = beliefs.shape
    topics = np.random.default_rng(5).random((n, dims)) < 0.7
    talks = [
        (r, s, p, topics[s])
        for r, s, p in (
            (0, 1, 0.9),
            (1, 3, 0.5),
            (2, 1, 0.7),
            (1, 4, 0.8),
            (5, 0, 1.0),
            (0, 7, 0.6),
        )
    ]  # 0 and 1 hear twice, 1 also tells
    relay = np.random.default_rng(6).random((2, dims))
    debriefs = [(1, 6, relay[0]), (0, 2, relay[1]), (1, 3, relay[1])]  # 0, 1 also debriefed
    u = np.random.default_rng(7).random((len(talks) + len(debriefs), dims), dtype=np.float32)
    expected = reference_conversations(beliefs, reality, talks, debriefs, u)
    pairs = [(r, s) for r, s, *_ in talks] + [(r, s) for r, s, _ in debriefs]
    receivers, sources = np.array(pairs).T
    probability = np.concatenate(([p * t for _, _, p, t in talks], [rate for *_, rate in debriefs]))
    rows = np.arange(len(pairs))  # a row of rates per pair, no source counted worse
    standing = np.zeros(max(len(pairs), n))
    changed = peer_transfer(beliefs, receivers, sources, rows, standing, probability, 0, u)
    np.testing.assert_array_equal(beliefs, expected)
    assert changed >= (beliefs != expected).sum()


@pytest.fixture(scope="module")
def office():
    """A small pods organization on its floor, with uneven cooperation."""
    structure = build_structure(
        "pods", 18, {"marketer": 1, "sdr": 2, "ae": 3, "se": 0, "csm": 2, "support": 1}
    )
    shape = floor_shape(structure.size)
    positions = seat_positions(
        seat_order(structure, "random", np.random.default_rng(0)), row_path(shape)
    )
    neighbours, counts = neighbour_table(positions, shape, 1)
    cooperation = np.linspace(0.1, 1.0, structure.size)
    return structure, neighbours, counts, cooperation


def talk_probabilities(structure, neighbours, counts, params, cooperation):
    """Exact probability of each (kind, receiver, source) talk that passes something."""
    n = structure.size
    p = np.zeros((2, n, n))
    for i in range(n):
        for j in neighbours[i, : counts[i]]:
            p[0, i, j] = params["talk_probability"] / counts[i] * cooperation[j]
        mates = structure.unit_order[structure.unit_starts[structure.unit[i]] :][
            : structure.unit_sizes[structure.unit[i]]
        ]
        for j in range(n):
            within = (1 - params["cross_unit_links"]) / len(mates) if j in mates else 0.0
            anyone = params["cross_unit_links"] / n
            p[1, i, j] = params["unit_talk_probability"] * (within + anyone) * cooperation[j]
        p[:, i, i] = 0.0  # no self-talk
    return p


def test_draw_talks_pair_frequencies_match_exact_probabilities(office):
    structure, neighbours, counts, cooperation = office
    params = {"talk_probability": 0.6, "unit_talk_probability": 0.5, "cross_unit_links": 0.3}
    n, runs = structure.size, 20000
    seen = np.zeros((n, n))
    rng = np.random.default_rng(19)
    for _ in range(runs):
        receivers, sources = draw_talks(structure, neighbours, counts, params, rng, cooperation)
        # neighbour talks first, then unit talks, each block by receiver
        assert (np.diff(receivers) <= 0).sum() <= 1
        np.add.at(seen, (receivers, sources), 1)
    exact = talk_probabilities(structure, neighbours, counts, params, cooperation)
    expected = exact.sum(axis=0) * runs
    assert seen[expected == 0].sum() == 0
    z = (seen - expected)[expected > 0] / np.sqrt(expected[expected > 0])
    assert np.abs(z).max() < 5 and 0.8 < np.mean(z**2) < 1.2


def test_draw_talks_without_cooperation_lists_every_talk(office):
    structure, neighbours, counts, _ = office
    params = {"talk_probability": 1.0, "unit_talk_probability": 1.0, "cross_unit_links": 0.0}
    receivers, sources = draw_talks(structure, neighbours, counts, params, np.random.default_rng(0))
    has_neighbours = np.flatnonzero(counts > 0)
    np.testing.assert_array_equal(receivers[: len(has_neighbours)], has_neighbours)
    assert (structure.unit[receivers] == structure.unit[sources])[len(has_neighbours) :].all()
    assert (receivers != sources).all()


def test_debrief_slots_frequencies_match_exact_probabilities(office):
    structure, neighbours, counts, _ = office
    loops = [
        (np.array([7, 8, 9]), np.array([0, 1]), None),
        (np.array([3]), np.array([4, 5, 6]), None),
        (np.array([4, 5]), np.array([0, 1]), None),  # receivers 0 and 1 are in two loops
    ]
    params = {"talk_probability": 0.0, "unit_talk_probability": 0.0, "cross_unit_links": 0.0}
    params["feedback_rate"] = rate = 0.4
    plan = conversation_plan(structure, neighbours, counts, params, debrief_plan(loops))
    n = structure.size
    cooperation = np.linspace(0.2, 1.0, n)
    rng, runs = np.random.default_rng(20), 20000
    seen = np.zeros((3, n, n))
    for _ in range(runs):
        slot, sources, _ = draw_conversations(plan, rng.random(plan.n_uniforms), cooperation)
        assert (slot >= 2 * n).all()  # no talks at chance 0
        np.add.at(seen, (plan.debriefs.loop[slot - 2 * n], plan.receivers[slot], sources), 1)
    expected = np.zeros_like(seen)
    for k, (src, dst, _) in enumerate(loops):
        for r in dst:
            expected[k, r, src] = rate * cooperation[src] / len(src) * runs
    assert seen[expected == 0].sum() == 0
    z = (seen - expected)[expected > 0] / np.sqrt(expected[expected > 0])
    assert np.abs(z).max() < 5


def test_debriefs_come_after_every_talk(office):
    structure, neighbours, counts, _ = office
    params = {"talk_probability": 1.0, "unit_talk_probability": 1.0, "cross_unit_links": 0.5}
    params["feedback_rate"] = 1.0
    plan = conversation_plan(
        structure, neighbours, counts, params, debrief_plan([(np.array([2]), np.array([0]), None)])
    )
    rng = np.random.default_rng(21)
    slot, *_ = draw_conversations(plan, rng.random(plan.n_uniforms), np.ones(structure.size))
    assert slot[-1] == 2 * structure.size and (np.diff(slot) > 0).all()


def test_rates_of_one_take_the_one_coin_per_cell_path():
    model = SalesOrgModel(
        rng=0, socialization_rate=1.0, peer_learning_rate=0.0, learning_by_doing_rate=0.0
    )
    model.codes[:] = 1
    before = model.people.beliefs.copy()
    model.learn()
    # every cell socialized: one step toward the playbook's +1
    np.testing.assert_array_equal(model.people.beliefs, np.minimum(before + 1, 1))


def test_no_reviews_in_the_functional_design():
    model = SalesOrgModel(rng=0, design="functional")
    assert len(model.learning.plan.debriefs.receivers) == 0
    model.step()


def test_debriefs_relay_the_source_roles_vantage_inside_the_loop_domains():
    model = SalesOrgModel(rng=0, design="the_model")
    dpd = model.params["dimensions_per_domain"]
    domains = dimension_domains(dpd)
    plan = model.learning.plan.debriefs
    for k, (source, receiver) in enumerate(
        (("csm", "marketer"), ("ae", "sdr"), ("sdr", "marketer"))
    ):
        role = model.ROLES.index(source)
        expected = VANTAGE[role][domains] * feedback_dimension_mask(source, receiver, dpd)
        np.testing.assert_array_equal(model.learning.topics[model.structure.size + k], expected)
        pool = plan.pool[plan.pool_start[plan.loop == k][0] :][: plan.pool_size[plan.loop == k][0]]
        assert (model.structure.role[pool] == role).all()
        receivers = plan.receivers[plan.loop == k]
        assert (model.structure.role[receivers] == model.ROLES.index(receiver)).all()


def test_learn_matches_plain_loops_on_the_same_draws():
    """The whole learning phase, glue included, against one person, pair and cell at a time,
    each sub-process on copies of its own stream."""
    model = SalesOrgModel(rng=3, design="the_model")
    for _ in range(5):
        model.step()
    p, people, s, learning = model.params, model.people, model.structure, model.learning
    n, dims = people.beliefs.shape
    beliefs, codes, reality = people.beliefs.copy(), model.codes.copy(), model.reality.copy()
    work, cooperation, performance = model.work_share(), people.cooperation, model.performance
    streams = {name: copy.deepcopy(rng) for name, rng in learning.streams.items()}
    coins = iter(rules.coins_for(beliefs, streams["acts"]))
    model.learn()

    # what people did this week: the belief, or the next coin where it is 0 (C order)
    actions = np.array([[b if b else next(coins) for b in row] for row in beliefs])
    lbd, soc, peer = p["learning_by_doing_rate"], p["socialization_rate"], p["peer_learning_rate"]
    vantage = learning.vantage
    practice = -np.log1p(-lbd * vantage.max() * work.max())
    rng = streams["learning_by_doing"]
    hits = rng.poisson(practice * n * dims)
    u = rng.random(2 * hits)
    for h in range(hits):  # learning by doing: a thinned Poisson process per cell
        i, d = divmod(int(u[h] * n * dims), dims)
        if u[hits + h] * practice < -math.log1p(-lbd * vantage[i, d] * work[i]):
            beliefs[i, d] = reality[d]
    rng, plan = streams["conversations"], learning.plan
    slot, sources, _ = draw_conversations(plan, rng.random(plan.n_uniforms), cooperation)
    u_told = rng.random((len(slot), dims), dtype=np.float32)
    relay = [r for *_, r in feedback_loops(s, p["dimensions_per_domain"])]
    masks = talk_masks(p["dimensions_per_domain"])[s.role]
    before = beliefs.copy()
    for j, (sl, src) in enumerate(zip(slot, sources, strict=True)):
        r = plan.receivers[sl]
        for d in range(dims):
            if sl < 2 * n:  # a talk
                rate = peer * (
                    1.0 if performance[src] >= performance[r] else p["worse_source_weight"]
                )
                told = before[src, d]
                if masks[src, d] and told != 0 and told != before[r, d] and u_told[j, d] < rate:
                    beliefs[r, d] = told
            else:  # a review: the briefer's belief on the loop's relay
                rate = peer * relay[plan.debriefs.loop[sl - 2 * n]][d]
                told = before[src, d]
                if told != 0 and told != before[r, d] and u_told[j, d] < rate:
                    beliefs[r, d] = told
    rng = streams["socialization"]
    hits = rng.poisson(-np.log1p(-soc) * n * dims)
    before = beliefs.copy()
    for h in rng.random(hits):  # one step toward the playbook (a cell drawn twice moves once)
        i, d = divmod(int(h * n * dims), dims)
        target = codes[s.unit[i], d]
        if target != 0 and before[i, d] != target:
            beliefs[i, d] = before[i, d] + (1 if target > before[i, d] else -1)
    # the superior group: acted score above the playbook's on the role's weighted domains
    rng = streams["playbook"]
    shares = rng.random(n)
    weight = np.rint(100 * WEIGHTS[s.role]).astype(int)[:, dimension_domains(dims // 5)]
    superior = [
        sum(weight[i, d] * actions[i, d] * reality[d] for d in range(dims))
        > sum(weight[i, d] * codes[s.unit[i], d] * reality[d] for d in range(dims))
        and shares[i] < cooperation[i]
        for i in range(n)
    ]
    u = rng.random(codes.shape)
    for g, d in np.ndindex(*codes.shape):
        tally = sum(int(actions[i, d]) for i in range(n) if s.unit[i] == g and superior[i])
        change = 1.0 - (1.0 - p["code_learning_rate"]) ** abs(tally)
        if tally != 0 and u[g, d] < change:
            codes[g, d] = np.sign(tally)
    np.testing.assert_array_equal(people.beliefs, beliefs)
    np.testing.assert_array_equal(model.codes, codes)


# ------------------------------------------- the compiled week against the numpy code it replaced
WEEK_SETTINGS = [
    {"design": "the_model"},
    {"design": "functional"},
    {"design": "the_model", "feedback_rate": 0.6, "dimensions_per_domain": 3},
    {"design": "pods", "territory_correlation": 0.3},
    {"design": "the_model", "interdependence": 2, "territory_correlation": 0.5},
    {"design": "pods", "interdependence": 3},
    {"design": "functional", "ae_territories": True, "territory_correlation": 0.0},
    {"design": "the_model", "rivalry": 0.6, "incentive": "individual", "cross_unit_links": 0.5},
    {"design": "pods", "socialization_rate": 1.0, "learning_by_doing_rate": 1.0,
     "vantage": {**{r: {d: 1.0 for d in DOMAINS} for r in ROLES}}},
]  # fmt: skip


@pytest.mark.parametrize("settings", WEEK_SETTINGS)
def test_learning_week_equals_the_numpy_code_it_replaced(settings):
    """Every sub-process of the week, draws included, against tests/reference_learning.py on
    copies of the same streams: the same beliefs, playbooks and stream states, week after week,
    in every market path (one market, territories, interdependence) and at rates of 1."""
    model = SalesOrgModel(rng=4, burn_in_weeks=4, **settings)
    for _ in range(6):
        model.run_week()
        learning, people = model.learning, model.people
        realities = model.territories.reality if model._territorial else None
        market = Market(model.reality, realities, model.depends)
        beliefs, codes = people.beliefs.copy(), model.codes.copy()
        work, performance = model.work_share(), model.performance.copy()
        streams = {name: copy.deepcopy(rng) for name, rng in learning.streams.items()}
        reference.learn_week(
            learning, beliefs, codes, market, performance, work, people.cooperation, streams
        )
        learning.step(people, market, model.performance, work)
        np.testing.assert_array_equal(people.beliefs, beliefs)
        np.testing.assert_array_equal(model.codes, codes)
        for name, rng in learning.streams.items():
            assert rng.bit_generator.state == streams[name].bit_generator.state, name


@pytest.mark.parametrize("k", [0, 2])
def test_territory_scores_equal_march_scores_summed_territory_by_territory(k):
    """The per-unit sums of :func:`territory_scores` against March's score taken person by
    person, territory by territory (units serving one, several or every territory; playbooks
    with and without views; with and without dependencies)."""
    rng = np.random.default_rng(10 + k)
    people, dims, territories, units = 40, 12, 5, 4
    actions = rng.choice(np.array([-1, 1], np.int8), (people, dims))
    codes = rng.integers(-1, 2, (units, dims)).astype(np.int8)
    realities = rng.choice(np.array([-1, 1], np.int8), (territories, dims))
    depends = dependency_map(dims, k, rng)
    weights = rng.integers(0, 60, (people, dims)).astype(np.int16)
    unit = rng.integers(0, units, people)
    unit_serves = np.array(
        [[1, 0, 0, 0, 0], [0, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 0, 0, 1, 1]], dtype=np.int64
    )
    acted, scored = territory_scores(actions, codes, realities, depends, weights, unit, unit_serves)

    def score(row, i):
        total = 0
        for t in np.flatnonzero(unit_serves[unit[i]]):
            z = realities[t]
            for d in range(dims):
                if row[d] == z[d] and all(row[e] == z[e] for e in depends[d]):
                    total += int(weights[i, d])
                elif row[d] != 0 and row[d] != z[d]:
                    total -= int(weights[i, d])
        return total

    assert acted.tolist() == [score(actions[i], i) for i in range(people)]
    assert scored.tolist() == [score(codes[unit[i]], i) for i in range(people)]
    assert len(set(acted.tolist())) > 10


@pytest.mark.parametrize(
    "rate, correlation, territories", [(0.01, 1.0, 10), (0.3, 0.4, 10), (0.5, 0.0, 400)]
)
def test_market_turbulence_equals_the_numpy_code_it_replaced(rate, correlation, territories):
    """The common flips, the territories' drift and their follow, week after week, against
    tests/reference_learning.py on copies of the same streams (400 territories x 30 signs take
    numpy's tail-shuffle path of choice at this rate)."""
    streams = [np.random.default_rng(s) for s in (5, 6)]
    common = np.random.default_rng(1).choice(np.array([-1, 1], np.int8), 30)
    t = Territories(territories, common.copy(), correlation, copy.deepcopy(streams[1]))
    reality, sign = common.copy(), t.sign.copy()
    ref = [copy.deepcopy(rng) for rng in streams]
    handles = [handle(rng) for rng in streams]
    for _ in range(30):
        market_turbulence(
            common, rate, handles[0], t.sign, t.reality, t.same, t.drifts(rate), handles[1]
        )
        reference.turbulence(reality, rate, ref[0])
        if t.drifts(rate):
            reference.drift(sign, t.same, rate, ref[1])
        np.testing.assert_array_equal(common, reality)
        np.testing.assert_array_equal(t.sign, sign)
        np.testing.assert_array_equal(t.reality, sign * reality)
    for rng, expected in zip(streams, ref, strict=True):
        assert rng.bit_generator.state == expected.bit_generator.state
