"""What an experiment measures (MODEL.md section 5): names, units and how they are computed.

All values are computed once per step in :meth:`Metrics.update` (cheap array reductions, no
random draws); the DataCollector's reporters only read them. Rates that need more than a week's
events use trailing windows: 13 weeks (a quarter) for the sales funnel, 52 weeks for churn,
net revenue retention and attrition. A rate with no events in its window is NaN.
"""

from __future__ import annotations

import numpy as np

from model.incentives import COOPERATOR, FREE_RIDER
from model.knowledge import CROSS_FUNCTIONAL, DOMAINS, ROLES, WEIGHTS
from model.learning import belief_diversity

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
    "revenue_per_employee": ("USD/person", "ARR / head count"),
    "knowledge": ("-", "share of all belief dimensions held correctly, mean over people"),
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
    "payoff_free_riders": ("pay units", "mean pay minus effort cost of free riders"),
    "payoff_cooperators": ("pay units", "mean pay minus effort cost of cooperators"),
    "morale": ("-", "mean morale (1 = no grievance)"),
    "attrition": ("1/year", "leavers over the last 52 weeks per employee, annualised"),
}


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def _masked_mean(values: np.ndarray, mask: np.ndarray) -> float:
    count = np.count_nonzero(mask)
    return float(np.add.reduce(values[mask])) / count if count else float("nan")


class Metrics:
    """The weekly flows ring buffer and the current value of every metric."""

    def __init__(self, structure) -> None:
        self.structure = structure
        self.flows = np.zeros((YEAR, len(FLOWS)))
        # running window sums, updated as weeks enter and leave the ring buffer
        self.quarter = np.zeros(len(FLOWS))
        self.year = np.zeros(len(FLOWS))
        self.flow_index = {name: i for i, name in enumerate(FLOWS)}
        self.weeks = 0
        counts = np.bincount(structure.role, minlength=len(ROLES))
        self.role_counts = np.maximum(counts, 1)
        self.roles_present = (counts > 0).tolist()
        self.cross_weights = CROSS_FUNCTIONAL[structure.role]
        self.values: dict[str, float] = dict.fromkeys(METRICS, float("nan"))

    def __repr__(self) -> str:
        return f"Metrics(weeks={self.weeks}, {len(self.values)} metrics)"

    def record_week(self, step: int, flow: dict) -> None:
        """Store this week's event counts in the ring buffer."""
        new = np.array([flow[name] for name in FLOWS])
        self.year += new - self.flows[step % YEAR]
        self.quarter += new - self.flows[(step - QUARTER) % YEAR]
        self.flows[step % YEAR] = new
        self.weeks = step

    def update(self, model) -> None:
        """Compute every metric from the model's current state (no side effects on the model)."""
        step, people, role = model.steps, model.people, self.structure.role
        week = dict(zip(FLOWS, self.flows[step % YEAR].tolist(), strict=True))
        quarter = dict(zip(FLOWS, self.quarter.tolist(), strict=True))
        year = dict(zip(FLOWS, self.year.tolist(), strict=True))
        n = len(role)
        arr = model.customers.arr
        v = self.values
        v["bookings"] = week["new_bookings"] + week["expansion_bookings"]
        v["new_bookings"] = week["new_bookings"]
        v["arr"] = arr
        v["customers"] = float(len(model.customers))
        v["leads"] = week["leads"] + week["referrals"]
        v["referrals"] = week["referrals"]
        v["open_leads"] = float(len(model.pipeline.leads))
        v["win_rate"] = _ratio(quarter["won"], quarter["won"] + quarter["lost"])
        v["lead_to_qualified"] = _ratio(quarter["qualified"], quarter["worked"])
        v["qualified_to_won"] = _ratio(quarter["won"], quarter["qualified"])
        v["sales_cycle_weeks"] = _ratio(quarter["cycle_weeks"], quarter["won"] + quarter["lost"])
        v["churn_annual"] = _ratio(year["churned"], year["renewals_due"])
        v["nrr"] = _ratio(year["arr_retained"], year["arr_due"])
        v["revenue_per_employee"] = arr / n
        v["knowledge"] = np.count_nonzero(model.correct) / model.correct.size
        v["playbook_knowledge"] = np.count_nonzero(model.codes == model.reality) / model.codes.size
        role_knowledge = np.bincount(role, weights=model.performance, minlength=len(ROLES))
        role_knowledge = role_knowledge / self.role_counts
        for r, value, present in zip(
            ROLES, role_knowledge.tolist(), self.roles_present, strict=True
        ):
            v[f"knowledge_{r}"] = value if present else float("nan")
        domain_knowledge = np.add.reduce(model.domain_knowledge, axis=0) / n
        for d, value in zip(DOMAINS, domain_knowledge.tolist(), strict=True):
            v[f"knowledge_{d}"] = value
        cross = np.add.reduce(model.domain_knowledge * self.cross_weights, axis=None)
        v["cross_functional_knowledge"] = float(cross) / n
        v["belief_diversity"] = belief_diversity(people.beliefs)
        v["cooperation"] = float(np.add.reduce(people.cooperation)) / n
        v["effort"] = float(np.add.reduce(people.effort)) / n
        free, coop = people.type == FREE_RIDER, people.type == COOPERATOR
        v["effort_free_riders"] = _masked_mean(people.effort, free)
        v["effort_cooperators"] = _masked_mean(people.effort, coop)
        v["payoff_free_riders"] = _masked_mean(people.payoff, free)
        v["payoff_cooperators"] = _masked_mean(people.payoff, coop)
        v["morale"] = float(np.add.reduce(people.morale)) / n
        weeks = min(max(step, 1), YEAR)
        v["attrition"] = year["leavers"] / n * (YEAR / weeks)


def role_performance(domain_knowledge: np.ndarray, role: np.ndarray) -> np.ndarray:
    """Role-weighted knowledge: how much of what one's role needs one knows."""
    return (domain_knowledge * WEIGHTS[role]).sum(axis=1)
