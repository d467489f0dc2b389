"""The rewritten customer kernels against straightforward reference implementations.

The references are the plain per-queue ``bincount`` formulas of ODD 7.3 (the code before the
rewrite). Service and satisfaction must agree to rounding; renewals and referrals use the same
random numbers in the same order (a churn draw is a logistic variate, a monotone transform of
the old uniform), so the same seed must give the same decisions.
"""

from types import SimpleNamespace

import numpy as np
import pytest
from reference_selling import sigmoid
from salesorg.model.customers import COVERAGE, REFERRALS, Customers
from salesorg.model.pipeline import Workforce, logit
from salesorg.model.validation import validate_parameters

P = validate_parameters({})


def make_world(n_queues, n_customers, seed, n_people=30, params=P):
    """A customer base and a workforce in ``n_queues`` queues.

    With several queues, the last queue has no support staff, no CSMs and no customers.
    """
    rng = np.random.default_rng(seed)
    role = rng.integers(0, 3, n_people)  # 0 other, 1 support, 2 CSM
    staffed = max(1, n_queues - 1)
    person_queue = rng.integers(0, staffed, n_people)
    structure = SimpleNamespace(n_queues=n_queues, queue=person_queue, size=n_people)

    def members(r):
        idx = np.flatnonzero(role == r)
        return idx[np.argsort(person_queue[idx], kind="stable")]

    team = {"support": members(1), "csm": members(2)}
    productivity = rng.random(n_people) * (rng.random(n_people) > 0.1)  # some idle people
    wf = Workforce(
        productivity, rng.random(n_people), rng.random((n_people, 5)), np.zeros(n_people)
    )
    customers = Customers(params, structure)
    queue = rng.integers(0, staffed, n_customers)
    start = rng.integers(-60, 41, n_customers)  # up to week 40: see the renewal test
    customers.add(
        queue,
        rng.random(n_customers) < 0.7,
        rng.random(n_customers),
        rng.lognormal(10, 0.5, n_customers),
        start,
        rng.random(n_customers),
    )
    return customers, structure, team, wf


def state(customers):
    return {name: getattr(customers, name).copy() for name, _ in Customers.FIELDS[:6]}


def reference_serve(s, wf, team, structure, p):
    """Customers.serve before the rewrite, on a dict of columns; returns per-queue values."""
    nq, queue = structure.n_queues, structure.queue

    def totals(q, w):
        return np.bincount(q, weights=w, minlength=nq)

    def mean(q, v, w):
        t = totals(q, w)
        return np.divide(totals(q, v * w), t, out=np.zeros(nq), where=t > 0)

    n_customers = np.bincount(s["queue"], minlength=nq)
    sup = team["support"]
    sq, sp = queue[sup], wf.productivity[sup]
    capacity = totals(sq, p["support_capacity"] * sp)
    load = totals(s["queue"], p["tickets_per_customer"] * (2.0 - s["fit"]))
    solved = np.minimum(capacity, load)
    resolution = np.divide(solved, load, out=np.ones(nq), where=load > 0)
    support_quality = resolution * mean(sq, wf.performance[sup], sp)
    effort = totals(sq, sp)[sq]
    share = np.divide(sp, effort, out=np.zeros(len(sup)), where=effort > 0)
    wf.output[sup] += solved[sq] * share
    csm = team["csm"]
    cq, cp = queue[csm], wf.productivity[csm]
    cover = totals(cq, p["csm_capacity"] * cp)
    coverage = np.minimum(
        1.0, np.divide(cover, n_customers, out=np.ones(nq), where=n_customers > 0)
    )
    csm_quality = coverage * mean(cq, wf.performance[csm], cp)
    referral_skill = coverage * mean(cq, wf.knowledge[csm, REFERRALS], cp)
    target = 0.25 * (
        s["fit"] + s["expectations"] + support_quality[s["queue"]] + csm_quality[s["queue"]]
    )
    s["satisfaction"] += 0.1 * (target - s["satisfaction"])
    return coverage, referral_skill


def reference_credit_csms(wf, team, structure, retained, acv_median):
    csm = team["csm"]
    queue = structure.queue[csm]
    weight = wf.productivity[csm]
    total = np.bincount(queue, weights=weight, minlength=structure.n_queues)
    share = np.divide(weight, total[queue], out=np.zeros(len(csm)), where=total[queue] > 0)
    wf.output[csm] += retained[queue] * share / acv_median


