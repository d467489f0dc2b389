"""The selling phase (docs/ODD.md 7.2, 7.11), compiled (:mod:`model.jit`): one call a week.

:func:`sell_week` runs the week's pipeline in the order of docs/ODD.md 7.2, one kernel per step:
:func:`generate_leads` (marketers make leads), :func:`qualify_leads` (SDRs work them, first in,
first out), :func:`start_deals` (AEs take qualified opportunities as slots free up, SEs join
technical deals), :func:`close_deals` (deals close and are won or lost; the won ones are handed
to service and get their contract value) and :func:`book_credit` (the week's credit). Each step
is a plain loop over the week's leads or deals, built from the smaller loops below it (the
leads' traits, the SDRs' calls, the verdicts), and draws from the model's named streams inside
the kernel (:mod:`model.draws`): the same draws, in the same order, as the numpy code it
replaced, so the bits are the same (tests/test_perf_selling.py runs whole models both ways).

The kernels work the pipeline's stores in place (:class:`model.pipeline.Line`,
:class:`model.pipeline.Deals`: tables of integer fields, one field per row, see the row names
below) and take its arrays in a few tuples that travel together (:meth:`model.pipeline.Pipeline
.bundles`):

- ``rngs``: the handles of the ``leads``, ``territory_work``, ``qualification`` and ``deals``
  streams;
- ``work``: the week's ``(productivity, performance, output, performance by territory,
  knowledge by territory)`` (:class:`model.pipeline.Workforce`); per-person tables by territory
  have one row per territory, or one row that every territory reads in one market;
- ``crews``: the marketers and their territories, then per crew (SDRs, AEs, SEs) what
  :func:`model.queues.running_weights` fills and :func:`model.queues.pick_one` draws from;
- ``state``: the stores' tables and ends, the active deals per queue, the ledger, and per person
  the week's credit and cases worked, and the week's flows;
- ``settings``: the parameters, and the layout of queues and territories;
- ``handoff``: :attr:`model.handoffs.Handoffs.tables`.
"""

from __future__ import annotations

import numpy as np
from salesorg.model.columns import fifo_drop, fifo_keep, fifo_room
from salesorg.model.draws import generator
from salesorg.model.handoffs import ACCOUNT_DOMAINS, CONTEXT_ONE, hand_on, service_context
from salesorg.model.jit import inline_kernel, kernel
from salesorg.model.knowledge import DOMAIN_INDEX
from salesorg.model.queues import first_in_line, pick_one, running_weights
from salesorg.model.sums import numpy_sum

#: A lead's fixed traits packed in one integer ``code`` (one column to carry between stages).
FIT, TECHNICAL, REFERRAL, HELPED = 1, 2, 4, 8  # HELPED: an SE works the deal
#: A lead's territory is packed in ``code`` above the traits: ``code >> TERRITORY_SHIFT``.
TERRITORY_SHIFT = 4
TECH = DOMAIN_INDEX["product_technical"]
EXPECT = DOMAIN_INDEX["expectation_setting"]
LANGUAGE, PROBLEM = ACCOUNT_DOMAINS  # the account's domains: the buyer's language and problem

#: A lead's stage: open (new, waiting for an AE, active) or closed.
NEW, WAITING, ACTIVE, DISQUALIFIED, EXPIRED, WON, LOST = range(7)
STAGES = ("new", "waiting", "active", "disqualified", "expired", "won", "lost")
#: The ledger: leads generated (entry 0), then leads closed per stage (entry 1 + stage).
GENERATED = 0
#: The rows (fields) of a line's table (:class:`model.pipeline.Line`).
CODE, SINCE, QUEUE, HOLDER, CONTEXT = range(5)
#: The rows (fields) of the deal log's table (:class:`model.pipeline.Deals`).
CLOSE_AT, DEAL_CODE, AE, SE, QUALIFIED_AT, DEAL_CONTEXT, DEAL_QUEUE = range(7)
#: The week's flows, in this order in ``state``'s flow array (the model's flow names).
FLOWS = ("leads", "worked", "qualified", "won", "lost", "cycle_weeks", "new_bookings")
LEADS, WORKED, QUALIFIED, WON_FLOW, LOST_FLOW, CYCLE_WEEKS, BOOKINGS = range(7)


