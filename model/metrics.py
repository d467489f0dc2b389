"""What an experiment measures (docs/ODD.md, 7.6): names, units and how they are computed.

All values are computed once per step in :meth:`Metrics.update` (one compiled call,
:func:`weekly_metrics`, no random draws) into one row of floats; the DataCollector stores the
row and its reporters only read it. Rates that need more than a week's
events use trailing windows: 13 weeks (a quarter) for the sales funnel, 52 weeks for churn,
net revenue retention and attrition. A rate with no events in its window is NaN.

After a burn-in (a warm start) the windows keep the burn-in's weeks: they are the company's
recent history, so week 0 already shows its trailing win rate, churn and retention. The weekly
flows of week 0 (bookings, leads, ...) are 0, as in a cold start: no recorded week has passed, and
sums of a weekly flow over a run's rows count recorded weeks only.
"""

from __future__ import annotations

import numpy as np
from salesorg.model.incentives import COOPERATOR, FREE_RIDER
from salesorg.model.jit import inline_kernel, kernel
from salesorg.model.knowledge import CROSS_FUNCTIONAL, DOMAINS, ROLES, WEIGHTS
from salesorg.model.learning import belief_diversity

QUARTER, YEAR = 13, 52

#: Per-week event counts kept in a 52-week ring buffer.
FLOWS = (
    "leads", "referrals", "worked", "qualified", "won", "lost", "cycle_weeks", "new_bookings",
    "expansion_bookings", "renewals_due", "churned", "arr_due", "arr_retained", "leavers",
)  # fmt: skip

#: Metric name -> (unit, description). The DataCollector has one column per entry.
METRICS: dict[str, tuple[str, str]] = {
    "bookings": ("USD/week", "new-logo plus expansion contract value booked this week"),
    "new_bookings": ("USD/week", "new-logo contract value booked this week"),
    "arr": ("USD", "annual recurring revenue: sum of live contract values"),
    "customers": ("customers", "live customers"),
    "leads": ("leads/week", "leads generated this week (marketing and referrals)"),
    "referrals": ("leads/week", "referral leads generated this week"),
    "open_leads": ("leads", "leads open in any stage (new, waiting for an AE, active deal)"),
    "win_rate": ("-", "won / (won + lost) over the last 13 weeks"),
    "lead_to_qualified": ("-", "qualified / leads worked by SDRs, last 13 weeks"),
    "qualified_to_won": ("-", "deals won / leads qualified, last 13 weeks"),
    "sales_cycle_weeks": ("weeks", "mean weeks from qualification to close, last 13 weeks"),
    "churn_annual": ("1/year", "logo churn: churned / contracts due for renewal, last 52 weeks"),
    "nrr": (
        "-",
        "net revenue retention: ARR after renewal (with expansion, churn as 0) / ARR "
        "due, last 52 weeks",
    ),
    "grr": (
        "-",
        "gross revenue retention: ARR due kept without expansion (churn as 0) / ARR due, "
        "last 52 weeks",
    ),
    "revenue_per_employee": ("USD/person", "ARR / head count"),
    "knowledge": (
        "-",
        "share of all belief dimensions held correctly of the common market reality (with "
        "interdependence: correctly with their dependencies), mean over people",
    ),
    "territory_knowledge": (
        "-",
        "knowledge of the territories one serves: the share of dimensions held correctly of "
        "each served territory's reality, weighted by work share, mean over people",
    ),
    "belief_accuracy": (
        "-",
        "share of all belief dimensions held correctly of the common reality, whether or not "
        "their dependencies are (equals knowledge without interdependence)",
    ),
    "playbook_knowledge": ("-", "share of dimensions the unit playbooks hold correctly"),
    **{
        f"knowledge_{role}": ("-", f"role-weighted knowledge of {role}s (what the role needs)")
        for role in ROLES
    },
    **{
        f"knowledge_{domain}": (
            "-",
            f"share of {domain.replace('_', ' ')} dimensions held correctly, mean over people",
        )
        for domain in DOMAINS
    },
    "cross_functional_knowledge": (
        "-",
        "knowledge of the domains one's role needs but does not see from its own work",
    ),
    "belief_diversity": ("-", "Gini-Simpson diversity of beliefs per dimension, scaled to [0, 1]"),
    "cooperation": ("-", "mean probability of sharing (cooperativeness x willingness)"),
    "effort": ("-", "mean effort (1 = full)"),
    "effort_free_riders": ("-", "mean effort of free riders"),
    "effort_cooperators": ("-", "mean effort of unconditional cooperators"),
    "payoff_free_riders": ("pay units", "mean pay minus the effort cost of free riders"),
    "payoff_cooperators": ("pay units", "mean pay minus effort cost of cooperators"),
    "morale": ("-", "mean morale (1 = no grievance)"),
    "attrition": ("1/year", "leavers over the last 52 weeks per employee, annualised"),
}


