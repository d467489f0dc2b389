"""March (1991) as a Mesa model, so batch tools can sweep the learning engine like any model.

The mechanics live in :mod:`model.march.engine`; this module adds the parameter table and a
Mesa face (one replication, one period per step, a DataCollector).
"""

from __future__ import annotations

import mesa
import numpy as np
from salesorg.model.march.engine import MarchState, named_streams, step_period
from salesorg.model.parameters import Parameter, ParameterError, ParameterTable

MARCH_SOURCE = "March (1991); Christensen (2015) reconstruction"

MARCH_PARAMETERS = ParameterTable(
    (
        Parameter(
            "p1",
            0.5,
            float,
            "1/period",
            "socialization rate: learning of individuals from the code",
            MARCH_SOURCE,
            bounds=(0.0, 1.0),
            group="learning",
        ),
        Parameter(
            "p2",
            0.5,
            float,
            "1/period",
            "code learning rate from the superior group",
            MARCH_SOURCE,
            bounds=(0.0, 1.0),
            group="learning",
        ),
        Parameter(
            "p3",
            0.0,
            float,
            "1/period",
            "turnover: probability an individual is replaced by a naive newcomer",
            MARCH_SOURCE,
            bounds=(0.0, 1.0),
            group="open",
        ),
        Parameter(
            "p4",
            0.0,
            float,
            "1/period",
            "turbulence: probability a dimension of reality flips",
            MARCH_SOURCE,
            bounds=(0.0, 1.0),
            group="open",
        ),
        Parameter(
            "n",
            50,
            int,
            "people",
            "number of individuals",
            MARCH_SOURCE,
            bounds=(1, 10_000),
            group="size",
        ),
        Parameter(
            "m",
            30,
            int,
            "dimensions",
            "number of dimensions of reality",
            MARCH_SOURCE,
            bounds=(1, 1_000),
            group="size",
        ),
        Parameter(
            "fast_learners",
            0,
            int,
            "people",
            "individuals who socialize at p1_fast instead of p1 (March's Figure 2)",
            MARCH_SOURCE,
            bounds=(0, 10_000),
            group="learning",
        ),
        Parameter(
            "p1_fast",
            0.9,
            float,
            "1/period",
            "socialization rate of fast learners",
            MARCH_SOURCE,
            bounds=(0.0, 1.0),
            group="learning",
        ),
    ),
    title="March1991Model",
)

MARCH_METRICS = {
    "code_knowledge": ("share", "sum(code * reality) / m: the knowledge March plots"),
    "individual_knowledge": ("share", "mean over people of sum(belief * reality) / m"),
    "at_equilibrium": ("bool", "everyone equals the code and the code has no 0 left"),
}


def check_fast_learners(params: dict) -> None:
    """Fast learners are a subset of the n individuals."""
    if params["fast_learners"] > params["n"]:
        raise ParameterError(
            f"parameter 'fast_learners' = {params['fast_learners']} exceeds n = {params['n']}; "
            "expected an int in [0, n]"
        )


class March1991Model(mesa.Model):
    """One replication of March's organization; ``step()`` advances one period.

    Args:
        rng: seed or numpy Generator (Mesa passes it through ``super().__init__``).
        **params: see :data:`MARCH_PARAMETERS`.
    """

    def __init__(self, rng=None, **params):
        super().__init__(rng=rng)
        self.params = MARCH_PARAMETERS.validate(params)
        check_fast_learners(self.params)
        p = self.params
        self.streams = named_streams(self.rng)
        self.state = MarchState.new(self.streams["init"], 1, p["n"], p["m"])
        p1 = np.full((1, p["n"]), p["p1"])
        p1[0, : p["fast_learners"]] = p["p1_fast"]
        self._rates = (p1, np.array([p["p2"]]), np.array([p["p3"]]), np.array([p["p4"]]))
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "code_knowledge": lambda mdl: float(mdl.state.code_knowledge()[0]),
                "individual_knowledge": lambda mdl: float(mdl.state.individual_knowledge()[0]),
                "at_equilibrium": lambda mdl: bool(mdl.state.at_equilibrium()[0]),
            }
        )
        self.datacollector.collect(self)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"March1991Model({args}, period={int(self.state.periods[0])})"

    def step(self) -> None:
        step_period(self.state, self.streams, *self._rates)
        self.datacollector.collect(self)
        closed = self.params["p3"] == 0 and self.params["p4"] == 0
        if closed and self.state.at_equilibrium()[0]:
            self.running = False  # nothing can change any more
