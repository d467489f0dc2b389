"""Customers as numpy arrays: service, satisfaction, renewal, churn, expansion and referrals.

A customer is satisfied when it fits the product, its expectations were set right when the
deal was sold, support solves its problems and its CSM covers it well (docs/ODD.md, 7.3).
Contracts renew yearly; renewal probability rises with satisfaction (logistic), satisfied
customers with a covering CSM expand, and satisfied customers of CSMs who cultivate referrals
refer new, better-fitting leads.

The week's service is one compiled call (:func:`serve_week`), which runs one kernel per step
of ODD 7.3 in the schedule's order: :func:`measure_service`, :func:`move_satisfaction`,
:func:`renew_contracts`, :func:`credit_service_staff` and :func:`find_referrals`. The kernels
draw from the model's named streams themselves (:mod:`model.draws`: the churn stream for
renewals, the leads stream for referrals), with the same calls in the same order as the numpy
code they replaced, so seeds give the same bits. The part of a customer's satisfaction target
that never changes (fit and expectations) and its renewal week are stored when it is signed,
and a churned customer's row is filled by the last row (customers have no order that matters).
``tests/reference_customers.py`` holds the numpy code each kernel replaced.
"""

from __future__ import annotations

import math

import numpy as np
from salesorg.model.clock import WEEKS_PER_YEAR
from salesorg.model.columns import ColumnStore
from salesorg.model.draws import generator, handle
from salesorg.model.handoffs import Handoffs
from salesorg.model.jit import inline_kernel, kernel
from salesorg.model.knowledge import DOMAIN_INDEX
from salesorg.model.pipeline import Workforce, logit
from salesorg.model.sums import numpy_sum

REFERRALS = DOMAIN_INDEX["referral_cultivation"]
#: Weight of each of the four parts of the satisfaction target (fit, expectations, support
#: quality, CSM quality), which is their mean (structure, not a free constant).
TARGET_WEIGHT = 0.25

#: Rows of the week's service levels per queue (:attr:`Customers.levels`, queues as columns):
#: tickets solved and accounts covered per unit of productivity (each person's cases), 1 / the
#: CSMs' productivity, support quality, CSM quality, CSM coverage and referral skill.
(SOLVED_PER_EFFORT, COVERED_PER_EFFORT, PER_CSM_EFFORT, SUPPORT_QUALITY, CSM_QUALITY, COVERAGE,
 REFERRAL_SKILL) = range(7)  # fmt: skip
LEVELS = 7

#: Entries of :attr:`Customers.constants`, the parameters the kernels read (one array: one
#: argument). ``KEEP`` is ``1 - satisfaction_adaptation``, ``PULL`` the adaptation x
#: :data:`TARGET_WEIGHT`, ``CHURN_AT_ZERO`` the churn log-odds at zero satisfaction.
(SUPPORT_CAPACITY, CSM_CAPACITY, TICKETS_PER_CUSTOMER, PROBLEM_TICKET_RATIO, KEEP, PULL,
 CHURN_AT_ZERO, CHURN_EFFECT, EXPANSION_RATE, EXPANSION_SIZE, ACV_MEDIAN, REFERRAL_RATE,
 REFERRAL_FIT, TECHNICAL_SHARE) = range(14)  # fmt: skip
N_CONSTANTS = 14

#: The week's renewal flows (:func:`renew_contracts`), in the order the kernel returns them.
RENEWAL_FLOWS = ("renewals_due", "churned", "arr_due", "arr_retained", "expansion_bookings")


def kernel_constants(p: dict) -> np.ndarray:
    """The parameters of ODD 7.3 as the kernels read them (:data:`SUPPORT_CAPACITY` ...)."""
    adaptation = p["satisfaction_adaptation"]
    churn_base = logit(p["churn_reference"])
    values = {
        SUPPORT_CAPACITY: p["support_capacity"],
        CSM_CAPACITY: p["csm_capacity"],
        TICKETS_PER_CUSTOMER: p["tickets_per_customer"],
        PROBLEM_TICKET_RATIO: p["problem_ticket_ratio"],
        KEEP: 1.0 - adaptation,
        PULL: adaptation * TARGET_WEIGHT,
        CHURN_AT_ZERO: churn_base + 0.5 * p["satisfaction_churn_effect"],
        CHURN_EFFECT: p["satisfaction_churn_effect"],
        EXPANSION_RATE: p["expansion_rate"],
        EXPANSION_SIZE: p["expansion_size"],
        ACV_MEDIAN: p["acv_median"],
        REFERRAL_RATE: p["referral_rate"],
        REFERRAL_FIT: p["referral_fit"],
        TECHNICAL_SHARE: p["technical_deal_share"],
    }
    constants = np.empty(N_CONSTANTS)
    for index, value in values.items():
        constants[index] = value
    return constants


