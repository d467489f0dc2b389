"""The people's state as arrays indexed by person (the Mesa agents read their own row).

Beliefs are an int8 people x dimensions array (March 1991); traits, effort, morale, tenure and
skill are float or int arrays. A Mesa :class:`agents.Employee` is the face of one position on the
floor: when someone leaves, :meth:`People.replace` puts a new hire into the same seat with fresh
state (``hire_id`` tells successive occupants apart).
"""

from __future__ import annotations

import numpy as np

from model.clock import WEEKS_PER_YEAR
from model.incentives import CONDITIONAL, COOPERATOR, TYPES, draw_types


class People:
    """State of everyone in the organization (arrays of length ``n``)."""

    def __init__(self, n: int, dimensions: int, params: dict, rng: np.random.Generator) -> None:
        self.params = params
        self.beliefs = rng.integers(-1, 2, (n, dimensions), dtype=np.int8)
        self.type = draw_types(
            n, params["share_conditional_cooperators"], params["share_free_riders"], rng
        )
        self.cooperativeness = self._draw_cooperativeness(n, rng)
        # the force of peer sanctions each seat feels (set from the seating: feel_sanctions)
        self.sanction_force = np.full(n, float(params["peer_sanctions"]))
        self.willingness_base, self.conditional = self._willingness_terms(
            self.type, self.sanction_force
        )
        self.goodwill = np.full(n, params["initial_goodwill"])
        # cooperators are willing, conditional cooperators start at their initial goodwill,
        # free riders cooperate only as far as peer sanctions force them
        self.willingness = self.willingness_base + self.conditional * self.goodwill
        self.cooperation = self.cooperativeness * self.willingness
        self.effort = np.ones(n)
        self.morale = np.ones(n)
        # the organization exists already: staff have up to five years of tenure
        self.tenure = rng.integers(0, 5 * WEEKS_PER_YEAR, n)
        self.skill = self._skill_after(self.tenure)
        self.output = np.zeros(n)
        self.output_smoothed = np.zeros(n)
        self.pay = np.zeros(n)
        self.payoff = np.zeros(n)
        self.hire_id = np.arange(n)
        self.next_hire_id = n

    def __len__(self) -> int:
        return len(self.effort)

    def __repr__(self) -> str:
        types = {t: int((self.type == i).sum()) for i, t in enumerate(TYPES)}
        return f"People(n={len(self)}, dimensions={self.beliefs.shape[1]}, types={types})"

    def _draw_cooperativeness(self, k: int, rng) -> np.ndarray:
        p = self.params
        draw = p["cooperativeness_mean"] + p["cooperativeness_sd"] * rng.standard_normal(k)
        return np.clip(draw, 0.0, 1.0)

    def _willingness_terms(self, types: np.ndarray, force) -> tuple[np.ndarray, np.ndarray]:
        """Willingness = base + conditional x goodwill: 1 for cooperators, goodwill for
        conditional cooperators, the peer sanctions' ``force`` on them for free riders."""
        conditional = (types == CONDITIONAL).astype(float)
        base = np.where(types == COOPERATOR, 1.0, np.where(conditional > 0, 0.0, force))
        return base, conditional

    def feel_sanctions(self, force: np.ndarray) -> None:
        """Set the force of peer sanctions on each seat (it depends on who sees whom)."""
        self.sanction_force = np.asarray(force, dtype=float)
        self.willingness_base, _ = self._willingness_terms(self.type, self.sanction_force)
        self.willingness = self.willingness_base + self.conditional * self.goodwill
        self.cooperation = self.cooperativeness * self.willingness

    def _skill_after(self, weeks: np.ndarray) -> np.ndarray:
        p = self.params
        return 1.0 - (1.0 - p["new_hire_skill"]) * (1.0 - p["skill_growth"]) ** weeks

    def ramp(self) -> np.ndarray:
        """Share of full productivity reached: linear over ``ramp_weeks`` after hiring."""
        weeks = self.params["ramp_weeks"]
        if weeks == 0:
            return np.ones(len(self))
        return np.minimum(1.0, (self.tenure + 1) / (weeks + 1))

    def is_type(self, kind: int) -> np.ndarray:
        return self.type == kind

    def replace(self, leavers: np.ndarray, rng: np.random.Generator) -> None:
        """New hires take the leavers' seats: new traits, random beliefs, no tenure (March's p3)."""
        k = len(leavers)
        if k == 0:
            return
        p = self.params
        self.beliefs[leavers] = rng.integers(-1, 2, (k, self.beliefs.shape[1]), dtype=np.int8)
        self.type[leavers] = draw_types(
            k, p["share_conditional_cooperators"], p["share_free_riders"], rng
        )
        self.cooperativeness[leavers] = self._draw_cooperativeness(k, rng)
        base, conditional = self._willingness_terms(
            self.type[leavers], self.sanction_force[leavers]
        )
        self.willingness_base[leavers], self.conditional[leavers] = base, conditional
        self.goodwill[leavers] = p["initial_goodwill"]
        self.willingness[leavers] = base + conditional * p["initial_goodwill"]
        self.morale[leavers] = 1.0
        self.tenure[leavers] = 0
        self.skill[leavers] = p["new_hire_skill"]
        self.output_smoothed[leavers] = 0.0
        self.hire_id[leavers] = np.arange(self.next_hire_id, self.next_hire_id + k)
        self.next_hire_id += k


__all__ = ["COOPERATOR", "People"]