def reference_renew(s, coverage, step, rng, flow, p, nq):
    """Customers.renew before the rewrite: returns (credit, kept-row mask)."""
    age = step - s["start"]
    due = ((age > 0) & (age % 52 == 0)).nonzero()[0]
    sat = s["satisfaction"][due]
    # the same randomness as the rewrite: its logistic draw M (centred on c) is the uniform
    # sigmoid(c - M)
    centre = logit(p["churn_reference"]) + 0.5 * p["satisfaction_churn_effect"]
    churn = sigmoid(centre - rng.logistic(centre, 1.0, len(due))) < sigmoid(
        logit(p["churn_reference"]) - p["satisfaction_churn_effect"] * (sat - 0.5)
    )
    expand_p = p["expansion_rate"] * sat * coverage[s["queue"][due]]
    expand = ~churn & (rng.random(len(due)) < expand_p)
    before = s["acv"][due]
    added = np.where(expand, before * p["expansion_size"], 0.0)
    s["acv"][due] += added
    flow["renewals_due"] += len(due)
    flow["churned"] += int(churn.sum())
    flow["arr_due"] += float(before.sum())
    flow["arr_retained"] += float((before + added)[~churn].sum())
    flow["expansion_bookings"] += float(added.sum())
    kept = np.where(churn, 0.0, before + added)
    credit = np.bincount(s["queue"][due], weights=kept, minlength=nq)
    alive = np.ones(len(s["acv"]), dtype=bool)
    alive[due[churn]] = False
    return credit, alive


def reference_refer(s, referral_skill, rng, p):
    chance = p["referral_rate"] * s["satisfaction"] ** 2 * referral_skill[s["queue"]]
    referrers = (rng.random(len(s["acv"])) < chance).nonzero()[0]
    fit = rng.random(len(referrers)) < p["referral_fit"]
    technical = rng.random(len(referrers)) < p["technical_deal_share"]
    return s["queue"][referrers], fit, technical


def rows(columns, order_by="acv"):
    """The table's rows as a canonical (sorted) list, to compare tables in any row order."""
    order = np.argsort(columns[order_by], kind="stable")
    return {name: np.asarray(values)[order] for name, values in columns.items()}


@pytest.mark.parametrize("n_queues", [1, 4])
def test_serve_and_staff_credit_match_reference(n_queues):
    customers, structure, team, wf = make_world(n_queues, 300, seed=n_queues)
    ref, ref_wf = state(customers), Workforce(*(np.copy(x) for x in wf.__dict__.values()))
    for _ in range(3):
        customers.serve(wf, team)
        coverage, referral_skill = reference_serve(ref, ref_wf, team, structure, P)
        retained = np.linspace(1000.0, 5000.0, n_queues)
        customers.credit_staff(wf, retained)
        reference_credit_csms(ref_wf, team, structure, retained, P["acv_median"])
        np.testing.assert_allclose(customers.satisfaction, ref["satisfaction"], rtol=1e-12)
        np.testing.assert_allclose(customers.csm_coverage, coverage, rtol=1e-12)
        np.testing.assert_allclose(customers.referral_skill, referral_skill, rtol=1e-12)
        np.testing.assert_allclose(wf.output, ref_wf.output, rtol=1e-12)
    if n_queues > 1:  # the empty, unstaffed queue: full coverage and resolution, no skill
        assert customers.csm_coverage[-1] == 1.0 and customers.referral_skill[-1] == 0.0


@pytest.mark.parametrize("n_queues", [1, 4])
def test_renew_matches_reference_with_the_same_randomness(n_queues):
    customers, _, team, wf = make_world(n_queues, 2000, seed=10 + n_queues)
    customers.serve(wf, team)
    coverage = customers.csm_coverage
    flows = ("renewals_due", "churned", "arr_due", "arr_retained", "expansion_bookings")
    flow, ref_flow = dict.fromkeys(flows, 0.0), dict.fromkeys(flows, 0.0)
    assert (customers.start == 40).sum() > 10  # signed in week 40: not due in week 40
    for step in (40, 41, 52):
        # removals reorder the rows, and the draws go to the due customers in row order
        ref = state(customers)
        credit = customers.renew(step, np.random.default_rng(step), flow)
        ref_credit, alive = reference_renew(
            ref, coverage, step, np.random.default_rng(step), ref_flow, P, n_queues
        )
        ref = {name: values[alive] for name, values in ref.items()}
        np.testing.assert_allclose(credit, ref_credit, rtol=1e-12)
        assert flow.keys() == ref_flow.keys()
        for key in flows:
            assert flow[key] == pytest.approx(ref_flow[key], rel=1e-12), key
        assert len(customers) == len(ref["acv"])
        mine = rows(state(customers))
        for name, values in rows(ref).items():
            np.testing.assert_array_equal(mine[name], values, err_msg=name)
    assert flow["churned"] > 0 and flow["expansion_bookings"] > 0
    assert customers.churned == flow["churned"]


@pytest.mark.parametrize("n_queues", [1, 4])
def test_refer_draws_the_same_referrals_as_reference(n_queues):
    p = dict(P, referral_rate=0.2)  # many referrals
    customers, _, team, wf = make_world(n_queues, 3000, seed=20 + n_queues, params=p)
    customers.serve(wf, team)
    queue, fit, technical = customers.refer(np.random.default_rng(5))
    ref_queue, ref_fit, ref_technical = reference_refer(
        state(customers), customers.referral_skill, np.random.default_rng(5), p
    )
    assert len(queue) > 10
    np.testing.assert_array_equal(queue, ref_queue)
    np.testing.assert_array_equal(fit, ref_fit)
    np.testing.assert_array_equal(technical, ref_technical)


