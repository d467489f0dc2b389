"""Vectorised learning kernels on the people x dimensions int8 belief array.

The extensions of March (1991) the sales model adds: learning by doing through a role's vantage,
peer learning between pairs of people (Miller, Zhao & Calantone 2006) and market turbulence.
The March rules themselves (acting, socialization, the superior group and the playbooks'
learning) live in :mod:`model.march.rules`, shared with the March engine. Every function updates
whole arrays; none loops over people. Beliefs are in {-1, 0, +1}; the reality is in {-1, +1}.
"""

from __future__ import annotations

import functools

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
    people, m = correct.shape
    per_domain = m // n_domains
    # a domain's dimensions are contiguous: integer counts per (person, domain), exact anywhere
    counts = np.count_nonzero(correct.reshape(people, n_domains, per_domain), axis=2)
    return counts / per_domain


def practice_cells(u_cell, u_mark, neg_rate, effort, practice, total):
    """Flat cells where people learn by doing and where they socialize this week.

    One Poisson process of intensity ``total`` per (person, dimension) cell, each hit marked
    ``m = u total``: a mark below ``-log(1 - rate)``, the cell's learning-by-doing probability
    ``rate`` (its role's vantage on the dimension's domain times the base rate and the
    person's work share, the cases worked relative to a full load), is a learning-by-doing
    event; a mark at or above ``practice`` (the intensity of the largest ``rate``) a
    socialization event. Split and thinned Poisson processes are independent Poisson
    processes, so each cell learns by doing with probability ``rate`` and socializes with
    probability ``1 - exp(practice - total)``, independently, as one coin per cell and process
    would; the cost grows with the hits, not the cells. A cell hit twice is listed twice (both
    updates are idempotent).

    Args:
        u_cell, u_mark: two uniforms per hit; the hits are Poisson(``total`` x cells).
        neg_rate: minus the learning-by-doing rate at full effort, people x dimensions (flat).
        effort: per person, the multiplier of the rate (the model passes the work share).
        practice, total: the intensities, ``practice <= total``.
    """
    cell = (u_cell * neg_rate.size).astype(np.intp)  # floor(u k) < k for numpy's doubles
    mark = u_mark * -total  # minus the mark
    neg = neg_rate.take(cell) * effort.take(cell // (neg_rate.size // len(effort)))
    return cell[np.log1p(neg) < mark], cell[mark <= -practice]


def learn_by_doing(beliefs: np.ndarray, reality: np.ndarray, cells: np.ndarray) -> None:
    """People observe the truth of the dimensions in ``cells`` (flat person x dimension)."""
    beliefs.put(cells, reality.take(cells % len(reality)))


def peer_transfer(
    beliefs: np.ndarray,
    receivers: np.ndarray,
    told: np.ndarray,
    own: np.ndarray,
    probability: np.ndarray,
    u: np.ndarray,
) -> int:
    """Receivers adopt what they are told where it differs from their view and is not neutral.

    One pass for informal talks and reviews (feedback debriefs): each tells the source's
    beliefs, and ``own`` is the receiver's.

    Args:
        beliefs: people x dimensions int8 array, updated in place (synchronously: ``told`` and
            ``own`` were read before the call). If a receiver has several pairs, each dimension
            keeps what the last pair that changed it passed (docs/ODD.md section 3).
        receivers: person index of each pair.
        told, own: pairs x dimensions, what the pair passes and what it is compared with.
        probability: pairs x dimensions, the chance of taking each told dimension (zero off
            the talk's topics or the loop's dimensions).
        u: pairs x dimensions uniforms.

    Returns:
        Number of beliefs changed.
    """
    adopt = u < probability
    adopt &= told != 0
    adopt &= told != own
    # per cell, not per row: a later pair overwrites only the dimensions it changes (with
    # repeated cells numpy's assignment keeps the last value)
    pair, dim = adopt.nonzero()
    beliefs[receivers.take(pair), dim] = told[pair, dim]
    return len(pair)


def belief_diversity(beliefs: np.ndarray) -> float:
    """Mean Gini-Simpson diversity of beliefs per dimension, scaled to [0, 1].

    1 means the three belief values are equally common on every dimension; 0 means everyone
    agrees (March 1991 tracks the loss of this diversity as exploitation crowds out
    exploration).
    """
    n, dims = beliefs.shape
    # one count per (dimension, value) cell; sum over cells of share^2 = agreement
    counts = np.bincount((beliefs + _value_cells(n, dims)).ravel(), minlength=3 * dims)
    agreement = int(np.add.reduce(counts * counts)) / (n * n * dims)
    return (1.0 - agreement) * 1.5


@functools.cache
def _value_cells(n: int, dims: int) -> np.ndarray:
    """n x dims offsets that map a belief in {-1, 0, 1} on dimension j to cell 3j + belief + 1."""
    return np.tile(np.arange(dims, dtype=np.intp) * 3 + 1, (n, 1))
