"""The customer kernels (model/customers.py) equal the numpy code they replaced
(tests/reference_customers.py), bit for bit, on the same customers and the same draws: a whole
week of serving customers inside running models, renewals over two years of anniversaries,
the removal of churners, referrals, and the staff's cases."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from reference_customers import (
    add_reference,
    refer_reference,
    remove_reference,
    renew_reference,
    serve_week_reference,
    staff_shares_reference,
)
from salesorg.model import SalesOrgModel
from salesorg.model.clock import WEEKS_PER_YEAR
from salesorg.model.customers import (
    COVERAGE,
    COVERED_PER_EFFORT,
    RENEWAL_FLOWS,
    SOLVED_PER_EFFORT,
    Customers,
)
from salesorg.model.draws import generator, handle
from salesorg.model.jit import kernel
from salesorg.model.pipeline import Workforce


def assert_same_customers(got: Customers, expected: Customers) -> None:
    assert len(got) == len(expected) and got.churned == expected.churned
    for name, _ in Customers.FIELDS:
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), err_msg=name)


def check_every_week(model: SalesOrgModel, seen: dict) -> None:
    """Before each week's ``serve_customers``, run the numpy reference on copies of the
    customers, the workforce and the two streams, then the model's own compiled week, and
    require the same customers, levels, flows, credit, referrals and streams' states."""
    serve = model.serve_customers  # the model's own method

    def checked() -> None:
        customers, wf = copy.deepcopy(model.customers), model.workforce
        reference_wf = Workforce(wf.productivity, wf.performance, wf.knowledge, wf.output.copy())
        churn, leads = copy.deepcopy(model.streams["churn"]), copy.deepcopy(model.streams["leads"])
        flow = dict(model.flow)
        column = model.customers._service_roles(model.pipeline.members).column
        levels, referrals = serve_week_reference(
            customers, reference_wf, column, model.week, churn, leads, flow
        )
        flow["referrals"] += len(referrals[0])
        serve()
        assert_same_customers(model.customers, customers)
        np.testing.assert_array_equal(model.customers.levels, levels)
        np.testing.assert_array_equal(wf.output, reference_wf.output)
        assert flow == model.flow
        territory, fit, technical = model.pipeline.referred
        for got, expected in zip((territory, fit, technical), referrals, strict=True):
            np.testing.assert_array_equal(got, expected)
        for name, stream in (("churn", churn), ("leads", leads)):  # the same draws were made
            assert model.streams[name].bit_generator.state == stream.bit_generator.state
        for key in ("churned", "expansion_bookings"):
            seen[key] += flow[key]
        seen["referrals"] += len(territory)

    model.serve_customers = checked  # instance attribute: shadows the method for this model


@pytest.mark.parametrize(
    "params",
    [
        dict(design="the_model"),
        dict(design="pods", referral_rate=0.05, expansion_rate=0.9),
        dict(design="functional", problem_ticket_ratio=3.0, csm_capacity=20.0),
        dict(design="the_model", reorganize_at=12, reorganize_to="pods", support_capacity=4.0),
    ],
)
def test_a_week_of_service_equals_the_numpy_code(params):
    model = SalesOrgModel(rng=5, burn_in_weeks=0, **params)
    seen = dict.fromkeys(("churned", "expansion_bookings", "referrals"), 0.0)
    check_every_week(model, seen)
    for _ in range(56):  # every renewal week of the installed base
        model.step()
    assert seen["churned"] > 0 and seen["expansion_bookings"] > 0 and seen["referrals"] > 0


