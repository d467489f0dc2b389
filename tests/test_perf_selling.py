"""The selling phase's compiled kernels (docs/ODD.md 7.2, 7.11) against the numpy code they
replaced, bit for bit on the same inputs: the handoff kernels of :mod:`model.handoffs`; whole
runs of the compiled week (:func:`model.selling.sell_week`) against the numpy week
(tests/reference_selling.py) on the same draws; the win log-odds, the leads marketers generate,
the SDRs' calls, the SEs joining deals and the week's credit (:mod:`model.selling`); who works
an item (:class:`model.queues.Crew`).

The references below are the whole-population numpy versions the kernels replaced (each
computes the same float operations in the same order); ``tests/test_model_handoffs.py`` checks
both against the pair-by-pair definitions.
"""

from __future__ import annotations

import numpy as np
import pytest
from reference_selling import reference_sell
from salesorg.model import SalesOrgModel
from salesorg.model.handoffs import ACCOUNT_DOMAINS, CONTEXT_ONE, Handoffs
from salesorg.model.knowledge import DOMAINS, ROLE_INDEX
from salesorg.model.pipeline import Deals, Line
from salesorg.model.queues import Crew
from salesorg.model.selling import (
    EXPECT,
    FIT,
    HELPED,
    TECH,
    TECHNICAL,
    TERRITORY_SHIFT,
    WON,
    book_credit,
    call_leads,
    decide_deals,
    join_ses,
    lead_codes,
    lead_rates,
    lead_sources,
)

AE, CSM, SUPPORT = ROLE_INDEX["ae"], ROLE_INDEX["csm"], ROLE_INDEX["support"]


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


# ------------------------------------------------------------ the whole week (ODD 7.2, 7.11)
def _weeks(params: dict, weeks: int, seed: int = 7) -> list[dict]:
    """Each week's metrics and the pipeline's books and stores after it."""
    model = SalesOrgModel(rng=seed, burn_in_weeks=0, **params)
    rows = []
    for _ in range(weeks):
        model.step()
        pipeline = model.pipeline
        rows.append({
            **model.metrics,
            "won_context": pipeline.won_context.copy(),
            "ledger": pipeline.ledger.copy(),
            "tally": pipeline.deals.tally.copy(),
            "worked": pipeline.worked.copy(),
            "output": model.people.output.copy(),
            "acv": model.customers.acv.copy(),
            "satisfaction": model.customers.satisfaction.copy(),
            **{f"new.{name}": getattr(pipeline.new, name).copy() for name, _ in Line.FIELDS},
            **{f"waiting.{n}": getattr(pipeline.waiting, n).copy() for n, _ in Line.FIELDS},
            **{f"deals.{name}": getattr(pipeline.deals, name)[pipeline.deals.live].copy()
               for name, _ in Deals.FIELDS},
        })  # fmt: skip
    return rows


SETTINGS = [
    {"design": "the_model"},  # one market, one shared queue
    {"design": "pods", "territory_correlation": 0.3, "handoff_loss": 0.7},  # a market each
    {"design": "functional", "ae_territories": True, "interdependence": 2},  # shared marketers
    {"design": "pods", "handoff_loss": 0.0},  # no context lost
    # capacities that bind: leads left in line, queues taking part of theirs, few SE slots
    {"design": "pods", "sdr_capacity": 1.0, "ae_capacity": 2.0, "se_capacity": 0.5},
    {"design": "functional", "sdr_capacity": 1.0, "leads_per_marketer": 30.0},
    {"design": "the_model", "reorganize_at": 12, "reorganize_to": "pods", "handoff_loss": 0.5},
]


@pytest.mark.parametrize("params", SETTINGS)
def test_the_compiled_week_runs_the_model_as_the_numpy_week_did(params, monkeypatch):
    """Every metric, the pipeline's books and stores, the customers and the credit, week by
    week, equal with the compiled week and with the numpy reference (the same draws)."""
    weeks = 25
    fast = _weeks(params, weeks)
    monkeypatch.setattr(SalesOrgModel, "sell", reference_sell)
    np.testing.assert_equal(fast, _weeks(params, weeks))
    assert fast[-1]["ledger"][1 + WON] > 0 and len(fast[-1]["acv"]) > 0


