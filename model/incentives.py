"""Cooperation, effort, pay and morale: the public-goods side of a sales team.

* Types (Fischbacher, Gachter & Fehr 2001): unconditional **cooperators**, **conditional
  cooperators** who match the cooperation they see around them, and **free riders**.
* Conditional cooperators match imperfectly (slope < 1, Fischbacher & Gachter 2010), so their
  willingness decays toward ``slope x observed`` and cooperation erodes when free riders are
  present. **Peer sanctions** (Fehr & Gachter 2000) make free riders comply and let conditional
  cooperators match fully, which sustains cooperation.
* **Monitoring needs visibility** (Mas & Moretti 2009; Knez & Simester 2001; Kandel & Lazear
  1992): with ``sanction_visibility`` v the sanctions' force on a person is
  ``peer_sanctions x ((1 - v) + v x seen)``, ``seen`` the share of the other members of their
  unit who sit within ``seat_radius`` of them (:func:`sanction_force`).
* **Rivalry under individual pay** (Drago & Garvey 1998; Chan, Li & Pierce 2014; Lazear 1989):
  pay is scored against the role's mean, so sharing with a *rival* (same role, same queue)
  lowers one's own pay. With ``rivalry`` r and own-pay share ``s`` a person shares with a rival
  with probability ``cooperation x (1 - r s)`` (:func:`rival_key`, :func:`sharing_kept`), and
  contributes to the unit playbook with ``cooperation x (1 - r s x rivals' share of the unit)``
  (:func:`rival_share`).
* **Effort**: a person's marginal return on own effort is ``s + (1 - s) / N`` for an own-pay
  share ``s`` and a pay pool of ``N`` (Holmstrom 1982). With a linear return ``m`` on effort and a
  quadratic private cost ``c e^2 / 2`` the best effort is ``m / c`` (Holmstrom & Milgrom 1987;
  Prendergast 1999, J. Econ. Lit. 37:7): free riders give that (capped at full, above a job
  minimum); willing cooperators give full effort whatever the pay.
* **Fairness**: under pooled pay, giving more effort than the unit's average while being paid
  the average feels unfair; unfairness lowers morale, and low morale raises attrition.
"""

from __future__ import annotations

import numpy as np
from salesorg.model.jit import kernel

COOPERATOR, CONDITIONAL, FREE_RIDER = 0, 1, 2
TYPES = ("cooperator", "conditional_cooperator", "free_rider")


def own_pay_share(incentive: str, pooled_fraction: float) -> float:
    """Share ``s`` of pay that comes from one's own attributable results."""
    return {"individual": 1.0, "pooled": 0.0, "hybrid": 1.0 - pooled_fraction}[incentive]


def draw_types(n: int, share_conditional: float, share_free: float, rng) -> np.ndarray:
    """Type of each person: free riders and conditional cooperators by share, the rest cooperate."""
    u = rng.random(n)
    return np.where(
        u < share_free,
        FREE_RIDER,
        np.where(u < share_free + share_conditional, CONDITIONAL, COOPERATOR),
    ).astype(np.int8)


def unit_mean_of_others(values, structure) -> np.ndarray:
    """Mean of ``values`` over the other members of each person's unit (own value if alone)."""
    sums = np.bincount(structure.unit, weights=values, minlength=structure.n_units)
    mean = (sums[structure.unit] - values) / structure.others_in_unit
    if structure.anyone_alone:
        return np.where(structure.size_of_unit > 1, mean, values)
    return mean


def seen_share(structure, neighbours) -> np.ndarray:
    """Share of the other members of each person's unit seated within ``seat_radius`` of them.

    A colleague sees one's work if they share a unit (they gain or lose by it, and know what the
    work should be) and sit close enough to watch it (Mas & Moretti 2009). Each such colleague
    counts ``1 / (N - 1)`` in a unit of ``N``: the whole unit watching gives full force, and in
    a large unit a few neighbours are a small part of it, as each partner's stake in one's effort
    falls with the partnership's size (Kandel & Lazear 1992). Someone alone in a unit is unseen.

    Args:
        structure: the organization (:class:`model.organization.Structure`).
        neighbours: the seat neighbour table (people x slots, padded with -1).
    """
    unit = structure.unit
    mates = (neighbours >= 0) & (unit.take(np.maximum(neighbours, 0)) == unit[:, None])
    seen = np.count_nonzero(mates, axis=1) / structure.others_in_unit
    return np.where(structure.size_of_unit > 1, seen, 0.0)


