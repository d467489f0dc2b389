"""The rewritten pipeline (docs/performance.md) against straightforward reference implementations.

Exact checks where the draws can be shared (the FIFO lines, first-in-line selection, worker
picks, qualification and deal assignment given the same uniforms, the win log-odds), and
statistical checks where the draws changed form: marketers' Poisson counts drawn as one split
total, a deal's geometric close week drawn at its start, wins from a logistic draw.
"""

import copy

import numpy as np
import pytest
from reference_queues import pick_workers, queue_rank
from reference_selling import sigmoid
from salesorg.model.columns import MIN_CAPACITY, FifoStore
from salesorg.model.knowledge import ROLE_INDEX, WEIGHTS
from salesorg.model.organization import build_structure
from salesorg.model.pipeline import (
    ACTIVE,
    DISQUALIFIED,
    FIT,
    HELPED,
    NEW,
    REFERRAL,
    STAGES,
    TECHNICAL,
    WAITING,
    Line,
    Pipeline,
    Workforce,
    logit,
)
from salesorg.model.queues import Crew, CrewGroup, first_in_line
from salesorg.model.selling import EXPECT, TECH
from salesorg.model.validation import validate_parameters


class Store(FifoStore):
    FIELDS = (("queue", np.intp), ("value", np.float64))


class TableStore(FifoStore):
    """Fields of one dtype: kept as the rows of one 2-D table."""

    FIELDS = (("queue", np.intp), ("value", np.intp))


@pytest.mark.parametrize("store_class", [Store, TableStore])
@pytest.mark.parametrize("seed", range(4))
def test_fifo_store_matches_a_list_through_appends_drops_and_removes(store_class, seed):
    rng = np.random.default_rng(seed)
    store, reference = store_class(), []
    assert (store.table is None) == (store_class is Store)
    for _ in range(60):
        k = int(rng.integers(0, 2 * MIN_CAPACITY))  # crosses the capacity several times
        queue, value = rng.integers(0, 4, k), rng.random(k)
        if store_class is TableStore:
            value = rng.integers(0, 1000, k)
        store.append(k, queue, value)
        reference += list(zip(queue.tolist(), value.tolist(), strict=True))
        action = rng.integers(0, 3)
        if action == 0:
            drop = int(rng.integers(0, len(reference) + 1))
            store.drop(drop)
            reference = reference[drop:]
        elif action == 1 and reference:
            rows = np.flatnonzero(rng.random(len(reference)) < 0.3)
            store.remove(rows)
            reference = [r for i, r in enumerate(reference) if i not in set(rows.tolist())]
        assert len(store) == len(reference)
        assert store.queue.tolist() == [q for q, _ in reference]
        assert store.value.tolist() == [v for _, v in reference]
        if store_class is TableStore and len(reference) > 2:
            index = store.head + np.array([0, len(reference) - 1, 1])
            expected = [reference[i - store.head] for i in index.tolist()]
            assert store.rows(index).T.tolist() == [list(r) for r in expected]


def reference_first_in_line(queue, room):
    taken, seen = [], {}
    for i, q in enumerate(queue.tolist()):
        seen[q] = seen.get(q, 0) + 1
        if seen[q] <= room[q]:
            taken.append(i)
    taken.sort(key=lambda i: queue[i])  # grouped by queue, stable
    return taken


@pytest.mark.parametrize("seed", range(5))
def test_first_in_line_takes_each_queues_first_room_items(seed):
    rng = np.random.default_rng(seed)
    queue = rng.integers(0, 4, 40)
    room = rng.random(4) * 12 - 2  # fractional, and negative for a queue that takes none
    taken, taken_queue = first_in_line(queue, room)
    assert taken.tolist() == reference_first_in_line(queue, room)
    np.testing.assert_array_equal(taken_queue, queue[taken])


