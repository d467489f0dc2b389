"""The customer kernels (model/customers.py) equal the numpy code they replaced, bit for bit,
on the same customers and draws: renewals (due contracts, churn, expansion, retained ARR)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from salesorg.model import SalesOrgModel
from salesorg.model.clock import WEEKS_PER_YEAR


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
