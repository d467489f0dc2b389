"""The customer kernels (model/customers.py) equal the numpy code they replaced, bit for bit,
on the same customers and draws: renewals (due contracts, churn, expansion, retained ARR),
satisfaction's weekly move, referrers, and support and CSM cases."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from salesorg.model import SalesOrgModel
from salesorg.model.clock import WEEKS_PER_YEAR
from salesorg.model.customers import service_levels


def renew_reference(customers, step: int, rng: np.random.Generator, flow: dict) -> np.ndarray:
    """``Customers.renew`` as it was written with numpy calls (the reference)."""
    p, columns, n = customers.p, customers._columns, customers._rows
    this_week = (columns["renewal_week"][:n] == step % WEEKS_PER_YEAR).nonzero()[0]
    due = this_week[columns["start"][this_week] < step]
    k = len(due)
    if k == 0:
        return np.zeros(customers.structure.n_queues)
    s = columns["satisfaction"][due]
    threshold = rng.logistic(customers._churn_logit_at_zero, 1.0, k)
    churn = customers._churn_effect * s < threshold
    coverage = customers._coverage
    if not customers.single_queue:
        queue = columns["queue"][due]
        coverage = coverage[queue]
    expand = (rng.random(k) < s * (p["expansion_rate"] * coverage)) > churn
    acv = columns["acv"]
    before = acv[due]
    added = before * (customers._expansion_size * expand)
    renewed = before + added
    acv[due] = renewed
    gone = churn.nonzero()[0]
    churned = len(gone)
    due_total = float(np.add.reduce(before))
    expansion = float(np.add.reduce(added))
    lost = float(np.add.reduce(before[gone])) if churned else 0.0
    retained = 0.0 if churned == k else due_total + expansion - lost
    for key, value in (("renewals_due", k), ("churned", churned), ("arr_due", due_total),
                       ("arr_retained", retained), ("expansion_bookings", expansion)):  # fmt: skip
        flow[key] += value
    if customers.single_queue:
        credit = np.array([retained])
    else:
        kept = renewed
        kept[gone] = 0.0
        credit = np.bincount(queue, kept, customers.structure.n_queues)
    if churned:
        customers._remove(due[gone])
        customers.churned += churned
    return credit


@pytest.mark.parametrize("design", ["the_model", "pods"])
def test_renewals_kernel_equals_the_numpy_code(design):
    model = SalesOrgModel(rng=3, design=design, burn_in_weeks=0, expansion_rate=0.5)
    for _ in range(20):
        model.step()
    churned = 0
    for step in range(21, 21 + 2 * WEEKS_PER_YEAR):  # every renewal week, twice
        reference, fast = copy.deepcopy(model.customers), copy.deepcopy(model.customers)
        keys = ("renewals_due", "churned", "arr_due", "arr_retained", "expansion_bookings")
        flows = (dict.fromkeys(keys, 0.0), dict.fromkeys(keys, 0.0))
        expected = renew_reference(reference, step, np.random.default_rng(step), flows[0])
        got = fast.renew(step, np.random.default_rng(step), flows[1])
        np.testing.assert_array_equal(got, expected)
        assert flows[1] == flows[0]
        assert len(fast) == len(reference)
        for name in ("acv", "satisfaction", "queue", "start"):
            np.testing.assert_array_equal(getattr(fast, name), getattr(reference, name))
        churned += flows[0]["churned"]
        model.customers = reference  # walk on through the year with the reference's state
    assert churned > 0  # the walk saw churn, expansion and plain renewals


def serve_refer_cases_reference(customers, wf, members, rng):
    """Satisfaction's move, referrers, CSM/support cases and credit as the numpy code wrote
    them (after ``Customers.serve`` set the week's service levels)."""
    p, columns, n = customers.p, customers._columns, customers._rows
    satisfaction = columns["satisfaction"][:n]
    chance = satisfaction * satisfaction
    if customers.single_queue:
        chance *= p["referral_rate"] * customers._referral_skill
    else:
        chance *= (p["referral_rate"] * customers._referral_skill)[columns["queue"][:n]]
    referrers = (rng.random(n) < chance).nonzero()[0]
    cases = np.zeros(customers.structure.size)
    solved_per_effort, _ = customers._per_effort
    queue = customers.structure.queue
    for role, per_effort in (
        ("support", solved_per_effort),
        ("csm", customers._covered_per_effort),
    ):
        people = members[role]
        per_effort = np.atleast_1d(per_effort)
        cases[people] = wf.productivity[people] * per_effort[queue[people] % len(per_effort)]
    return referrers, cases


@pytest.mark.parametrize("design", ["functional", "pods"])
def test_service_kernels_equal_the_numpy_code(design):
    model = SalesOrgModel(rng=4, design=design, burn_in_weeks=0, referral_rate=0.5)
    for _ in range(30):
        model.step()
    customers, wf, members = model.customers, model.workforce, model.pipeline.members
    # satisfaction: S <- (1 - a) S + pull + shift[q], as three in-place numpy steps
    before = copy.deepcopy(customers)
    customers.serve(wf, members)
    n = customers._rows
    support_quality, csm_quality = _levels(before, wf, members)
    shift = before._adaptation * 0.25 * (support_quality + csm_quality)
    expected = before._columns["satisfaction"][:n].copy()
    expected *= 1.0 - before._adaptation
    expected += before._columns["pull"][:n]
    expected += shift if before.single_queue else shift[before._columns["queue"][:n]]
    np.testing.assert_array_equal(customers.satisfaction, expected)
    # referrers and cases
    referrers, cases = serve_refer_cases_reference(customers, wf, members, np.random.default_rng(9))
    territory, _, _ = customers.refer(np.random.default_rng(9))
    np.testing.assert_array_equal(territory, customers.territory[referrers])
    assert len(referrers) > 0
    np.testing.assert_array_equal(customers.cases(wf, members), cases)
    assert np.count_nonzero(cases) > 0


def _levels(customers, wf, members):
    """The week's support and CSM quality per queue, from the numpy service formulas."""
    roles = customers._service_roles(members)
    totals = roles.totals(wf)
    if customers.single_queue:
        n = customers._rows
        good = int(np.count_nonzero(customers._columns["fit"][:n]))
        poor = customers.p["problem_ticket_ratio"] * (n - good) + good
        tickets = customers.p["tickets_per_customer"] * poor
        levels = service_levels(totals.tolist(), tickets, n, customers.p)
    else:
        levels = customers._queue_service.levels(totals, customers._fit_counts())
    return levels[2], levels[4]


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
