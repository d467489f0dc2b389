"""Customers as numpy arrays: service, satisfaction, renewal, churn, expansion and referrals.

A customer is satisfied when it fits the product, its expectations were set right when the
deal was sold, support solves its problems and its CSM covers it well (docs/ODD.md, 7.3).
Contracts renew yearly; renewal probability rises with satisfaction (logistic), satisfied
customers with a covering CSM expand, and satisfied customers of CSMs who cultivate referrals
refer new, better-fitting leads.

The week's cost is a fixed number of numpy calls, so few calls is what makes it cheap: the
part of a customer's satisfaction target that never changes (fit and expectations) and its
renewal week are stored when it is signed; each queue's support and CSM sums come from one
matrix product; per-queue values are plain floats when there is one shared queue; and a
churned customer's row is filled by the last row (customers have no order that matters).
"""

from __future__ import annotations

import numpy as np
from salesorg.model.clock import WEEKS_PER_YEAR
from salesorg.model.columns import ColumnStore
from salesorg.model.handoffs import Handoffs
from salesorg.model.jit import kernel
from salesorg.model.knowledge import DOMAIN_INDEX
from salesorg.model.pipeline import Workforce, logit
from salesorg.model.sums import numpy_sum

REFERRALS = DOMAIN_INDEX["referral_cultivation"]
#: Weight of each of the four parts of the satisfaction target (fit, expectations, support
#: quality, CSM quality), which is their mean (structure, not a free constant).
TARGET_WEIGHT = 0.25


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
    # (the ratios written out: this runs every week, and function calls cost more than these)
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


@kernel
def due_for_renewal(renewal_week, start, n, week_of_year, step) -> np.ndarray:
    """Rows of the first ``n`` customers whose contract renews this week (signed before it)."""
    due = np.empty(n, np.intp)
    k = 0
    for i in range(n):
        if renewal_week[i] == week_of_year and start[i] < step:
            due[k] = i
            k += 1
    return due[:k]


