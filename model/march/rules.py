"""The March (1991) rules, in one place: act, socialize, the superior group, the code learns.

Both learning engines use these functions: the March engine (:mod:`model.march.engine`, the
replications of March's organization validated against his figures) and the sales model's
:class:`model.learning.Learning`, whose unit playbooks are March's organizational code. Each
rule is written twice, side by side: a plain reference that reads like March's text (loops over
people and dimensions) and the kernel the models run (vectorised numpy, or a compiled loop,
:mod:`model.jit`). ``tests/test_march_rules.py``
feeds both the same draws and asserts they agree exactly.

March's paper alone does not pin the mechanics; we follow the reconstruction that reproduces
his figures (Christensen 2015, as implemented by Workiewicz 2019):

1. **Act**: an individual acts on its belief, or tosses a fair coin where the belief is 0.
2. **Score**: performance is the acted score ``sum(action x reality)``; the code's score is
   ``sum(code x reality)`` (a 0 in the code scores 0). In the sales model a person's score
   weights each dimension by what the person's role needs (integer weights, so that scores are
   exact and ties are ties); with equal weights this is March's score times a constant.
3. **Socialize** (p1): where the code holds a view (not 0) that differs from the belief, the
   belief moves *one step* toward it (-1 -> 0 -> +1).
4. **Superior group**: the individuals whose acted score exceeds the code's score on the same
   dimensions with the same weights.
5. **The code learns** (p2): per dimension, with ``S`` the superior group's summed actions, the
   code takes ``sign(S)`` with probability ``1 - (1 - p2) ** |S|``; ``S = 0`` changes nothing.

Layouts: beliefs and actions are int8 arrays whose last axis is the dimension. The March engine
holds ``(replications, n, m)`` (one unit per replication); the sales model ``(people, m)`` with
a unit per person.

References:
    March, J. G. (1991). Exploration and exploitation in organizational learning.
        Organization Science 2(1), 71-87.
    Christensen, M. (2015). A note on replicating March (1991). Working paper.
    Workiewicz, M. (2019). Recreation of March (1991), public Python code.
"""

from __future__ import annotations

import numpy as np
from salesorg.model.draws import generator
from salesorg.model.jit import inline_kernel

# ----------------------------------------------------------------- draws


