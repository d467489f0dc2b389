"""The weekly people kernels (model/incentives.py, model/people.py) equal the numpy functions
they replaced, bit for bit, on the same states: willingness, effort and ramp-up (motivate), pay
and morale, leavers (their draws inside the kernel) and new hires."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from salesorg.model import SalesOrgModel
from salesorg.model.draws import handle
from salesorg.model.incentives import (
    adjust_willingness,
    choose_effort,
    draw_types,
    effort_for,
    pay_and_morale,
    settle_pay,
    update_willingness,
    work_effort,
)
from salesorg.model.people import leavers_of

FIELDS = ("willingness", "goodwill", "effort", "cooperation", "output", "pay", "payoff",
          "morale")  # fmt: skip
SETTINGS = [
    {"design": "pods", "incentive": "pooled", "share_free_riders": 0.3},
    {"design": "the_model", "incentive": "hybrid", "share_conditional_cooperators": 0.6},
    {"design": "functional", "incentive": "individual", "ramp_weeks": 0},
    {"design": "pods", "incentive": "hybrid", "sanction_visibility": 1.0, "employees": 45},
]


def _model(settings) -> SalesOrgModel:
    model = SalesOrgModel(rng=7, burn_in_weeks=0, **settings)
    for _ in range(9):  # some output, pay and turnover behind
        model.step()
    rng = np.random.default_rng(1)
    model.people.output = rng.lognormal(0.0, 1.0, len(model.people))  # a week's credit
    model.people.effort = rng.uniform(0.3, 1.0, len(model.people))
    return model


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: f"{s['design']}-{s['incentive']}")
def test_motivate_kernels_equal_the_numpy_functions(settings):
    model = _model(settings)
    p, structure = model.params, model.structure
    reference, fast = copy.deepcopy(model.people), copy.deepcopy(model.people)
    update_willingness(reference, structure, p)
    choose_effort(reference, model.marginal_return, p)
    expected_productivity = reference.effort * reference.ramp()
    adjust_willingness(
        fast.willingness, fast.goodwill, fast.willingness_base, fast.conditional,
        fast.sanction_force, structure.unit, structure.unit_sizes, p["conditional_slope"],
        p["cooperation_adaptation"],
    )  # fmt: skip
    productivity = np.empty(len(fast))
    work_effort(
        fast.willingness, fast.cooperativeness, model.marginal_return, fast.tenure,
        fast.ramp_speed, p["effort_floor"], p["effort_cost"], p["ramp_weeks"], fast.effort,
        fast.cooperation, productivity,
    )  # fmt: skip
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(fast, name), getattr(reference, name), name)
    np.testing.assert_array_equal(productivity, expected_productivity)
    assert (
        not np.array_equal(reference.goodwill, model.people.goodwill)
        or p["share_conditional_cooperators"] == 0
    )  # the week moved something


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: f"{s['design']}-{s['incentive']}")
def test_pay_kernel_equals_settle_pay(settings):
    model = _model(settings)
    p, structure = model.params, model.structure
    reference, fast = copy.deepcopy(model.people), copy.deepcopy(model.people)
    settle_pay(reference, structure, model.own_share, p)
    pay_and_morale(
        fast.output, fast.effort, fast.pay, fast.payoff, fast.morale, structure.role,
        structure.role_divisor, structure.unit, structure.unit_sizes, model.own_share,
        p["effort_cost"], p["unfairness_sensitivity"], p["morale_adaptation"],
    )  # fmt: skip
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(fast, name), getattr(reference, name), name)
    if model.own_share < 1.0:  # pooled pay: someone's morale moved below full
        assert reference.morale.min() < 1.0


def replace_reference(people, leavers, rng, marginal_return) -> None:
    """``People.replace`` as the numpy code wrote it (the reference for the ``hire`` kernel)."""
    k, p = len(leavers), people.params
    people.beliefs[leavers] = rng.integers(-1, 2, (k, people.beliefs.shape[1]), dtype=np.int8)
    people.type[leavers] = draw_types(
        k, p["share_conditional_cooperators"], p["share_free_riders"], rng
    )
    people.cooperativeness[leavers] = people._draw_cooperativeness(k, rng)
    base, conditional = people._willingness_terms(
        people.type[leavers], people.sanction_force[leavers]
    )
    people.willingness_base[leavers], people.conditional[leavers] = base, conditional
    people.goodwill[leavers] = p["initial_goodwill"]
    people.willingness[leavers] = base + conditional * p["initial_goodwill"]
    people.effort[leavers] = effort_for(people.willingness[leavers], marginal_return[leavers], p)
    people.cooperation[leavers] = people.cooperativeness[leavers] * people.willingness[leavers]
    for name in ("output", "pay", "payoff", "tenure"):
        getattr(people, name)[leavers] = 0
    people.morale[leavers] = 1.0
    people.hire_id[leavers] = np.arange(people.next_hire_id, people.next_hire_id + k)
    people.next_hire_id += k


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: f"{s['design']}-{s['incentive']}")
def test_hire_kernel_equals_the_numpy_replace(settings):
    model = _model({**settings, "share_free_riders": 0.3, "cooperativeness_sd": 0.4})
    leavers = np.arange(0, len(model.people), 3)
    reference, fast = copy.deepcopy(model.people), copy.deepcopy(model.people)
    replace_reference(reference, leavers, np.random.default_rng(2), model.marginal_return)
    fast.replace(leavers, np.random.default_rng(2), model.marginal_return)
    names = (*FIELDS, "type", "cooperativeness", "willingness_base", "conditional", "tenure",
             "hire_id", "beliefs", "output")  # fmt: skip
    for name in names:
        np.testing.assert_array_equal(getattr(fast, name), getattr(reference, name), name)
    assert fast.next_hire_id == reference.next_hire_id
    assert len(set(reference.type[leavers].tolist())) == 3  # every type was hired


@pytest.mark.parametrize("morale_effect", [0.0, 3.0, 40.0])  # 40: some hazards above 1
def test_leavers_kernel_equals_the_numpy_draws(morale_effect):
    rng = np.random.default_rng(4)
    morale, tenure = rng.uniform(0.0, 1.0, 300), rng.integers(0, 260, 300)
    base = 1.0 - (1.0 - 0.6) ** (1.0 / 52)
    effect = base * morale_effect
    stream, reference = np.random.default_rng(8), np.random.default_rng(8)
    fast_tenure = tenure.copy()
    leavers = leavers_of(stream, base, effect, morale, fast_tenure)
    hazard = (base + effect) - effect * morale
    expected = (reference.random(len(morale)) < hazard).nonzero()[0]
    np.testing.assert_array_equal(leavers, expected)
    np.testing.assert_array_equal(fast_tenure, tenure + 1)
    assert stream.random() == reference.random()  # the stream moved on by the same draws
    assert 0 < len(leavers) < len(morale)


@pytest.mark.parametrize("settings", SETTINGS[:2], ids=lambda s: f"{s['design']}-{s['incentive']}")
def test_the_weeks_turnover_kernel_equals_the_leavers_draws_then_the_numpy_replace(settings):
    model = _model({**settings, "share_free_riders": 0.3})
    n = len(model.people)
    model.people.morale = np.random.default_rng(3).uniform(0.0, 1.0, n)
    base, effect = 0.08, 0.3  # a week with many leavers
    reference, fast = copy.deepcopy(model.people), copy.deepcopy(model.people)
    inside, outside = np.random.default_rng(6), np.random.default_rng(6)
    leavers = fast.turnover(handle(inside), base, effect, model.marginal_return)
    reference.tenure += 1
    expected = (outside.random(n) < (base + effect) - effect * reference.morale).nonzero()[0]
    replace_reference(reference, expected, outside, model.marginal_return)
    np.testing.assert_array_equal(leavers, expected)
    names = (*FIELDS, "type", "cooperativeness", "willingness_base", "conditional", "tenure",
             "hire_id", "beliefs")  # fmt: skip
    for name in names:
        np.testing.assert_array_equal(getattr(fast, name), getattr(reference, name), name)
    assert fast.next_hire_id == reference.next_hire_id
    assert inside.random() == outside.random()  # the stream moved on by the same draws
    assert 0 < len(leavers) < n
