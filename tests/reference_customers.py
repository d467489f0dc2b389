"""The week's customer service as numpy code: the references of the kernels in
model/customers.py (test references only).

This is the numpy code the compiled kernels replaced, kept as it was written, on a
:class:`model.customers.Customers`' columns and numpy Generators: per-queue service
(:func:`service_levels` for one queue, :class:`QueueService` for many), satisfaction's move,
renewals, the removal of churners, the staff's credit and cases, and referrals. Each returns
or writes what its kernel does, so the tests compare the two bit for bit on the same state and
the same draws.
"""

from __future__ import annotations

import numpy as np
from salesorg.model.clock import WEEKS_PER_YEAR
from salesorg.model.columns import ColumnStore
from salesorg.model.customers import (
    COVERAGE,
    LEVELS,
    PER_CSM_EFFORT,
    REFERRAL_SKILL,
    REFERRALS,
    SOLVED_PER_EFFORT,
    TARGET_WEIGHT,
)
from salesorg.model.pipeline import logit
from salesorg.model.sums import sums_by_group


def service_levels(totals, tickets: float, accounts: float, p: dict) -> tuple:
    """One queue's support and CSM service (ODD 7.3), from its staff's productivity sums.

    Args:
        totals: sums of productivity p, of p x performance and of p x referral knowledge
            (rows) over the support staff and over the CSMs (columns).
        tickets, accounts: this week's support tickets and customers.

    Returns:
        ``(solved tickets per unit of support productivity, 1 / CSM productivity (0 without),
        support quality, CSM coverage, CSM quality, referral skill)``.
    """
    (support_effort, csm_effort), (support_perf, csm_perf), (_, csm_knowledge) = totals
    solved = p["support_capacity"] * support_effort
    if solved > tickets:
        solved = tickets
    resolution = solved / tickets if tickets > 0 else 1.0
    coverage = p["csm_capacity"] * csm_effort / accounts if accounts > 0 else 1.0
    if coverage > 1.0:
        coverage = 1.0
    if support_effort > 0:
        solved_per_effort = solved / support_effort
        support_quality = resolution * (support_perf / support_effort)  # x weighted mean q
    else:
        solved_per_effort = support_quality = 0.0
    if csm_effort > 0:
        per_csm_effort = 1.0 / csm_effort
        csm_quality = coverage * (csm_perf / csm_effort)
        skill = coverage * (csm_knowledge / csm_effort)
    else:
        per_csm_effort = csm_quality = skill = 0.0
    return solved_per_effort, per_csm_effort, support_quality, coverage, csm_quality, skill


class QueueService:
    """:func:`service_levels` for many queues at once, in a fixed number of array operations.

    The per-queue inputs are stacked as rows of one array; every ratio of the formulas is
    then one row of a single division (``NUMERATOR`` row / ``DENOMINATOR`` row, ``EMPTY``
    where the denominator is 0).
    """

    # rows of the stacked inputs
    SUPPORT_P, CSM_P, SUPPORT_PQ, CSM_PQ, _, CSM_PK, TICKETS, ACCOUNTS, SOLVED, COVERED, ONE = (
        range(11)
    )
    NUMERATOR = (SOLVED, COVERED, COVERED, SUPPORT_PQ, CSM_PQ, CSM_PK, SOLVED, ONE)
    DENOMINATOR = (TICKETS, ACCOUNTS, ACCOUNTS, SUPPORT_P, CSM_P, CSM_P, SUPPORT_P, CSM_P)
    EMPTY = (1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0)

    def __init__(self, n_queues: int, p: dict) -> None:
        self.capacity = np.array([[p["support_capacity"]], [p["csm_capacity"]]])
        ratio = float(p["problem_ticket_ratio"])
        self.demand = np.array([[ratio, 1.0], [1.0, 1.0]]) * [[p["tickets_per_customer"]], [1.0]]
        self.one = np.ones((1, n_queues))
        self.pairs = np.array(self.NUMERATOR + self.DENOMINATOR)
        self.empty = np.repeat(np.array(self.EMPTY)[:, None], n_queues, axis=1)

    def levels(self, totals: np.ndarray, counts: np.ndarray) -> tuple:
        """As :func:`service_levels`, each value an array over queues (``counts``: poor-fit and
        good-fit customers, 2 x queues)."""
        totals = totals.reshape(6, -1)
        demand = self.demand[:, :1] * counts[0] + self.demand[:, 1:] * counts[1]
        served = np.minimum(totals[:2] * self.capacity, demand)
        stacked = np.concatenate((totals, demand, served, self.one))
        pairs = stacked.take(self.pairs, 0)
        numerator, denominator = pairs[:8], pairs[8:]
        ratio = np.divide(numerator, denominator, out=self.empty.copy(), where=denominator > 0)
        quality = ratio[:3] * ratio[3:6]
        coverage, solved_per_effort, per_csm_effort = ratio[1], ratio[6], ratio[7]
        return solved_per_effort, per_csm_effort, quality[0], coverage, quality[1], quality[2]


