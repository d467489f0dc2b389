"""The parameter table validates every input with one clear error."""

import numpy as np
import pytest
from salesorg.model.march import MARCH_PARAMETERS, March1991Model
from salesorg.model.parameters import Parameter, ParameterError, ParameterTable

TABLE = ParameterTable(
    (
        Parameter("rate", 0.5, float, "1/week", "a rate", "test", bounds=(0.0, 1.0)),
        Parameter("count", 3, int, "people", "a count", "test", bounds=(1, 10)),
        Parameter("design", "pods", str, "-", "a choice", "test", choices=("pods", "the_model")),
        Parameter("flag", False, bool, "-", "a switch", "test"),
    ),
    title="TestModel",
)


def test_defaults_fill_missing_values():
    assert TABLE.validate({"rate": 0.25}) == {
        "rate": 0.25,
        "count": 3,
        "design": "pods",
        "flag": False,
    }


def test_numpy_scalars_and_whole_floats_are_coerced():
    out = TABLE.validate({"rate": np.float32(0.5), "count": np.int64(4), "flag": np.bool_(True)})
    assert out["count"] == 4 and type(out["count"]) is int
    assert TABLE.validate({"count": 5.0})["count"] == 5


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"speed": 1}, "unknown parameter 'speed'"),
        ({"rate": 1.5}, "'rate' = 1.5 is out of range; expected a float in [0.0, 1.0]"),
        ({"rate": "high"}, "'rate' = 'high' has type str"),
        ({"rate": float("nan")}, "'rate' = nan"),
        ({"count": 2.5}, "'count' = 2.5 has type float; expected a int in [1, 10]"),
        ({"count": True}, "'count' = True has type bool"),
        ({"design": "matrix"}, "'design' = 'matrix' is not allowed; expected one of 'pods'"),
        ({"flag": 1}, "'flag' = 1 has type int"),
    ],
)
def test_invalid_values_name_field_value_and_allowed(values, fragment):
    with pytest.raises(ParameterError) as err:
        TABLE.validate(values)
    assert fragment in str(err.value)


def test_unknown_name_lists_valid_names():
    with pytest.raises(ParameterError, match="valid names are: count, design, flag, rate"):
        TABLE.validate({"sped": 1})


def test_markdown_lists_every_parameter_with_source():
    text = MARCH_PARAMETERS.to_markdown()
    for p in MARCH_PARAMETERS:
        assert f"`{p.name}`" in text
    assert "March (1991)" in text


def test_march_model_rejects_bad_input_clearly():
    with pytest.raises(ParameterError, match="'p1' = 2 is out of range"):
        March1991Model(rng=1, p1=2)
    with pytest.raises(ParameterError, match="'fast_learners' = 60 exceeds n = 50"):
        March1991Model(rng=1, fast_learners=60)


def test_march_model_is_deterministic_and_collects_every_period():
    def frame(seed):
        model = March1991Model(rng=seed, p1=0.3, p3=0.05, p4=0.01)
        for _ in range(30):
            model.step()
        return model.datacollector.get_model_vars_dataframe()

    a, b, c = frame(4), frame(4), frame(5)
    assert len(a) == 31
    assert a.equals(b)
    assert not a.equals(c)
    assert "March1991Model(p1=0.3" in repr(March1991Model(rng=1, p1=0.3))


def test_every_source_names_a_publication_or_says_assumption():
    """A default cites a publication (a year, or a survey described in docs/calibration.md) or
    says plainly that it is an assumption."""
    import re

    from salesorg.model import PARAMETERS

    vague = [
        p.name
        for p in PARAMETERS
        if not re.search(r"(19|20)\d\d|assumption|docs/calibration\.md", p.source)
    ]
    assert vague == []