@pytest.mark.parametrize("seed", range(6))
def test_a_queue_line_gives_up_each_queues_first_room_leads_and_keeps_the_rest(seed):
    rng = np.random.default_rng(seed)
    line = Line()
    for week in range(3):  # appends and a dropped front: the live rows start past row 0
        k = int(rng.integers(5, 40))
        queue, holder = rng.integers(0, 4, k), rng.integers(-1, 90, k)
        line.append(k, rng.integers(0, 16, k), week, queue, holder, rng.integers(0, 2**40, k))
    line.drop(int(rng.integers(0, 5)))
    fields = [name for name, _ in Line.FIELDS]
    before = {name: getattr(line, name).copy() for name in fields}
    queue = before["queue"]
    room = rng.random(4) * 12 - 2 if seed else np.full(4, 100.0)  # seed 0: all are taken
    taken = reference_first_in_line(queue, room)
    left = [i for i in range(len(queue)) if i not in set(taken)]
    got = line.take_first(room)
    for column, name in zip(got, fields, strict=True):
        np.testing.assert_array_equal(column, before[name][taken])
        np.testing.assert_array_equal(getattr(line, name), before[name][left])


@pytest.mark.parametrize("n_queues", [1, 3])
@pytest.mark.parametrize("seed", range(4))
def test_crew_pick_matches_pick_workers(n_queues, seed):
    rng = np.random.default_rng(seed)
    queue_of_person = rng.integers(0, n_queues, 30)
    queue_of_person[:n_queues] = np.arange(n_queues)  # every queue has someone
    people = np.argsort(queue_of_person, kind="stable")[::2]  # a role: sorted by queue
    people = people[np.argsort(queue_of_person[people], kind="stable")]
    queue_of_person[people[:n_queues]] = np.arange(n_queues)
    people = people[np.argsort(queue_of_person[people], kind="stable")]
    productivity = rng.integers(0, 8, 30) / 8.0  # exact sums: both algorithms round alike
    productivity[people[:n_queues]] = 1.0  # every queue has weight
    crew = Crew(people, queue_of_person, n_queues)
    crew.load(productivity)
    items = rng.integers(0, n_queues, 200)
    uniform = rng.random(200)
    uniform[:2] = [0.0, 0.5]
    expected = pick_workers(
        items, people, queue_of_person[people], productivity[people], n_queues, uniform
    )
    np.testing.assert_array_equal(crew.pick(uniform, items), expected)


@pytest.mark.parametrize("seed", range(4))
def test_crews_loaded_as_a_group_weigh_and_pick_as_each_crew_alone(seed):
    rng = np.random.default_rng(seed)
    n_queues, n_people = 4, 60
    queue_of_person = rng.integers(0, n_queues, n_people)
    role = rng.integers(0, 3, n_people)
    role[0] = 2  # a role with an empty queue: none of role 2 in queue 0
    queue_of_person[role == 2] = np.maximum(queue_of_person[role == 2], 1)
    productivity = rng.integers(0, 8, n_people) / 8.0  # exact sums: both ways round alike

    def crew(r):
        people = np.flatnonzero(role == r)
        return Crew(people[np.argsort(queue_of_person[people], kind="stable")], queue_of_person, 4)

    alone, grouped = [crew(r) for r in range(3)], [crew(r) for r in range(3)]
    CrewGroup(grouped)
    for weights in (productivity, productivity[::-1].copy()):
        for a, g in zip(alone, grouped, strict=True):
            np.testing.assert_array_equal(g.load(weights), a.load(weights))
            items = rng.choice(np.flatnonzero(a.span > 0), 100)
            uniform = rng.random(100)
            np.testing.assert_array_equal(g.pick(uniform, items), a.pick(uniform, items))
    assert grouped[2].span[0] == 0


# ---------------------------------------------------------------- a pipeline on small inputs
NONE = np.zeros(0, np.intp)


def book(pipeline, wf):
    """Book the credit noted so far (the pipeline books it once a week, in credit())."""
    pipeline.credit(wf, NONE, NONE, np.zeros(0))