# Columns of the flows in the ring buffer's rows (the order of FLOWS).
LEADS_F, REFERRALS_F, WORKED, QUALIFIED, WON, LOST, CYCLE_WEEKS, NEW_BOOKINGS_F = range(8)
EXPANSION_BOOKINGS, RENEWALS_DUE, CHURNED, ARR_DUE, ARR_RETAINED, LEAVERS = range(8, len(FLOWS))
#: Per-person quantities averaged over groups: the domains' knowledge, then these four.
PERSON_FIELDS = ("cooperation", "effort", "payoff", "morale")
#: Groups averaged over: everyone, each role, free riders, unconditional cooperators.
ALL, FREE_ROW, COOP_ROW = 0, 1 + len(ROLES), 2 + len(ROLES)

# Columns of the metrics in a row of values (the order of METRICS), for the kernels.
(
    BOOKINGS,
    NEW_BOOKINGS,
    ARR,
    CUSTOMERS,
    LEADS,
    REFERRALS,
    OPEN_LEADS,
    WIN_RATE,
    LEAD_TO_QUALIFIED,
    QUALIFIED_TO_WON,
    SALES_CYCLE_WEEKS,
    CHURN_ANNUAL,
    NRR,
    GRR,
    REVENUE_PER_EMPLOYEE,
    KNOWLEDGE,
    TERRITORY_KNOWLEDGE,
    BELIEF_ACCURACY,
    PLAYBOOK_KNOWLEDGE,
) = range(19)
ROLE_KNOWLEDGE = 19  # knowledge_<role>, one column per role
DOMAIN_KNOWLEDGE = ROLE_KNOWLEDGE + len(ROLES)  # knowledge_<domain>, one column per domain
(
    CROSS_FUNCTIONAL_KNOWLEDGE, BELIEF_DIVERSITY, COOPERATION, EFFORT, EFFORT_FREE_RIDERS,
    EFFORT_COOPERATORS, PAYOFF_FREE_RIDERS, PAYOFF_COOPERATORS, MORALE, ATTRITION,
) = range(DOMAIN_KNOWLEDGE + len(DOMAINS), len(METRICS))  # fmt: skip


