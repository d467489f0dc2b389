"""The workloads ``make bench`` times: one model run each, built the way a researcher builds it.

Each function builds its model from scratch and runs it, so a timing includes set-up, stepping
and the data collection the model does every step.
"""

from __future__ import annotations

import numpy as np

DEFAULT_STEPS = 260  # five years of weekly steps: the default run
SCALING_STEPS = 52  # one year, for the head-count scaling runs
BOLTZMANN_AGENTS = 100  # Mesa's example as shipped: 100 agents on a 10 x 10 grid
MARCH_REPLICATIONS = 200
SOBOL_BASE_SAMPLES = 1024  # Sobol' base sample size N; first-order and total indices only


def boltzmann_run(steps: int = DEFAULT_STEPS, seed: int = 1) -> int:
    """Mesa's own Boltzmann wealth example, as shipped in ``mesa.examples``, for ``steps`` steps.

    Returns the number of agent-steps run. The example keeps its own data collection (Gini and
    every agent's wealth each step): it is timed exactly as Mesa ships it.
    """
    from mesa.examples.basic.boltzmann_wealth_model.model import (
        BoltzmannScenario,
        BoltzmannWealth,
    )

    model = BoltzmannWealth(BoltzmannScenario(rng=seed))
    for _ in range(steps):
        model.step()
    return len(model.agents) * steps


def salesorg_run(employees: int | None = None, steps: int = DEFAULT_STEPS, seed: int = 1) -> int:
    """One :class:`model.SalesOrgModel` run with model-level metrics collected every step.

    ``employees=None`` runs the model with all its defaults but the burn-in: these are the
    recorded weeks' costs (:func:`salesorg_burn_in` times the warm start). Returns the number of
    employee-steps run (head count x steps).
    """
    from salesorg.model import SalesOrgModel

    params = {} if employees is None else {"employees": employees}
    model = SalesOrgModel(rng=seed, burn_in_weeks=0, **params)
    for _ in range(steps):
        model.step()
    return (default_employees() if employees is None else employees) * steps


def salesorg_burn_in(seed: int = 1) -> int:
    """Build a default :class:`model.SalesOrgModel`: its unrecorded burn-in weeks (the warm
    start) and nothing else. Returns the number of burn-in weeks."""
    from salesorg.model import SalesOrgModel

    return SalesOrgModel(rng=seed).params["burn_in_weeks"]


def default_employees() -> int:
    """The default head count, read from the model's parameter table."""
    from salesorg.model import PARAMETERS

    return int(PARAMETERS["employees"].default)


def march_grid(replications: int = MARCH_REPLICATIONS, seed: int = 1) -> int:
    """March (1991) Figure 1: every (p1, p2) cell to equilibrium. Returns the number of cells."""
    from salesorg.model.march.validation import figure1

    table = figure1(np.random.default_rng(seed), replications)
    return len(table)


def sobol_runs(base_samples: int = SOBOL_BASE_SAMPLES) -> int:
    """Model runs of a Sobol' analysis of every sweepable parameter: ``N x (D + 2)`` (Saltelli
    et al. 2010, without second-order terms), D the numeric parameters of the table that sweeps
    and the browser offer (``vary`` with bounds)."""
    from salesorg.model import PARAMETERS

    factors = sum(
        1 for p in PARAMETERS if p.vary and p.kind in (int, float) and p.bounds is not None
    )
    return base_samples * (factors + 2)
