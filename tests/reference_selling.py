"""The numpy selling week that :func:`model.selling.sell_week` replaced, as the plain reference.

:func:`reference_sell` stands in for :meth:`model.SalesOrgModel.sell`: the pipeline's steps as
whole-array numpy code (the per-lead loops it called, :func:`model.selling.lead_codes`,
:func:`~model.selling.call_leads`, :func:`~model.selling.decide_deals` and
:func:`~model.selling.join_ses`, have their own numpy references in tests/test_perf_selling.py),
drawing from the model's numpy Generators, working the pipeline's stores through their Python
methods (``append``, ``drop``, ``remove``, ``Deals.open``), and booking the credit and the
cases worked with ``np.bincount``. tests/test_perf_selling.py runs whole models with it and
with the compiled week and asserts they agree bit for bit.
"""

from __future__ import annotations

import numpy as np
from salesorg.model.handoffs import CONTEXT_ONE
from salesorg.model.pipeline import Pipeline, Workforce
from salesorg.model.selling import (
    DISQUALIFIED,
    EXPIRED,
    HELPED,
    LOST,
    REFERRAL,
    TECHNICAL,
    TERRITORY_SHIFT,
    WON,
    call_leads,
    decide_deals,
    join_ses,
    lead_codes,
    lead_rates,
)


def sigmoid(x):
    """The logistic function, ``1 / (1 + exp(-x))`` (numpy's: references and probabilities)."""
    return 1.0 / (1.0 + np.exp(-x))


def first_in_line(queue: np.ndarray, room) -> tuple[np.ndarray, np.ndarray]:
    """The numpy ``first_in_line``: the first ``room[q]`` items of each queue ``q``, grouped by
    queue (first-in first-out within each), and their queues."""
    order = queue.argsort(kind="stable")
    by_queue = queue[order]
    # 1-based position within its queue: index in the queue-sorted list minus the queue's start
    position = np.arange(1, len(queue) + 1) - by_queue.searchsorted(by_queue)
    taken = position <= room[by_queue]
    return order[taken], by_queue[taken]


def reference_sell(model) -> None:
    """:meth:`model.SalesOrgModel.sell` as it was: numpy steps, then the customers, then credit."""
    if not model.params["selling"]:
        return
    wf, s, flow, pipeline = model.workforce, model.streams, model.flow, model.pipeline
    week = model.week
    units, worked = [], []  # the week's unit credits and cases, by person
    generate(pipeline, week, wf, s["leads"], flow, units, worked)
    qualify(pipeline, week, wf, s["qualification"], flow, units, worked)
    assign(pipeline, week, wf, s["deals"])
    territory, fit, expectations, ae, se = close(pipeline, week, wf, s["deals"], flow)
    acv = model.customers.draw_acv(len(ae), s["deals"])
    model.customers.add(territory, fit, expectations, acv, week, 0.5, pipeline.won_context)
    flow["new_bookings"] += float(np.add.reduce(acv))
    # credit: one unit per lead and per passed lead, then each won deal's value to AE and SE
    value = acv * pipeline._per_median
    people = np.concatenate((*units, ae, se))
    weight = np.concatenate((np.ones(sum(len(u) for u in units)), value, value * (se != ae)))
    wf.output += np.bincount(people, weight, len(wf.output))
    n = len(wf.output)
    pipeline.worked[:] = np.bincount(np.concatenate(worked), minlength=n) if worked else 0


def generate(pipeline: Pipeline, step, wf: Workforce, rng, flow, units, worked) -> None:
    crew = pipeline.crews["marketer"]
    cumulative = lead_rates(wf.productivity, wf.performance, crew.people)
    total = float(cumulative[-1])
    k = int(rng.poisson(pipeline.p["leads_per_marketer"] * total)) if total > 0 else 0
    ref_territory, ref_fit, ref_technical = pipeline.referred
    pipeline.refer(pipeline.no_queue, np.zeros(0, bool), np.zeros(0, bool))
    ref_code = ref_technical * TECHNICAL + ref_fit + REFERRAL
    ref_code += ref_territory << TERRITORY_SHIFT
    ref_queue = 0 if pipeline.single else ref_territory
    line = pipeline.new
    if k:
        u = rng.random(3 * k)
        share = u[0::3]
        share.sort()
        source = cumulative[:-1].searchsorted(share * cumulative[-1:], "right")
        territory = pipeline.marketer_territory[source]
        if pipeline.shared_marketers and pipeline.n_territories > 1:
            shared = (territory < 0).nonzero()[0]
            draw = pipeline.territory_rng if pipeline.territory_rng is not None else rng
            territory[shared] = draw.integers(0, pipeline.n_territories, len(shared))
        territory = np.maximum(territory, 0)
        marketer = crew.people[source]
        p = pipeline.p
        fit_range = (p["lead_fit_min"], p["lead_fit_max"] - p["lead_fit_min"])
        code = lead_codes(
            u, marketer, territory, wf.tables()[0], fit_range, p["technical_deal_share"]
        )
        queue = 0 if pipeline.single else territory
        line.append(k, code, step, queue, marketer, CONTEXT_ONE)
        units.append(marketer)
        worked.append(marketer)
        flow["leads"] += k
    line.append(len(ref_code), ref_code, step, ref_queue, -1, CONTEXT_ONE)
    pipeline.generated += k + len(ref_code)