class Metrics:
    """The weekly flows ring buffer and the current value of every metric.

    :meth:`update` computes a week's row of values (:attr:`row`, in the order of
    :data:`METRICS`) in one compiled call, :func:`weekly_metrics`; every mean over people (by
    role, by type, over everyone) comes from fixed-order group sums of one people x quantities
    matrix, all groups in one pass (:func:`group_sums`): a week's metrics cost one call whatever
    the head count, and the same bits on every CPU.
    """

    def __init__(
        self, structure, weights: np.ndarray = WEIGHTS, cross: np.ndarray = CROSS_FUNCTIONAL
    ) -> None:
        self.structure = structure
        #: roles x domains: the role weights (model input ``role_weights``) and their
        #: cross-functional part, for the role and cross-functional knowledge metrics
        self.weights = np.ascontiguousarray(weights, dtype=float)
        self.cross = np.ascontiguousarray(cross, dtype=float)
        self.flows = np.zeros((YEAR, len(FLOWS)))
        # running window sums, updated as weeks enter and leave the ring buffer
        self.quarter = np.zeros(len(FLOWS))
        self.year = np.zeros(len(FLOWS))
        self.weeks = 0  # weeks stored so far, burn-in included (the windows' history)
        self.fresh = True  # no week recorded since the record started: week 0's flows are 0
        # people x quantities (domains' knowledge, then PERSON_FIELDS), rewritten every week
        self.quantities = np.zeros((len(structure.role), len(DOMAINS) + len(PERSON_FIELDS)))
        #: the current value of every metric, in the order of METRICS
        self.row = np.full(len(METRICS), np.nan)

    def __repr__(self) -> str:
        return f"Metrics(weeks={self.weeks}, {len(METRICS)} metrics)"

    @property
    def values(self) -> dict[str, float]:
        """The current value of every metric by name (a new dict: reading it changes nothing)."""
        return dict(zip(METRICS, self.row.tolist(), strict=True))

    def record_week(self, step: int, flow: dict) -> None:
        """Store this week's event counts in the ring buffer."""
        new = np.fromiter(map(flow.__getitem__, FLOWS), float, len(FLOWS))
        record(self.flows, self.quarter, self.year, step, new)
        self.weeks += 1
        self.fresh = False

    def start_record(self) -> None:
        """The record starts after a burn-in: week 0 shows no weekly flow (see the module)."""
        self.fresh = True

    def update(self, model) -> None:
        """Compute every metric from the model's current state (no side effects on the model)."""
        people, accuracy = model.people, model.belief_accuracy
        weekly_metrics(
            self.row, self.flows, self.quarter, self.year, model.week, self.fresh, self.weeks,
            model.customers.arr, len(model.customers), len(model.pipeline.leads),
            model.domain_knowledge, model.served_knowledge, model.territory_knowledge is not None,
            np.nan if accuracy is None else accuracy, people.cooperation, people.effort,
            people.payoff, people.morale, self.structure.role, people.type, self.weights,
            self.cross, model.codes, model.reality, people.beliefs, self.quantities,
        )  # fmt: skip


@kernel
def record(flows, quarter, year, step, new) -> None:
    """Store week ``step``'s event counts ``new`` in the ring buffer ``flows`` (52 weeks x
    flows) and move the 13- and 52-week window sums, in place."""
    row, leaving = step % YEAR, (step - QUARTER) % YEAR  # Python's modulo: >= 0
    for f in range(len(new)):
        year[f] += new[f] - flows[row, f]
        quarter[f] += new[f] - flows[leaving, f]
        flows[row, f] = new[f]


@inline_kernel
def python_sum(values) -> float:
    """Python's ``sum`` of a list of floats (CPython 3.12 on), bit for bit: Neumaier's
    compensated sum, the compensation added at the end."""
    total, compensation = values[0], 0.0
    for k in range(1, len(values)):
        x = values[k]
        t = total + x
        if abs(total) >= abs(x):
            compensation += (total - t) + x
        else:
            compensation += (x - t) + total
        total = t
    if compensation != 0.0 and np.isfinite(compensation):
        total += compensation
    return total


@kernel
def ratio(num: float, den: float) -> float:
    """``num / den``, NaN for a rate with no events in its window."""
    return num / den if den > 0 else np.nan