def make_pipeline(design, seed, weeks=3, **overrides):
    params = validate_parameters({"design": design, **overrides})
    structure = build_structure(design, params["employees"], params["pod_composition"])
    pipeline = Pipeline(params, structure)
    rng = np.random.default_rng(seed)
    n = structure.size
    wf = Workforce(rng.random(n), rng.random(n), rng.random((n, 5)), np.zeros(n))
    for week in range(weeks):
        k = int(rng.integers(5, 40))
        queue = rng.integers(0, structure.n_queues, k)
        pipeline.add_leads(queue, rng.random(k) < 0.4, rng.random(k) < 0.5, rng.random(k) < 0.2,
                           week)  # fmt: skip
    return pipeline, wf, rng


def reference_qualify(pipeline, wf, u, step):
    """The pre-rewrite algorithm (queue_rank, pick_workers, accuracy) on the same uniforms."""
    p, nq = pipeline.p, pipeline.n_queues
    line = pipeline.new
    people = pipeline.members["sdr"]
    pq = pipeline.structure.queue[people]
    weight = wf.productivity[people]
    capacity = np.bincount(pq, weights=p["sdr_capacity"] * weight, minlength=nq)
    r = nq
    can_work = np.floor(capacity + u[:r]).astype(int)
    lq = line.queue
    worked = np.flatnonzero(queue_rank(lq, nq) < can_work[lq])
    if len(worked) < len(lq):  # the new draw order: by queue (line order if all are worked)
        worked = worked[np.argsort(lq[worked], kind="stable")]
    k = len(worked)
    sdr = pick_workers(lq[worked], people, pq, weight, nq, u[r : r + 2 * k : 2])
    accuracy = (
        p["qualification_accuracy_min"]
        + (p["qualification_accuracy_max"] - p["qualification_accuracy_min"]) * wf.performance[sdr]
    )
    right = u[r + 1 : r + 2 * k : 2] < accuracy
    fit = (line.code[worked] & FIT) != 0
    passed = np.where(fit, right, ~right)
    output = np.bincount(sdr[passed], minlength=len(wf.output)).astype(float)
    return worked[passed], k - int(passed.sum()), output


@pytest.mark.parametrize("design", ["functional", "pods"])
@pytest.mark.parametrize("seed", range(3))
def test_qualify_matches_the_reference_on_the_same_uniforms(design, seed):
    pipeline, wf, rng = make_pipeline(design, seed, sdr_capacity=1.5)  # capacity binds
    step = 3
    nq = pipeline.n_queues
    old_codes, old_queues = pipeline.new.code.copy(), pipeline.new.queue.copy()
    sdr_total = wf.productivity[pipeline.members["sdr"]].sum() * pipeline.p["sdr_capacity"]
    most = min(len(pipeline.new), int(sdr_total) + nq)
    u = copy.deepcopy(rng).random(nq + 2 * most)
    kept, disqualified, output = reference_qualify(pipeline, wf, u, step)
    pipeline.qualify(step, wf, rng, {"worked": 0, "qualified": 0})
    book(pipeline, wf)
    np.testing.assert_array_equal(pipeline.waiting.code, old_codes[kept])
    np.testing.assert_array_equal(pipeline.waiting.queue, old_queues[kept])
    assert pipeline.closed[DISQUALIFIED] == disqualified
    np.testing.assert_allclose(wf.output, output)
    assert pipeline.accounted()


def reference_assign(pipeline, wf, u, code, lq, busy, helped_busy):
    """The pre-rewrite assignment: free AE slots per queue, oldest first; SEs where free."""
    p, nq = pipeline.p, pipeline.n_queues
    aes, ses = pipeline.members["ae"], pipeline.members["se"]
    aq, sq = pipeline.structure.queue[aes], pipeline.structure.queue[ses]
    slots = np.bincount(aq, weights=p["ae_capacity"] * wf.productivity[aes], minlength=nq)
    free = np.maximum(np.floor(slots) - busy, 0)
    start = np.flatnonzero(queue_rank(lq, nq) < free[lq])
    start = start[np.argsort(lq[start], kind="stable")]  # the new draw order: by queue
    k = len(start)
    ae = pick_workers(lq[start], aes, aq, wf.productivity[aes], nq, u[0::2])
    se = np.full(k, -1)
    tech = np.flatnonzero(code[start] & TECHNICAL)
    tq = lq[start][tech]
    se_slots = np.bincount(sq, weights=p["se_capacity"] * wf.productivity[ses], minlength=nq)
    get = tech[queue_rank(tq, nq) < np.maximum(np.floor(se_slots) - helped_busy, 0)[tq]]
    se[get] = pick_workers(lq[start][get], ses, sq, wf.productivity[ses], nq, u[1::2][get])
    return start, ae, se