@inline_kernel
def lead_rates(productivity, performance, marketers):
    """Each marketer's lead rate, ``productivity x (performance + 0.5)``, as a running sum in
    marketer order (a marketer who knows nothing of the market still generates half the leads
    of one who knows it all)."""
    running = np.empty(len(marketers))
    total = 0.0
    for i in range(len(marketers)):
        person = marketers[i]
        total += productivity[person] * (performance[person] + 0.5)
        running[i] = total
    return running


@inline_kernel
def lead_sources(u, running):
    """Each lead's marketer, as a position in ``running`` (:func:`lead_rates`), picked by the
    lead's first uniform ``u[3i]`` in proportion to the rates; the leads in marketer order.

    The position is nondecreasing in the uniform (a rounded product and a search are both
    monotone), so counting each marketer's leads and listing them in order gives the positions
    of the sorted uniforms without sorting them."""
    k = len(u) // 3
    count = np.zeros(len(running), np.intp)
    for i in range(k):
        # the last bound is left out: a draw rounded up to the total stays with the last
        count[np.searchsorted(running[:-1], u[3 * i] * running[-1], side="right")] += 1
    source = np.empty(k, np.intp)
    i = 0
    for position in range(len(running)):
        for _ in range(count[position]):
            source[i] = position
            i += 1
    return source


@inline_kernel
def lead_codes(u, marketer, territory, performance, fit_range, technical_share):
    """The traits of each new lead, from its three uniforms ``u[3i : 3i + 3]`` (the second and
    third used here): a good fit with probability ``lead_fit_min + (lead_fit_max -
    lead_fit_min) x`` its marketer's performance in the lead's territory, technical with
    probability ``technical_deal_share``; the territory packed above the traits.

    ``fit_range`` is ``(lead_fit_min, lead_fit_max - lead_fit_min)``."""
    fit_min, fit_span = fit_range
    one_market = performance.shape[0] == 1
    code = np.empty(len(marketer), np.intp)
    for i in range(len(marketer)):
        t = territory[i]
        fit_share = fit_span * performance[0 if one_market else t, marketer[i]]
        fit_share += fit_min
        fit = 1 if u[3 * i + 1] < fit_share else 0
        technical = TECHNICAL if u[3 * i + 2] < technical_share else 0
        code[i] = fit + technical + (t << TERRITORY_SHIFT)
    return code


@inline_kernel
def call_leads(code, sdr, u, performance, accuracy_range):
    """Which worked leads the SDRs pass (docs/ODD.md 7.2): the SDR ``sdr[i]`` makes the right
    call with probability ``qualification_accuracy_min + (qualification_accuracy_max -
    qualification_accuracy_min) x`` the SDR's performance in the lead's territory (uniform
    ``u[2i]``), and a right call passes a good fit and turns away a poor one.

    ``accuracy_range`` is ``(accuracy_min, accuracy_max - accuracy_min)``. Returns the indices
    of the passed leads."""
    accuracy_min, accuracy_span = accuracy_range
    one_market = performance.shape[0] == 1
    passed = np.empty(len(code), np.intp)
    k = 0
    for i in range(len(code)):
        t = code[i] >> TERRITORY_SHIFT
        accuracy = accuracy_span * performance[0 if one_market else t, sdr[i]]
        accuracy += accuracy_min
        right_call = u[2 * i] < accuracy
        if right_call == ((code[i] & FIT) != 0):
            passed[k] = i
            k += 1
    return passed[:k]


