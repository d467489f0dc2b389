"""Seeds: every run's seed derives from one master seed (AgentPy / EMA Workbench practice).

Replication ``r`` of every scenario gets the seed of ``SeedSequence(master_seed).spawn(...)[r]``,
so all scenarios share replication seeds (common random numbers: paired comparisons compare
designs, not noise), and adding replications later leaves the existing seeds unchanged.
"""

from __future__ import annotations

import numpy as np

# Spawn key of the stream that draws LHS / Sobol' samples; replications use keys below this.
SAMPLER_KEY = 2**31


def replication_seed(master_seed: int, replication: int) -> int:
    """The integer seed of replication ``replication`` (< 2**63, so it fits an int64 column).

    Equal to the first 64-bit word of ``SeedSequence(master_seed).spawn(n)[replication]``.
    """
    child = np.random.SeedSequence(master_seed, spawn_key=(replication,))
    return int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def sampler_rng(master_seed: int) -> np.random.Generator:
    """The generator that draws an experiment's quasi-random scenario sample."""
    return np.random.default_rng(np.random.SeedSequence(master_seed, spawn_key=(SAMPLER_KEY,)))