def reference_log_odds(closed, base_log_odds, performance, knowledge, effects, lose_context):
    """The win log-odds of the numpy close (territory-indexed tables), per closing deal."""
    effect, effect_tech, language_weight, problem_weight = effects
    code, ae, se = closed[1], closed[2], closed[3]
    territory = code >> TERRITORY_SHIFT
    ae_tech = knowledge[territory, ae, TECH]
    lift = np.maximum(knowledge[territory, se, TECH] - ae_tech, 0.0)
    log_odds = base_log_odds[code]
    log_odds += effect * performance[territory, ae]
    log_odds += effect_tech * lift
    if lose_context:
        first, second = ACCOUNT_DOMAINS
        own = knowledge[territory, ae]
        known = language_weight * (own[:, first] - 0.5) + problem_weight * (own[:, second] - 0.5)
        log_odds -= effect * (1.0 - closed[5] / CONTEXT_ONE) * known
    return log_odds


@pytest.mark.parametrize("one_market", [True, False])
@pytest.mark.parametrize("lose_context", [True, False])
def test_decide_deals_computes_the_numpy_log_odds_to_the_last_bit(one_market, lose_context):
    """A draw just below a deal's numpy log-odds wins and a draw equal to it loses: so the
    kernel's log-odds equal numpy's exactly; the won deals' fields are the numpy ones."""
    rng = np.random.default_rng(5)
    territories, people, n = 4, 30, 500
    closed = np.zeros((7, n), np.intp)
    closed[1] = rng.integers(0, 2 * HELPED * territories, n)
    closed[2] = rng.integers(0, people, n)
    closed[3] = np.where(closed[1] & HELPED, rng.integers(0, people, n), closed[2])
    closed[5] = rng.integers(0, CONTEXT_ONE + 1, n)
    base = rng.normal(0.0, 1.0, 2 * HELPED * territories)
    rows = 1 if one_market else territories
    performance, knowledge = rng.random((rows, people)), rng.random((rows, people, len(DOMAINS)))
    effects = (1.3, 0.4, 0.35, 0.25)
    wide = (np.broadcast_to(performance, (territories, people)),
            np.broadcast_to(knowledge, (territories, people, len(DOMAINS))))  # fmt: skip
    log_odds = reference_log_odds(closed, base, *wide, effects, lose_context)
    won = decide_deals(closed, np.nextafter(log_odds, -np.inf), base, performance, knowledge,
                       effects, lose_context)  # fmt: skip
    lost = decide_deals(closed, log_odds, base, performance, knowledge, effects, lose_context)
    assert len(lost[0]) == 0
    territory, fit, expectations, ae, se, context = won
    np.testing.assert_array_equal(territory, closed[1] >> TERRITORY_SHIFT)
    np.testing.assert_array_equal(fit, (closed[1] & FIT) != 0)
    np.testing.assert_array_equal(ae, closed[2])
    np.testing.assert_array_equal(se, closed[3])
    np.testing.assert_array_equal(context, closed[5] / CONTEXT_ONE)
    k = wide[1]
    expected = k[territory, ae, EXPECT] + k[territory, se, EXPECT]
    expected *= 0.5
    np.testing.assert_array_equal(expectations, expected)


# ------------------------------------------------------- leads and the SDRs' calls (ODD 7.2)
def test_lead_rates_are_numpys_running_sum_bit_for_bit():
    rng = np.random.default_rng(2)
    productivity, performance = rng.random(200), rng.random(200)
    marketers = rng.choice(200, 60, replace=False)
    expected = np.add.accumulate(productivity[marketers] * (performance[marketers] + 0.5))
    np.testing.assert_array_equal(lead_rates(productivity, performance, marketers), expected)