@pytest.mark.parametrize("n_queues", [1, 3])
def test_removal_fills_holes_from_the_end(n_queues):
    rng = np.random.default_rng(7)
    for trial in range(30):
        customers, *_ = make_world(n_queues, 200, seed=trial)
        before = state(customers)
        before["id"] = customers.acv.copy()  # ACVs are distinct: they identify the rows
        k = int(rng.integers(1, 30))
        # sometimes include rows from the tail, which is cut off rather than moved
        pool = 200 if trial % 2 else 30
        gone = np.sort(rng.choice(pool, k, replace=False) + (200 - pool))
        customers._remove(gone)
        alive = np.ones(200, dtype=bool)
        alive[gone] = False
        expected = rows({name: values[alive] for name, values in before.items()}, "id")
        mine = rows(dict(state(customers), id=customers.acv.copy()), "id")
        for name in expected:
            np.testing.assert_array_equal(mine[name], expected[name], err_msg=name)
        mine_pull = customers.pull[np.argsort(customers.acv)]
        np.testing.assert_allclose(
            mine_pull, 0.025 * (expected["fit"] + expected["expectations"]), rtol=1e-15
        )


def test_add_stores_the_constant_part_of_satisfaction_and_the_renewal_week():
    customers, *_ = make_world(1, 50, seed=3)
    np.testing.assert_allclose(
        customers.pull, 0.1 * 0.25 * (customers.fit + customers.expectations)
    )
    np.testing.assert_array_equal(customers.renewal_week, customers.start % 52)
    assert customers.renewal_week.min() >= 0


@pytest.mark.parametrize("design", ["the_model", "pods", "functional"])
def test_a_year_of_customer_flows_is_consistent(design):
    from salesorg.model import SalesOrgModel

    model = SalesOrgModel(rng=2, design=design)
    initial = len(model.customers)
    churned = renewals = 0
    for _ in range(60):
        model.step()
        churned += model.flow["churned"]
        renewals += model.flow["renewals_due"]
        assert model.flow["arr_retained"] <= model.flow["arr_due"] + model.flow[
            "expansion_bookings"
        ] * (1 + 1e-12)
    customers = model.customers
    assert churned == customers.churned and 0 < churned < renewals
    assert len(customers) == initial + customers.acquired - customers.churned


def test_churn_probability_is_logistic_in_satisfaction():
    """Churn at renewal: logit P = logit(churn_reference) - satisfaction_churn_effect (S - 0.5)."""
    n = 40000
    for satisfaction in (0.2, 0.5, 0.9):
        customers, *_ = make_world(1, 0, seed=1)
        customers.add(np.zeros(n, int), True, 0.5, 1000.0, 0, satisfaction)
        customers.levels[COVERAGE] = 0.5
        flow = dict.fromkeys(["renewals_due", "churned", "arr_due", "arr_retained"], 0.0)
        flow["expansion_bookings"] = 0.0
        customers.renew(52, np.random.default_rng(3), flow)
        expected = sigmoid(
            logit(P["churn_reference"]) - P["satisfaction_churn_effect"] * (satisfaction - 0.5)
        )
        assert flow["renewals_due"] == n
        assert flow["churned"] / n == pytest.approx(expected, abs=4 * np.sqrt(0.25 / n))
        # renewing customers expand with probability expansion_rate x S x coverage
        expanded = flow["expansion_bookings"] / (1000.0 * P["expansion_size"])
        rate = P["expansion_rate"] * satisfaction * 0.5
        assert expanded / (n - flow["churned"]) == pytest.approx(rate, abs=4 * np.sqrt(0.25 / n))


def test_contract_values_are_lognormal_around_the_median():
    customers, *_ = make_world(1, 10, seed=4)
    acv = customers.draw_acv(40000, np.random.default_rng(9))
    log_acv = np.log(acv)
    assert abs(np.median(acv) / P["acv_median"] - 1) < 0.02
    assert log_acv.std() == pytest.approx(P["acv_spread"], rel=0.02)
    assert abs(log_acv.mean() - np.log(P["acv_median"])) < 0.02
    assert len(customers.draw_acv(0, np.random.default_rng(1))) == 0


def test_one_queues_service_levels_match_the_many_queue_formulas_with_empty_cases():
    from reference_customers import QueueService, service_levels

    rng = np.random.default_rng(2)
    service = QueueService(1, P)
    cases = [rng.random((3, 2)) * 5 for _ in range(20)]
    cases += [np.zeros((3, 2)), np.array([[0.0, 2.0], [0.0, 1.0], [0.0, 0.5]])]
    cases += [np.array([[3.0, 0.0], [1.0, 0.0], [0.0, 0.0]])]
    for totals in cases:
        for poor, good in ((0, 0), (3, 5), (40, 200)):
            tickets = P["tickets_per_customer"] * (2 * poor + good)
            mine = service_levels(totals.tolist(), tickets, poor + good, P)
            many = service.levels(totals.reshape(3, 2), np.array([[poor], [good]]))
            np.testing.assert_allclose(mine, [float(x[0]) for x in many], rtol=1e-12)