@inline_kernel
def decide_deals(closed, draw, base_log_odds, performance, knowledge, effects, lose_context):
    """Which of the week's closing deals are won (docs/ODD.md 7.2, 7.11), deal by deal.

    A deal is worked with the knowledge of its territory. Its win log-odds are its traits'
    part (``base_log_odds[code]``, the centring of the knowledge term folded in), plus
    ``knowledge_win_effect x`` the AE's performance, plus the AE's technical weight x the lift
    an SE brings (how much the SE's technical knowledge exceeds the AE's, if it does); where
    context was lost at handoffs (``lose_context``), minus ``knowledge_win_effect x (1 -
    context) x`` the AE's weighted knowledge of the buyer's language and problem above a
    guess (0.5). A deal is won when its standard logistic ``draw`` falls below its log-odds,
    that is with probability sigmoid(log-odds).

    Args:
        closed: the closing deals' rows of the deal log (:class:`Deals` fields x deals).
        draw: one standard logistic draw per closing deal.
        base_log_odds: per trait code, the log-odds its traits give.
        performance, knowledge: per territory (one row: one market), people [x domains].
        effects: ``(knowledge_win_effect, AE's technical weight x knowledge_win_effect,
            AE's weight of the buyer's language, AE's weight of the buyer's problem)``.

    Returns:
        ``(territory, fit, expectations, ae, se, context)`` of the won deals in log order:
        ``expectations`` the mean of the AE's and the SE's (or the AE's twice) expectation
        setting, ``context`` the share of context the AE holds.
    """
    effect, effect_tech, language_weight, problem_weight = effects
    n = closed.shape[1]
    one_market = performance.shape[0] == 1
    territory, ae_won, se_won = np.empty(n, np.intp), np.empty(n, np.intp), np.empty(n, np.intp)
    fit, expectations, context = np.empty(n, np.bool_), np.empty(n), np.empty(n)
    won = 0
    for i in range(n):
        code, ae, se = closed[1, i], closed[2, i], closed[3, i]
        t = code >> TERRITORY_SHIFT
        row = 0 if one_market else t
        ae_tech = knowledge[row, ae, TECH]
        lift = knowledge[row, se, TECH] - ae_tech
        if lift < 0.0:  # an SE brings the better of the two technical knowledges
            lift = 0.0
        log_odds = base_log_odds[code] + effect * performance[row, ae]
        log_odds += effect_tech * lift
        share = closed[5, i] / CONTEXT_ONE
        if lose_context:
            language = language_weight * (knowledge[row, ae, LANGUAGE] - 0.5)
            known = language + problem_weight * (knowledge[row, ae, PROBLEM] - 0.5)
            log_odds -= effect * (1.0 - share) * known
        if draw[i] < log_odds:
            territory[won], ae_won[won], se_won[won] = t, ae, se
            fit[won] = (code & FIT) != 0
            expectations[won] = (knowledge[row, ae, EXPECT] + knowledge[row, se, EXPECT]) * 0.5
            context[won] = share
            won += 1
    return (territory[:won], fit[:won], expectations[:won], ae_won[:won], se_won[:won],
            context[:won])  # fmt: skip


@inline_kernel
def book_credit(output, credit, ae, se, acv, per_median):
    """Add the week's credit for attributable results to ``output`` (docs/ODD.md 7.2):
    ``credit`` holds one unit per lead to its marketer and per passed lead to its SDR (noted as
    the week went on); each won deal's value (ACV in units of the median: ``acv x
    per_median``) goes to its AE and to the SE who helped (``se[i]`` is the AE where none
    helped: no second credit). The credits are summed per person in that order, then added to
    ``output``; ``credit`` is cleared for the next week."""
    for i in range(len(ae)):
        credit[ae[i]] += acv[i] * per_median
    for i in range(len(se)):
        helped = 1.0 if se[i] != ae[i] else 0.0
        credit[se[i]] += acv[i] * per_median * helped
    for person in range(len(output)):
        output[person] += credit[person]
        credit[person] = 0.0


@inline_kernel
def join_ses(code, ae, queue, u, free, start, span, cumulative, last, pool):
    """SEs join the week's new technical deals (docs/ODD.md 7.2), first-in first-out within
    each SE queue while it has free slots: the ``n``-th technical deal of queue ``q`` gets an
    SE if ``n <= free[q]`` (SE capacity x the SEs' weight, less the deals they already help),
    drawn in proportion to weight with its uniform ``u[i]`` (:func:`model.queues.pick_one`, the
    SE crew's weights in ``start .. pool``); its ``code`` is marked HELPED in place. An empty
    ``queue``: one SE queue for every deal.

    Returns:
        ``(se, helped)``: each deal's SE (its AE where none helps) and how many got one.
    """
    se = ae.copy()
    seen = np.zeros(len(free), np.intp)
    helped = 0
    for i in range(len(code)):
        if code[i] & TECHNICAL:
            q = queue[i] if len(queue) else 0
            seen[q] += 1
            if seen[q] <= free[q]:
                se[i] = pick_one(u[i], q, start, span, cumulative, last, pool)
                code[i] += HELPED
                helped += 1
    return se, helped


