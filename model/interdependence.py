"""Interdependent knowledge, NK-style (Kauffman 1993; Levinthal 1997; Lazer & Friedman 2007).

With ``interdependence = K > 0`` every dimension depends on ``K`` other dimensions (a fixed
random map, drawn once from the market stream; a dimension may depend on dimensions of any
domain, since a sales approach couples e.g. the expectations set with the product's technical
fit). A belief that is right *counts* (toward performance, and so toward leads, calls, deals
and service) only when the beliefs it depends on are right too: an approach works as a whole
or not at all (Levinthal 1997's fitness contributions, in their simplest, all-or-nothing form,
as in Fang, Lee & Schilling 2010's use of the NK landscape).

Work teaches the same way: one's own work reveals a dimension only when one's beliefs on the
dimensions it depends on are right, since with a wrong approach elsewhere the outcome says
nothing about this part (local search, Levinthal 1997). Talks, reviews and playbooks pass
beliefs as before, so with interdependence a wrong consensus can trap a group: this is what
makes moderate isolation possibly useful (Lazer & Friedman 2007; Fang, Lee & Schilling 2010).

With ``K = 0`` nothing here runs: dimensions are independent, as before.
"""

from __future__ import annotations

import numpy as np
from salesorg.model.jit import inline_kernel


def dependency_map(dimensions: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """Dimensions x ``k``: the ``k`` distinct other dimensions each dimension depends on,
    drawn uniformly (one random key per pair; a dimension never depends on itself)."""
    keys = rng.random((dimensions, dimensions))
    np.fill_diagonal(keys, np.inf)
    return np.argsort(keys, axis=1, kind="stable")[:, :k].astype(np.intp)


def effective(correct: np.ndarray, depends: np.ndarray) -> np.ndarray:
    """Which right beliefs count: right, and right on every dimension they depend on.

    ``correct`` is ``... x dimensions`` booleans; ``depends`` the :func:`dependency_map`.
    """
    return correct & np.logical_and.reduce(correct[..., depends], axis=-1)


@inline_kernel
def teachable(beliefs, realities, territory, cells, depends) -> np.ndarray:
    """Which learning-by-doing ``cells`` (flat person x dimension) work can teach: those whose
    dependencies the person believes right, in the reality of the account worked (``territory``
    per cell, a row of ``realities``). Every cell when nothing depends on anything (K = 0)."""
    dims = beliefs.shape[1]
    keep = np.ones(cells.size, dtype=np.bool_)
    for h in range(cells.size):
        person, dim, t = cells[h] // dims, cells[h] % dims, territory[h]
        for needed in depends[dim]:
            if beliefs[person, needed] != realities[t, needed]:
                keep[h] = False
                break
    return keep


def teachable_reference(beliefs, realities, territory, cells, depends) -> np.ndarray:
    """Plain reference of :func:`teachable`, in numpy (the code it replaced)."""
    dims = beliefs.shape[1]
    person, dim = np.divmod(cells, dims)
    needed = depends[dim]  # cells x k
    held = beliefs[person[:, None], needed]
    truth = realities[territory[:, None], needed]
    return np.logical_and.reduce(held == truth, axis=1)
