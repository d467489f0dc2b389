"""Docking the sales model to March (1991): ``SalesOrgModel`` itself in March's limit.

Docking (Axtell, Axelrod, Epstein & Cohen 1996) asks whether two models of the same thing give
the same results where they overlap. The March engine (:mod:`model.march.engine`) reproduces
March's Figure 1; here :class:`model.SalesOrgModel`, with every extension switched off by its
own parameters, runs the same 27 cells. Both models learn through the same rules
(:mod:`model.march.rules`), so what docking tests is everything around them: the sales model's
week, its random streams, its playbooks and its superior group on role-weighted scores.

:func:`march_limit` gives the settings; :func:`figure1` runs the grid, each replication until
March's equilibrium (everyone holds the playbook's view and the playbook has no 0 left: nothing
can change any more) and reports March's knowledge, ``sum(code x reality) / m``.

Reference:
    Axtell, R., Axelrod, R., Epstein, J. M. & Cohen, M. D. (1996). Aligning simulation models:
        a case study and results. Computational and Mathematical Organization Theory 1(2),
        123-141.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from salesorg.model.march.validation import FIG1_P1, FIG1_P2
from salesorg.model.model import SalesOrgModel

#: March's organization: 50 individuals, 30 dimensions (5 domains of 6).
MARCH_N, MARCH_DIMENSIONS_PER_DOMAIN = 50, 6

#: Periods after which a replication still moving is reported as it stands (the March engine's
#: safeguard; no replication of Figure 1 comes near it).
TIME_LIMIT = 5000


def march_limit(p1: float, p2: float) -> dict:
    """``SalesOrgModel`` parameters that put the sales model in March's (1991) limit.

    One unit of 50 people of one role (a functional department of AEs; any single role does),
    every domain weighed equally in performance (``performance_weights = "equal"``), an
    organization that does not sell (``selling`` False: no pipeline, customers, or pay from
    results, so no pipeline feedback), and none of the extensions: no talks, no reviews, no
    learning by doing, no turnover, no turbulence, and no burn-in (March's organization starts
    naive). Everyone is an unconditional cooperator who
    always shares, so the whole superior group reaches the playbook, as in March.

    Args:
        p1: socialization rate (``socialization_rate``).
        p2: code learning rate (``code_learning_rate``).
    """
    return {
        "design": "functional",
        "employees": MARCH_N,
        "pod_composition": {"ae": MARCH_N},
        "selling": False,
        "burn_in_weeks": 0,
        "performance_weights": "equal",
        "dimensions_per_domain": MARCH_DIMENSIONS_PER_DOMAIN,
        "socialization_rate": float(p1),
        "code_learning_rate": float(p2),
        "turbulence": 0.0,
        "attrition_annual": 0.0,
        "learning_by_doing_rate": 0.0,
        "talk_probability": 0.0,
        "unit_talk_probability": 0.0,
        "cross_unit_links": 0.0,
        "feedback_rate": 0.0,
        "cooperativeness_mean": 1.0,
        "cooperativeness_sd": 0.0,
        "share_conditional_cooperators": 0.0,
        "share_free_riders": 0.0,
    }


def at_equilibrium(model: SalesOrgModel) -> bool:
    """March's closed-system equilibrium: everyone holds their playbook's view on every
    dimension and no playbook holds a 0 (so nobody can beat it and nothing changes)."""
    codes = model.codes
    agrees = bool((model.people.beliefs == codes.take(model.structure.unit, axis=0)).all())
    return agrees and bool(codes.all())


def code_knowledge(model: SalesOrgModel) -> float:
    """March's knowledge of the (one) playbook: ``sum(code x reality) / m``."""
    code = model.codes[0].astype(np.int32)
    return int(np.add.reduce(code * model.reality)) / code.size


def run_to_equilibrium(p1: float, p2: float, rng, time_limit: int = TIME_LIMIT):
    """One replication: step the sales model in March's limit until equilibrium.

    Returns:
        (knowledge, weeks): March's knowledge of the playbook and the weeks it took.
    """
    model = SalesOrgModel(rng=rng, **march_limit(p1, p2))
    while not at_equilibrium(model) and model.steps < time_limit:
        model.step()
    return code_knowledge(model), model.steps


def figure1(seed: int, replications: int) -> pd.DataFrame:
    """March's Figure 1 with the sales model: columns ``p1, p2, mean, sd, n``.

    Every run gets its own child of ``seed`` (``numpy.random.SeedSequence``), in cell order.
    """
    cells = [(p1, p2) for p1 in FIG1_P1 for p2 in FIG1_P2]
    children = iter(np.random.SeedSequence(seed).spawn(len(cells) * replications))
    rows = []
    for p1, p2 in cells:
        for _ in range(replications):
            knowledge, _ = run_to_equilibrium(p1, p2, np.random.default_rng(next(children)))
            rows.append((p1, p2, knowledge))
    raw = pd.DataFrame(rows, columns=["p1", "p2", "knowledge"])
    table = raw.groupby(["p1", "p2"], sort=True)["knowledge"].agg(mean="mean", sd="std", n="count")
    return table.reset_index()


def compare(docking: pd.DataFrame, engine: pd.DataFrame) -> pd.DataFrame:
    """Per cell, the sales model's and the engine's means, their difference and March's
    published value where there is one: ``p1, p2, engine, salesorg, diff, published``."""
    from salesorg.model.march.validation import PUBLISHED_FIG1

    both = engine.merge(docking, on=["p1", "p2"], suffixes=("_engine", "_salesorg"))
    out = pd.DataFrame(
        {
            "p1": both.p1,
            "p2": both.p2,
            "engine": both.mean_engine,
            "salesorg": both.mean_salesorg,
            "diff": both.mean_salesorg - both.mean_engine,
        }
    )
    out["published"] = [
        PUBLISHED_FIG1.get((round(a, 1), round(b, 1)), np.nan)
        for a, b in zip(out.p1, out.p2, strict=True)
    ]
    return out