@pytest.mark.parametrize("design", ["functional", "pods"])
@pytest.mark.parametrize("seed", range(3))
def test_assign_matches_the_reference_on_the_same_uniforms(design, seed):
    pipeline, wf, rng = make_pipeline(design, seed, weeks=5, ae_capacity=3.0, se_capacity=1.0)
    flow = {"worked": 0, "qualified": 0}
    nq = pipeline.n_queues
    started = []
    for step in (5, 6, 7):  # later weeks start with busy AEs and SEs
        pipeline.qualify(step, wf, rng, flow)
        leads = pipeline.leads
        active = leads.stage == ACTIVE
        busy = np.bincount(leads.queue[active], minlength=nq)
        helped_busy = np.bincount(leads.queue[active & (leads.se >= 0)], minlength=nq)
        line = pipeline.waiting
        code, queue, since = line.code.copy(), line.queue.copy(), line.since.copy()
        reference_rng = copy.deepcopy(rng)
        before = pipeline.deals.tail
        pipeline.assign(step, wf, rng)
        k = pipeline.deals.tail - before
        u = reference_rng.random(2 * k)
        start, ae, se = reference_assign(pipeline, wf, u, code, queue, busy, helped_busy)
        assert len(start) == k
        started.append(k)
        deals = pipeline.deals
        table = [deals.columns[name][before : before + k] for name, _ in deals.FIELDS]
        np.testing.assert_array_equal(table[1] & ~HELPED, code[start])
        np.testing.assert_array_equal(table[2], ae)
        np.testing.assert_array_equal(np.where(table[3] == table[2], -1, table[3]), se)
        np.testing.assert_array_equal((table[1] & HELPED) != 0, se >= 0)
        np.testing.assert_array_equal(table[4], since[start])
        assert (table[0] >= step).all()
        assert pipeline.accounted()
    assert sum(started) > 0


@pytest.mark.parametrize("design", ["functional", "pods"])
@pytest.mark.parametrize("sdr_capacity", [0.8, 10.0])
def test_new_leads_taken_straight_to_the_sdrs_as_if_from_the_line(design, sdr_capacity):
    """This week's leads skip the (empty) line on their way to the SDRs; the same weeks with
    every lead written to the line first give the same pipeline."""
    runs = []
    for through_line in (False, True):
        pipeline, wf, _ = make_pipeline(design, 0, weeks=0, sdr_capacity=sdr_capacity)
        streams = [np.random.default_rng(s) for s in (1, 2, 3)]
        flow = dict.fromkeys(("leads", "worked", "qualified", "won", "lost", "cycle_weeks"), 0)
        for step in range(8):
            pipeline.generate(step, wf, streams[0], flow)
            if through_line:
                len(pipeline.leads)  # the view writes this week's leads to the line
            pipeline.qualify(step, wf, streams[1], flow)
            pipeline.assign(step, wf, streams[2])
            _, _, _, ae, se = pipeline.close(step, wf, streams[2], flow)
            pipeline.credit(wf, ae, se, np.ones(len(ae)))
            assert pipeline.accounted()
        leads = pipeline.leads
        runs.append((flow, pipeline.closed.tolist(), leads.stage.tolist(), leads.code.tolist(),
                     leads.qualified_at.tolist(), wf.output.tolist()))  # fmt: skip
    assert runs[0] == runs[1]
    assert runs[0][2].count(NEW) > 0 or sdr_capacity > 1  # low capacity leaves leads in line


