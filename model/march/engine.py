"""March (1991): mutual learning between individuals and an organizational code.

March's organization, vectorised over replications, for the validation against his figures.
The rules themselves live in :mod:`model.march.rules`, which the sales model's playbooks use
too; this module adds the replications, turnover, turbulence and the stopping rule. March's
paper alone does not pin the mechanics; we follow the reconstruction that reproduces his figures
(Christensen 2015, as implemented by Workiewicz 2019):

each period
  0. turnover (p3): each individual leaves with probability p3 and is replaced by a newcomer with
     beliefs uniform on {-1, 0, +1};
  0. turbulence (p4): each dimension of reality flips sign with probability p4;
  1. individuals act: action = belief where belief != 0, else a fair coin +/-1;
     performance = sum(action * reality);
  2. individuals socialize: with probability p1 per dimension, only where the code != 0, the belief
     moves ONE step toward the code (-1 -> 0 -> +1);
  3. the code learns from the superior group (individuals whose performance exceeds the code's
     score sum(code * reality)): per dimension, with S the sum of their actions, if sign(S) != 0 and
     differs from the code, the code takes sign(S) with probability 1 - (1 - p2)^|S|.

Equilibrium (p3 = p4 = 0) is reached when every individual equals the code and nobody can still
beat it, i.e. the code has no 0 left (an individual's best possible score is its correct
dimensions plus its 0s). The knowledge March plots is sum(code * reality) / m.

All state is vectorised over replications: beliefs are an int8 array (replications, n, m), so a
whole cell of March's Figure 1 is one array program. Each random process draws from its own
named stream.

References:
    March, J. G. (1991). Exploration and exploitation in organizational learning.
        Organization Science 2(1), 71-87.
    Christensen, M. (2015). A note on replicating March (1991). Working paper.
    Workiewicz, M. (2019). Recreation of March (1991), public Python code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from salesorg.model.march import rules

STREAMS = ("turnover", "turbulence", "action", "socialization", "code_learning", "init")


def named_streams(rng: np.random.Generator, names=STREAMS) -> dict[str, np.random.Generator]:
    """Spawn one independent child generator per named random process (common random numbers)."""
    return dict(zip(names, rng.spawn(len(names)), strict=True))


def random_beliefs(rng: np.random.Generator, shape) -> np.ndarray:
    """Beliefs uniform on {-1, 0, +1} (March's naive newcomers), as int8."""
    return (rng.integers(0, 3, size=shape, dtype=np.int8) - 1).astype(np.int8)


@dataclass
class MarchState:
    """State of ``R`` independent replications of March's organization.

    Attributes:
        beliefs: int8 (R, n, m), each entry in {-1, 0, +1}.
        code: int8 (R, m), the organizational code, starts at 0.
        reality: int8 (R, m), each entry +/-1.
        periods: int (R,), periods simulated so far.
    """

    beliefs: np.ndarray
    code: np.ndarray
    reality: np.ndarray
    periods: np.ndarray

    @classmethod
    def new(cls, rng: np.random.Generator, replications: int, n: int, m: int) -> MarchState:
        return cls(
            beliefs=random_beliefs(rng, (replications, n, m)),
            code=np.zeros((replications, m), dtype=np.int8),
            reality=rules.random_signs(rng, (replications, m)),
            periods=np.zeros(replications, dtype=np.int64),
        )

    @property
    def m(self) -> int:
        return self.code.shape[1]

    def code_knowledge(self) -> np.ndarray:
        """March's knowledge measure: sum(code * reality) / m, per replication."""
        return (self.code * self.reality).sum(axis=1, dtype=np.int32) / self.m

    def individual_knowledge(self) -> np.ndarray:
        """Mean over individuals of sum(belief * reality) / m, per replication."""
        score = (self.beliefs * self.reality[:, None, :]).sum(axis=2, dtype=np.int32)
        return score.mean(axis=1) / self.m

    def at_equilibrium(self) -> np.ndarray:
        """True where every individual equals the code and the code has no 0 left."""
        everyone_agrees = (self.beliefs == self.code[:, None, :]).all(axis=(1, 2))
        return everyone_agrees & (self.code != 0).all(axis=1)


def turnover(beliefs: np.ndarray, p3: np.ndarray, rng: np.random.Generator) -> None:
    """Replace each individual with probability p3 (R,) by a naive newcomer (in place)."""
    if not (p3 > 0).any():
        return
    leaving = rng.random(beliefs.shape[:2]) < p3[:, None]
    count = int(leaving.sum())
    if count:
        beliefs[leaving] = random_beliefs(rng, (count, beliefs.shape[2]))


def turbulence(reality: np.ndarray, p4: np.ndarray, rng: np.random.Generator) -> None:
    """Flip each dimension of reality with probability p4 (R,) (in place)."""
    if not (p4 > 0).any():
        return
    flips = rng.random(reality.shape) < p4[:, None]
    reality[flips] *= -1


def act(beliefs: np.ndarray, reality: np.ndarray, rng: np.random.Generator):
    """Actions (:func:`rules.act`) and performances, the acted scores (:func:`rules.score`)."""
    actions = rules.act(beliefs, rng)
    return actions, rules.score(actions, reality[:, None, :])


def socialize(beliefs: np.ndarray, code: np.ndarray, p1: np.ndarray, rng) -> None:
    """Each movable cell socializes with probability p1 (:func:`rules.socialize`, in place).

    ``p1`` has shape (R, n): per-person rates give March's mixed fast and slow learners.
    Random numbers are drawn only where a move is possible (the code holds a view that
    differs from the belief).
    """
    target = np.broadcast_to(code[:, None, :], beliefs.shape).reshape(-1)
    movable = np.flatnonzero((target != 0) & (beliefs.reshape(-1) != target))
    if not movable.size:
        return
    m = beliefs.shape[2]
    moving = movable[rng.random(movable.size) < p1.reshape(-1)[movable // m]]
    rules.socialize(beliefs, moving, target.take(moving))


def learn_code(code, reality, actions, performance, change: np.ndarray, rng) -> None:
    """The code learns from its superior group (:func:`rules.superior_tally`,
    :func:`rules.learn_code`, in place); ``change`` is :func:`rules.change_table` per
    replication.

    The superior group are those whose performance exceeds the code's score sum(code * reality).
    """
    superior = performance > rules.score(code, reality)[:, None]
    tally = rules.superior_tally(actions, superior)
    majority = np.sign(tally)
    if not ((majority != 0) & (majority != code)).any():
        return  # nothing can change: no draws
    rules.learn_code(code, tally, change, rng.random(code.shape))


def step_period(state: MarchState, streams, p1, p2, p3, p4) -> np.ndarray:
    """Advance every replication in ``state`` by one period; return performances (R, n).

    ``p1`` has shape (R, n) and ``p2``, ``p3``, ``p4`` shape (R,), so that one array program can
    hold several parameter cells at once.
    """
    turnover(state.beliefs, p3, streams["turnover"])
    turbulence(state.reality, p4, streams["turbulence"])
    actions, performance = act(state.beliefs, state.reality, streams["action"])
    socialize(state.beliefs, state.code, p1, streams["socialization"])
    change = rules.change_table(p2, state.beliefs.shape[1])
    learn_code(state.code, state.reality, actions, performance, change, streams["code_learning"])
    state.periods += 1
    return performance


def _per_replication(value, shape) -> np.ndarray:
    return np.ascontiguousarray(np.broadcast_to(np.asarray(value, dtype=float), shape))


def run_to_equilibrium(
    rng: np.random.Generator,
    p1,
    p2,
    *,
    replications: int | None = None,
    n: int = 50,
    m: int = 30,
    time_limit: int = 5000,
) -> tuple[np.ndarray, np.ndarray]:
    """Run closed-system replications (p3 = p4 = 0) until each reaches equilibrium.

    Args:
        rng: the generator all named streams are spawned from.
        p1: socialization rate; scalar, (R,) per replication or (R, n) per person.
        p2: code learning rate; scalar or (R,).
        replications: R; inferred from p1 / p2 when they are arrays.
        time_limit: safeguard; a replication still moving then is reported as it stands.

    Returns:
        (knowledge, periods): equilibrium code knowledge sum(code*reality)/m and the period at
        which each replication stopped, both of shape (R,).
    """
    if replications is None:
        replications = max([np.shape(p)[0] for p in (p1, p2) if np.ndim(p)] or [1])
    p1 = np.asarray(p1, dtype=float)
    p1 = _per_replication(p1[:, None] if p1.ndim == 1 else p1, (replications, n))
    p2 = _per_replication(p2, (replications,))
    streams = named_streams(rng)
    state = MarchState.new(streams["init"], replications, n, m)
    knowledge = np.empty(replications)
    periods = np.empty(replications, dtype=np.int64)
    active = np.arange(replications)
    closed = np.zeros(replications)
    while active.size:
        step_period(state, streams, p1, p2, closed[: active.size], closed[: active.size])
        done = state.at_equilibrium() | (state.periods >= time_limit)
        if done.any():
            knowledge[active[done]] = state.code_knowledge()[done]
            periods[active[done]] = state.periods[done]
            keep = ~done
            active = active[keep]
            state = MarchState(
                state.beliefs[keep], state.code[keep], state.reality[keep], state.periods[keep]
            )
            p1, p2 = p1[keep], p2[keep]
    return knowledge, periods


def run_for(
    rng: np.random.Generator,
    periods: int,
    p1,
    p2,
    p3=0.0,
    p4=0.0,
    *,
    replications: int | None = None,
    n: int = 50,
    m: int = 30,
) -> np.ndarray:
    """Run an open system (turnover p3, turbulence p4) for a fixed number of periods.

    Each of p1..p4 is a scalar or one value per replication (p1 may also be (R, n)).

    Returns:
        Code knowledge after each period, shape (periods, R).
    """
    if replications is None:
        replications = max([np.shape(p)[0] for p in (p1, p2, p3, p4) if np.ndim(p)] or [1])
    p1 = np.asarray(p1, dtype=float)
    p1 = _per_replication(p1[:, None] if p1.ndim == 1 else p1, (replications, n))
    p2, p3, p4 = (_per_replication(p, (replications,)) for p in (p2, p3, p4))
    streams = named_streams(rng)
    state = MarchState.new(streams["init"], replications, n, m)
    trajectory = np.empty((periods, replications))
    for t in range(periods):
        step_period(state, streams, p1, p2, p3, p4)
        trajectory[t] = state.code_knowledge()
    return trajectory