# ------------------------------------------------------------------ the week's steps
@kernel
def sell_week(step, rngs, work, crews, tables, state, settings, referred):
    """The week's selling (docs/ODD.md 7.2), step by step: leads, qualification, new deals,
    closing deals, credit. Returns the stores' tables (new ones where a store grew) and the won
    accounts ``(territory, fit, expectations, acv, context)`` for the customer base; the week's
    flows are in ``state`` (:data:`FLOWS`)."""
    state[7][:] = 0.0
    tables = generate_leads(step, rngs, work, crews, tables, state, settings, referred)
    tables = qualify_leads(step, rngs, work, crews, tables, state, settings)
    tables = start_deals(step, rngs, work, crews, tables, state, settings)
    territory, fit, expectations, ae, se, context = close_deals(step, rngs, work, tables, state,
                                                                settings)  # fmt: skip
    acv = contract_values(len(ae), rngs[3], settings[3])
    state[7][BOOKINGS] += numpy_sum(acv)
    book_credit(work[2], state[5], ae, se, acv, settings[3][4])
    return tables, (territory, fit, expectations, acv, context)


@inline_kernel
def generate_leads(step, rngs, work, crews, tables, state, settings, referred):
    """Marketers generate the week's leads; last week's referrals join them (docs/ODD.md 7.2).

    Marketer ``i`` makes ``Poisson(leads_per_marketer x p_i x (0.5 + q_i))`` leads, drawn as
    one Poisson total split among the marketers in proportion to their rates (the same joint
    distribution): each lead's three uniforms pick its marketer (the first, sorted, so the
    week's leads come in marketer order) and its traits (:func:`lead_codes`). A marketer who
    serves every territory places each lead in one drawn evenly (the ``territory_work``
    stream). The leads join the new-lead line of their territory's queue (the one queue in the
    assembly line), then the referrals (no holder: they come from the customer). Each lead
    counts as a case worked and a unit of credit for its marketer.
    """
    productivity, performance, _, performance_table, _ = work
    marketers, marketer_territory = crews[0], crews[1]
    new, waiting, deals = tables
    new_ends, ledger, credit, worked, flows = state[0], state[4], state[5], state[6], state[7]
    leads_per_marketer, fit_min, fit_span, technical_share = settings[0]
    n_territories, single, shared = settings[4][1], settings[4][2], settings[4][4]
    worked[:] = 0  # the week's cases start here
    running = lead_rates(productivity, performance, marketers)
    total = running[-1] if len(running) else 0.0
    rng = generator(rngs[0])
    k = rng.poisson(leads_per_marketer * total) if total > 0 else 0
    ref_territory, ref_fit, ref_technical = referred
    arriving = k + len(ref_territory)
    new = fifo_room(new, new_ends, arriving)
    at = new_ends[1]
    if k:
        u = rng.random(3 * k)  # three per lead (so that one more lead leaves the others' alone)
        source = lead_sources(u, running)  # the first picks the marketer
        territory, marketer = marketer_territory[source], marketers[source]
        place_leads(territory, n_territories, shared, rngs[1])
        code = lead_codes(u, marketer, territory, performance_table, (fit_min, fit_span),
                          technical_share)  # fmt: skip
        for i in range(k):
            row = at + i
            new[CODE, row], new[SINCE, row] = code[i], step
            new[QUEUE, row] = 0 if single else territory[i]
            new[HOLDER, row], new[CONTEXT, row] = marketer[i], CONTEXT_ONE
            credit[marketer[i]] += 1.0
            worked[marketer[i]] += 1
        flows[LEADS] += k
    for i in range(len(ref_territory)):  # a referral stays in its referrer's territory
        row = at + k + i
        t = ref_territory[i]
        fit = 1 if ref_fit[i] else 0
        technical = TECHNICAL if ref_technical[i] else 0
        new[CODE, row] = technical + fit + REFERRAL + (t << TERRITORY_SHIFT)
        new[SINCE, row], new[QUEUE, row] = step, 0 if single else t
        new[HOLDER, row], new[CONTEXT, row] = -1, CONTEXT_ONE
    new_ends[1] = at + arriving
    ledger[GENERATED] += arriving
    return new, waiting, deals


