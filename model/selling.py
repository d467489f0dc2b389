"""The selling phase's loops over cases (docs/ODD.md 7.2, 7.11), compiled (:mod:`model.jit`).

Each function is one step of :class:`model.pipeline.Pipeline` written as a plain loop over the
week's leads or deals, the way docs/ODD.md states it: the leads marketers generate, the SDRs'
calls, the deals' verdicts. The random draws stay in the pipeline (numpy, the model's named
streams) and come in as arrays; tests/test_perf_selling.py checks each loop against the numpy
code it replaced, bit for bit.

Per-person tables by territory (``performance``, ``knowledge``) have one row per territory, or
one row that every territory reads in one market (:meth:`model.pipeline.Workforce.tables`).
"""

from __future__ import annotations

import numpy as np
from salesorg.model.handoffs import ACCOUNT_DOMAINS, CONTEXT_ONE
from salesorg.model.jit import kernel
from salesorg.model.knowledge import DOMAIN_INDEX
from salesorg.model.queues import pick_one

#: A lead's fixed traits packed in one integer ``code`` (one column to carry between stages).
FIT, TECHNICAL, REFERRAL, HELPED = 1, 2, 4, 8  # HELPED: an SE works the deal
#: A lead's territory is packed in ``code`` above the traits: ``code >> TERRITORY_SHIFT``.
TERRITORY_SHIFT = 4
TECH = DOMAIN_INDEX["product_technical"]
EXPECT = DOMAIN_INDEX["expectation_setting"]
LANGUAGE, PROBLEM = ACCOUNT_DOMAINS  # the account's domains: the buyer's language and problem


@kernel
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


@kernel
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


@kernel
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


@kernel
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


@kernel
def book_credit(output, units, ae, se, acv, per_median):
    """Add the week's credit for attributable results to ``output`` (docs/ODD.md 7.2): one
    unit per lead to its marketer and per passed lead to its SDR (``units``, one entry per
    credit), and each won deal's value (ACV in units of the median: ``acv x per_median``) to
    its AE and to the SE who helped (``se[i]`` is the AE where none helped: no second credit).
    The credits are summed per person in that order, then added to ``output``."""
    credit = np.zeros(len(output))
    for person in units:
        credit[person] += 1.0
    for i in range(len(ae)):
        credit[ae[i]] += acv[i] * per_median
    for i in range(len(se)):
        helped = 1.0 if se[i] != ae[i] else 0.0
        credit[se[i]] += acv[i] * per_median * helped
    for person in range(len(output)):
        output[person] += credit[person]


@kernel
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