@pytest.mark.parametrize("seed", range(6))
def test_lead_sources_give_the_marketers_of_the_sorted_uniforms(seed):
    """Counting each marketer's leads gives, lead by lead, the marketer the numpy code picked
    with the first uniforms sorted: also for marketers with no rate (equal running sums), for
    draws on a bound, and at both ends of [0, 1)."""
    rng = np.random.default_rng(seed)
    marketers, k = int(rng.integers(1, 40)), int(rng.integers(2, 400))
    rates = rng.random(marketers) * (rng.random(marketers) < 0.7)  # some generate nothing
    rates[-1] += 0.1  # a positive total
    running = np.add.accumulate(rates)
    u = rng.random(3 * k)
    first = u[0::3]
    on_bound = running[rng.integers(0, marketers, k // 4)] / running[-1]
    first[: len(on_bound)] = np.minimum(on_bound, np.nextafter(1.0, 0.0))
    first[len(on_bound) : len(on_bound) + 2] = 0.0, np.nextafter(1.0, 0.0)
    rng.shuffle(first)
    expected = running[:-1].searchsorted(np.sort(first) * running[-1], "right")
    np.testing.assert_array_equal(lead_sources(u, running), expected)


@pytest.mark.parametrize("one_market", [True, False])
def test_lead_codes_and_sdr_calls_equal_the_numpy_code_bit_for_bit(one_market):
    rng = np.random.default_rng(3)
    territories, people, k = 5, 40, 700
    rows = 1 if one_market else territories
    performance = rng.random((rows, people))
    wide = np.broadcast_to(performance, (territories, people))
    # generate: three uniforms per lead, the fit from the marketer's performance
    u = rng.random(3 * k)
    marketer, territory = rng.integers(0, people, k), rng.integers(0, territories, k)
    fit_min, fit_span, technical_share = 0.2, 0.55, 0.3
    fit_share = fit_span * wide[territory, marketer]
    fit_share += fit_min
    expected = (u[1::3] < fit_share) + TECHNICAL * (u[2::3] < technical_share)
    expected += territory << TERRITORY_SHIFT
    code = lead_codes(u, marketer, territory, performance, (fit_min, fit_span), technical_share)
    np.testing.assert_array_equal(code, expected)
    # qualify: a right call (with the SDR's accuracy) passes a good fit, turns away a poor one
    sdr, calls = rng.integers(0, people, k), rng.random(2 * k)
    accuracy = 0.35 * wide[code >> TERRITORY_SHIFT, sdr]
    accuracy += 0.5
    passed = ((calls[0::2] < accuracy) == ((code & FIT) != 0)).nonzero()[0]
    np.testing.assert_array_equal(call_leads(code, sdr, calls, performance, (0.5, 0.35)), passed)


def test_book_credit_equals_numpys_bincount_of_the_week_bit_for_bit():
    rng = np.random.default_rng(4)
    people, per_median = 50, 1.0 / 37.0
    output = rng.random(people)  # credit adds to what is there
    units = rng.integers(0, people, 300)
    ae = rng.integers(0, people, 40)
    se = np.where(rng.random(40) < 0.4, rng.integers(0, people, 40), ae)
    acv = rng.lognormal(3.0, 1.0, 40)
    value = acv * per_median
    weight = np.concatenate((np.ones(len(units)), value, value * (se != ae)))
    expected = output + np.bincount(np.concatenate((units, ae, se)), weight, people)
    credit = np.bincount(units, minlength=people).astype(float)  # the units noted in the week
    book_credit(output, credit, ae, se, acv, per_median)
    np.testing.assert_array_equal(output, expected)
    assert not credit.any()  # cleared for the next week


# ------------------------------------------------------------ who works an item (model.queues)
def reference_load_and_pick(people, queue_of_person, n_queues, productivity, uniform, items):
    """The numpy Crew the kernels replaced: its weights per queue and its picks."""
    if n_queues == 1:
        bounds = np.add.accumulate(productivity[people])
        position = bounds[:-1].searchsorted(uniform * bounds[-1:], "right")
        return np.array([bounds[-1]]), people[position]
    count = np.bincount(queue_of_person[people], minlength=n_queues)
    end = np.cumsum(count)
    first, last = end - count, np.maximum(end - 1, 0)
    cumulative = np.zeros(len(people) + 1)
    np.add.accumulate(productivity[people], out=cumulative[1:])
    start = cumulative[first]
    span = cumulative[end] - start
    target = start[items] + uniform * span[items]
    position = cumulative[1:].searchsorted(target, "right")
    return span, people[np.minimum(position, last[items])]


@pytest.mark.parametrize("n_queues", [1, 4])
@pytest.mark.parametrize("seed", range(3))
def test_crew_kernels_weigh_and_pick_as_the_numpy_crew_bit_for_bit(n_queues, seed):
    rng = np.random.default_rng(seed)
    queue_of_person = rng.integers(0, n_queues, 80)
    people = np.flatnonzero(rng.random(80) < 0.6)
    people = people[np.argsort(queue_of_person[people], kind="stable")]
    productivity = rng.random(80)  # any floats: the running sums must round alike
    uniform = np.append(rng.random(300), [0.0, np.nextafter(1.0, 0.0)])
    items = rng.integers(0, n_queues, len(uniform))
    span, picked = reference_load_and_pick(
        people, queue_of_person, n_queues, productivity, uniform, items
    )
    crew = Crew(people, queue_of_person, n_queues)
    weight = crew.load(productivity)
    np.testing.assert_array_equal(np.atleast_1d(weight), span)
    np.testing.assert_array_equal(crew.pick(uniform, items), picked)
    np.testing.assert_array_equal(crew.pick(uniform[::2], items[::2]), picked[::2])  # a view


def reference_join_se(code, ae, queue, u, crew, room, helped):
    """The numpy ``Pipeline._join_se`` that :func:`model.selling.join_ses` replaced; ``room``
    is SE capacity x the crew's weight, ``helped`` the deals SEs help (per queue, or all)."""
    tech = ((code & TECHNICAL) != 0).nonzero()[0]
    if crew.single:
        get_se = tech[: max(0, int(room - helped))]
    else:
        room = room - helped
        tq = queue[tech]
        position = np.arange(1, len(tech) + 1) - tq.searchsorted(tq)
        get_se = tech[position <= room[tq]]
    se, code = ae.copy(), code.copy()
    se[get_se] = crew.pick(u[get_se], None if crew.single else queue[get_se])
    code[get_se] += HELPED
    return se, code


@pytest.mark.parametrize("n_queues", [1, 3])
@pytest.mark.parametrize("seed", range(3))
def test_join_ses_gives_the_numpy_ses_and_marks(n_queues, seed):
    rng = np.random.default_rng(seed)
    queue_of_person = rng.integers(0, n_queues, 40)
    queue_of_person[:n_queues] = np.arange(n_queues)
    people = np.argsort(queue_of_person, kind="stable")
    crew = Crew(people, queue_of_person, n_queues)
    room = crew.load(rng.random(40) + 0.1)
    k = 60
    queue = np.sort(rng.integers(0, n_queues, k))  # the week's deals, grouped by queue
    code = rng.integers(0, 4 * HELPED, k) & ~HELPED
    ae, u = rng.integers(0, 40, k), rng.random(k)
    for scale in (0.0, 0.3, 1.0, 50.0):  # no slots, a few, most, all
        helped = rng.integers(0, 3) if n_queues == 1 else rng.integers(0, 3, n_queues)
        se, marked = reference_join_se(code, ae, queue, u, crew, scale * room, helped)
        free = np.atleast_1d(scale * room - helped).astype(float)
        got_code = code.copy()
        one = np.zeros(0, np.intp)
        got, count = join_ses(got_code, ae, one if n_queues == 1 else queue, u, free, *crew.weights)
        np.testing.assert_array_equal(got, se)
        np.testing.assert_array_equal(got_code, marked)
        assert count == np.count_nonzero(marked != code)