# ---------------------------------------------------------------- the draws that changed form
def test_marketers_counts_are_poisson_with_their_rates():
    pipeline, wf, _ = make_pipeline("the_model", 0, weeks=0)
    people = pipeline.members["marketer"]
    rate = (
        pipeline.p["leads_per_marketer"] * wf.productivity[people] * (0.5 + wf.performance[people])
    )
    rng = np.random.default_rng(1)
    counts = []
    for week in range(3000):
        wf.output[:] = 0
        pipeline.generate(week, wf, rng, {"leads": 0})
        book(pipeline, wf)
        counts.append(wf.output[people].copy())
        len(pipeline.leads)  # this week's leads join the line, which is emptied
        pipeline.new.drop(len(pipeline.new))
    counts = np.array(counts)
    np.testing.assert_allclose(counts.mean(axis=0), rate, rtol=0.05)
    np.testing.assert_allclose(counts.var(axis=0), rate, rtol=0.15)
    # independent across marketers, as separate Poisson draws are
    corr = np.corrcoef(counts.T)[np.triu_indices(len(people), 1)]
    assert np.abs(corr).max() < 0.1


def test_generated_leads_keep_marketer_order_and_fit_shares():
    pipeline, wf, rng = make_pipeline("pods", 0, weeks=0, leads_per_marketer=50.0)
    pipeline.generate(0, wf, rng, {"leads": 0})
    queue = pipeline.new.queue
    assert (np.diff(queue) >= 0).all()  # pods: one marketer per queue, in marketer order
    p = pipeline.p
    people = pipeline.members["marketer"]
    share = p["lead_fit_min"] + (p["lead_fit_max"] - p["lead_fit_min"]) * wf.performance[people]
    fits, expected = [], []
    for _ in range(200):
        pipeline.new.drop(len(pipeline.new))
        pipeline.generate(0, wf, rng, {"leads": 0})
        fits.append(((pipeline.new.code & FIT) != 0).sum())
        expected.append(share[pipeline.new.queue].sum())
    assert abs(sum(fits) / sum(expected) - 1) < 0.03


def test_deals_close_with_hazard_one_over_the_cycle_from_their_first_week():
    pipeline, wf, rng = make_pipeline("functional", 0, weeks=0, ae_capacity=500.0)
    k = 4000
    pipeline.add_leads(np.zeros(k, int), np.ones(k, bool), np.zeros(k, bool), np.zeros(k, bool), 0)
    pipeline.waiting, pipeline.new = pipeline.new, pipeline.waiting  # all qualified at week 0
    pipeline.assign(0, wf, rng)
    assert len(pipeline.deals) == k
    chance = 1 / pipeline.p["sales_cycle_weeks"]
    for week in range(8):
        active = len(pipeline.deals)
        pipeline.close(week, wf, rng, {"won": 0, "lost": 0, "cycle_weeks": 0})
        hazard = (active - len(pipeline.deals)) / active
        assert abs(hazard - chance) < 4 * np.sqrt(chance * (1 - chance) / active)


