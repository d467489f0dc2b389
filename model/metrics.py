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
    count = int(mask.sum())
    return float(values[mask].sum() / count) if count else float("nan")


class Metrics:
    """The weekly flows ring buffer and the current value of every metric."""

    def __init__(self, structure) -> None:
        self.structure = structure
        self.flows = np.zeros((YEAR, len(FLOWS)))
        self.flow_index = {name: i for i, name in enumerate(FLOWS)}
        self.weeks = 0
        self.role_counts = np.maximum(np.bincount(structure.role, minlength=len(ROLES)), 1)
        # people change but positions keep their role, so which roles exist is fixed
        self.roles_present = np.bincount(structure.role, minlength=len(ROLES)) > 0
        self.role_keys = [f"knowledge_{r}" for r in ROLES]
        self.domain_keys = [f"knowledge_{d}" for d in DOMAINS]
        self.cross_functional = CROSS_FUNCTIONAL[structure.role]
        self.values: dict[str, float] = dict.fromkeys(METRICS, float("nan"))

    def __repr__(self) -> str:
        return f"Metrics(weeks={self.weeks}, {len(self.values)} metrics)"

    def record_week(self, step: int, flow: dict) -> None:
        """Store this week's event counts in the ring buffer."""
        row = self.flows[step % YEAR]
        row[:] = [flow[name] for name in FLOWS]
        self.weeks = step

    def _quarter_and_year(self, step: int) -> tuple[dict[str, float], dict[str, float]]:
        """Trailing 13- and 52-week sums of every flow, from one pass over the ring buffer."""
        rows = (step - np.arange(min(YEAR, max(step, 1)))) % YEAR
        # a running sum down the rows adds them in the order ``sum(axis=0)`` does
        running = self.flows[rows].cumsum(axis=0)
        quarter = running[min(QUARTER, len(rows)) - 1].tolist()
        return dict(zip(FLOWS, quarter, strict=True)), dict(
            zip(FLOWS, running[-1].tolist(), strict=True)
        )

    def update(self, model) -> None:
        """Compute every metric from the model's current state (no side effects on the model)."""
        step, people, role = model.steps, model.people, self.structure.role
        week = dict(zip(FLOWS, self.flows[step % YEAR].tolist(), strict=True))
        quarter, year = self._quarter_and_year(step)
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
        # counting is exact, so count / size equals the mean of the booleans
        v["knowledge"] = np.count_nonzero(model.correct) / model.correct.size
        playbook = model.codes == model.reality
        v["playbook_knowledge"] = np.count_nonzero(playbook) / playbook.size
        role_knowledge = np.bincount(role, weights=model.performance, minlength=len(ROLES))
        role_knowledge = role_knowledge / self.role_counts
        role_knowledge[~self.roles_present] = np.nan
        v.update(zip(self.role_keys, role_knowledge.tolist(), strict=True))
        domain_knowledge = model.domain_knowledge.sum(axis=0) / n
        v.update(zip(self.domain_keys, domain_knowledge.tolist(), strict=True))
        v["cross_functional_knowledge"] = float(
            (model.domain_knowledge * self.cross_functional).sum(axis=1).sum() / n
        )
        v["belief_diversity"] = belief_diversity(people.beliefs)
        # sum / n is how numpy's mean computes, without its Python-level overhead
        v["cooperation"] = float(people.cooperation.sum()) / n
        v["effort"] = float(people.effort.sum()) / n
        free, coop = people.type == FREE_RIDER, people.type == COOPERATOR
        v["effort_free_riders"] = _masked_mean(people.effort, free)
        v["effort_cooperators"] = _masked_mean(people.effort, coop)
        v["payoff_free_riders"] = _masked_mean(people.payoff, free)
        v["payoff_cooperators"] = _masked_mean(people.payoff, coop)
        v["morale"] = float(people.morale.sum()) / n
        weeks = min(max(step, 1), YEAR)
        v["attrition"] = year["leavers"] / n * (YEAR / weeks)


def role_performance(domain_knowledge: np.ndarray, role: np.ndarray) -> np.ndarray:
    """Role-weighted knowledge: how much of what one's role needs one knows."""
    return (domain_knowledge * WEIGHTS[role]).sum(axis=1)
