"""The people's state as arrays indexed by person (the Mesa agents read their own row).

Beliefs are an int8 people x dimensions array (March 1991); traits, effort, morale and tenure
are float or int arrays (own-stage skill is the ramp-up reached, a function of tenure). A Mesa
:class:`agents.Employee` is the face of one position on the floor: when someone leaves,
:meth:`People.replace` puts a new hire into the same seat with fresh state (``hire_id`` tells
successive occupants apart).
"""

from __future__ import annotations

import numpy as np
from salesorg.model.clock import WEEKS_PER_YEAR
from salesorg.model.draws import generator, handle
from salesorg.model.incentives import (
    CONDITIONAL,
    COOPERATOR,
    FREE_RIDER,
    TYPES,
    draw_types,
    effort_of,
)
from salesorg.model.jit import inline_kernel, kernel


class People:
    """State of everyone in the organization (arrays of length ``n``)."""

    def __init__(
        self,
        n: int,
        dimensions: int,
        params: dict,
        rng: np.random.Generator,
        ramp_speed: np.ndarray | None = None,
    ) -> None:
        self.params = params
        #: per person, how many weeks of ramp-up one week on the job is worth (1 = the cited
        #: ramp; see :meth:`ramp`)
        self.ramp_speed = np.ones(n) if ramp_speed is None else np.asarray(ramp_speed, float)
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
        self.output = np.zeros(n)
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

    def ramp(self) -> np.ndarray:
        """Share of full productivity reached, the one discount for being new.

        Linear over ``ramp_weeks`` after hiring (Bridge Group's time to full productivity):
        in the k-th week on the job (``tenure`` k - 1) ``min(1, k x speed / ramp_weeks)``, so
        a hire works at full productivity from week ``ramp_weeks`` on. ``speed`` is
        :attr:`ramp_speed` (1 unless ``specialization_advantage`` > 0). This is the own-stage
        skill curve too: nothing else discounts a newcomer's output (docs/ODD.md, "Ramp-up and
        own-stage skill, counted once").
        """
        weeks = self.params["ramp_weeks"]
        if weeks == 0:
            return np.ones(len(self))
        return np.minimum(1.0, (self.tenure + 1) * self.ramp_speed / weeks)

    @property
    def skill(self) -> np.ndarray:
        """Own-stage skill: the share of full productivity reached (:meth:`ramp`)."""
        return self.ramp()

    def is_type(self, kind: int) -> np.ndarray:
        return self.type == kind

    def replace(
        self, leavers: np.ndarray, rng: np.random.Generator, marginal_return: np.ndarray
    ) -> None:
        """New hires take the ``leavers``' seats: new traits, random beliefs, no tenure and
        nothing of the predecessor (March's p3; :func:`seat_new_hires`), drawn from ``rng``.
        The week's turnover draws them in :meth:`turnover`'s one call."""
        if len(leavers) == 0:
            return  # nothing drawn
        hire(handle(rng), np.asarray(leavers, np.intp), self._hiring(marginal_return))
        self.next_hire_id += len(leavers)

    def turnover(
        self, address: np.ndarray, base: float, effect: float, marginal_return: np.ndarray
    ) -> np.ndarray:
        """The week's leavers and their replacements (:func:`turnover_week`), drawn from the
        stream behind ``address``. Returns the leavers' positions."""
        hiring = self._hiring(marginal_return)
        leavers = turnover_week(address, base, effect, self.morale, self.tenure, hiring)
        self.next_hire_id += len(leavers)
        return leavers

    def _hiring(self, marginal_return: np.ndarray) -> tuple:
        """The settings and state arrays :func:`seat_new_hires` reads and writes, in its order."""
        p = self.params
        return (
            p["share_free_riders"], p["share_conditional_cooperators"],
            p["cooperativeness_mean"], p["cooperativeness_sd"], p["initial_goodwill"],
            marginal_return, p["effort_floor"], p["effort_cost"], self.next_hire_id,
            self.beliefs, self.type, self.cooperativeness, self.sanction_force,
            self.willingness_base, self.conditional, self.goodwill, self.willingness,
            self.effort, self.cooperation, self.output, self.pay, self.payoff, self.morale,
            self.tenure, self.hire_id,
        )  # fmt: skip