# ---------------------------------------------------------------------- the week's steps
@inline_kernel
def service_totals(productivity, performance, knowledge, referrals, column, n_columns):
    """Sums of productivity p, p x performance and p x referral knowledge (rows) over the
    people of each support and CSM column (``column`` per person, -1 for others), added in
    person order (as :func:`model.sums.sums_by_group`)."""
    totals = np.zeros((3, n_columns))
    for i in range(len(productivity)):
        c = column[i]
        if c >= 0:
            p = productivity[i]
            totals[0, c] += p
            totals[1, c] += p * performance[i]
            totals[2, c] += p * knowledge[i, referrals]
    return totals


@inline_kernel
def measure_service(levels, totals, queue, fit, n, constants) -> None:
    """Each queue's support and CSM service this week (ODD 7.3), into ``levels`` (rows
    :data:`SOLVED_PER_EFFORT` ..., a column per queue).

    Support: a good fit files ``tickets_per_customer`` tickets a week, a poor fit
    ``problem_ticket_ratio`` times as many; the queue's staff solve up to ``support_capacity x``
    their productivity; support quality = resolution (solved / tickets, 1 without tickets) x
    the staff's productivity-weighted mean performance. CSMs: coverage = ``min(1, csm_capacity
    x`` productivity / accounts) (1 without accounts); CSM quality and referral skill =
    coverage x the CSMs' weighted mean performance and referral knowledge. A queue without
    staff gets 0 quality.

    Args:
        totals: :func:`service_totals` (support columns, then CSM columns).
        n: live customers (the first ``n`` entries of ``queue`` and ``fit``).
    """
    nq = levels.shape[1]
    poor = np.zeros(nq, np.intp)
    good = np.zeros(nq, np.intp)
    for i in range(n):
        if fit[i]:
            good[queue[i]] += 1
        else:
            poor[queue[i]] += 1
    per_ticket, ratio = constants[TICKETS_PER_CUSTOMER], constants[PROBLEM_TICKET_RATIO]
    for q in range(nq):
        support, support_q = totals[0, q], totals[1, q]
        csm, csm_q, csm_k = totals[0, nq + q], totals[1, nq + q], totals[2, nq + q]
        # (the two codes this replaced grouped the ticket product differently: kept, for bits)
        if nq == 1:
            tickets = per_ticket * (ratio * poor[q] + good[q])
        else:
            tickets = ratio * per_ticket * poor[q] + per_ticket * good[q]
        accounts = poor[q] + good[q]
        solved = min(constants[SUPPORT_CAPACITY] * support, tickets)
        resolution = solved / tickets if tickets > 0 else 1.0
        coverage = min(constants[CSM_CAPACITY] * csm / accounts, 1.0) if accounts > 0 else 1.0
        if support > 0:
            levels[SOLVED_PER_EFFORT, q] = solved / support
            levels[SUPPORT_QUALITY, q] = resolution * (support_q / support)
        else:
            levels[SOLVED_PER_EFFORT, q] = levels[SUPPORT_QUALITY, q] = 0.0
        if csm > 0:
            per_csm = 1.0 / csm
            levels[CSM_QUALITY, q] = coverage * (csm_q / csm)
            levels[REFERRAL_SKILL, q] = coverage * (csm_k / csm)
        else:
            per_csm = levels[CSM_QUALITY, q] = levels[REFERRAL_SKILL, q] = 0.0
        levels[PER_CSM_EFFORT, q] = per_csm
        levels[COVERAGE, q] = coverage
        levels[COVERED_PER_EFFORT, q] = coverage * accounts * per_csm