@inline_kernel
def place_leads(territory, n_territories, shared, address):
    """Leads of a marketer who serves every territory (-1; ``shared``: there are some) go to
    one drawn evenly from the stream of ``address`` (leads arrive spread over the
    territories); ``territory`` is written in place."""
    if shared and n_territories > 1:
        anywhere = np.flatnonzero(territory < 0)
        drawn = generator(address).integers(0, n_territories, len(anywhere))
        for i in range(len(anywhere)):
            territory[anywhere[i]] = drawn[i]
    for i in range(len(territory)):
        territory[i] = max(territory[i], 0)


@inline_kernel
def qualify_leads(step, rngs, work, crews, tables, state, settings):
    """SDRs work new leads first in, first out, up to their capacity (docs/ODD.md 7.2).

    Each queue works ``floor(sdr_capacity x`` its SDRs' productivity ``+ U)`` leads, the
    oldest first (one U per queue; with several queues they are taken grouped by queue, unless
    every queue works all of its leads). Each worked lead goes to an SDR of its queue drawn in
    proportion to productivity, who makes the call with the knowledge of the lead's territory
    (:func:`call_leads`): two uniforms per lead, drawn for as many leads as the capacity could
    take. A passed lead is handed from its holder to the SDR (docs/ODD.md 7.11) and waits for an
    AE in its territory's queue (the one queue without AE territories); the others are
    disqualified. Then leads waiting too long go cold.
    """
    productivity, performance_table = work[0], work[3]
    start, span, cumulative, last, pool = crews[3]
    new, waiting, deals = tables
    new_ends, waiting_ends = state[0], state[1]
    ledger, credit, worked, flows = state[4], state[5], state[6], state[7]
    sdr_capacity, accuracy_min, accuracy_span = settings[1]
    expiry_weeks, single, deal_single = settings[4][0], settings[4][2], settings[4][3]
    running_weights(productivity, *crews[2])
    capacity = sdr_capacity * span  # per queue
    r = len(capacity)
    head, n = new_ends[0], new_ends[1] - new_ends[0]
    most = min(n, int(numpy_sum(capacity)) + r)
    u = generator(rngs[2]).random(r + 2 * most)  # r to round the capacities, two per lead
    queue = new[QUEUE, head : head + n]
    in_order = True  # the worked leads are the line's first k
    if single:  # the oldest floor(capacity + U) leads
        k = min(int(capacity[0] + u[0]), n)
        rows = np.arange(k)
    else:
        room = capacity + u[:r]
        waiting_in = np.bincount(queue, minlength=r)
        if (waiting_in <= room).all():  # each queue works all of its leads, in line order
            rows = np.arange(n)
        else:
            rows = first_in_line(queue, room)[0]
            in_order = False
    k = len(rows)
    if k:
        sdr, code = np.empty(k, np.intp), np.empty(k, np.intp)
        for i in range(k):
            row = head + rows[i]
            code[i] = new[CODE, row]
            sdr[i] = pick_one(u[r + 2 * i], queue[rows[i]], start, span, cumulative, last, pool)
            worked[sdr[i]] += 1
        passed = call_leads(code, sdr, u[r + 1 :], performance_table,
                            (accuracy_min, accuracy_span))  # fmt: skip
        waiting = fifo_room(waiting, waiting_ends, len(passed))
        at = waiting_ends[1]
        for j in range(len(passed)):
            i = passed[j]
            row, line = head + rows[i], at + j
            context = hand_on(new[HOLDER, row], sdr[i], new[CONTEXT, row], settings[6])
            waiting[CODE, line], waiting[SINCE, line] = code[i], step
            waiting[QUEUE, line] = 0 if deal_single else code[i] >> TERRITORY_SHIFT
            waiting[HOLDER, line], waiting[CONTEXT, line] = sdr[i], context
            credit[sdr[i]] += 1.0
        waiting_ends[1] = at + len(passed)
        if in_order:  # the worked leads leave the line
            fifo_drop(new_ends, k)
        else:
            keep = np.ones(n, np.bool_)
            keep[rows] = False
            fifo_keep(new, new_ends, keep)
        ledger[1 + DISQUALIFIED] += k - len(passed)
        flows[WORKED] += k
        flows[QUALIFIED] += len(passed)
    expire(new, new_ends, step, expiry_weeks, ledger)
    return new, waiting, deals