@pytest.mark.parametrize("design", ["the_model", "pods"])
def test_renewals_kernel_equals_the_numpy_code(design):
    model = SalesOrgModel(rng=3, design=design, burn_in_weeks=0, expansion_rate=0.5)
    for _ in range(20):
        model.step()
    churned = 0
    # every renewal week, twice, from weeks before the model's first (a burn-in's steps)
    for step in range(-WEEKS_PER_YEAR + 3, WEEKS_PER_YEAR + 3):
        reference, fast = copy.deepcopy(model.customers), copy.deepcopy(model.customers)
        flows = (dict.fromkeys(RENEWAL_FLOWS, 0.0), dict.fromkeys(RENEWAL_FLOWS, 0.0))
        coverage = reference.csm_coverage
        expected = renew_reference(
            reference, coverage, step, np.random.default_rng(step + 99), flows[0]
        )
        got = fast.renew(step, np.random.default_rng(step + 99), flows[1])
        np.testing.assert_array_equal(got, expected)
        assert flows[1] == flows[0]
        assert_same_customers(fast, reference)
        churned += flows[0]["churned"]
        model.customers = fast  # walk on through the year
    assert churned > 0


def test_the_steps_one_at_a_time_equal_the_compiled_week():
    """serve, renew, credit_staff and refer (numpy Generators) are the week's kernels."""
    model = SalesOrgModel(rng=8, design="pods", burn_in_weeks=0, referral_rate=0.05)
    for _ in range(30):
        model.step()
    wf, members = model.workforce, model.pipeline.members
    week, outputs = model.week + 1, (wf.output.copy(), wf.output.copy())
    apart, together = copy.deepcopy(model.customers), copy.deepcopy(model.customers)
    flows = (dict.fromkeys(RENEWAL_FLOWS, 0.0), dict.fromkeys(RENEWAL_FLOWS, 0.0))
    churn, leads = np.random.default_rng(1), np.random.default_rng(2)
    apart_wf = Workforce(wf.productivity, wf.performance, wf.knowledge, outputs[0])
    apart.serve(apart_wf, members)
    apart.credit_staff(apart_wf, apart.renew(week, churn, flows[0]))
    referrals = apart.refer(leads)
    streams = {"churn": np.random.default_rng(1), "leads": np.random.default_rng(2)}
    together_wf = Workforce(wf.productivity, wf.performance, wf.knowledge, outputs[1])
    handles = {name: handle(rng) for name, rng in streams.items()}
    got = together.serve_week(together_wf, members, week, handles, flows[1])
    assert_same_customers(together, apart)
    np.testing.assert_array_equal(together.levels, apart.levels)
    np.testing.assert_array_equal(outputs[1], outputs[0])
    assert flows[1] == flows[0]
    for mine, expected in zip(got, referrals, strict=True):
        np.testing.assert_array_equal(mine, expected)
    assert streams["leads"].bit_generator.state == leads.bit_generator.state


def test_referrals_kernel_equals_the_numpy_code():
    model = SalesOrgModel(rng=4, design="functional", burn_in_weeks=0, referral_rate=0.5)
    for _ in range(30):
        model.step()
    customers = model.customers
    expected = refer_reference(customers, customers.levels, np.random.default_rng(9))
    got = customers.refer(np.random.default_rng(9))
    assert len(expected[0]) > 0
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.dtype == theirs.dtype
        np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize("design", ["the_model", "pods"])
def test_cases_equal_the_numpy_shares(design):
    model = SalesOrgModel(rng=4, design=design, burn_in_weeks=0)
    assert not model.customers.cases(model.workforce, model.pipeline.members).any()  # no service
    for _ in range(10):
        model.step()
    customers, wf, members = model.customers, model.workforce, model.pipeline.members
    column = customers._service_roles(members).column
    levels = customers.levels
    expected = staff_shares_reference(
        wf.productivity, column, levels[SOLVED_PER_EFFORT], levels[COVERED_PER_EFFORT]
    )
    cases = customers.cases(wf, members)
    np.testing.assert_array_equal(cases, expected)
    assert np.count_nonzero(cases) > 0


def test_removal_kernel_equals_the_numpy_code():
    rng = np.random.default_rng(7)
    model = SalesOrgModel(rng=2, design="pods", burn_in_weeks=0)
    for trial in range(40):
        fast = copy.deepcopy(model.customers)
        reference = copy.deepcopy(fast)
        n = len(fast)
        # rows anywhere or only in the tail (which is cut off rather than moved), or all
        pool = 30 if trial % 2 else n
        gone = np.sort(rng.choice(pool, int(rng.integers(1, 30)), replace=False) + (n - pool))
        if trial == 0:
            gone = np.arange(n)
        fast._remove(gone)
        remove_reference(reference, gone)
        assert_same_customers(fast, reference)