def sanction_force(structure, neighbours, params) -> np.ndarray:
    """Per person, the force of peer sanctions: ``peer_sanctions x ((1 - v) + v x seen)``.

    ``v = sanction_visibility``: at 0 everyone feels the global ``peer_sanctions`` (exactly), at
    1 only as much of it as the colleagues of their unit who see their work (:func:`seen_share`)
    bring to bear.
    """
    visibility = params["sanction_visibility"]
    if visibility == 0.0:
        return np.full(structure.size, float(params["peer_sanctions"]))
    weight = (1.0 - visibility) + visibility * seen_share(structure, neighbours)
    return params["peer_sanctions"] * weight


def rival_key(structure) -> np.ndarray:
    """Per person, a key two people share exactly when they are rivals: the same role (scored
    against the same role mean) working the same queue (competing for the same leads and deals).
    Every design alike: a department's members share one queue, a pod's same-role members their
    pod's."""
    return structure.role.astype(np.intp) * structure.n_queues + structure.queue


def rival_share(structure) -> np.ndarray:
    """Share of the other members of each person's unit who are their rivals (0 if alone)."""
    key = rival_key(structure)
    group = structure.unit.astype(np.intp) * (int(key.max()) + 1) + key
    # group sizes by sorting (a bincount would span units x keys: 9 M bins for 9,000 in pods)
    _, group, size = np.unique(group, return_inverse=True, return_counts=True)
    rivals = size.take(group) - 1
    return np.where(structure.size_of_unit > 1, rivals / structure.others_in_unit, 0.0)


def sharing_kept(rivalry: float, own_share: float) -> float:
    """Factor on the probability of sharing with a rival: ``1 - rivalry x own_share``."""
    return 1.0 - rivalry * own_share


def update_willingness(state, structure, params) -> None:
    """Conditional cooperators adjust their goodwill to the willingness they see in their unit.

    The sanctions a person feels (``state.sanction_force``) make them match fully.
    """
    observed = unit_mean_of_others(state.willingness, structure)
    slope = params["conditional_slope"] + state.sanction_force * (1.0 - params["conditional_slope"])
    target = np.minimum(1.0, slope * observed)
    state.goodwill += params["cooperation_adaptation"] * (target - state.goodwill)
    # cooperators 1, conditional cooperators their goodwill, free riders the sanctions' force:
    # per-type constants plus goodwill where conditional (exactly the nested choice by type)
    state.willingness = state.willingness_base + state.conditional * state.goodwill


@kernel
def mean_of_others(unit_total: float, own: float, unit_size: int) -> float:
    """The mean over the other members of a unit of a value whose unit total is
    ``unit_total``; one's own value if alone (:func:`unit_mean_of_others`, one person)."""
    if unit_size > 1:
        return (unit_total - own) / (unit_size - 1)
    return own


@kernel
def effort_of(marginal_return: float, willingness: float, floor: float, cost: float) -> float:
    """One person's :func:`effort_for`: ``floor + (1 - floor) max(min(1, m / cost), w)``."""
    return floor + (1.0 - floor) * max(min(1.0, marginal_return / cost), willingness)


@kernel
def adjust_willingness(
    willingness, goodwill, base, conditional, force, unit, unit_size, slope, adaptation
) -> None:
    """:func:`update_willingness` as one loop per person, in place (the week's kernel).

    Each conditional cooperator's goodwill moves ``adaptation`` of the way toward
    ``min(1, (slope + force (1 - slope)) x observed)``, ``observed`` the mean willingness of
    the other members of the unit (own willingness if alone); then willingness = base +
    conditional x goodwill. Unit sums are added in person order, as :func:`np.bincount` adds.
    """
    n = len(willingness)
    sums = np.zeros(len(unit_size))
    for i in range(n):
        sums[unit[i]] += willingness[i]
    for i in range(n):
        observed = mean_of_others(sums[unit[i]], willingness[i], unit_size[unit[i]])
        target = min(1.0, (slope + force[i] * (1.0 - slope)) * observed)
        goodwill[i] += adaptation * (target - goodwill[i])
    for i in range(n):
        willingness[i] = base[i] + conditional[i] * goodwill[i]


@kernel
def work_effort(
    willingness, cooperativeness, marginal_return, tenure, ramp_speed,
    floor, cost, ramp_weeks, effort, cooperation, productivity,
) -> None:  # fmt: skip
    """:func:`choose_effort` and the ramp-up (:meth:`model.people.People.ramp`) as one loop,
    in place: effort ``floor + (1 - floor) max(min(1, m / cost), willingness)``, cooperation
    ``cooperativeness x willingness``, productivity ``effort x min(1, k x speed / ramp_weeks)``
    in the k-th week on the job (1 when ``ramp_weeks`` is 0)."""
    for i in range(len(willingness)):
        effort[i] = effort_of(marginal_return[i], willingness[i], floor, cost)
        cooperation[i] = cooperativeness[i] * willingness[i]
        ramp = 1.0
        if ramp_weeks != 0:
            ramp = min(1.0, (tenure[i] + 1) * ramp_speed[i] / ramp_weeks)
        productivity[i] = effort[i] * ramp