def hand_over(pipeline: Pipeline, holder, context, receiver) -> np.ndarray:
    if pipeline.handoffs is None or not pipeline.handoffs.active:
        return context
    return pipeline.handoffs.hand_over(holder, receiver, context)


def qualify(pipeline: Pipeline, step, wf: Workforce, rng, flow, units, worked) -> None:
    crew, line = pipeline.crews["sdr"], pipeline.new
    capacity = pipeline.p["sdr_capacity"] * crew.load(wf.productivity)
    r = 1 if pipeline.single else pipeline.n_queues
    leads, lead_queue = line.code, line.queue
    n = len(leads)
    most = min(n, int(capacity if pipeline.single else capacity.sum()) + r)
    u = rng.random(r + 2 * most)
    if pipeline.single:  # the oldest floor(capacity + U) leads
        k = min(int(capacity + u[0]), n)
        rows, queue = np.arange(k), None
    elif (np.bincount(lead_queue, None, r) <= capacity + u[:r]).all():
        rows, queue = None, lead_queue  # each queue works all of its leads, in line order
    else:
        rows, queue = first_in_line(lead_queue, capacity + u[:r])
    code = leads if rows is None else leads[rows]
    k = len(code)
    if k:
        sdr = crew.pick(u[r : r + 2 * k : 2], queue)
        worked.append(sdr)
        p = pipeline.p
        low = p["qualification_accuracy_min"]
        accuracy_range = (low, p["qualification_accuracy_max"] - low)
        kept = call_leads(code, sdr, u[r + 1 :], wf.tables()[0], accuracy_range)
        passer = sdr[kept]
        units.append(passer)
        chosen = slice(None) if rows is None else rows
        holder, context = line.holder[chosen][kept], line.context[chosen][kept]
        context = hand_over(pipeline, holder, context, passer)
        queue = 0 if pipeline.deal_single else code[kept] >> TERRITORY_SHIFT
        pipeline.waiting.append(len(kept), code[kept], step, queue, passer, context)
        if rows is None or pipeline.single:
            line.drop(k)
        else:
            line.remove(rows)
        pipeline.ledger[1 + DISQUALIFIED] += k - len(kept)
        flow["worked"] += k
        flow["qualified"] += len(kept)
    expire(pipeline, line, step)


def assign(pipeline: Pipeline, step, wf: Workforce, rng) -> None:
    line, deals, crew = pipeline.waiting, pipeline.deals, pipeline.crews["ae"]
    room = pipeline.p["ae_capacity"] * crew.load(wf.productivity)
    if pipeline.deal_single:
        k = max(0, min(int(room - deals.count), len(line)))
        rows, queue = np.arange(k), None
    else:
        rows, queue = first_in_line(line.queue, room - deals.busy)
        k = len(rows)
    if k:
        code, since = line.code[rows], line.since[rows]
        holder, context = line.holder[rows], line.context[rows]
        u = rng.random(2 * k)  # two per deal: AE, SE
        ae = crew.pick(u[0::2], queue)
        se = ae
        if "se" in pipeline.crews:
            se_crew = pipeline.crews["se"]
            se_room = pipeline.p["se_capacity"] * se_crew.load(wf.productivity)
            if se_crew.single:
                free, se_queue = np.array([se_room - deals.helped]), pipeline.no_queue
            else:
                free, se_queue = se_room - deals.helped_busy, queue
            se = join_ses(code, ae, se_queue, u[1::2], free, *se_crew.weights)[0]
        close_at = rng.geometric(pipeline.close_chance, k)
        close_at += step - 1
        context = hand_over(pipeline, holder, context, ae)
        deal_queue = 0 if pipeline.deal_single else queue
        deals.open(k, close_at, code, ae, se, since, context, deal_queue)
        if pipeline.deal_single:
            line.drop(k)
        else:
            line.remove(rows)
    expire(pipeline, line, step)


def close(pipeline: Pipeline, step, wf: Workforce, rng, flow):
    deals = pipeline.deals
    deals.week = step
    closing = (deals.close_at == step).nonzero()[0]
    n = len(closing)
    closed = deals.rows(closing)
    draw = rng.logistic(0.0, 1.0, n)
    performance, knowledge = wf.tables()
    handoffs = pipeline.handoffs
    lose_context = handoffs is not None and handoffs.active
    effects = (pipeline._effect, pipeline._effect_tech, *pipeline._account_weights)
    territory, fit, expectations, ae, se, context = decide_deals(
        closed, draw, pipeline.log_odds, performance, knowledge, effects, lose_context
    )
    won, code = len(ae), closed[1]
    helped = (code & HELPED) != 0
    np.subtract.at(deals.tally, closed[6] + deals.n_queues * helped, 1)
    pipeline.ledger[1 + WON] += won
    pipeline.ledger[1 + LOST] += n - won
    flow["won"] += won
    flow["lost"] += n - won
    flow["cycle_weeks"] += step * n - int(np.add.reduce(closed[4]))
    pipeline.won_context = context
    if lose_context:
        account_queue = np.zeros_like(territory) if pipeline.single else territory
        pipeline.won_context = handoffs.to_service(ae, account_queue, context)
    return territory, fit, expectations, ae, se


def expire(pipeline: Pipeline, line, step) -> None:
    last = step - pipeline.p["lead_expiry_weeks"]
    if len(line) and line.columns["since"][line.head] <= last:
        cold = int(line.since.searchsorted(last, "right"))
        line.drop(cold)
        pipeline.ledger[1 + EXPIRED] += cold