@pytest.mark.parametrize("design", ["the_model", "pods"])
def test_signing_kernel_equals_the_numpy_code(design):
    """New customers as the model signs them (arrays, a week, a context or none) and as tests
    and the installed base do (scalars for all, arrays of weeks), past the table's capacity."""
    model = SalesOrgModel(rng=6, design=design, burn_in_weeks=0, selling=False)
    fast, reference = copy.deepcopy(model.customers), copy.deepcopy(model.customers)
    rng = np.random.default_rng(3)
    territories = model.structure.n_territories
    for trial in range(60):
        k = int(rng.integers(0, 9)) if trial % 7 else int(rng.integers(40, 90))
        territory = rng.integers(0, territories, k)
        fit = rng.random(k) < 0.6 if trial % 3 else bool(trial % 2)
        expectations = rng.random(k) if trial % 4 else 0.5
        acv = rng.lognormal(10, 0.5, k) if trial % 5 else 1000.0
        start = int(rng.integers(-60, 60)) if trial % 2 else rng.integers(-60, 60, k)
        satisfaction = 0.5 if trial % 6 else rng.random(k)
        context = (1.0, rng.random(k), 0.7, np.ones(k))[trial % 4]
        for customers, add in ((fast, Customers.add), (reference, add_reference)):
            add(customers, territory, fit, expectations, acv, start, satisfaction, context)
        assert_same_customers(fast, reference)
        assert fast.acquired == reference.acquired
    assert len(fast) > 200
    with pytest.raises(ValueError, match="one entry"):
        fast.add(np.zeros(3, np.intp), np.ones(2, bool), 0.5, 1.0, 0, 0.5)


def test_renewals_with_coverage_expand_as_often_as_stated():
    """With the levels set by hand the kernel reads them: no coverage, no expansion."""
    model = SalesOrgModel(rng=1, design="the_model", burn_in_weeks=0, expansion_rate=1.0)
    customers = model.customers
    customers.levels[COVERAGE] = 0.0
    flow = dict.fromkeys(RENEWAL_FLOWS, 0.0)
    for step in range(1, WEEKS_PER_YEAR + 1):
        customers.renew(step, np.random.default_rng(step), flow)
    assert flow["renewals_due"] > 50 and flow["expansion_bookings"] == 0.0


@kernel
def _logistic_draws(address, loc, k):
    rng = generator(address)
    out = np.empty(k)
    for j in range(k):
        out[j] = rng.logistic(loc, 1.0)
    return out


@pytest.mark.parametrize("seed", [0, 11, 2026])
def test_logistic_draws_inside_a_kernel_equal_numpys(seed):
    """The churn thresholds: numba's logistic on the stream equals numpy's array call."""
    inside, outside = np.random.default_rng(seed), np.random.default_rng(seed)
    got = _logistic_draws(handle(inside), -1.3, 5000)
    np.testing.assert_array_equal(got, outside.logistic(-1.3, 1.0, 5000))
    assert inside.random() == outside.random()  # and the streams stand at the same place


def test_service_totals_equal_group_sums_of_the_products():
    from salesorg.model.customers import REFERRALS, service_totals
    from salesorg.model.sums import sums_by_group

    rng = np.random.default_rng(5)
    n, columns = 200, 6
    productivity, performance = rng.random(n), rng.random(n)
    knowledge = rng.random((n, 7))
    column = rng.integers(-1, columns, n)
    values = np.column_stack(
        (productivity, productivity * performance, productivity * knowledge[:, REFERRALS])
    )
    expected = sums_by_group(values, column, columns).T
    got = service_totals(productivity, performance, knowledge, REFERRALS, column, columns)
    np.testing.assert_array_equal(got, expected)
