"""Vectorised learning kernels on the people x dimensions int8 belief array.

March (1991) with the extensions MODEL.md section 2 asks for: learning by doing through a role's
vantage, peer learning between pairs of people (Miller, Zhao & Calantone 2006), unit playbooks
(March's organizational code) and market turbulence. Every function updates whole arrays; none
loops over people. Beliefs are in {-1, 0, +1}; the reality is in {-1, +1}.
"""

from __future__ import annotations

import functools
import math

import numpy as np


def turbulence(reality: np.ndarray, rate: float, rng: np.random.Generator) -> None:
    """Flip each dimension of the market reality with probability ``rate`` (March's p4).

    Drawn as the number of flips, Binomial(dimensions, rate), then which dimensions: the same
    distribution as one coin per dimension, with one draw in the usual week without a flip.
    """
    flips = rng.binomial(reality.shape[0], rate)
    if flips:
        reality[rng.choice(reality.shape[0], flips, replace=False)] *= -1


def domain_knowledge(correct: np.ndarray, n_domains: int) -> np.ndarray:
    """Share of each domain's dimensions believed correctly, per person (people x domains)."""
    m = correct.shape[1]
    per_domain = m // n_domains
    # exact counts by one matrix product with the dimension -> domain indicator (a reshaped
    # sum over the short domain axis costs several times more at these sizes)
    return np.dot(correct, _domain_indicator(m, n_domains)) / per_domain


