"""What an experiment measures (docs/ODD.md, 7.6): names, units and how they are computed.

All values are computed once per step in :meth:`Metrics.update` (cheap array reductions, no
random draws); the DataCollector's reporters only read them. Rates that need more than a week's
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
from salesorg.model.jit import kernel
from salesorg.model.knowledge import CROSS_FUNCTIONAL, DOMAINS, ROLES, WEIGHTS
from salesorg.model.learning import belief_diversity
from salesorg.model.sums import ordered_sum

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


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


#: Indices of the flows in the ring buffer's rows.
F = {name: i for i, name in enumerate(FLOWS)}
#: Per-person quantities averaged over groups: the domains' knowledge, then these four.
PERSON_FIELDS = ("cooperation", "effort", "payoff", "morale")
ROLE_KEYS = tuple(f"knowledge_{role}" for role in ROLES)
DOMAIN_KEYS = tuple(f"knowledge_{domain}" for domain in DOMAINS)
#: Groups averaged over: everyone, each role, free riders, unconditional cooperators.
ALL, FREE_ROW, COOP_ROW = 0, 1 + len(ROLES), 2 + len(ROLES)


class Metrics:
    """The weekly flows ring buffer and the current value of every metric.

    Every mean over people (by role, by type, over everyone) comes from fixed-order group sums
    of one people x quantities matrix, all groups in one pass (:func:`group_sums`), instead of
    a reduction per metric: a week's metrics cost a handful of calls whatever the head count,
    and the same bits on every CPU.
    """

    def __init__(
        self, structure, weights: np.ndarray = WEIGHTS, cross: np.ndarray = CROSS_FUNCTIONAL
    ) -> None:
        self.structure = structure
        #: roles x domains: the role weights (model input ``role_weights``) and their
        #: cross-functional part, for the role and cross-functional knowledge metrics
        self.weights, self.cross = weights, cross
        self.flows = np.zeros((YEAR, len(FLOWS)))
        # running window sums, updated as weeks enter and leave the ring buffer
        self.quarter = np.zeros(len(FLOWS))
        self.year = np.zeros(len(FLOWS))
        self.weeks = 0  # weeks stored so far, burn-in included (the windows' history)
        self.fresh = True  # no week recorded since the record started: week 0's flows are 0
        self.no_week = [0.0] * len(FLOWS)
        role, n, d = structure.role, len(structure.role), len(DOMAINS)
        self.type_group = np.full(n, -1, dtype=np.intp)  # free riders 0, cooperators 1, else -1
        counts = np.zeros(3 + len(ROLES))
        counts[ALL] = n
        counts[1 : 1 + len(ROLES)] = np.bincount(role, minlength=len(ROLES))
        # 1 / group size, NaN for an empty group (so its means are NaN, not 0)
        self.inverse_counts = np.divide(
            1.0, counts, out=np.full(len(counts), np.nan), where=counts > 0
        )
        self.types_of = -1  # People.next_hire_id when the type rows were last built
        # people x quantities, rewritten in place every week
        self.quantities = np.zeros((n, d + len(PERSON_FIELDS)))
        self.values: dict[str, float] = dict.fromkeys(METRICS, float("nan"))

    def __repr__(self) -> str:
        return f"Metrics(weeks={self.weeks}, {len(self.values)} metrics)"

    def record_week(self, step: int, flow: dict) -> None:
        """Store this week's event counts in the ring buffer."""
        new = np.array([flow[name] for name in FLOWS])
        self.year += new - self.flows[step % YEAR]
        self.quarter += new - self.flows[(step - QUARTER) % YEAR]
        self.flows[step % YEAR] = new
        self.weeks += 1
        self.fresh = False

    def start_record(self) -> None:
        """The record starts after a burn-in: week 0 shows no weekly flow (see the module)."""
        self.fresh = True

    def group_means(self, domain_knowledge: np.ndarray, people) -> tuple[np.ndarray, np.ndarray]:
        """Sums and means of each domain's knowledge and of :data:`PERSON_FIELDS` per group.

        Returns ``(sums, means)``, groups x quantities; a group without members has NaN means.
        """
        d, q = domain_knowledge.shape[1], self.quantities
        q[:, :d] = domain_knowledge
        for j, name in enumerate(PERSON_FIELDS, start=d):
            q[:, j] = getattr(people, name)
        if self.types_of != people.next_hire_id:  # types change only with new hires
            self._type_rows(people.type)
            self.types_of = people.next_hire_id
        # fixed-order sums: the same bits on every CPU
        sums = group_sums(q, self.structure.role, len(ROLES), self.type_group)
        means = sums * self.inverse_counts[:, None]
        return sums, means

    def _type_rows(self, types: np.ndarray) -> None:
        """Rebuild the free-rider and cooperator groups."""
        self.type_group.fill(-1)
        for offset, kind in enumerate((FREE_RIDER, COOPERATOR)):
            members = types == kind
            self.type_group[members] = offset
            count = np.count_nonzero(members)
            self.inverse_counts[FREE_ROW + offset] = 1.0 / count if count else np.nan

    def update(self, model) -> None:
        """Compute every metric from the model's current state (no side effects on the model)."""
        step, n = model.week, len(self.structure.role)
        week = self.no_week if self.fresh else self.flows[step % YEAR].tolist()
        quarter = self.quarter.tolist()
        year = self.year.tolist()
        d = len(DOMAINS)
        sums, means = self.group_means(model.domain_knowledge, model.people)
        arr = model.customers.arr
        v = self.values
        v["bookings"] = week[F["new_bookings"]] + week[F["expansion_bookings"]]
        v["new_bookings"] = week[F["new_bookings"]]
        v["arr"] = arr
        v["customers"] = float(len(model.customers))
        v["leads"] = week[F["leads"]] + week[F["referrals"]]
        v["referrals"] = week[F["referrals"]]
        v["open_leads"] = float(len(model.pipeline.leads))
        won, lost = quarter[F["won"]], quarter[F["lost"]]
        v["win_rate"] = _ratio(won, won + lost)
        v["lead_to_qualified"] = _ratio(quarter[F["qualified"]], quarter[F["worked"]])
        v["qualified_to_won"] = _ratio(won, quarter[F["qualified"]])
        v["sales_cycle_weeks"] = _ratio(quarter[F["cycle_weeks"]], won + lost)
        v["churn_annual"] = _ratio(year[F["churned"]], year[F["renewals_due"]])
        v["nrr"] = _ratio(year[F["arr_retained"]], year[F["arr_due"]])
        kept = year[F["arr_retained"]] - year[F["expansion_bookings"]]
        v["grr"] = _ratio(kept, year[F["arr_due"]])
        v["revenue_per_employee"] = arr / n
        everyone = means[ALL].tolist()
        # every domain has the same number of dimensions: overall knowledge is their mean
        v["knowledge"] = sum(everyone[:d]) / d
        served = None if model.territory_knowledge is None else model.served_knowledge
        v["territory_knowledge"] = territory_knowledge(served, v["knowledge"])
        accuracy = model.belief_accuracy
        v["belief_accuracy"] = v["knowledge"] if accuracy is None else accuracy
        v["playbook_knowledge"] = np.count_nonzero(model.codes == model.reality) / model.codes.size
        # role-weighted knowledge of a role = its weights applied to its members' mean knowledge
        role_knowledge = np.add.reduce(self.weights * means[1:FREE_ROW, :d], axis=1).tolist()
        v.update(zip(ROLE_KEYS, role_knowledge, strict=True))
        v.update(zip(DOMAIN_KEYS, everyone[:d], strict=True))
        cross = ordered_sum(self.cross * sums[1:FREE_ROW, :d])
        v["cross_functional_knowledge"] = cross / n
        v["belief_diversity"] = belief_diversity(model.people.beliefs)
        v["cooperation"], v["effort"], _, v["morale"] = everyone[d:]
        free, coop = means[FREE_ROW, d:].tolist(), means[COOP_ROW, d:].tolist()
        v["effort_free_riders"], v["payoff_free_riders"] = free[1], free[2]
        v["effort_cooperators"], v["payoff_cooperators"] = coop[1], coop[2]
        weeks = min(max(self.weeks, 1), YEAR)  # a burn-in's weeks count: they are stored
        v["attrition"] = year[F["leavers"]] / n * (YEAR / weeks)


@kernel
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


def territory_knowledge(served_knowledge: np.ndarray | None, common: float) -> float:
    """Mean over people and domains of the knowledge of the territories one serves (each
    domain has the same number of dimensions); ``common`` when it is the common market's."""
    if served_knowledge is None:
        return common
    n, d = served_knowledge.shape
    return ordered_sum(served_knowledge) / (n * d)


def role_performance(domain_knowledge: np.ndarray, role_weights: np.ndarray) -> np.ndarray:
    """Role-weighted knowledge: how much of what one's role needs one knows (the numpy
    reference of the performance :func:`model.learning.knowledge_and_performance` returns).

    ``role_weights`` is people x domains: each person's row of :data:`model.knowledge.WEIGHTS`.
    """
    return np.add.reduce(domain_knowledge * role_weights, axis=1)