@inline_kernel
def leavers_of(rng, base, effect, morale, tenure) -> np.ndarray:
    """Who leaves this week (docs/ODD.md 7.4), after everyone's tenure grows by a week.

    Each person leaves with the weekly hazard ``base x (1 + effect' (1 - morale))``, written
    ``(base + effect) - effect x morale`` with ``effect = base x morale_attrition_effect``
    (above 1 needs no clip: every uniform falls below it), one uniform per person in person
    order from ``rng`` (a Generator; in a kernel, :func:`model.draws.generator`). Returns the
    leavers' positions, ascending.
    """
    n = len(morale)
    for i in range(n):
        tenure[i] += 1
    u = rng.random(n)
    leaving = np.empty(n, np.intp)
    k = 0
    for i in range(n):
        if u[i] < (base + effect) - effect * morale[i]:
            leaving[k] = i
            k += 1
    return leaving[:k]


@inline_kernel
def seat_new_hires(rng, leavers, hiring) -> None:
    """New hires in the leavers' seats, in place: nothing of the predecessor stays (March's
    p3). From ``rng``, in this order: random beliefs (-1, 0 or 1 each), a uniform ``u`` per
    hire for the type and a standard normal ``z`` for cooperativeness.

    Type by ``u`` (free rider below ``share_free``, conditional cooperator below
    ``share_free + share_conditional``, else cooperator: :func:`model.incentives.draw_types`),
    cooperativeness ``clip(mean + sd z, 0, 1)``, willingness from type and the seat's sanction
    force, effort as :func:`model.incentives.effort_for` at the seat's ``marginal_return``;
    output, pay, payoff and tenure start at 0, morale at 1. ``hiring``:
    :meth:`People._hiring`.
    """
    (
        share_free, share_conditional, coop_mean, coop_sd, initial_goodwill, marginal_return,
        floor, cost, next_hire_id, beliefs, types, cooperativeness, force, willingness_base,
        conditional, goodwill, willingness, effort, cooperation, output, pay, payoff, morale,
        tenure, hire_id,
    ) = hiring  # fmt: skip
    k = len(leavers)
    new_beliefs = rng.integers(-1, 2, (k, beliefs.shape[1]), dtype=np.int8)
    u_type = rng.random(k)
    z = rng.standard_normal(k)
    for j in range(k):
        i = leavers[j]
        for d in range(beliefs.shape[1]):  # a row assignment would compile a shape message
            beliefs[i, d] = new_beliefs[j, d]
        kind = COOPERATOR
        if u_type[j] < share_free:
            kind = FREE_RIDER
        elif u_type[j] < share_free + share_conditional:
            kind = CONDITIONAL
        types[i] = kind
        cooperativeness[i] = min(max(coop_mean + coop_sd * z[j], 0.0), 1.0)
        conditional[i] = 1.0 if kind == CONDITIONAL else 0.0
        base = 1.0 if kind == COOPERATOR else (0.0 if kind == CONDITIONAL else force[i])
        willingness_base[i] = base
        goodwill[i] = initial_goodwill
        willingness[i] = base + conditional[i] * initial_goodwill
        effort[i] = effort_of(marginal_return[i], willingness[i], floor, cost)
        cooperation[i] = cooperativeness[i] * willingness[i]
        output[i] = 0.0
        pay[i] = 0.0
        payoff[i] = 0.0
        morale[i] = 1.0
        tenure[i] = 0
        hire_id[i] = next_hire_id + j


@kernel
def hire(address, leavers, hiring) -> None:
    """:func:`seat_new_hires` from the stream behind ``address`` (:meth:`People.replace`)."""
    seat_new_hires(generator(address), leavers, hiring)


@kernel
def turnover_week(address, base, effect, morale, tenure, hiring) -> np.ndarray:
    """The week's turnover (docs/ODD.md 7.4) in one call, from the attrition stream behind
    ``address``: who leaves (:func:`leavers_of`), then new hires in their seats
    (:func:`seat_new_hires`). Returns the leavers' positions."""
    rng = generator(address)
    leavers = leavers_of(rng, base, effect, morale, tenure)
    if len(leavers):  # a week without leavers draws nothing more
        seat_new_hires(rng, leavers, hiring)
    return leavers


__all__ = ["COOPERATOR", "People"]