@functools.cache
def _domain_indicator(dimensions: int, n_domains: int) -> np.ndarray:
    """Dimensions x domains 0/1 matrix: which domain each dimension belongs to."""
    per_domain = dimensions // n_domains
    return (np.arange(dimensions)[:, None] // per_domain == np.arange(n_domains)).astype(float)


def correct_counts(beliefs: np.ndarray, reality: np.ndarray) -> np.ndarray:
    """Number of dimensions each row of ``beliefs`` gets right."""
    return np.add.reduce(beliefs == reality, axis=1)


def learn_by_doing(
    beliefs: np.ndarray,
    reality: np.ndarray,
    rate: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Observe the truth of each dimension with probability ``rate`` (people x dimensions).

    ``rate`` is the role's vantage on the dimension's domain times the base rate and the
    person's effort: people learn what their own work shows them.
    """
    observe = rng.random(beliefs.shape, dtype=np.float32) < rate
    np.copyto(beliefs, reality, where=observe)  # copyto broadcasts the reality over people


def peer_transfer(
    beliefs: np.ndarray,
    receivers: np.ndarray,
    sources: np.ndarray,
    adopt_probability: np.ndarray,
    dimension_mask: np.ndarray,
    rng: np.random.Generator,
) -> int:
    """Receivers adopt their sources' differing, non-neutral beliefs.

    Args:
        beliefs: people x dimensions int8 array, updated in place (synchronously: all pairs
            read the beliefs from before this call). If a receiver has several sources, each
            dimension keeps what the last pair that changed it passed (docs/ODD.md section 3).
        receivers, sources: person indices of the pairs that talk and share.
        adopt_probability: per pair, the probability of adopting each differing dimension.
        dimension_mask: pairs x dimensions (or broadcastable) mask of what the talk covers.
        rng: the learning stream.

    Returns:
        Number of beliefs changed.
    """
    if len(receivers) == 0:
        return 0
    told = beliefs.take(sources, axis=0)
    own = beliefs.take(receivers, axis=0)
    adopt = rng.random(own.shape, dtype=np.float32) < adopt_probability[:, None]
    adopt &= dimension_mask
    adopt &= told != 0
    adopt &= told != own
    # per cell, not per row: a later pair overwrites only the dimensions it changes (with
    # repeated cells numpy's assignment keeps the last value)
    pair, dim = adopt.nonzero()
    beliefs[receivers[pair], dim] = told[pair, dim]
    return len(pair)


def socialize(
    beliefs: np.ndarray,
    codes: np.ndarray,
    unit: np.ndarray,
    rate: float,
    rng: np.random.Generator,
) -> None:
    """People learn the unit playbook where it holds a view (March's p1).

    Where the code is non-zero and differs from a belief, the belief becomes the code's with
    probability ``rate``. The chances are drawn sparsely (:func:`event_cells`): the rate is small
    and only the cells it hits cost anything.
    """
    cell = event_cells(beliefs.size, rate, rng)  # flat (person, dimension) indices
    code = codes.take(unit, axis=0).ravel()[cell]
    held = code.nonzero()[0]
    beliefs.put(cell[held], code[held])


def event_cells(n_cells: int, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Flat indices of the cells where an event of probability ``rate`` happens this week.

    Exactly an independent Bernoulli(``rate``) draw per cell, in time proportional to the events
    rather than the cells: the hits of a Poisson process of intensity ``-log(1 - rate)`` per cell
    hit each cell at least once with probability ``rate``, independently. A cell hit twice is
    listed twice (harmless for the idempotent updates that use it).
    """
    if rate >= 1.0:
        return np.arange(n_cells)
    hits = rng.poisson(-math.log1p(-rate) * n_cells)
    return (rng.random(hits) * n_cells).astype(np.intp)  # floor(u n) < n for numpy's doubles


def learn_code(
    codes: np.ndarray,
    beliefs: np.ndarray,
    contributes: np.ndarray,
    unit_order: np.ndarray,
    unit_starts: np.ndarray,
    rate: float,
    rng: np.random.Generator,
) -> None:
    """Each unit playbook learns from its superior group (March's p2).

    Args:
        codes: units x dimensions int8 playbooks, updated in place.
        beliefs: people x dimensions beliefs.
        contributes: per person, True if they know more than their unit's code *and* share
            this week (cooperativeness gates contributions to the playbook too).
        unit_order, unit_starts: people sorted by unit and the start of each unit's segment.
        rate: March's p2. On each dimension the code adopts the superior group's majority
            belief with probability ``1 - (1 - rate) ** k``, ``k`` the majority's margin.
    """
    # the contributors' beliefs sorted by unit, summed over each unit's segment (int64: the
    # segmented sum is fastest without a cast inside it)
    votes = beliefs.take(unit_order, axis=0).astype(np.int64)
    votes[~contributes.take(unit_order)] = 0
    tally = np.add.reduceat(votes, unit_starts, axis=0)
    # the code keeps its view with probability (1 - rate) ** k: always where there is no
    # majority (k = 0); where it already holds the majority's view a change changes nothing
    keep = (1.0 - rate) ** np.abs(tally)
    change = rng.random(codes.shape) >= keep
    np.copyto(codes, np.sign(tally), where=change)


def belief_diversity(beliefs: np.ndarray) -> float:
    """Mean Gini-Simpson diversity of beliefs per dimension, scaled to [0, 1].

    1 means the three belief values are equally common on every dimension; 0 means everyone
    agrees (March 1991 tracks the loss of this diversity as exploitation crowds out
    exploration).
    """
    n, dims = beliefs.shape
    # one count per (dimension, value) cell; sum over cells of share^2 = agreement
    counts = np.bincount((beliefs + _value_cells(n, dims)).ravel(), minlength=3 * dims)
    agreement = float(counts @ counts) / (n * n * dims)
    return (1.0 - agreement) * 1.5


@functools.cache
def _value_cells(n: int, dims: int) -> np.ndarray:
    """n x dims offsets that map a belief in {-1, 0, 1} on dimension j to cell 3j + belief + 1."""
    return np.tile(np.arange(dims, dtype=np.intp) * 3 + 1, (n, 1))


def relay_observations(
    beliefs: np.ndarray,
    reality: np.ndarray,
    receivers: np.ndarray,
    rate: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Receivers learn the truth of dimensions reported to them (a case review, not an opinion).

    The Model's feedback loops are structured reviews of real cases (why deals were lost, why
    customers churned), so a debrief passes what the source *observed* in its work: each
    dimension with probability ``rate`` (pairs x dimensions), typically the source's vantage on
    the domain times the adoption rate, inside the loop's domains.
    """
    if len(receivers) == 0:
        return
    told = rng.random((len(receivers), beliefs.shape[1]), dtype=np.float32) < rate
    pair, dim = told.nonzero()  # per cell: several debriefs of one receiver all count
    beliefs[receivers[pair], dim] = reality[dim]
