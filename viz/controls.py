"""Browser controls generated from the model's parameter table, and the model they create.

Each control is built from its :class:`model.parameters.Parameter` (kind, default, bounds or
choices), so the page can never offer a value the model would refuse. Two ranges are narrowed
for the browser, each for a stated reason (see :data:`BROWSER_RANGES`).
"""

from __future__ import annotations

from typing import Any

from salesorg.model import PARAMETERS, SalesOrgModel
from salesorg.model.parameters import Matrix, Parameter, ParameterError

#: The levers the page offers, in the order they appear in the sidebar.
CONTROLLED = (
    "design",
    "seating",
    "incentive",
    "employees",
    "cooperativeness_mean",
    "share_free_riders",
    "peer_sanctions",
    "turbulence",
)

#: Seed of the first model the page shows (any whole number reproduces a run).
DEFAULT_SEED = 42

#: Slider steps per range for float parameters.
FLOAT_STEPS = 100


def _pod_size() -> int:
    return sum(PARAMETERS["pod_composition"].default.values())


#: Narrower ranges than the table allows, and why:
#: - employees: whole pods only (the model's rule), and at most 30 pods, beyond which the
#:   floor is too crowded to read and a step no longer renders in well under a second;
#: - share_free_riders: the other shares stay at their defaults, and conditional cooperators
#:   plus free riders cannot exceed the whole population.
BROWSER_RANGES: dict[str, dict[str, float]] = {
    "employees": {"min": _pod_size(), "max": 30 * _pod_size(), "step": _pod_size()},
    "share_free_riders": {"max": 1.0 - PARAMETERS["share_conditional_cooperators"].default},
}


def label(parameter: Parameter) -> str:
    text = parameter.name.replace("_", " ")
    return text if parameter.unit in ("-", "") else f"{text} ({parameter.unit})"


def control(parameter: Parameter, **narrower: float) -> dict[str, Any]:
    """A Mesa ``model_params`` entry (Select, SliderInt, SliderFloat, Checkbox) for a parameter."""
    entry: dict[str, Any] = {"label": label(parameter), "value": parameter.default}
    if parameter.choices is not None:
        return {**entry, "type": "Select", "values": list(parameter.choices)}
    if parameter.kind is bool:
        return {**entry, "type": "Checkbox"}
    if parameter.kind in (int, float) and parameter.bounds is not None:
        table_low, table_high = parameter.bounds
        low, high = narrower.get("min", table_low), narrower.get("max", table_high)
        if parameter.kind is int:
            step = int(narrower.get("step", 1))
            return {**entry, "type": "SliderInt", "min": int(low), "max": int(high), "step": step}
        step = narrower.get("step", (table_high - table_low) / FLOAT_STEPS)
        return {**entry, "type": "SliderFloat", "min": low, "max": high, "step": step}
    if parameter.kind is Matrix:
        # a role x domain table is no slider: set it (or one entry, name.row.column) in an
        # experiment file; the page runs it at its documented default
        raise ValueError(
            f"parameter {parameter.name!r} is a matrix; set it in an experiment file, not a control"
        )
    raise ValueError(f"parameter {parameter.name!r} ({parameter.kind.__name__}) has no control")


def model_params() -> dict[str, dict[str, Any]]:
    """SolaraViz's ``model_params``: the controlled levers, then the seed box."""
    params = {
        name: control(PARAMETERS[name], **BROWSER_RANGES.get(name, {})) for name in CONTROLLED
    }
    params["seed"] = {"type": "InputText", "label": "seed", "value": str(DEFAULT_SEED)}
    return params


def parse_seed(seed: int | str) -> int:
    """The seed as a whole number; the seed box sends text (Mesa 3.5.1 passes it on as typed)."""
    if isinstance(seed, int) and not isinstance(seed, bool):
        value = seed
    elif isinstance(seed, str) and seed.strip().lstrip("+").isdigit():
        value = int(seed.strip())
    else:
        raise ParameterError(f"seed = {seed!r} is not allowed; expected a whole number >= 0")
    if value < 0:
        raise ParameterError(f"seed = {seed!r} is not allowed; expected a whole number >= 0")
    return value


class BrowserModel(SalesOrgModel):
    """:class:`model.SalesOrgModel` as the page creates it: from the controls' values.

    SolaraViz re-creates the model on Reset by calling its class with the controls' values,
    so the seed box's text is turned into the model's ``rng`` here.

    Args:
        seed: the seed box's value, a whole number as text or int.
        scenario: ignored. Mesa 3.5.1's Reset adds an empty ``mesa.experimental.scenarios.
            Scenario`` for any model that takes ``**kwargs``; every value comes from the
            controls, so it carries nothing, and Mesa would refuse it beside ``rng``.
        **params: any of ``model.PARAMETERS``.
    """

    def __init__(self, seed: int | str = DEFAULT_SEED, scenario=None, **params: Any) -> None:
        self.seed = parse_seed(seed)
        super().__init__(rng=self.seed, **params)

    def __repr__(self) -> str:
        return f"Browser{super().__repr__()[:-1]}, seed={self.seed})"