def random_signs(rng: np.random.Generator, shape) -> np.ndarray:
    """Fair +/-1 coins as int8, drawn eight to a random byte."""
    size = int(np.prod(shape))
    bits = np.unpackbits(rng.integers(0, 256, size=(size + 7) // 8, dtype=np.uint8))[:size]
    return (bits.astype(np.int8) * 2 - 1).reshape(shape)


def coins_for(beliefs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One fair coin per 0 belief as +/-1, in C order of the cells: the coins
    :func:`act_reference` takes (:func:`act` draws the same bytes)."""
    return random_signs(rng, int(np.count_nonzero(beliefs == 0)))


# ----------------------------------------------------------------- 1. act


def act_reference(beliefs: np.ndarray, coins: np.ndarray) -> np.ndarray:
    """Actions, cell by cell in C order: the belief, or the next coin where the belief is 0."""
    actions = np.array(beliefs, dtype=np.int8, copy=True)
    flat = actions.reshape(-1)
    used = 0
    for cell in range(flat.size):
        if flat[cell] == 0:
            flat[cell] = coins[used]
            used += 1
    return actions


def act(beliefs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Kernel of :func:`act_reference` with its draw: the coins of :func:`coins_for`, eight to
    a random byte, fill the 0 beliefs in C order."""
    zeros = np.flatnonzero(beliefs == 0)  # few once converged
    packed = rng.integers(0, 256, size=(len(zeros) + 7) // 8, dtype=np.uint8)
    return _act(beliefs.reshape(-1), zeros, packed).reshape(beliefs.shape)


@inline_kernel
def draw_actions(beliefs: np.ndarray, address: np.ndarray) -> np.ndarray:
    """:func:`act` inside a kernel, drawing its coins from the stream behind ``address`` (a
    :func:`model.draws.handle`): the same bytes from the same stream, so the same actions,
    filled in C order as :func:`act_reference` fills them."""
    flat = beliefs.reshape(-1)
    zeros = np.empty(flat.size, dtype=np.intp)  # the 0 beliefs' cells, in C order
    count = 0
    for cell in range(flat.size):  # without a branch: the count moves on past a 0 belief
        zeros[count] = cell
        count += flat[cell] == 0
    packed = generator(address).integers(0, 256, (count + 7) // 8, np.uint8)
    return _act(flat, zeros[:count], packed).reshape(beliefs.shape)


@inline_kernel
def _act(beliefs: np.ndarray, zeros: np.ndarray, packed: np.ndarray) -> np.ndarray:
    """The beliefs, where the ``k``-th 0 belief (flat cell ``zeros[k]``) takes the ``k``-th
    coin, bit ``k`` of ``packed`` (most significant first, as :func:`np.unpackbits` reads it):
    1 is +1, 0 is -1."""
    actions = beliefs.copy()
    for k in range(zeros.size):
        bit = (int(packed[k >> 3]) >> (7 - (k & 7))) & 1
        actions[zeros[k]] = 2 * bit - 1
    return actions


# ----------------------------------------------------------------- 2. score


def score_reference(actions: np.ndarray, reality: np.ndarray, weights=None) -> np.ndarray:
    """Per row of ``actions`` (last axis: dimensions), ``sum_j w_j x action_j x reality_j``.

    ``reality`` and ``weights`` broadcast against ``actions``; no weights means 1 (March).
    """
    actions = np.asarray(actions)
    reality = np.broadcast_to(reality, actions.shape)
    weights = np.broadcast_to(1 if weights is None else weights, actions.shape)
    out = np.zeros(actions.shape[:-1], dtype=np.int64)
    for index in np.ndindex(out.shape):
        total = 0
        for j in range(actions.shape[-1]):
            total += int(weights[index][j]) * int(actions[index][j]) * int(reality[index][j])
        out[index] = total
    return out


def score(actions: np.ndarray, reality: np.ndarray, weights=None) -> np.ndarray:
    """Kernel of :func:`score_reference`: integer products, summed exactly along the last axis."""
    product = actions * reality
    if weights is not None:
        product = product * weights
    return np.add.reduce(product, axis=-1, dtype=np.int32)


# ----------------------------------------------------------------- 3. socialize


def socialize_reference(beliefs: np.ndarray, targets: np.ndarray, socializes: np.ndarray) -> None:
    """Where a cell socializes and its code holds a view, the belief moves one step toward it.

    ``targets`` is the code's value for each cell (the person's unit code on the dimension),
    ``socializes`` the cells drawn this period (March's p1); all three have the same shape.
    Updated in place.
    """
    flat, target, drawn = beliefs.reshape(-1), targets.reshape(-1), socializes.reshape(-1)
    for cell in range(flat.size):
        if drawn[cell] and target[cell] != 0 and flat[cell] != target[cell]:
            flat[cell] += 1 if target[cell] > flat[cell] else -1


def socialize(beliefs: np.ndarray, cells: np.ndarray, targets: np.ndarray) -> None:
    """Kernel of :func:`socialize_reference` on the drawn flat ``cells`` and their code values.

    Every new value is computed from the beliefs as they were, so a cell listed twice moves one
    step, not two.
    """
    socialize_cells(beliefs.reshape(-1), cells, targets)


@inline_kernel
def socialize_cells(flat: np.ndarray, cells: np.ndarray, targets: np.ndarray) -> None:
    """Each listed cell whose code value is a view steps toward it: all new values first, from
    the beliefs as they were, then written (a cell listed twice gets the same value twice)."""
    moved = np.empty(len(cells), dtype=flat.dtype)
    for k in range(len(cells)):
        now, target = flat[cells[k]], targets[k]
        moved[k] = now + (target > now) - (target < now)
    for k in range(len(cells)):
        if targets[k] != 0:  # a code without a view on the dimension moves nothing
            flat[cells[k]] = moved[k]


# ----------------------------------------------------------------- 4. superior group


def superior_tally_reference(actions, superior, order=None, starts=None) -> np.ndarray:
    """Per unit and dimension, the summed actions of the unit's superior members.

    Args:
        actions: ``(units, n, m)``, one unit per leading index (March's replications); or
            ``(people, m)`` with the units given as segments ``starts`` of the people listed
            in ``order`` (people sorted by unit, every unit non-empty).
        superior: per person, True for a member of the superior group (score above the
            code's).
    """
    if order is None:
        units, n, m = actions.shape
        order, starts = np.arange(units * n), np.arange(units) * n
        actions, superior = actions.reshape(units * n, m), superior.reshape(-1)
    ends = [*starts[1:], len(order)]
    tally = np.zeros((len(starts), actions.shape[1]), dtype=np.int64)
    for k, (start, end) in enumerate(zip(starts, ends, strict=True)):
        for person in order[start:end]:
            if superior[person]:
                for j in range(actions.shape[1]):
                    tally[k, j] += int(actions[person, j])
    return tally


def superior_tally(actions, superior, order=None, starts=None) -> np.ndarray:
    """Kernel of :func:`superior_tally_reference` (integer sums: exact on every CPU)."""
    masked = actions * superior[..., None]
    if order is None:  # one unit per leading index: a plain reduction
        return np.add.reduce(masked, axis=-2, dtype=np.int32)
    return np.add.reduceat(masked.take(order, axis=0), starts, axis=0, dtype=np.int32)


@inline_kernel
def superior_group(actions, codes, unit, reality, weights, share, u) -> np.ndarray:
    """Rules 2 and 4 in the sales model's layout (a unit per person): person ``i`` is in the
    superior group when the acted score ``sum_j w_ij a_ij r_j`` exceeds its unit code's
    ``sum_j w_ij c_j r_j`` (integers: exact) and it shares with the playbook, ``u_i < share_i``.

    Args:
        actions: people x dimensions; ``codes``: units x dimensions; ``unit``: per person.
        reality: one sign per dimension; ``weights``: people x dimensions integers.
        share, u: per person, the probability of sharing and a uniform.
    """
    people, m = actions.shape
    superior = np.zeros(people, dtype=np.bool_)
    for i in range(people):
        acted = 0
        coded = 0
        for j in range(m):
            acted += np.int64(weights[i, j]) * actions[i, j] * reality[j]
            coded += np.int64(weights[i, j]) * codes[unit[i], j] * reality[j]
        superior[i] = acted > coded and u[i] < share[i]
    return superior


@inline_kernel
def learn_codes(codes, actions, superior, order, starts, change, u) -> None:
    """Rules 4 and 5 in the sales model's layout, in place: per unit (a segment ``starts`` of
    the people listed in ``order``) and dimension, the superior members' summed actions ``S``;
    the code takes ``sign(S)`` where ``u < change[|S|]`` (:func:`change_table`, one row).
    The same as :func:`superior_tally` then :func:`learn_code`."""
    units, m = codes.shape
    tally = np.zeros(m, dtype=np.int64)
    for k in range(units):
        end = starts[k + 1] if k + 1 < units else len(order)
        tally[:] = 0
        for person in order[starts[k] : end]:
            if superior[person]:
                for j in range(m):
                    tally[j] += actions[person, j]
        for j in range(m):
            s = tally[j]
            if u[k, j] < change[abs(s)]:  # never where s = 0: change[0] = 0
                codes[k, j] = 1 if s > 0 else -1


# ----------------------------------------------------------------- 5. the code learns


def change_table(p2, largest: int) -> np.ndarray:
    """``1 - (1 - p2) ** k`` for margins ``k = 0 .. largest``: the chance the code takes the
    view of a superior majority of margin ``k``. ``p2`` scalar, or one rate per unit (a row
    each)."""
    p2 = np.asarray(p2, dtype=float)
    return 1.0 - (1.0 - p2[..., None]) ** np.arange(largest + 1)


def learn_code_reference(code: np.ndarray, tally: np.ndarray, p2, u: np.ndarray) -> None:
    """The code adopts the superior group's majority where it differs (in place).

    ``code``, ``tally`` and ``u`` (one uniform per cell) are ``(units, m)``; ``p2`` is a scalar
    or one rate per unit. A cell changes when ``u < 1 - (1 - p2) ** |S|``, ``S`` its tally.
    """
    rates = np.broadcast_to(np.asarray(p2, dtype=float), code.shape[:1])
    for k in range(code.shape[0]):
        for j in range(code.shape[1]):
            s = int(tally[k, j])
            majority = (s > 0) - (s < 0)
            chance = 1.0 - (1.0 - float(rates[k])) ** abs(s)
            if majority != 0 and majority != code[k, j] and u[k, j] < chance:
                code[k, j] = majority


def learn_code(code: np.ndarray, tally: np.ndarray, change: np.ndarray, u: np.ndarray) -> None:
    """Kernel of :func:`learn_code_reference`; ``change`` from :func:`change_table` (one row,
    or a row per unit). Where the majority is 0 nothing changes (``change[0] = 0``); where the
    code already holds the majority's view a change changes nothing."""
    margin = np.abs(tally)
    one_row = change.ndim == 1
    chance = change.take(margin) if one_row else np.take_along_axis(change, margin, axis=1)
    np.copyto(code, np.sign(tally), "unsafe", u < chance)
