"""The former model constants as inputs: the Matrix kind, entry addressing, defaults, screening."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from salesorg.experiments import load_results, load_spec
from salesorg.model import PARAMETERS, SalesOrgModel
from salesorg.model.knowledge import CROSS_FUNCTIONAL, VANTAGE, WEIGHTS, as_matrix, as_table
from salesorg.model.parameters import Matrix, ParameterError

from salesorg.cli import main

SMALL = {"employees": 18, "burn_in_weeks": 0}

SCREEN = """description = "tiny Morris screening of matrix entries and a scalar constant"
model = "salesorg"
replications = 1
steps = 3
master_seed = 11
sampler = "lhs"
samples = 2
metrics = ["knowledge", "cross_functional_knowledge"]

[fixed]
employees = 18
burn_in_weeks = 0

[factors]
design = ["functional", "pods"]
expertise_threshold = { low = 0.1, high = 0.6 }
problem_ticket_ratio = { low = 1.0, high = 4.0 }
satisfaction_adaptation = { low = 0.02, high = 0.5 }
installed_base_fit = { low = 0.4, high = 1.0 }
"vantage.sdr.customer_language" = { low = 0.0, high = 1.0 }
"role_weights.ae.expectation_setting" = { low = 0.0, high = 1.0 }
"""


def test_matrix_defaults_are_the_documented_tables():
    assert np.array_equal(as_matrix(PARAMETERS["vantage"].default), VANTAGE)
    assert np.array_equal(as_matrix(PARAMETERS["role_weights"].default), WEIGHTS)
    model = SalesOrgModel(rng=1, **SMALL)
    assert np.array_equal(model.metrics_state.cross, CROSS_FUNCTIONAL)


def test_an_entry_sets_one_cell_of_a_copy_and_leaves_the_default_alone():
    values = PARAMETERS.validate({"vantage.csm.fit_signals": 0.05})
    assert values["vantage"]["csm"]["fit_signals"] == 0.05
    assert PARAMETERS["vantage"].default["csm"]["fit_signals"] == 0.6
    changed = as_matrix(values["vantage"]) != VANTAGE
    assert changed.sum() == 1
    model = SalesOrgModel(rng=1, **SMALL, **{"role_weights.ae.product_technical": 0.5})
    default = SalesOrgModel(rng=1, **SMALL)
    assert model.pipeline._effect_tech == 3.0 * 0.5  # knowledge_win_effect x the new weight
    assert default.pipeline._effect_tech == 3.0 * 0.2


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ({"csm": {}}, "parameter 'vantage' = "),
        ({**as_table(VANTAGE), "csm": {"fit_signals": 0.1}}, "parameter 'vantage' row 'csm'"),
        ({**as_table(VANTAGE), "ae": {**as_table(VANTAGE)["ae"], "fit_signals": 1.5}},
         "parameter 'vantage.ae.fit_signals' = 1.5 is out of range"),
        ({**as_table(VANTAGE), "ae": {**as_table(VANTAGE)["ae"], "fit_signals": "x"}},
         "parameter 'vantage.ae.fit_signals' = 'x' has type str"),
        (0.5, "parameter 'vantage' = 0.5"),
    ],
)  # fmt: skip
def test_invalid_matrices_name_the_field_the_value_and_what_is_allowed(value, says):
    with pytest.raises(ParameterError) as error:
        SalesOrgModel(rng=0, vantage=value)
    assert says in str(error.value)
    assert "rows marketer, sdr, ae, se, csm, support" in PARAMETERS["vantage"].allowed()


def test_unknown_entries_are_refused_with_the_valid_names():
    for name in ("vantage.ceo.fit_signals", "vantage.csm.luck", "turbulence.a.b"):
        assert name not in PARAMETERS
        with pytest.raises(ParameterError, match="unknown parameter"):
            PARAMETERS.validate({name: 0.1})


def test_defaults_given_explicitly_reproduce_the_default_run_bit_for_bit():
    explicit = {
        name: PARAMETERS[name].default
        for name in ("vantage", "role_weights", "expertise_threshold", "problem_ticket_ratio",
                     "satisfaction_adaptation", "installed_base_fit")
    }  # fmt: skip
    runs = []
    for extra in ({}, explicit):
        model = SalesOrgModel(rng=3, design="pods", **SMALL, **extra)
        for _ in range(8):
            model.step()
        runs.append(model.datacollector.get_model_vars_dataframe())
    pd.testing.assert_frame_equal(*runs, check_exact=True)


def test_matrix_kind_is_documented_and_not_a_browser_control():
    from salesorg.viz.controls import CONTROLLED

    from salesorg.tools.docs import render

    text = render()
    assert "### `vantage` default" in text and "### `role_weights` default" in text
    assert not {"vantage", "role_weights"} & set(CONTROLLED)
    assert isinstance(PARAMETERS["vantage"].default, Matrix)


def test_morris_screening_of_matrix_entries_runs_end_to_end(tmp_path, capsys):
    spec = tmp_path / "screen.toml"
    spec.write_text(SCREEN)
    assert "vantage.sdr.customer_language" in load_spec(spec).factors
    args = ["sensitivity", str(spec), "--method", "morris", "--samples", "2"]
    args += ["--out", str(tmp_path / "gsa"), "--workers", "1"]
    assert main(args) == 0
    capsys.readouterr()
    folder = tmp_path / "gsa" / "morris"
    results = load_results(folder)
    assert len(results.runs) == 2 * (6 + 1) * 2  # trajectories x (factors + 1) x designs
    indices = pd.read_csv(folder / "sensitivity_indices.csv")
    names = {"expertise_threshold", "problem_ticket_ratio", "satisfaction_adaptation",
             "installed_base_fit", "vantage.sdr.customer_language",
             "role_weights.ae.expectation_setting"}  # fmt: skip
    assert set(indices["parameter"]) == names
    assert (
        set(indices["stratum"].astype(str)) >= {"design=functional", "design=pods"}
        or len(set(indices["stratum"])) == 2
    )
    # the sampled entry reached the model: its runs are recorded with the entry's values
    sampled = results.runs["vantage.sdr.customer_language"]
    assert sampled.between(0.0, 1.0).all() and sampled.nunique() > 1


def test_a_fitter_installed_base_holds_every_good_fit_of_a_less_fit_one():
    """Same seed, same uniforms: the good fits at 0.5 are a subset of those at 0.9."""
    fits = []
    for share in (0.5, 0.9):
        model = SalesOrgModel(rng=4, selling=True, installed_base_fit=share, **SMALL)
        fits.append(model.customers._columns["fit"][: len(model.customers)].astype(bool))
    low, high = fits
    assert (high | ~low).all() and high.sum() > low.sum()