@inline_kernel
def start_deals(step, rngs, work, crews, tables, state, settings):
    """Qualified opportunities become active deals as AE slots free up (docs/ODD.md 7.2).

    Each queue has ``ae_capacity x`` its AEs' productivity slots, less its active deals; the
    waiting opportunities at 1-based positions up to that in their queue's line start, oldest
    first, grouped by queue. Two uniforms each: the first draws an AE of the queue in proportion
    to productivity, the second an SE for a technical deal while SE slots are free
    (:func:`join_ses`). The opportunity is handed from its SDR to the AE (docs/ODD.md 7.11), and
    its close week is drawn now: closing with chance ``1 / sales_cycle_weeks`` each week from
    its first on makes the weeks to close geometric (:class:`model.pipeline.Deals`). Then
    opportunities waiting too long go cold.
    """
    productivity = work[0]
    start, span, cumulative, last, pool = crews[5]
    new, waiting, deals = tables
    waiting_ends, deals_ends, tally, ledger = state[1], state[2], state[3], state[4]
    ae_capacity, se_capacity, close_chance = settings[2]
    expiry_weeks, deal_single, has_se, se_single = (settings[4][0], settings[4][3],
                                                   settings[4][5], settings[4][6])  # fmt: skip
    running_weights(productivity, *crews[4])
    room = ae_capacity * span  # per queue
    n_queues = len(room)
    head, n = waiting_ends[0], waiting_ends[1] - waiting_ends[0]
    queue_of = waiting[QUEUE, head : head + n]
    if deal_single:  # floor(capacity) - busy free slots
        k = max(0, min(int(room[0] - (tally[0] + tally[1])), n))
        rows = np.arange(k)
    else:
        rows = first_in_line(queue_of, room - (tally[:n_queues] + tally[n_queues:]))[0]
        k = len(rows)
    if k:
        rng = generator(rngs[3])
        u = rng.random(2 * k)  # two per deal: AE, SE
        code, queue, ae = np.empty(k, np.intp), np.empty(k, np.intp), np.empty(k, np.intp)
        for i in range(k):
            row = head + rows[i]
            code[i], queue[i] = waiting[CODE, row], queue_of[rows[i]]
            ae[i] = pick_one(u[2 * i], queue[i], start, span, cumulative, last, pool)
        se = ae.copy()
        if has_se:
            se_start, se_span, se_cumulative, se_last, se_pool = crews[7]
            running_weights(productivity, *crews[6])
            se_room = se_capacity * se_span
            if se_single:  # SEs serve every AE queue
                free = np.array([se_room[0] - np.sum(tally[n_queues:])])
                se_queue = queue[:0]
            else:  # this week's deals are grouped by queue, first in first out within each
                free, se_queue = se_room - tally[n_queues:], queue
            se = join_ses(code, ae, se_queue, u[1::2], free, se_start, se_span, se_cumulative,
                          se_last, se_pool)[0]  # fmt: skip
        close_at = rng.geometric(close_chance, k)
        deals = deals_room(deals, deals_ends, k)
        at = deals_ends[1]
        for i in range(k):
            row, log = head + rows[i], at + i
            context = hand_on(waiting[HOLDER, row], ae[i], waiting[CONTEXT, row], settings[6])
            deals[CLOSE_AT, log] = close_at[i] + (step - 1)  # a deal can close in its first week
            deals[DEAL_CODE, log], deals[AE, log], deals[SE, log] = code[i], ae[i], se[i]
            deals[QUALIFIED_AT, log], deals[DEAL_CONTEXT, log] = waiting[SINCE, row], context
            deals[DEAL_QUEUE, log] = queue[i]
            tally[queue[i] + (n_queues if code[i] & HELPED else 0)] += 1
        deals_ends[1] = at + k
        if deal_single:
            fifo_drop(waiting_ends, k)
        else:
            keep = np.ones(n, np.bool_)
            keep[rows] = False
            fifo_keep(waiting, waiting_ends, keep)
    expire(waiting, waiting_ends, step, expiry_weeks, ledger)
    return new, waiting, deals