def staff_totals(wf, column: np.ndarray, n_columns: int) -> np.ndarray:
    """Sums of p, p x performance and p x referral knowledge (rows) per support/CSM column,
    in person order (as ``np.bincount``)."""
    p = wf.productivity
    values = np.column_stack((p, p * wf.performance, p * wf.knowledge[:, REFERRALS]))
    return sums_by_group(values, column, n_columns).T


def serve_reference(customers, wf, column: np.ndarray) -> np.ndarray:
    """``Customers.serve`` as numpy code: returns the week's levels (the kernel's rows) and
    moves satisfaction in place (``column``: the people's support/CSM column)."""
    p, columns, n = customers.p, customers._columns, customers._rows
    nq = customers.structure.n_queues
    totals = staff_totals(wf, column, 2 * nq)
    if nq == 1:
        good = int(np.count_nonzero(columns["fit"][:n]))
        poor_tickets = p["problem_ticket_ratio"] * (n - good) + good
        tickets = p["tickets_per_customer"] * poor_tickets
        levels = service_levels(totals.tolist(), tickets, n, p)
        accounts = n
    else:
        segment = columns["queue"][:n] + columns["fit"][:n] * nq  # good fits count in q + nq
        counts = np.bincount(segment, minlength=2 * nq).reshape(2, nq)
        levels = QueueService(nq, p).levels(totals, counts)
        accounts = np.add.reduce(counts, axis=0)
    solved_per_effort, per_csm_effort, support_quality, coverage, csm_quality, skill = levels
    adaptation = p["satisfaction_adaptation"]
    shift = adaptation * TARGET_WEIGHT * (support_quality + csm_quality)
    satisfaction = columns["satisfaction"][:n]
    satisfaction *= 1.0 - adaptation
    satisfaction += columns["pull"][:n]
    satisfaction += shift if nq == 1 else shift[columns["queue"][:n]]
    covered_per_effort = coverage * accounts * per_csm_effort
    table = np.empty((LEVELS, nq))
    rows = (solved_per_effort, covered_per_effort, per_csm_effort, support_quality, csm_quality)
    for row, values in enumerate((*rows, coverage, skill)):  # the kernel's row order
        table[row] = values
    return table


def add_reference(customers, territory, fit, expectations, acv, start, satisfaction, context=1.0):
    """``Customers.add`` as numpy code: one column write per field (``ColumnStore.append``)."""
    if np.ndim(context) == 0 and context == 1.0:  # nothing lost
        met = expectations
    else:
        met = (np.asarray(expectations) - 0.5) * context + 0.5
    ColumnStore.append(
        customers,
        queue=np.zeros(len(territory), np.intp) if customers.single_queue else territory,
        fit=fit,
        expectations=expectations,
        acv=acv,
        start=start,
        satisfaction=satisfaction,
        pull=np.add(fit, met) * (customers.p["satisfaction_adaptation"] * TARGET_WEIGHT),
        renewal_week=start % WEEKS_PER_YEAR,
        territory=territory,
        context=context,
    )
    customers.acquired += len(territory)