@inline_kernel
def move_satisfaction(satisfaction, pull, queue, n, levels, constants) -> None:
    """Satisfaction moves toward its target, in place (ODD 7.3): ``S <- S + a (T - S)``,
    ``T = (fit + expectations + support quality + CSM quality) / 4``, computed as ``S <- (1 -
    a) S + pull + a/4 (support quality + CSM quality)`` of the customer's queue, ``pull`` the
    customer's own part ``a/4 (fit + expectations)`` stored when it was signed."""
    keep, weight = constants[KEEP], constants[PULL]
    for i in range(n):
        q = queue[i]
        shift = weight * (levels[SUPPORT_QUALITY, q] + levels[CSM_QUALITY, q])
        satisfaction[i] = satisfaction[i] * keep + pull[i] + shift


@inline_kernel
def due_for_renewal(renewal_week, start, n, week_of_year, step) -> np.ndarray:
    """Rows of the first ``n`` customers whose contract renews this week (signed before it)."""
    due = np.empty(n, np.intp)
    k = 0
    for i in range(n):
        if renewal_week[i] == week_of_year and start[i] < step:
            due[k] = i
            k += 1
    return due[:k]


@inline_kernel
def settle_renewals(
    due, satisfaction, acv, queue, coverage, threshold, u, churn_effect, expansion_rate,
    expansion_size, n_queues,
):  # fmt: skip
    """The contracts ``due`` renew, expanded, or churn (:func:`renew_contracts`), in place.

    A customer churns when ``churn_effect x S`` falls short of its logistic ``threshold``; a
    renewing one expands by ``expansion_size`` when ``u < S x expansion_rate x coverage`` of its
    queue. Sums add in numpy's order (:func:`model.sums.numpy_sum`), so the bits are those of
    the numpy code this replaced.

    Returns:
        ``(gone, due ARR, expansion, retained ARR, retained ARR per queue)``, ``gone`` the
        positions in ``due`` of the churners.
    """
    k = len(due)
    before = np.empty(k)
    added = np.empty(k)
    kept = np.zeros(n_queues)
    churn = np.empty(k, np.bool_)
    churned = 0
    for j in range(k):
        row = due[j]
        s = satisfaction[row]
        churn[j] = churn_effect * s < threshold[j]
        churned += churn[j]
        expand = (u[j] < s * (expansion_rate * coverage[queue[row]])) and not churn[j]
        before[j] = acv[row]
        added[j] = before[j] * (expansion_size * expand)
        acv[row] = before[j] + added[j]
        if not churn[j]:
            kept[queue[row]] += acv[row]
    gone = churn.nonzero()[0]
    due_total, expansion = numpy_sum(before), numpy_sum(added)
    lost = numpy_sum(before[gone]) if churned else 0.0
    retained = 0.0 if churned == k else due_total + expansion - lost
    return gone, due_total, expansion, retained, kept


# ---------------------------------------------------------------------- the customer table
@inline_kernel
def _entry(values, i):
    """Entry ``i`` of a new customers' field: ``values[i]``, or ``values[0]`` for a value
    given once for every new customer."""
    return values[i] if len(values) > 1 else values[0]


@kernel
def sign_customers(
    queue, fit, expectations, acv, start, satisfaction, pull, renewal_week, territory, context,
    row, new_territory, new_fit, new_expectations, new_acv, new_start, new_satisfaction,
    new_context, whole_context, single_queue, constants,
) -> None:  # fmt: skip
    """Write new customers into the columns (:attr:`Customers.FIELDS` order) from ``row`` on
    (:meth:`Customers.add`); each ``new_`` array holds one entry per new customer, or one for
    all of them.

    A customer's queue is its territory's (the one queue 0 in the assembly line); its renewal
    week is ``start mod 52``; its ``pull``, its own part of satisfaction's weekly move, is
    ``a/4 (fit + expectations')``, where ``expectations' = 0.5 + context x (expectations -
    0.5)`` is what its CSMs and support know of what was sold (ODD 7.11; ``whole_context``:
    all of it, ``expectations' = expectations``).
    """
    k = len(new_territory)
    lengths = (len(new_fit), len(new_expectations), len(new_acv), len(new_start))
    for length in (*lengths, len(new_satisfaction), len(new_context)):
        if length != k and length != 1:
            raise ValueError("a new customers' field has neither one entry nor one per customer")
    for i in range(k):
        r = row + i
        fits, expected, signed = (
            _entry(new_fit, i),
            _entry(new_expectations, i),
            _entry(new_start, i),
        )
        held = _entry(new_context, i)
        met = expected if whole_context else (expected - 0.5) * held + 0.5
        territory[r] = new_territory[i]
        queue[r] = 0 if single_queue else new_territory[i]
        fit[r] = fits
        expectations[r] = expected
        acv[r] = _entry(new_acv, i)
        start[r] = signed
        satisfaction[r] = _entry(new_satisfaction, i)
        pull[r] = ((1.0 if fits else 0.0) + met) * constants[PULL]
        renewal_week[r] = signed % WEEKS_PER_YEAR
        context[r] = held