@inline_kernel
def close_deals(step, rngs, work, tables, state, settings):
    """Deals close in their close week, won or lost (docs/ODD.md 7.2, 7.11): one standard
    logistic draw per closing deal, in log order, against its win log-odds
    (:func:`decide_deals`). Won accounts are handed from the AE to the CSMs of their queue and
    on to its support staff (docs/ODD.md 7.11) where handoffs lose context.

    Returns:
        ``(territory, fit, expectations, ae, se, context)`` of the won deals (``se`` is the AE
        where no SE helped; ``context`` the share that reached service).
    """
    deals = tables[2]
    deals_ends, tally, ledger, flows = state[2], state[3], state[4], state[7]
    effect, effect_tech, language_weight, problem_weight = settings[3][:4]
    single, log_odds, handoff = settings[4][2], settings[5], settings[6]
    deals_ends[2] = step  # the last week whose deals have closed
    # the log starts at row 0: its rows are the columns' indices
    closing = np.flatnonzero(deals[CLOSE_AT, : deals_ends[1]] == step)
    n = len(closing)
    closed = deals[:, closing]  # every field of the closing deals
    draw = generator(rngs[3]).logistic(0.0, 1.0, n)  # won where it falls below the log-odds
    effects = (effect, effect_tech, language_weight, problem_weight)
    territory, fit, expectations, ae, se, context = decide_deals(
        closed, draw, log_odds, work[3], work[4], effects, handoff[0]
    )
    n_queues = len(tally) // 2
    qualified_weeks = 0
    for i in range(n):
        helped = n_queues if closed[DEAL_CODE, i] & HELPED else 0
        tally[closed[DEAL_QUEUE, i] + helped] -= 1
        qualified_weeks += closed[QUALIFIED_AT, i]
    won = len(ae)
    ledger[1 + WON] += won
    ledger[1 + LOST] += n - won
    flows[WON_FLOW] += won
    flows[LOST_FLOW] += n - won
    flows[CYCLE_WEEKS] += step * n - qualified_weeks
    if handoff[0]:  # to the CSMs of the account's queue, then support
        account_queue = np.zeros_like(territory) if single else territory
        context = service_context(ae, account_queue, context, handoff)
    return territory, fit, expectations, ae, se, context


@inline_kernel
def contract_values(k, address, closing):
    """The contract values of ``k`` won deals (:meth:`model.customers.Customers.draw_acv`):
    ``acv_median x exp(acv_spread x N(0, 1))``, drawn as one lognormal each from the stream of
    ``address`` (``closing`` holds ``log(acv_median)`` and ``acv_spread`` last)."""
    return generator(address).lognormal(closing[5], closing[6], k)


@inline_kernel
def deals_room(deals, ends, k):
    """Room for ``k`` new deals at the back of the deal log (:meth:`model.pipeline.Deals
    ._make_room`): where they do not fit, the log is compacted to its active deals (closing
    after ``ends[2]``, the last week closed) in a new log with room for four times as many."""
    tail = ends[1]
    if tail + k <= deals.shape[1]:
        return deals
    active = np.flatnonzero(deals[CLOSE_AT, :tail] > ends[2])
    n = len(active)
    log = np.zeros((deals.shape[0], max(deals.shape[1], 4 * (n + k))), deals.dtype)
    for field in range(deals.shape[0]):
        for i in range(n):
            log[field, i] = deals[field, active[i]]
    ends[0], ends[1] = 0, n
    return log


@kernel
def expire(line, ends, step, expiry_weeks, ledger):
    """Leads left waiting in ``line`` ``lead_expiry_weeks`` go cold (docs/ODD.md 7.2): they
    joined in week ``step - lead_expiry_weeks`` or before, a prefix of the line (oldest first)."""
    last = step - expiry_weeks
    cold = 0
    while ends[0] + cold < ends[1] and line[SINCE, ends[0] + cold] <= last:
        cold += 1
    if cold:
        fifo_drop(ends, cold)
        ledger[1 + EXPIRED] += cold


@kernel
def count_cases(worked, deals, ends, step, n):
    """Cases each of ``n`` people worked this week (:meth:`model.pipeline.Pipeline.cases`):
    ``worked`` (leads generated by a marketer, worked by an SDR), plus one per deal open this
    week (closing ones included) for its AE and, where one helped, its SE."""
    cases = np.zeros(n)
    for person in range(len(worked)):
        cases[person] = worked[person]
    for i in range(ends[1]):
        if deals[CLOSE_AT, i] >= step:
            cases[deals[AE, i]] += 1.0
            if deals[SE, i] != deals[AE, i]:
                cases[deals[SE, i]] += 1.0
    return cases
