"""The weekly people kernels (model/incentives.py) equal the numpy functions they replaced, bit
for bit, on the same states: willingness, effort and ramp-up (motivate), pay and morale."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from salesorg.model import SalesOrgModel
from salesorg.model.incentives import (
    adjust_willingness,
    choose_effort,
    pay_and_morale,
    settle_pay,
    update_willingness,
    work_effort,
)

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