@inline_kernel
def hole_fillers(rows, n):
    """Dropping ``rows`` (sorted, distinct) of the first ``n``: the holes below the new end
    and the rows of the tail that fill them, in order (leaving rows of the tail are cut off).

    Customers have no order that matters (unlike the first-in first-out lead queue), so
    filling the holes from the end moves a few rows instead of compacting every column.
    """
    remaining = n - len(rows)
    k = 0  # rows[:k] are holes, rows[k:] leave from the tail
    while k < len(rows) and rows[k] < remaining:
        k += 1
    movers = np.empty(k, np.intp)
    leaving, j = k, 0
    for row in range(remaining, n):
        if leaving < len(rows) and rows[leaving] == row:
            leaving += 1
        else:
            movers[j] = row
            j += 1
    return rows[:k], movers


@inline_kernel
def move_rows(column, holes, movers) -> None:
    """``column[holes] = column[movers]`` (the holes lie below every mover)."""
    for j in range(len(holes)):
        column[holes[j]] = column[movers[j]]


@inline_kernel
def drop_customers(
    rows, n, queue, fit, expectations, acv, start, satisfaction, pull, renewal_week, territory,
    context,
) -> int:  # fmt: skip
    """Drop ``rows`` (sorted, distinct) of the first ``n`` customers, every column (in
    :attr:`Customers.FIELDS` order) filled from the end; returns the customers left."""
    holes, movers = hole_fillers(rows, n)
    move_rows(queue, holes, movers)
    move_rows(fit, holes, movers)
    move_rows(expectations, holes, movers)
    move_rows(acv, holes, movers)
    move_rows(start, holes, movers)
    move_rows(satisfaction, holes, movers)
    move_rows(pull, holes, movers)
    move_rows(renewal_week, holes, movers)
    move_rows(territory, holes, movers)
    move_rows(context, holes, movers)
    return n - len(rows)


@inline_kernel
def renew_contracts(
    queue, fit, expectations, acv, start, satisfaction, pull, renewal_week, territory, context,
    n, levels, constants, step, churn,
):  # fmt: skip
    """Contracts at their anniversary renew, maybe expanded, or churn (ODD 7.3); churners
    leave the customer columns (in :attr:`Customers.FIELDS` order).

    ``logit P(churn) = logit(churn_reference) - satisfaction_churn_effect (S - 0.5)``: a
    customer churns when ``satisfaction_churn_effect x S`` falls short of a logistic draw
    centred on the churn log-odds at ``S = 0``; a renewing customer expands by
    ``expansion_size x ACV`` with probability ``expansion_rate x S x coverage`` of its queue.
    The draws come from the ``churn`` stream's handle: the due customers' logistic thresholds,
    then their uniforms (the numpy code's two calls).

    Returns:
        ``(customers left, the week's RENEWAL_FLOWS, ARR retained or added per queue)`` (the
        last is credited to that queue's CSMs; with one queue, the retained ARR).
    """
    nq = levels.shape[1]
    flows = np.zeros(len(RENEWAL_FLOWS))
    credit = np.zeros(nq)
    due = due_for_renewal(renewal_week, start, n, step % WEEKS_PER_YEAR, step)
    k = len(due)
    if k == 0:
        return n, flows, credit
    rng = generator(churn)
    threshold = np.empty(k)
    for j in range(k):
        threshold[j] = rng.logistic(constants[CHURN_AT_ZERO], 1.0)
    u = np.empty(k)
    for j in range(k):
        u[j] = rng.random()
    gone, due_total, expansion, retained, kept = settle_renewals(
        due, satisfaction, acv, queue, levels[COVERAGE], threshold, u, constants[CHURN_EFFECT],
        constants[EXPANSION_RATE], constants[EXPANSION_SIZE], nq,
    )  # fmt: skip
    flows[0], flows[1], flows[2], flows[3], flows[4] = k, len(gone), due_total, retained, expansion
    if nq == 1:
        credit[0] = retained
    else:
        credit = kept
    if len(gone):
        n = drop_customers(
            due[gone], n, queue, fit, expectations, acv, start, satisfaction, pull,
            renewal_week, territory, context,
        )  # fmt: skip
    return n, flows, credit