def test_win_log_odds_and_probability_match_the_model():
    pipeline, wf, rng = make_pipeline("functional", 2, weeks=0)
    p = pipeline.p
    n = 40000
    code = rng.integers(0, 2 * HELPED, n)
    ae = rng.choice(pipeline.members["ae"], n)
    se = np.where(code & HELPED, rng.choice(pipeline.members["se"], n), ae)
    # the reference formula of the pre-rewrite close()
    helped = (code & HELPED) != 0
    ae_tech = wf.knowledge[ae, TECH]
    best = np.where(helped, np.maximum(ae_tech, wf.knowledge[se, TECH]), ae_tech)
    knowledge = wf.performance[ae] + WEIGHTS[ROLE_INDEX["ae"], TECH] * (best - ae_tech)
    log_odds = (
        logit(p["win_rate_reference"])
        + p["knowledge_win_effect"] * (knowledge - 0.5)
        - p["problem_customer_penalty"] * ((code & FIT) == 0)
        - p["no_se_penalty"] * (((code & TECHNICAL) != 0) & ~helped)
        + p["referral_win_bonus"] * ((code & REFERRAL) != 0)
    )
    deals = pipeline.deals
    deals.open(n, np.zeros(n, np.intp), code, ae, se, np.zeros(n, np.intp))
    flow = {"won": 0, "lost": 0, "cycle_weeks": 0}
    queue, fit, expectations, won_ae, won_se = pipeline.close(0, wf, rng, flow)
    acv = np.full(len(won_ae), p["acv_median"])
    wf.output[:] = 0
    pipeline.credit(wf, won_ae, won_se, acv)
    credit = np.bincount(won_ae, minlength=len(wf.output)) + np.bincount(
        won_se[won_se != won_ae], minlength=len(wf.output)
    )
    np.testing.assert_allclose(wf.output, credit)  # one unit to the AE, one to a helping SE
    assert flow["won"] + flow["lost"] == n and len(deals) == 0
    assert abs(flow["won"] - sigmoid(log_odds).sum()) < 4 * np.sqrt(n * 0.25)
    # expectations: the AE's, averaged with the SE's where one helped
    ke = wf.knowledge[:, EXPECT]
    np.testing.assert_allclose(
        expectations, np.where(won_se != won_ae, 0.5 * (ke[won_ae] + ke[won_se]), ke[won_ae])
    )
    assert fit.dtype == bool and len(queue) == len(fit) == flow["won"]


def test_a_logistic_draw_falls_below_x_with_probability_sigmoid_x():
    rng = np.random.default_rng(0)
    x = np.linspace(-3, 3, 7)
    share = (rng.logistic(0.0, 1.0, (200000, 1)) < x).mean(axis=0)
    np.testing.assert_allclose(share, sigmoid(x), atol=0.004)


# ---------------------------------------------------------------- the inspection view
def test_leads_view_counts_stages_and_marks_missing_se():
    from salesorg.model import SalesOrgModel

    model = SalesOrgModel(rng=1, design="pods")
    for _ in range(30):
        model.step()
    pipeline = model.pipeline
    leads = pipeline.leads
    counts = np.bincount(leads.stage, minlength=len(STAGES))
    assert counts[NEW] == len(pipeline.new) and counts[WAITING] == len(pipeline.waiting)
    assert (
        counts[ACTIVE]
        == len(pipeline.deals)
        == len(leads) - len(pipeline.new) - len(pipeline.waiting)
    )
    assert repr(leads).startswith(f"Leads(new={counts[NEW]}, waiting={counts[WAITING]}")
    for name in ("queue", "fit", "technical", "referral", "qualified_at", "ae", "se"):
        assert len(getattr(leads, name)) == len(leads)
    active = leads.stage == ACTIVE
    assert (leads.ae[active] >= 0).all() and (leads.ae[~active] == -1).all()
    assert ((leads.se >= 0) <= leads.technical).all()  # only technical deals get an SE
    assert pipeline.accounted()


@pytest.mark.parametrize("design", ["pods", "functional"])
def test_active_and_se_helped_deals_per_queue_kept_up_to_date_match_a_recount(design):
    from salesorg.model import SalesOrgModel

    model = SalesOrgModel(rng=4, design=design)
    deals, nq = model.pipeline.deals, model.structure.n_queues
    for _ in range(40):
        model.step()
        live = deals.live
        code = deals.code[live]
        queue = deals.queue[live] if nq > 1 else np.zeros(live.sum(), np.intp)
        helped = (code & HELPED) != 0
        assert deals.count == live.sum()
        assert deals.helped == helped.sum()
        if nq > 1:
            np.testing.assert_array_equal(deals.busy, np.bincount(queue, minlength=nq))
            np.testing.assert_array_equal(
                deals.helped_busy, np.bincount(queue[helped], minlength=nq)
            )
    assert deals.helped > 0