def effort_for(willingness, marginal_return, params) -> np.ndarray:
    """Effort above the job minimum follows the larger of pay incentive and willingness.

    The pay incentive is the best effort ``min(1, m / effort_cost)`` under a quadratic cost.
    """
    floor = params["effort_floor"]
    incentive = np.minimum(1.0, marginal_return / params["effort_cost"])
    return floor + (1.0 - floor) * np.maximum(incentive, willingness)


def choose_effort(state, marginal_return: np.ndarray, params) -> None:
    """Everyone's effort (:func:`effort_for`) and cooperation for the week."""
    state.effort = effort_for(state.willingness, marginal_return, params)
    state.cooperation = state.cooperativeness * state.willingness


def settle_pay(state, structure, own_share: float, params) -> None:
    """Score attributable output, pay it out by the incentive scheme, update morale.

    The week's output is normalised by the role's mean so roles are comparable. Pay is
    ``s x own score + (1 - s) x unit mean score``; payoff subtracts the cost of effort
    ``effort_cost x effort^2 / 2``. Pay and payoff are reported (``payoff_*`` metrics) and read
    by nothing simulated: morale follows effort, not pay.
    """
    role = structure.role
    role_mean = np.bincount(role, state.output, len(structure.role_counts))
    role_mean /= structure.role_divisor
    # a role without output scores 0: dividing by an infinite mean gives exactly that
    role_mean[role_mean == 0.0] = np.inf
    score = state.output / role_mean.take(role)
    if own_share == 1.0:  # individual pay: the unit's results and fairness play no part
        state.pay = score
        target = 1.0
    else:
        unit_sum = np.bincount(structure.unit, weights=score, minlength=structure.n_units)
        unit_score = unit_sum[structure.unit] / structure.size_of_unit
        state.pay = own_share * score + (1.0 - own_share) * unit_score
        others_effort = unit_mean_of_others(state.effort, structure)
        unfairness = (1.0 - own_share) * np.maximum(0.0, state.effort - others_effort)
        target = 1.0 - np.minimum(1.0, params["unfairness_sensitivity"] * unfairness)
    state.payoff = state.pay - 0.5 * params["effort_cost"] * state.effort * state.effort
    state.morale += params["morale_adaptation"] * (target - state.morale)


@kernel
def pay_and_morale(
    output, effort, pay, payoff, morale, role, role_divisor, unit, unit_size, own_share,
    effort_cost, unfairness_sensitivity, morale_adaptation,
) -> None:  # fmt: skip
    """:func:`settle_pay` as loops over people, in place (the week's kernel).

    The week's output scored against the role's mean (0 for a role without output), pay
    ``s x score + (1 - s) x unit mean score``, payoff ``pay - effort_cost x effort^2 / 2``, and
    morale moving ``morale_adaptation`` of the way toward ``1 - min(1, sensitivity x
    unfairness)``, unfairness ``(1 - s) x max(0, effort - others' mean effort)`` (none under
    individual pay, ``s = 1``). Role and unit sums are added in person order, as
    :func:`np.bincount` adds.
    """
    n = len(output)
    role_mean = np.zeros(len(role_divisor))
    for i in range(n):
        role_mean[role[i]] += output[i]
    for r in range(len(role_mean)):
        role_mean[r] /= role_divisor[r]
        if role_mean[r] == 0.0:  # dividing by an infinite mean scores exactly 0
            role_mean[r] = np.inf
    if own_share == 1.0:
        for i in range(n):
            pay[i] = output[i] / role_mean[role[i]]
            payoff[i] = pay[i] - 0.5 * effort_cost * effort[i] * effort[i]
            morale[i] += morale_adaptation * (1.0 - morale[i])
        return
    unit_score = np.zeros(len(unit_size))
    unit_effort = np.zeros(len(unit_size))
    for i in range(n):
        pay[i] = output[i] / role_mean[role[i]]  # the score, for now
        unit_score[unit[i]] += pay[i]
        unit_effort[unit[i]] += effort[i]
    for i in range(n):
        u, size = unit[i], unit_size[unit[i]]
        pay[i] = own_share * pay[i] + (1.0 - own_share) * (unit_score[u] / size)
        others_effort = mean_of_others(unit_effort[u], effort[i], size)
        unfairness = (1.0 - own_share) * max(0.0, effort[i] - others_effort)
        target = 1.0 - min(1.0, unfairness_sensitivity * unfairness)
        payoff[i] = pay[i] - 0.5 * effort_cost * effort[i] * effort[i]
        morale[i] += morale_adaptation * (target - morale[i])
