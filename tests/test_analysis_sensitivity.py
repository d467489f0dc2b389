"""Sensitivity indices on functions whose indices are known analytically."""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from salesorg.analysis.sensitivity import SensitivityDesign, compute_indices, design_from_spec
from salesorg.analysis.sensitivity_figure import sensitivity_figure
from salesorg.analysis.theme import save_figure, text_overlaps
from salesorg.model.parameters import Parameter, ParameterTable

# Ishigami & Homma (1990) with a = 7, b = 0.1: variances of each term give the indices.
A, B = 7.0, 0.1
_V1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
_V2 = A**2 / 8
_V13 = B**2 * math.pi**8 * (1 / 18 - 1 / 50)
_V = _V1 + _V2 + _V13
ISHIGAMI_S1 = {"x1": _V1 / _V, "x2": _V2 / _V, "x3": 0.0}
ISHIGAMI_ST = {"x1": (_V1 + _V13) / _V, "x2": _V2 / _V, "x3": _V13 / _V}


def ishigami(p: dict) -> float:
    return math.sin(p["x1"]) + A * math.sin(p["x2"]) ** 2 + B * p["x3"] ** 4 * math.sin(p["x1"])


@dataclass
class FakeSpec:
    """The parts of an ``experiments.ExperimentSpec`` a sensitivity design reads."""

    factors: dict
    kinds: dict
    name: str = "ishigami"
    master_seed: int = 12345

    def parameter_table(self) -> ParameterTable:
        return ParameterTable(
            tuple(
                Parameter(n, 0, k, "-", "test input", "test", bounds=(-100, 100))
                for n, k in self.kinds.items()
            )
        )


def _ishigami_spec(extra=None) -> FakeSpec:
    factors = {f"x{i}": SimpleNamespace(low=-math.pi, high=math.pi) for i in (1, 2, 3)}
    factors |= extra or {}
    kinds = {name: float for name in factors}
    return FakeSpec(factors, kinds)


def _evaluate(design: SensitivityDesign) -> pd.DataFrame:
    return pd.DataFrame({"y": [ishigami(p) for p in design.scenarios()]})


def test_analytic_ishigami_values_are_right():
    assert ISHIGAMI_S1["x1"] == pytest.approx(0.3139, abs=1e-4)
    assert ISHIGAMI_S1["x2"] == pytest.approx(0.4424, abs=1e-4)
    assert ISHIGAMI_ST["x1"] == pytest.approx(0.5576, abs=1e-4)
    assert ISHIGAMI_ST["x3"] == pytest.approx(0.2437, abs=1e-4)


def test_sobol_indices_of_ishigami_match_analytic_values():
    design = design_from_spec(_ishigami_spec(), "sobol", 1024)
    assert design.sample.shape == (1024 * (3 + 2), 3)
    indices = compute_indices(design, _evaluate(design)).set_index(["parameter", "index"])
    for name in ("x1", "x2", "x3"):
        assert indices.loc[(name, "S1"), "value"] == pytest.approx(ISHIGAMI_S1[name], abs=0.05)
        assert indices.loc[(name, "ST"), "value"] == pytest.approx(ISHIGAMI_ST[name], abs=0.05)
        assert indices.loc[(name, "ST"), "conf"] > 0


def test_morris_screens_out_a_parameter_the_function_ignores():
    spec = _ishigami_spec({"x4": SimpleNamespace(low=0.0, high=1.0)})
    design = design_from_spec(spec, "morris", 20)
    assert design.sample.shape == (20 * (4 + 1), 4)
    mu = compute_indices(design, _evaluate(design)).query("index == 'mu_star'")
    mu = mu.set_index("parameter")["value"]
    assert mu["x4"] == 0.0
    assert min(mu["x1"], mu["x2"], mu["x3"]) > 1.0


def test_categorical_factors_become_strata_and_integers_are_rounded():
    spec = FakeSpec(
        {"teams": SimpleNamespace(low=1, high=9), "rate": [0.1, 0.5, 0.9], "design": ["a", "b"]},
        {"teams": int, "rate": float, "design": str},
    )
    design = design_from_spec(spec, "sobol", 8)
    assert design.names == ["teams", "rate"]
    assert design.bounds == [[1.0, 9.0], [0.1, 0.9]]
    assert design.strata == [{"design": "a"}, {"design": "b"}]
    scenarios = design.scenarios()
    assert len(scenarios) == 2 * len(design.sample)
    assert all(isinstance(s["teams"], int) for s in scenarios)
    assert [s["design"] for s in scenarios[:: len(design.sample)]] == ["a", "b"]
    # Stratum b doubles the output: indices are shares of variance, so they agree.
    y = np.array([s["teams"] + 10 * s["rate"] ** 2 for s in scenarios])
    y[len(design.sample) :] *= 2
    indices = compute_indices(design, pd.DataFrame({"y": y}))
    by = indices.pivot_table(index=["parameter", "index"], columns="stratum", values="value")
    np.testing.assert_allclose(by["design=a"], by["design=b"])


def test_design_round_trips_through_disk(tmp_path):
    design = design_from_spec(_ishigami_spec(), "morris", 4)
    design.save(tmp_path)
    again = SensitivityDesign.load(tmp_path)
    np.testing.assert_array_equal(again.sample, design.sample)
    assert again.scenarios() == design.scenarios()
    assert repr(again).startswith("SensitivityDesign(morris")


def test_invalid_designs_fail_with_clear_messages():
    with pytest.raises(ValueError, match="power of two"):
        design_from_spec(_ishigami_spec(), "sobol", 100)
    with pytest.raises(ValueError, match="method"):
        design_from_spec(_ishigami_spec(), "fast", 8)
    with pytest.raises(ValueError, match="no numeric factor"):
        design_from_spec(FakeSpec({"design": ["a", "b"]}, {"design": str}), "morris", 4)
    design = design_from_spec(_ishigami_spec(), "morris", 4)
    with pytest.raises(ValueError, match="expected 16 outputs"):
        compute_indices(design, pd.DataFrame({"y": [1.0, 2.0]}))


def test_indices_figure_is_written(tmp_path):
    design = design_from_spec(_ishigami_spec(), "sobol", 64)
    indices = compute_indices(design, _evaluate(design))
    fig = sensitivity_figure(indices)
    assert text_overlaps(fig) == []
    for path in save_figure(fig, tmp_path, "sensitivity_sobol-indices_ishigami"):
        assert path.stat().st_size > 1000