def remove_reference(customers, rows: np.ndarray) -> None:
    """``Customers._remove`` as numpy code: the last live rows fill the holes of ``rows``."""
    n = customers._rows
    remaining = n - len(rows)
    if rows[-1] < remaining:
        holes, movers = rows, slice(remaining, n)
    else:
        split = int(rows.searchsorted(remaining))
        holes = rows[:split]
        leaving = np.zeros(n - remaining, dtype=bool)
        leaving[rows[split:] - remaining] = True
        movers = (~leaving).nonzero()[0] + remaining
    for column in customers._columns.values():
        column[holes] = column[movers]
    customers._rows = remaining


def renew_reference(customers, coverage, step: int, rng, flow: dict) -> np.ndarray:
    """``Customers.renew`` as numpy code (``coverage`` per queue)."""
    p, columns, n = customers.p, customers._columns, customers._rows
    single = customers.structure.n_queues == 1
    this_week = (columns["renewal_week"][:n] == step % WEEKS_PER_YEAR).nonzero()[0]
    due = this_week[columns["start"][this_week] < step]
    k = len(due)
    if k == 0:
        return np.zeros(customers.structure.n_queues)
    s = columns["satisfaction"][due]
    effect = p["satisfaction_churn_effect"]
    threshold = rng.logistic(logit(p["churn_reference"]) + 0.5 * effect, 1.0, k)
    churn = effect * s < threshold
    queue = columns["queue"][due]
    expand = (rng.random(k) < s * (p["expansion_rate"] * coverage[queue])) > churn
    acv = columns["acv"]
    before = acv[due]
    added = before * (p["expansion_size"] * expand)
    renewed = before + added
    acv[due] = renewed
    gone = churn.nonzero()[0]
    churned = len(gone)
    due_total = float(np.add.reduce(before))
    expansion = float(np.add.reduce(added))
    lost = float(np.add.reduce(before[gone])) if churned else 0.0
    retained = 0.0 if churned == k else due_total + expansion - lost
    for key, value in (("renewals_due", k), ("churned", churned), ("arr_due", due_total),
                       ("arr_retained", retained), ("expansion_bookings", expansion)):  # fmt: skip
        flow[key] += value
    if single:
        credit = np.array([retained])
    else:
        kept = renewed
        kept[gone] = 0.0
        credit = np.bincount(queue, kept, customers.structure.n_queues)
    if churned:
        remove_reference(customers, due[gone])
        customers.churned += churned
    return credit


def staff_shares_reference(productivity, column, per_support, per_csm) -> np.ndarray:
    """Per person, productivity x the value of its support or CSM column (0 for others)."""
    per_column = np.concatenate((per_support, per_csm))
    shares = productivity * per_column[column]
    shares[column < 0] = 0.0
    return shares


def credit_reference(customers, levels, wf, column, retained) -> None:
    """``Customers.credit_staff`` as numpy code: support by solved tickets, CSMs by the ARR
    retained per queue in median ACVs, by productivity."""
    per_csm = retained * levels[PER_CSM_EFFORT] / customers.p["acv_median"]
    wf.output += staff_shares_reference(wf.productivity, column, levels[SOLVED_PER_EFFORT], per_csm)


def refer_reference(customers, levels, rng) -> tuple:
    """``Customers.refer`` as numpy code: ``(territory, fit, technical)`` of the referrals."""
    p, columns, n = customers.p, customers._columns, customers._rows
    satisfaction = columns["satisfaction"][:n]
    chance = satisfaction * satisfaction
    chance *= (p["referral_rate"] * levels[REFERRAL_SKILL])[columns["queue"][:n]]
    referrers = (rng.random(n) < chance).nonzero()[0]
    k = len(referrers)
    draws = rng.random(2 * k)  # fit, then technical
    fit = draws[:k] < p["referral_fit"]
    technical = draws[k:] < p["technical_deal_share"]
    return columns["territory"][referrers], fit, technical


def serve_week_reference(customers, wf, column, step: int, churn, leads, flow: dict):
    """The week of ``Customers.serve_week`` as numpy code; returns ``(levels, referrals)``."""
    levels = serve_reference(customers, wf, column)
    retained = renew_reference(customers, levels[COVERAGE], step, churn, flow)
    credit_reference(customers, levels, wf, column, retained)
    return levels, refer_reference(customers, levels, leads)