@inline_kernel
def staff_shares(productivity, column, per_support, per_csm) -> np.ndarray:
    """Per person, productivity x the value of their queue: ``per_support[q]`` for support
    staff of queue q (column q), ``per_csm[q]`` for its CSMs (column ``n_queues + q``), 0 for
    everyone else (column -1): credit and cases in proportion to productivity in the queue."""
    nq = len(per_support)
    shares = np.empty(len(productivity))
    for i in range(len(productivity)):
        c = column[i]
        if c < 0:
            per_effort = 0.0
        elif c < nq:
            per_effort = per_support[c]
        else:
            per_effort = per_csm[c - nq]
        shares[i] = productivity[i] * per_effort
    return shares


@inline_kernel
def credit_service_staff(output, productivity, column, levels, retained, constants) -> None:
    """Credit support staff with their queue's solved tickets and CSMs with the ARR
    ``retained`` per queue (in units of the median ACV), in proportion to productivity in the
    queue; adds to ``output`` in place."""
    nq = levels.shape[1]
    per_csm = np.empty(nq)
    for q in range(nq):
        per_csm[q] = retained[q] * levels[PER_CSM_EFFORT, q] / constants[ACV_MEDIAN]
    shares = staff_shares(productivity, column, levels[SOLVED_PER_EFFORT], per_csm)
    for i in range(len(output)):
        output[i] += shares[i]


@inline_kernel
def find_referrals(satisfaction, queue, territory, n, levels, constants, leads):
    """Satisfied customers refer new leads (ODD 7.3): each customer refers one this week with
    probability ``referral_rate x S^2 x`` the referral skill of its queue's CSMs; a referred
    lead fits with probability ``referral_fit``, needs an SE with ``technical_deal_share`` and
    stays in its referrer's territory. Draws from the ``leads`` stream's handle: a uniform per
    customer, then per referral one for fit and, after those, one for technical (the numpy
    code's calls).

    Returns:
        ``(territory, fit, technical)`` of the referred leads.
    """
    rng = generator(leads)
    nq = levels.shape[1]
    rate = np.empty(nq)
    for q in range(nq):
        rate[q] = constants[REFERRAL_RATE] * levels[REFERRAL_SKILL, q]
    referred = np.empty(n, np.intp)
    k = 0
    for i in range(n):
        if rng.random() < satisfaction[i] * satisfaction[i] * rate[queue[i]]:
            referred[k] = territory[i]
            k += 1
    fit = np.empty(k, np.bool_)
    for j in range(k):
        fit[j] = rng.random() < constants[REFERRAL_FIT]
    technical = np.empty(k, np.bool_)
    for j in range(k):
        technical[j] = rng.random() < constants[TECHNICAL_SHARE]
    return referred[:k], fit, technical


