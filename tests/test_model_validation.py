"""Bad inputs get one clear ParameterError naming the parameter, the value and what is allowed."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from salesorg.model import PARAMETERS, ParameterError, SalesOrgModel
from salesorg.model.knowledge import ROLES
from salesorg.model.parameters import Matrix
from salesorg.model.pipeline import ACTIVE


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"desing": "pods"}, ["desing", "valid names", "design"]),
        ({"design": "matrix"}, ["design", "'matrix'", "functional"]),
        ({"employees": "ninety"}, ["employees", "'ninety'", "int"]),
        ({"employees": 91}, ["employees", "91", "multiple of the pod size 9"]),
        ({"turbulence": 1.5}, ["turbulence", "1.5", "[0.0, 0.5]"]),
        ({"talk_probability": float("nan")}, ["talk_probability", "nan"]),
        ({"pod_composition": {"marketer": 1, "sdr": 2}}, ["pod_composition", "no 'ae'"]),
        ({"pod_composition": {"marketer": 1, "sdr": 1, "ae": 1, "cfo": 1}}, ["cfo", "allowed"]),
        ({"pod_composition": {"marketer": 1, "sdr": 1, "ae": 1.5}}, ["pod_composition", "1.5"]),
        ({"share_free_riders": 0.6, "share_conditional_cooperators": 0.6}, ["sum to 1.2"]),
        ({"lead_fit_min": 0.9, "lead_fit_max": 0.1}, ["lead_fit_min", "lead_fit_max"]),
        ({"collect_agents": "yes"}, ["collect_agents", "'yes'", "bool"]),
    ],
)
def test_bad_input_names_parameter_value_and_what_is_allowed(params, words):
    with pytest.raises(ParameterError) as error:
        SalesOrgModel(rng=1, **params)
    for word in words:
        assert word in str(error.value)


def test_composition_sets_the_same_head_count_for_every_design():
    comp = {"marketer": 1, "sdr": 1, "ae": 3, "csm": 1}
    for design in ("functional", "the_model", "pods"):
        model = SalesOrgModel(rng=1, design=design, employees=36, pod_composition=comp)
        counts = np.bincount(model.structure.role, minlength=len(ROLES))
        assert counts.tolist() == [6, 6, 18, 0, 6, 0]


def _value(p):
    """A strategy for valid values of one parameter."""
    if p.choices is not None:
        return st.sampled_from(p.choices)
    if p.kind is bool:
        return st.booleans()
    lo, hi = p.bounds
    if p.kind is Matrix:  # every entry drawn within the bounds
        row = st.fixed_dictionaries({c: st.floats(lo, hi) for c in p.columns})
        return st.fixed_dictionaries({r: row for r in p.rows})
    if p.kind is int:
        return st.integers(int(lo), int(min(hi, lo + 10)))
    return st.floats(lo, hi, allow_nan=False)


compositions = st.fixed_dictionaries(
    {"marketer": st.integers(1, 2), "sdr": st.integers(1, 3), "ae": st.integers(1, 3)},
    optional={"se": st.integers(0, 2), "csm": st.integers(0, 2), "support": st.integers(0, 2)},
)
#: drawn apart: the timeline (a long burn-in is slow; a reorganization needs both its fields)
TIMELINE = ("burn_in_weeks", "reorganize_at", "reorganize_to")
VARIED = [p for p in PARAMETERS if p.kind is not dict and p.name not in ("employees", *TIMELINE)]


@st.composite
def valid_parameters(draw):
    params = {p.name: draw(_value(p)) for p in VARIED if draw(st.booleans())}
    params["pod_composition"] = comp = draw(compositions)
    params["employees"] = sum(comp.values()) * draw(st.integers(1, 6))
    share_cc = PARAMETERS["share_conditional_cooperators"].default
    params["share_free_riders"] = draw(
        st.floats(0, 1 - params.get("share_conditional_cooperators", share_cc))
    )
    for low, high in [("lead_fit_min", "lead_fit_max"),
                      ("qualification_accuracy_min", "qualification_accuracy_max")]:  # fmt: skip
        lo = params.get(low, PARAMETERS[low].default)
        hi = params.get(high, PARAMETERS[high].default)
        params[low], params[high] = min(lo, hi), max(lo, hi)
    per = params.get("dimensions_per_domain", PARAMETERS["dimensions_per_domain"].default)
    if "interdependence" in params:  # at most the other dimensions there are
        params["interdependence"] = min(params["interdependence"], 5 * per - 1)
    params["burn_in_weeks"] = draw(st.integers(0, 30))
    if draw(st.booleans()):  # reorganize within the 20 recorded weeks
        design = params.get("design", PARAMETERS["design"].default)
        params["reorganize_at"] = draw(st.integers(1, 20))
        others = [d for d in PARAMETERS["design"].choices if d != design]
        params["reorganize_to"] = draw(st.sampled_from(others))
    return params


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=valid_parameters(), seed=st.integers(0, 2**32 - 1))
def test_any_valid_parameter_set_runs_and_keeps_invariants(params, seed):
    model = SalesOrgModel(rng=seed, **params)
    for _ in range(20):
        model.step()
        assert model.pipeline.accounted()
        assert (model.pipeline.leads.stage <= ACTIVE).all()
        assert model.customers.arr >= 0 and (model.customers.acv >= 0).all()
        assert np.isin(model.people.beliefs, (-1, 0, 1)).all()
        assert ((model.people.effort >= 0) & (model.people.effort <= 1)).all()


def _invalid(p):
    """A strategy for invalid values of one parameter."""
    wrong = ["x", None, [1], True] if p.kind is not str else [3, None, 1.5]
    if p.kind is bool:  # a switch: anything but a bool, numbers 0 and 1 included
        wrong = ["x", None, [1], 1, 0, 0.5]
    wrong_type = st.sampled_from([v for v in wrong if v is not None or not p.optional])
    if p.kind is bool:
        return wrong_type
    if p.choices is not None:
        return st.one_of(wrong_type, st.text(min_size=1).filter(lambda v: v not in p.choices))
    if p.kind is dict:
        return st.one_of(wrong_type, st.just({"marketer": 1, "sdr": 1}), st.just({"ae": -1}))
    if p.kind is Matrix:
        too_big = {r: {c: 2.0 for c in p.columns} for r in p.rows}
        return st.one_of(wrong_type, st.just({"ae": {}}), st.just(too_big))
    lo, hi = p.bounds
    return st.one_of(wrong_type, st.floats(hi + 1e-6, hi + 1e6), st.floats(lo - 1e6, lo - 1e-6))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_invalid_value_gets_a_clear_parameter_error(data):
    p = data.draw(st.sampled_from(list(PARAMETERS)))
    value = data.draw(_invalid(p))
    with pytest.raises(ParameterError) as error:
        SalesOrgModel(rng=0, **{p.name: value})
    assert p.name in str(error.value)
