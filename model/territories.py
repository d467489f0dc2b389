"""Territories: one market reality per territory, correlated with a common reality.

Pods own a territory (Ross & Tyler 2011, p. 178); the assembly line serves all of them. Every
design has the same territories, one per pod's worth of head count. Territory ``t``'s reality
is the common reality times a fixed sign pattern: ``reality_t[d] = common[d] x sign[t, d]``, each
``sign[t, d]`` is +1 with probability ``(1 + rho) / 2`` and -1 otherwise, ``rho`` =
``territory_correlation``. For +-1 variables that makes the correlation of a territory
dimension with the common one exactly ``rho`` (and between two territories ``rho ** 2``);
``rho = 1`` is one market, ``rho = 0`` territories unrelated to the common reality and to each
other.

Turbulence drifts both: the common reality flips as before (March's p4, the shift every
territory shares), and each territory's sign is redrawn from the same ``(1 + rho) / 2`` coin
with probability ``turbulence`` per dimension and week (its own drift, which keeps the
correlation at ``rho``). Signs come from their own random stream, so the common market is the
same draw at every ``rho`` and in every design.

Who serves which territory (:attr:`model.organization.Structure.serves`) sets each person's
*work share* per territory: the expected share of the cases one works that belong to it. Leads
arrive spread evenly over the territories (a marketer who serves all draws each lead's
territory evenly, referrals stay in the referrer's territory), so one who serves ``k``
territories works each with share ``1 / k``.
"""

from __future__ import annotations

import numpy as np
from salesorg.model.jit import inline_kernel
from salesorg.model.sampling import choice_without_replacement


class Territories:
    """The territories' sign patterns and realities.

    Attributes:
        n: number of territories.
        same: probability that a territory dimension equals the common one.
        one_market: True when ``territory_correlation`` is 1: every territory is the common
            market, and the model takes its one-market shortcuts (same bits).
        sign: territories x dimensions int8 in {-1, +1}.
        reality: territories x dimensions int8, kept equal to ``common x sign``.
    """

    def __init__(self, n: int, common: np.ndarray, correlation: float, rng) -> None:
        self.n = n
        self.same = (1.0 + correlation) / 2.0
        self.one_market = correlation == 1.0
        self.rng = rng
        self.sign = self._draw_signs(n * len(common)).reshape(n, len(common))
        self.reality = np.empty_like(self.sign)
        self.follow(common)

    def __repr__(self) -> str:
        return f"Territories(n={self.n}, same={self.same:g})"

    def _draw_signs(self, k: int) -> np.ndarray:
        """``k`` signs, +1 with probability :attr:`same` (no draw for one market)."""
        if self.one_market:
            return np.ones(k, dtype=np.int8)
        return np.where(self.rng.random(k) < self.same, 1, -1).astype(np.int8)

    def follow(self, common: np.ndarray) -> None:
        """Recompute every territory's reality from the common one (after it changed)."""
        np.multiply(self.sign, common, out=self.reality)

    def drifts(self, rate: float) -> bool:
        """Whether the signs drift at ``rate``: not in one market, nor without turbulence."""
        return not self.one_market and rate != 0.0

    def drift(self, rate: float) -> None:
        """Each territory sign is redrawn with probability ``rate`` (turbulence's own part;
        :func:`redraw_signs`; the model's week runs it inside
        :func:`model.learning.market_turbulence`)."""
        if self.drifts(rate):
            redraw_signs(self.sign, rate, self.same, self.rng)


@inline_kernel
def redraw_signs(sign: np.ndarray, rate: float, same: float, rng) -> None:
    """Each territory sign (territories x dimensions) is redrawn with probability ``rate``:
    Binomial(cells, rate) cells, each +1 with probability ``same`` (their new signs drawn
    first), at cells chosen without replacement
    (:func:`model.sampling.choice_without_replacement`). ``rng``: a Generator (in a kernel,
    :func:`model.draws.generator`)."""
    flat = sign.reshape(-1)
    k = rng.binomial(flat.size, rate)
    if k:
        u = rng.random(k)
        cells = choice_without_replacement(rng, flat.size, k)
        for j in range(k):
            flat[cells[j]] = 1 if u[j] < same else -1


def work_shares(serves: np.ndarray) -> np.ndarray:
    """People x territories: each person's expected share of work per territory (rows sum to
    1): an even split over the territories one serves (leads arrive evenly)."""
    return serves / np.count_nonzero(serves, axis=1)[:, None]


@inline_kernel
def territory_of_cells(cells, dims: int, territory: np.ndarray, n: int, rng) -> np.ndarray:
    """The territory of the account worked behind each learning-by-doing event.

    ``cells`` are flat (person, dimension) indices; a person who serves one territory
    (``territory >= 0``) works its accounts; one who serves every territory works an account
    of a territory drawn evenly (their work share), one draw per event, in event order
    (``rng``: a Generator; in a kernel, :func:`model.draws.generator`).
    """
    own = np.empty(cells.size, dtype=np.intp)
    shared = 0
    for h in range(cells.size):
        own[h] = territory[cells[h] // dims]
        shared += own[h] < 0
    if shared:
        drawn = rng.integers(0, n, shared)
        k = 0
        for h in range(cells.size):
            if own[h] < 0:
                own[h] = drawn[k]
                k += 1
    return own


def served_mean(common: np.ndarray, per_territory: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Per person, a quantity averaged over territories by work share.

    Written as ``common + sum_t share_t (x_t - common)``, summed in territory order (no BLAS),
    so that with every territory equal to the common market it returns ``common`` bit for bit.

    Args:
        common: people [x columns], the quantity against the common reality.
        per_territory: territories x people [x columns].
        shares: people x territories work shares.
    """
    weights = shares.T.reshape(shares.shape[::-1] + (1,) * (common.ndim - 1))
    return common + np.add.reduce(weights * (per_territory - common), axis=0)