@inline_kernel
def flow_metrics(row, week, quarter, year, weeks, arr, people) -> None:
    """The week's bookings, leads, the funnel's 13-week rates, the 52-week churn, retention
    and attrition rates, and ARR per head (docs/ODD.md 7.6), into ``row``."""
    row[BOOKINGS] = week[NEW_BOOKINGS_F] + week[EXPANSION_BOOKINGS]
    row[NEW_BOOKINGS] = week[NEW_BOOKINGS_F]
    row[LEADS] = week[LEADS_F] + week[REFERRALS_F]
    row[REFERRALS] = week[REFERRALS_F]
    won, lost = quarter[WON], quarter[LOST]
    row[WIN_RATE] = ratio(won, won + lost)
    row[LEAD_TO_QUALIFIED] = ratio(quarter[QUALIFIED], quarter[WORKED])
    row[QUALIFIED_TO_WON] = ratio(won, quarter[QUALIFIED])
    row[SALES_CYCLE_WEEKS] = ratio(quarter[CYCLE_WEEKS], won + lost)
    row[CHURN_ANNUAL] = ratio(year[CHURNED], year[RENEWALS_DUE])
    row[NRR] = ratio(year[ARR_RETAINED], year[ARR_DUE])
    row[GRR] = ratio(year[ARR_RETAINED] - year[EXPANSION_BOOKINGS], year[ARR_DUE])
    row[REVENUE_PER_EMPLOYEE] = arr / people
    stored = min(max(weeks, 1), YEAR)  # a burn-in's weeks count: they are stored
    row[ATTRITION] = year[LEAVERS] / people * (YEAR / stored)


@inline_kernel
def people_metrics(row, quantities, role, types, weights, cross) -> None:
    """Knowledge (overall, by domain, role-weighted by role, cross-functional), cooperation,
    effort, morale and the types' effort and payoff (docs/ODD.md 7.6), into ``row``.

    ``quantities`` is people x (domains' knowledge, :data:`PERSON_FIELDS`). Each mean is its
    group's fixed-order sum (:func:`group_sums`) times one over the group's size (NaN for an
    empty group); role-weighted knowledge adds a role's weights times its members' mean
    knowledge in domain order, as numpy adds fewer than eight terms.
    """
    n, d, roles = len(role), weights.shape[1], weights.shape[0]
    kind = np.full(n, -1, np.intp)  # free riders 0, unconditional cooperators 1, else -1
    size = np.zeros(3 + roles, np.intp)
    size[ALL] = n
    for i in range(n):
        size[1 + role[i]] += 1
        if types[i] == FREE_RIDER:
            kind[i] = 0
        elif types[i] == COOPERATOR:
            kind[i] = 1
        if kind[i] >= 0:
            size[FREE_ROW + kind[i]] += 1
    sums = group_sums(quantities, role, roles, kind)
    means = np.empty_like(sums)
    for g in range(len(size)):
        inverse = 1.0 / size[g] if size[g] > 0 else np.nan
        for j in range(sums.shape[1]):
            means[g, j] = sums[g, j] * inverse
    # every domain has the same number of dimensions: overall knowledge is their mean
    for j in range(d):
        row[DOMAIN_KNOWLEDGE + j] = means[ALL, j]
    row[KNOWLEDGE] = python_sum(means[ALL, :d]) / d
    cross_total = 0.0
    for r in range(roles):
        weighted = weights[r, 0] * means[1 + r, 0]
        for j in range(1, d):
            weighted += weights[r, j] * means[1 + r, j]
        row[ROLE_KNOWLEDGE + r] = weighted
        for j in range(d):
            cross_total += cross[r, j] * sums[1 + r, j]
    row[CROSS_FUNCTIONAL_KNOWLEDGE] = cross_total / n
    row[COOPERATION] = means[ALL, d]
    row[EFFORT] = means[ALL, d + 1]
    row[MORALE] = means[ALL, d + 3]
    row[EFFORT_FREE_RIDERS] = means[FREE_ROW, d + 1]
    row[PAYOFF_FREE_RIDERS] = means[FREE_ROW, d + 2]
    row[EFFORT_COOPERATORS] = means[COOP_ROW, d + 1]
    row[PAYOFF_COOPERATORS] = means[COOP_ROW, d + 2]


