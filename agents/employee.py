"""Employees: the Mesa face of each position on the office floor.

An :class:`Employee` is a :class:`mesa.discrete_space.CellAgent` sitting in one cell of the
floor, of the subclass of its role (:class:`Marketer`, :class:`SDR`, :class:`AE`, :class:`SE`,
:class:`CSM`, :class:`Support`), so ``model.agents_by_type[AE]`` holds the account executives.
Its state lives in the model's arrays (row ``index``), so the weekly updates stay vectorised
while each employee still offers a per-agent API for inspection, the browser view and
agent-level data collection. Names of roles, domains and types come from the model class, so
this package does not import the model package. When someone leaves, a new hire takes the same
seat and role (the agent's ``hire_id`` changes and ``tenure`` restarts).

The schedule is the model's, not the agents': ``SalesOrgModel.step()`` runs each phase of the
week (selling, learning, serving customers, pay, turnover, ...) on the whole population at once,
as array operations over everyone's rows. Employees have no ``step`` method, and
``model.agents.shuffle_do("step")`` is not how the model advances; use the agents to read state
(``model.agents.select(...)``, ``groupby``, ``agg``), not to drive it.
"""

from __future__ import annotations

import numpy as np
from mesa.agent import AgentSet
from mesa.discrete_space import CellAgent


class Employee(CellAgent):
    """One position in the sales organization (role, unit, seat), read from the model's arrays.

    Args:
        model: the :class:`model.SalesOrgModel`.
        index: row of this employee in the model's people arrays.
    """

    def __init__(self, model, index: int) -> None:
        super().__init__(model)
        self.index = int(index)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(index={self.index}, role={self.role!r}, unit={self.unit}, "
            f"knowledge={self.knowledge:.2f}, effort={self.effort:.2f})"
        )

    @property
    def role(self) -> str:
        return self.model.ROLES[self.model.structure.role[self.index]]

    @property
    def unit(self) -> int:
        """Pod number, or department number in the assembly-line designs."""
        return int(self.model.structure.unit[self.index])

    @property
    def pod(self) -> int:
        return int(self.model.structure.pod[self.index])

    @property
    def beliefs(self) -> np.ndarray:
        """This employee's beliefs about the market (a read-only view of the model's row)."""
        row = self.model.people.beliefs[self.index]
        row.flags.writeable = False
        return row

    @property
    def knowledge(self) -> float:
        """Share of all dimensions believed correctly."""
        return float(self.model.correct[self.index].mean())

    @property
    def knowledge_by_domain(self) -> dict[str, float]:
        return dict(
            zip(self.model.DOMAINS, self.model.domain_knowledge[self.index].tolist(), strict=True)
        )

    @property
    def performance(self) -> float:
        """Knowledge of what this employee's role needs (role-weighted)."""
        return float(self.model.performance[self.index])

    @property
    def type(self) -> str:
        return self.model.TYPES[self.model.people.type[self.index]]

    @property
    def cooperativeness(self) -> float:
        return float(self.model.people.cooperativeness[self.index])

    @property
    def cooperation(self) -> float:
        return float(self.model.people.cooperation[self.index])

    @property
    def effort(self) -> float:
        return float(self.model.people.effort[self.index])

    @property
    def morale(self) -> float:
        return float(self.model.people.morale[self.index])

    @property
    def tenure(self) -> int:
        """Weeks since the current occupant of this seat was hired."""
        return int(self.model.people.tenure[self.index])

    @property
    def skill(self) -> float:
        return float(self.model.people.skill[self.index])

    @property
    def hire_id(self) -> int:
        return int(self.model.people.hire_id[self.index])


class Marketer(Employee):
    """A marketer: generates leads through campaigns."""

    ROLE = "marketer"


class SDR(Employee):
    """A sales development representative: qualifies leads into opportunities."""

    ROLE = "sdr"


class AE(Employee):
    """An account executive: works qualified opportunities into won or lost deals."""

    ROLE = "ae"


class SE(Employee):
    """A sales engineer: helps account executives on technical deals."""

    ROLE = "se"


class CSM(Employee):
    """A customer success manager: covers accounts, renews and expands them."""

    ROLE = "csm"


class Support(Employee):
    """A support engineer: solves customers' problems."""

    ROLE = "support"


#: The agent class of each role name.
ROLE_CLASSES: dict[str, type[Employee]] = {
    cls.ROLE: cls for cls in (Marketer, SDR, AE, SE, CSM, Support)
}


def create_employees(model, role: np.ndarray) -> AgentSet:
    """One agent of its role's class per row of the model's arrays, created in bulk per role.

    Args:
        model: the model; ``model.ROLES[role[i]]`` names the role of row ``i``.
        role: role index of each row.

    Returns:
        The employees as an :class:`~mesa.AgentSet` in row order (``agents[i].index == i``).
    """
    created = []
    for r, name in enumerate(model.ROLES):
        rows = np.flatnonzero(role == r)
        if len(rows):
            created.extend(ROLE_CLASSES[name].create_agents(model, len(rows), index=rows))
    created.sort(key=lambda agent: agent.index)
    return AgentSet(created, random=model.random)


#: Employee attributes collected per agent when ``collect_agents=True``.
AGENT_REPORTERS = {
    name: name
    for name in ("role", "unit", "type", "knowledge", "performance", "cooperation", "effort",
                 "morale", "tenure", "skill", "hire_id")
}  # fmt: skip