@kernel
def serve_week(
    queue, fit, expectations, acv, start, satisfaction, pull, renewal_week, territory, context,
    n, productivity, performance, knowledge, output, column, levels, constants, step, churn,
    leads, flows, referred, referred_fit, referred_technical,
):  # fmt: skip
    """One week of serving customers (ODD 7.3), the steps in the schedule's order: service
    per queue, satisfaction's move, renewals (churners leave), the staff's credit, referrals.

    The results go into arrays the caller passes (numba boxes each array it returns, at
    about a microsecond apiece).

    Args:
        queue ... context: the customer columns (:attr:`Customers.FIELDS` order), ``n`` live.
        productivity ... column: the people's productivity, performance, domain knowledge and
            output (credited in place), and their support/CSM column (:class:`_ServiceRoles`).
        levels: the per-queue service levels, written in place (:attr:`Customers.levels`).
        churn, leads: the handles of the churn and leads streams.
        flows: receives the week's :data:`RENEWAL_FLOWS`.
        referred, referred_fit, referred_technical: receive, in their first entries, the
            territory, fit and technical flag of the referred leads (room for ``n``).

    Returns:
        ``(customers left, referred leads)``.
    """
    n_columns = 2 * levels.shape[1]  # support, then CSMs, per queue
    totals = service_totals(productivity, performance, knowledge, REFERRALS, column, n_columns)
    measure_service(levels, totals, queue, fit, n, constants)
    move_satisfaction(satisfaction, pull, queue, n, levels, constants)
    n, renewals, retained = renew_contracts(
        queue, fit, expectations, acv, start, satisfaction, pull, renewal_week, territory,
        context, n, levels, constants, step, churn,
    )  # fmt: skip
    for i in range(len(renewals)):
        flows[i] = renewals[i]
    credit_service_staff(output, productivity, column, levels, retained, constants)
    territory, fit, technical = find_referrals(
        satisfaction, queue, territory, n, levels, constants, leads
    )
    k = len(territory)
    for i in range(k):
        referred[i], referred_fit[i], referred_technical[i] = territory[i], fit[i], technical[i]
    return n, k


def _field(values, dtype=np.float64) -> np.ndarray:
    """A new customers' field as a 1-D array of the kernel's ``dtype`` (a scalar: one entry)."""
    return np.array(values, dtype, copy=None, ndmin=1)


class _ServiceRoles:
    """Support and CSM staff by queue, for per-queue sums in one fixed-order pass.

    ``column`` is, per person, ``q`` for support staff in queue q, ``n_queues + q`` for a CSM in
    queue q and -1 for everyone else, so :func:`service_totals` sums per-person values over
    each queue's support staff and each queue's CSMs in one pass, in person order (the same
    bits on every CPU, unlike a BLAS matrix product).
    """

    def __init__(self, members: dict, structure) -> None:
        nq = self.n_columns = 2 * structure.n_queues
        self.support, self.csms = members["support"], members["csm"]
        self.column = np.full(structure.size, -1, dtype=np.intp)
        self.column[self.support] = structure.queue[self.support]
        self.column[self.csms] = nq // 2 + structure.queue[self.csms]

    def totals(self, wf: Workforce) -> np.ndarray:
        """Sums of p, p x performance and p x K_referrals (rows) over each queue's support staff,
        then each queue's CSMs (columns)."""
        return service_totals(
            wf.productivity, wf.performance, wf.knowledge, REFERRALS, self.column, self.n_columns
        )