@kernel
def weekly_metrics(
    row, flows, quarter, year, step, fresh, weeks, arr, customers, open_leads, knowledge,
    served, territorial, accuracy, cooperation, effort, payoff, morale, role, types, weights,
    cross, codes, reality, beliefs, quantities,
) -> None:  # fmt: skip
    """Every metric of the week (docs/ODD.md 7.6), in place in ``row`` (METRICS order).

    Args:
        flows, quarter, year: the ring buffer of weekly flows and its window sums; ``step`` the
            week, ``fresh`` True when no week was recorded since the record started (week 0's
            flows are 0), ``weeks`` the weeks stored.
        arr, customers, open_leads: ARR, live customers, open leads.
        knowledge, served: people x domains knowledge of the common market and of the
            territories one serves (``territorial`` False: the common market's).
        accuracy: the share of right beliefs (NaN: it equals knowledge, no interdependence).
        cooperation, effort, payoff, morale, role, types: per person.
        weights, cross: roles x domains role weights and their cross-functional part.
        codes, reality, beliefs: the playbooks, the common reality, everyone's beliefs.
        quantities: people x quantities scratch space for the group sums.
    """
    n, d = knowledge.shape
    week = np.zeros(len(FLOWS)) if fresh else flows[step % YEAR]
    flow_metrics(row, week, quarter, year, weeks, arr, n)
    row[ARR] = arr
    row[CUSTOMERS] = customers
    row[OPEN_LEADS] = open_leads
    for i in range(n):
        for j in range(d):
            quantities[i, j] = knowledge[i, j]
        quantities[i, d] = cooperation[i]
        quantities[i, d + 1] = effort[i]
        quantities[i, d + 2] = payoff[i]
        quantities[i, d + 3] = morale[i]
    people_metrics(row, quantities, role, types, weights, cross)
    row[TERRITORY_KNOWLEDGE] = row[KNOWLEDGE]
    if territorial:  # mean over people and domains (each domain has the same dimensions)
        total = 0.0
        for i in range(n):
            for j in range(d):
                total += served[i, j]
        row[TERRITORY_KNOWLEDGE] = total / (n * d)
    row[BELIEF_ACCURACY] = row[KNOWLEDGE] if np.isnan(accuracy) else accuracy
    right = 0
    for u in range(codes.shape[0]):
        for j in range(codes.shape[1]):
            right += codes[u, j] == reality[j]
    row[PLAYBOOK_KNOWLEDGE] = right / codes.size
    row[BELIEF_DIVERSITY] = belief_diversity(beliefs)


@inline_kernel
def group_sums(quantities: np.ndarray, role: np.ndarray, roles: int, kind: np.ndarray):
    """Column sums of ``quantities`` (people x quantities) over the groups metrics average
    over, each added in row order (:func:`model.sums.sums_by_group`): everyone (row
    :data:`ALL`), each role (the next ``roles`` rows), then free riders and unconditional
    cooperators (``kind`` 0 and 1; -1 for neither)."""
    people, columns = quantities.shape
    sums = np.zeros((3 + roles, columns))
    for i in range(people):
        k = kind[i]
        for j in range(columns):
            value = quantities[i, j]
            sums[ALL, j] += value
            sums[1 + role[i], j] += value
            if k >= 0:
                sums[FREE_ROW + k, j] += value
    return sums


def role_performance(domain_knowledge: np.ndarray, role_weights: np.ndarray) -> np.ndarray:
    """Role-weighted knowledge: how much of what one's role needs one knows (the numpy
    reference of the performance :func:`model.learning.knowledge_and_performance` returns).

    ``role_weights`` is people x domains: each person's row of :data:`model.knowledge.WEIGHTS`.
    """
    return np.add.reduce(domain_knowledge * role_weights, axis=1)