@kernel
def settle_renewals(
    due, satisfaction, acv, queue, coverage, threshold, u, churn_effect, expansion_rate,
    expansion_size, n_queues,
):  # fmt: skip
    """The contracts ``due`` renew, expanded, or churn (:meth:`Customers.renew`), in place.

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


@kernel
def move_satisfaction(satisfaction, pull, queue, n, keep, shift) -> None:
    """Satisfaction moves toward its target, in place: ``S <- keep x S + pull + shift[q]``
    (``keep = 1 - adaptation``; ``pull`` the customer's own part of the target, ``shift`` its
    queue's support and CSM part; :meth:`Customers.serve`)."""
    for i in range(n):
        satisfaction[i] = satisfaction[i] * keep + pull[i] + shift[queue[i]]


@kernel
def find_referrers(satisfaction, queue, n, rate, u) -> np.ndarray:
    """Customers who refer a lead this week: ``u < S^2 x rate[q]``, ``rate`` per queue
    (referral rate x the queue's referral skill; :meth:`Customers.refer`)."""
    referrers = np.empty(n, np.intp)
    k = 0
    for i in range(n):
        if u[i] < satisfaction[i] * satisfaction[i] * rate[queue[i]]:
            referrers[k] = i
            k += 1
    return referrers[:k]


@kernel
def staff_shares(productivity, column, per_column) -> np.ndarray:
    """Per person, productivity x the value ``per_column`` of their support or CSM column (0
    for everyone else, whose column is -1): credit and cases in proportion to productivity
    in the queue."""
    shares = np.empty(len(productivity))
    for i in range(len(productivity)):
        shares[i] = productivity[i] * (per_column[column[i]] if column[i] >= 0 else 0.0)
    return shares


@kernel
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


def per_queue(value) -> np.ndarray:
    """A per-queue value as an array over queues (a plain float when there is one queue)."""
    return np.atleast_1d(np.asarray(value, dtype=float))


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
    #: resolution, coverage (twice); mean support q, CSM q, CSM referral K; solved / p,
    #: 1 / CSM p (each quality is a row of the first three times the row three below it)
    NUMERATOR = (SOLVED, COVERED, COVERED, SUPPORT_PQ, CSM_PQ, CSM_PK, SOLVED, ONE)
    DENOMINATOR = (TICKETS, ACCOUNTS, ACCOUNTS, SUPPORT_P, CSM_P, CSM_P, SUPPORT_P, CSM_P)
    EMPTY = (1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0)

    def __init__(self, n_queues: int, p: dict) -> None:
        self.capacity = np.array([[p["support_capacity"]], [p["csm_capacity"]]])
        #: poor- and good-fit customer counts -> tickets (a poor fit files problem_ticket_ratio
        #: times as many) and accounts
        ratio = float(p["problem_ticket_ratio"])
        self.demand = np.array([[ratio, 1.0], [1.0, 1.0]]) * [[p["tickets_per_customer"]], [1.0]]
        self.one = np.ones((1, n_queues))
        #: the numerator rows, then the denominator rows (one gather for both)
        self.pairs = np.array(self.NUMERATOR + self.DENOMINATOR)
        self.empty = np.repeat(np.array(self.EMPTY)[:, None], n_queues, axis=1)

    def levels(self, totals: np.ndarray, counts: np.ndarray) -> tuple:
        """As :func:`service_levels`, each value an array over queues.

        Args:
            totals: :meth:`_ServiceRoles.totals`.
            counts: poor-fit and good-fit customers (2 x queues).
        """
        # rows: support p, CSM p, support p x perf., CSM p x perf., -, CSM p x K
        totals = totals.reshape(6, -1)
        # tickets, accounts: elementwise, in a fixed order (no BLAS product)
        demand = self.demand[:, :1] * counts[0] + self.demand[:, 1:] * counts[1]
        # tickets solved and accounts covered: capacity up to demand
        served = np.minimum(totals[:2] * self.capacity, demand)
        stacked = np.concatenate((totals, demand, served, self.one))
        pairs = stacked.take(self.pairs, 0)
        numerator, denominator = pairs[:8], pairs[8:]
        ratio = np.divide(numerator, denominator, out=self.empty.copy(), where=denominator > 0)
        # support quality, CSM quality, referral skill
        quality = ratio[:3] * ratio[3:6]
        coverage, solved_per_effort, per_csm_effort = ratio[1], ratio[6], ratio[7]
        return solved_per_effort, per_csm_effort, quality[0], coverage, quality[1], quality[2]


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
    each row
    stores ``pull``, the constant part of its weekly satisfaction move (fit and expectations),
    and ``renewal_week``, the week of the year its contract renews (start mod 52).
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
        nq = structure.n_queues
        self.single_queue = nq == 1
        self.churn_base = logit(params["churn_reference"])
        #: weekly satisfaction move toward the target, and per unit of a customer's own part
        #: of it (fit + expectations)
        self._adaptation = params["satisfaction_adaptation"]
        self._pull = self._adaptation * TARGET_WEIGHT
        self._log_median = float(np.log(params["acv_median"]))
        self._churn_effect = params["satisfaction_churn_effect"]
        self._expansion_size = params["expansion_size"]
        #: churn log-odds at zero satisfaction
        self._churn_logit_at_zero = self.churn_base + 0.5 * params["satisfaction_churn_effect"]
        # this week's per-queue service (floats with one queue), set by serve
        self._coverage = self._referral_skill = 0.0 if self.single_queue else np.zeros(nq)
        self._roles: _ServiceRoles | None = None
        self._queue_service = QueueService(nq, params)
        self._per_effort = None
        self._covered_per_effort = None
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
        return per_queue(self._coverage)

    @property
    def referral_skill(self) -> np.ndarray:
        """This week's referral skill (coverage x CSMs' referral knowledge) per queue."""
        return per_queue(self._referral_skill)

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
        if np.ndim(context) == 0 and context == 1.0:  # nothing lost: today's bits
            met = expectations
        else:
            met = (np.asarray(expectations) - 0.5) * context + 0.5
        self.append(
            queue=np.zeros(len(territory), np.intp) if self.single_queue else territory,
            fit=fit,
            expectations=expectations,
            acv=acv,
            start=start,
            satisfaction=satisfaction,
            pull=np.add(fit, met) * self._pull,
            renewal_week=start % WEEKS_PER_YEAR,
            territory=territory,
            context=context,
        )
        self.acquired += len(territory)

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
        self._queue_service = QueueService(nq, self.p)
        self._coverage = self._referral_skill = 0.0 if self.single_queue else np.zeros(nq)

    def start_record(self) -> None:
        """The record starts (after a burn-in): count acquisitions and churn from here."""
        self.acquired = self.churned = 0

    def serve(self, wf: Workforce, members: dict) -> None:
        """Support and CSM service per queue; satisfaction moves toward what customers get.

        :meth:`credit_staff` credits the support staff and CSMs for it.
        """
        roles = self._service_roles(members)
        totals = roles.totals(wf)
        if self.single_queue:
            n = self._rows
            good = int(np.count_nonzero(self._columns["fit"][:n]))
            # a poor fit files problem_ticket_ratio times the tickets (whole numbers at 2.0:
            # exactly the same float as 2n - good)
            poor_tickets = self.p["problem_ticket_ratio"] * (n - good) + good
            tickets = self.p["tickets_per_customer"] * poor_tickets
            levels = service_levels(totals.tolist(), tickets, n, self.p)
            accounts = n
        else:
            counts = self._fit_counts()
            levels = self._queue_service.levels(totals, counts)
            accounts = np.add.reduce(counts, axis=0)
        solved_per_effort, per_csm_effort, support_quality, coverage, csm_quality, skill = levels
        self._coverage, self._referral_skill = coverage, skill
        self._per_effort = solved_per_effort, per_csm_effort
        self._covered_per_effort = coverage * accounts * per_csm_effort
        # S <- S + a (T - S), T = (fit + expectations + support quality + CSM quality) / 4;
        # a customer's own part of a T is its stored pull
        shift = self._adaptation * TARGET_WEIGHT * (support_quality + csm_quality)
        columns = self._columns
        move_satisfaction(
            columns["satisfaction"], columns["pull"], columns["queue"], self._rows,
            1.0 - self._adaptation, per_queue(shift),
        )  # fmt: skip

    def renew(self, step: int, rng: np.random.Generator, flow: dict) -> np.ndarray:
        """Contracts at their anniversary renew (maybe expanded) or churn.

        Returns:
            ARR retained or added per queue (credited to that queue's CSMs).
        """
        p, columns, n = self.p, self._columns, self._rows
        due = due_for_renewal(
            columns["renewal_week"], columns["start"], n, step % WEEKS_PER_YEAR, step
        )
        k = len(due)
        if k == 0:
            return np.zeros(self.structure.n_queues)
        # logit P(churn) = logit(churn_reference) - satisfaction_churn_effect (S - 0.5): a
        # customer churns when satisfaction_churn_effect x S falls short of a logistic draw
        # centred on the churn log-odds at S = 0; a renewing customer expands with probability
        # expansion_rate x S x coverage
        threshold = rng.logistic(self._churn_logit_at_zero, 1.0, k)
        u = rng.random(k)
        gone, due_total, expansion, retained, kept = settle_renewals(
            due, columns["satisfaction"], columns["acv"], columns["queue"], self.csm_coverage,
            threshold, u, self._churn_effect, p["expansion_rate"], self._expansion_size,
            self.structure.n_queues,
        )  # fmt: skip
        churned = len(gone)
        flow["renewals_due"] += k
        flow["churned"] += churned
        flow["arr_due"] += due_total
        flow["arr_retained"] += retained
        flow["expansion_bookings"] += expansion
        credit = np.array([retained]) if self.single_queue else kept
        if churned:
            self._remove(due[gone])
            self.churned += churned
        return credit

    def credit_staff(self, wf: Workforce, retained: np.ndarray) -> None:
        """Credit support with this week's solved tickets and CSMs with the ARR ``retained`` per
        queue (in units of the median ACV), each in proportion to productivity in the queue."""
        solved_per_effort, per_csm_effort = self._per_effort
        unit = self.p["acv_median"]
        if self.single_queue:
            per_effort = np.array([solved_per_effort, float(retained[0]) * per_csm_effort / unit])
        else:
            per_effort = np.concatenate((solved_per_effort, retained * per_csm_effort / unit))
        wf.output += staff_shares(wf.productivity, self._roles.column, per_effort)

    def cases(self, wf: Workforce, members: dict) -> np.ndarray:
        """Cases each person worked this week: tickets solved by each support person and
        accounts covered by each CSM, in proportion to productivity in the queue (as
        :meth:`credit_staff` credits them); zero for everyone else."""
        if self._per_effort is None:  # no service yet
            return np.zeros(self.structure.size)
        per_column = np.concatenate(
            (per_queue(self._per_effort[0]), per_queue(self._covered_per_effort))
        )
        return staff_shares(wf.productivity, self._service_roles(members).column, per_column)

    def refer(self, rng: np.random.Generator):
        """Satisfied customers refer new leads, more so with a CSM who cultivates referrals.

        Returns:
            ``(territory, fit, technical)`` of the referred leads (technical: needs an SE);
            a referral stays in its referrer's territory.
        """
        p, columns, n = self.p, self._columns, self._rows
        rate = p["referral_rate"] * self.referral_skill
        referrers = find_referrers(
            columns["satisfaction"], columns["queue"], n, rate, rng.random(n)
        )
        k = len(referrers)
        draws = rng.random(2 * k)  # fit, then technical
        fit = draws[:k] < p["referral_fit"]
        technical = draws[k:] < p["technical_deal_share"]
        return columns["territory"][referrers], fit, technical

    # ------------------------------------------------------------------ helpers
    def _service_roles(self, members: dict) -> _ServiceRoles:
        roles = self._roles
        if (
            roles is None
            or roles.support is not members["support"]
            or (roles.csms is not members["csm"])
        ):
            roles = self._roles = _ServiceRoles(members, self.structure)
        return roles

    def _fit_counts(self) -> np.ndarray:
        """Customers per queue (columns), poor-fit (row 0) and good-fit (row 1)."""
        n, nq, columns = self._rows, self.structure.n_queues, self._columns
        segment = columns["queue"][:n] + columns["fit"][:n] * nq  # good fits count in q + nq
        return np.bincount(segment, minlength=2 * nq).reshape(2, nq)

    def _remove(self, rows: np.ndarray) -> None:
        """Drop ``rows`` (sorted, distinct): the last live rows move into their places.

        Customers have no order that matters (unlike the first-in first-out lead queue), so
        filling the holes from the end moves a few rows instead of compacting every column.
        """
        n = self._rows
        remaining = n - len(rows)
        if rows[-1] < remaining:  # usual: the newest customers at the end are not due
            holes, movers = rows, slice(remaining, n)  # a slice: cheaper than an index
        else:
            split = int(rows.searchsorted(remaining))
            holes = rows[:split]  # rows[split:] are in the tail that is cut off anyway
            leaving = np.zeros(n - remaining, dtype=bool)
            leaving[rows[split:] - remaining] = True
            movers = (~leaving).nonzero()[0] + remaining
        for column in self._columns.values():
            column[holes] = column[movers]
        self._rows = remaining