class Customers(ColumnStore):
    """The customer base as parallel arrays (one entry per live customer, in no set order).

    Besides what was sold (territory, queue, fit, expectations, ACV, start) and satisfaction,
    each row stores ``pull``, the constant part of its weekly satisfaction move (fit and
    expectations), and ``renewal_week``, the week of the year its contract renews (start mod
    52). The kernels take the columns in ``FIELDS`` order.
    """

    FIELDS = (
        ("queue", np.intp),  # intp: the index type, so per-queue lookups need no conversion
        ("fit", np.bool_),
        ("expectations", np.float64),
        ("acv", np.float64),
        ("start", np.int32),
        ("satisfaction", np.float64),
        ("pull", np.float64),
        ("renewal_week", np.int8),
        ("territory", np.intp),  # the account's territory (its queue in pods)
        ("context", np.float64),  # share of what was learned about the account held (ODD 7.11)
    )

    def __init__(self, params: dict, structure) -> None:
        self.p = params
        self.structure = structure
        super().__init__()
        self.churned = 0
        self.acquired = 0
        self.single_queue = structure.n_queues == 1
        #: the parameters as the kernels read them (:func:`kernel_constants`)
        self.constants = kernel_constants(params)
        #: this week's service per queue (rows :data:`SOLVED_PER_EFFORT` ...), set by serve
        self.levels = np.zeros((LEVELS, structure.n_queues))
        self._served = False  # no service yet: nobody has worked a case
        self._flows = np.zeros(len(RENEWAL_FLOWS))  # the week's renewal flows (serve_week)
        #: weekly satisfaction move per unit of a customer's own part of the target
        self._pull = params["satisfaction_adaptation"] * TARGET_WEIGHT
        self._log_median = math.log(params["acv_median"])
        self._roles: _ServiceRoles | None = None
        #: handoff distances (model.handoffs.Handoffs); set by the model, None: no loss
        self.handoffs: Handoffs | None = None

    def __repr__(self) -> str:
        return f"Customers(n={len(self)}, arr={self.arr:,.0f}, churned={self.churned})"

    @property
    def arr(self) -> float:
        """Annual recurring revenue: the sum of live contract values."""
        return float(self.acv.sum())

    @property
    def csm_coverage(self) -> np.ndarray:
        """This week's CSM coverage per queue."""
        return self.levels[COVERAGE].copy()

    @property
    def referral_skill(self) -> np.ndarray:
        """This week's referral skill (coverage x CSMs' referral knowledge) per queue."""
        return self.levels[REFERRAL_SKILL].copy()

    def draw_acv(self, k: int, rng: np.random.Generator) -> np.ndarray:
        """Contract values: ``acv_median x exp(acv_spread x N(0, 1))``, drawn as one lognormal."""
        return rng.lognormal(self._log_median, self.p["acv_spread"], k)

    def add(self, territory, fit, expectations, acv, start, satisfaction, context=1.0) -> None:
        """New customers of ``territory`` (arrays of equal length, or scalars for all);
        ``start`` is the week signed (an int or an array). A customer's queue is its
        territory's: its pod's in pods, the one shared queue in the assembly line.

        ``context`` is the share of what was learned about the account that reached the
        people who deliver it, its CSMs and support (docs/ODD.md 7.11): the expectations set at
        the sale count toward satisfaction as far as they know them, and the rest is as good as
        a guess (knowledge 0.5): ``expectations' = 0.5 + context x (expectations - 0.5)``.
        """
        whole = np.ndim(context) == 0 and context == 1.0  # nothing lost: today's bits
        k, row = len(territory), self._rows
        if row + k > len(self._columns["queue"]):
            self._grow(row + k)
        sign_customers(  # type: ignore[call-arg]  # star-unpacked columns
            *self._columns.values(), row, np.asarray(territory, np.intp), _field(fit, np.bool_),
            _field(expectations), _field(acv), _field(start, np.int64), _field(satisfaction),
            _field(context), whole, self.single_queue, self.constants,
        )  # fmt: skip
        self._rows = row + k
        self.acquired += k

    def seed_base(self, count: int, now: int, rng: np.random.Generator) -> None:
        """An installed base at week ``now`` (the model's first): renewals spread over the year."""
        fit = rng.random(count) < self.p["installed_base_fit"]
        start = now - rng.integers(0, WEEKS_PER_YEAR, count)
        acv = self.draw_acv(count, rng)
        # territory last, so every design draws the same fit, dates and values (and the same
        # territories: one per pod's worth of head count in every design)
        territories = getattr(self.structure, "n_territories", self.structure.n_queues)
        territory = rng.integers(0, territories, count)
        self.add(territory, fit, np.full(count, 0.5), acv, start, 0.5)
        self.acquired = 0

    def reassign(self, structure) -> None:
        """Accounts move to a new ``structure``'s support and CSM queues (a reorganization,
        docs/ODD.md 5.2): each to its territory's queue (its pod's in pods, the shared queue in
        the assembly line); territory, contracts, satisfaction and renewal dates stay."""
        self.structure = structure
        nq = structure.n_queues
        self.single_queue = nq == 1
        n, columns = self._rows, self._columns
        columns["queue"][:n] = 0 if self.single_queue else columns["territory"][:n]
        self._roles = None
        self.levels = np.zeros((LEVELS, nq))

    def start_record(self) -> None:
        """The record starts (after a burn-in): count acquisitions and churn from here."""
        self.acquired = self.churned = 0

    # ------------------------------------------------------------------ the week
    def serve_week(self, wf: Workforce, members: dict, step: int, handles, flow: dict):
        """The week's service, renewals, staff credit and referrals (:func:`serve_week`).

        Args:
            members: the pipeline's people by role (its ``support`` and ``csm``).
            handles: the model's stream handles (:class:`model.draws.Handles`): renewals draw
                from ``churn``, referrals from ``leads``.
            flow: the week's flows, to which the renewals are added.

        Returns:
            ``(territory, fit, technical)`` of the referred leads.
        """
        roles, n, flows = self._service_roles(members), self._rows, self._flows
        referrals = np.empty(n, np.intp), np.empty(n, np.bool_), np.empty(n, np.bool_)
        rows, k = serve_week(  # type: ignore[call-arg]  # star-unpacked columns
            *self._columns.values(), n, wf.productivity, wf.performance, wf.knowledge,
            wf.output, roles.column, self.levels, self.constants, step, handles["churn"],
            handles["leads"], flows, *referrals,
        )  # fmt: skip
        self._served = True
        self._settle(rows, flows, flow)
        territory, fit, technical = referrals
        return territory[:k], fit[:k], technical[:k]

    # the steps one at a time (for tests and for a model that runs them apart), drawing from
    # numpy Generators
    def serve(self, wf: Workforce, members: dict) -> None:
        """Support and CSM service per queue; satisfaction moves toward what customers get.

        :meth:`credit_staff` credits the support staff and CSMs for it.
        """
        columns, n = self._columns, self._rows
        totals = self._service_roles(members).totals(wf)
        measure_service(self.levels, totals, columns["queue"], columns["fit"], n, self.constants)
        move_satisfaction(
            columns["satisfaction"], columns["pull"], columns["queue"], n, self.levels,
            self.constants,
        )  # fmt: skip
        self._served = True

    def renew(self, step: int, rng: np.random.Generator, flow: dict) -> np.ndarray:
        """Contracts at their anniversary renew (maybe expanded) or churn
        (:func:`renew_contracts`).

        Returns:
            ARR retained or added per queue (credited to that queue's CSMs).
        """
        rows, flows, credit = renew_contracts(  # type: ignore[call-arg]  # star-unpacked columns
            *self._columns.values(), self._rows, self.levels, self.constants, step, handle(rng)
        )
        self._settle(rows, flows, flow)
        return credit

    def credit_staff(self, wf: Workforce, retained: np.ndarray) -> None:
        """Credit support with this week's solved tickets and CSMs with the ARR ``retained`` per
        queue (in units of the median ACV), each in proportion to productivity in the queue."""
        assert self._roles is not None, "serve() first: it finds the service roles"
        column = self._roles.column
        credit_service_staff(
            wf.output, wf.productivity, column, self.levels, retained, self.constants
        )

    def refer(self, rng: np.random.Generator):
        """Satisfied customers refer new leads, more so with a CSM who cultivates referrals
        (:func:`find_referrals`).

        Returns:
            ``(territory, fit, technical)`` of the referred leads (technical: needs an SE);
            a referral stays in its referrer's territory.
        """
        columns = self._columns
        return find_referrals(
            columns["satisfaction"], columns["queue"], columns["territory"], self._rows,
            self.levels, self.constants, handle(rng),
        )  # fmt: skip

    def cases(self, wf: Workforce, members: dict) -> np.ndarray:
        """Cases each person worked this week: tickets solved by each support person and
        accounts covered by each CSM, in proportion to productivity in the queue (as
        :meth:`credit_staff` credits them); zero for everyone else."""
        if not self._served:
            return np.zeros(self.structure.size)
        levels = self.levels
        return staff_shares(
            wf.productivity, self._service_roles(members).column, levels[SOLVED_PER_EFFORT],
            levels[COVERED_PER_EFFORT],
        )  # fmt: skip

    # ------------------------------------------------------------------ helpers
    def _settle(self, rows: int, flows: np.ndarray, flow: dict) -> None:
        """The customers left after the renewals, and the renewals' flows (RENEWAL_FLOWS)."""
        self._rows = rows
        values = flows.tolist()
        for key, value in zip(RENEWAL_FLOWS, values, strict=True):
            flow[key] += value
        self.churned += int(values[RENEWAL_FLOWS.index("churned")])

    def _service_roles(self, members: dict) -> _ServiceRoles:
        roles = self._roles
        if (
            roles is None
            or roles.support is not members["support"]
            or (roles.csms is not members["csm"])
        ):
            roles = self._roles = _ServiceRoles(members, self.structure)
        return roles

    def _remove(self, rows: np.ndarray) -> None:
        """Drop ``rows`` (sorted, distinct): the last live rows move into their places
        (:func:`drop_customers`)."""
        self._rows = drop_customers(rows, self._rows, *self._columns.values())
