"""The week's observation kernels (model/assessment.py, model/metrics.py) equal the numpy code
they replaced, bit for bit: knowledge and performance of the common market and of the
territories one serves, the ring buffer of weekly flows, and every metric."""

from __future__ import annotations

import numpy as np
import pytest
from salesorg.model import SalesOrgModel
from salesorg.model.assessment import assess_knowledge
from salesorg.model.incentives import COOPERATOR, FREE_RIDER
from salesorg.model.knowledge import DOMAINS, ROLES
from salesorg.model.learning import (
    agreement,
    belief_diversity,
    belief_diversity_reference,
    knowledge_and_performance,
)
from salesorg.model.metrics import (
    FLOWS,
    METRICS,
    QUARTER,
    YEAR,
    group_sums,
    python_sum,
    record,
)
from salesorg.model.sums import ordered_sum
from salesorg.model.territories import served_mean, work_shares

F = {name: i for i, name in enumerate(FLOWS)}


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def reference_metrics(model) -> dict[str, float]:
    """Every metric as the numpy ``Metrics.update`` computed it (per-metric numpy and Python
    reductions over lists), from the model's state and the metrics' ring buffer."""
    state, people, n, d = model.metrics_state, model.people, len(model.people), len(DOMAINS)
    week = [0.0] * len(FLOWS) if state.fresh else state.flows[model.week % YEAR].tolist()
    quarter, year = state.quarter.tolist(), state.year.tolist()
    role = model.structure.role
    quantities = np.column_stack(
        [model.domain_knowledge, people.cooperation, people.effort, people.payoff, people.morale]
    )
    type_group = np.full(n, -1, dtype=np.intp)
    counts = np.zeros(3 + len(ROLES))
    counts[0] = n
    counts[1 : 1 + len(ROLES)] = np.bincount(role, minlength=len(ROLES))
    for offset, kind in enumerate((FREE_RIDER, COOPERATOR)):
        type_group[people.type == kind] = offset
        counts[1 + len(ROLES) + offset] = np.count_nonzero(people.type == kind)
    inverse = np.divide(1.0, counts, out=np.full(len(counts), np.nan), where=counts > 0)
    sums = group_sums(quantities, role, len(ROLES), type_group)
    means = sums * inverse[:, None]
    free_row = 1 + len(ROLES)
    arr, v = model.customers.arr, {}
    v["bookings"] = week[F["new_bookings"]] + week[F["expansion_bookings"]]
    v["new_bookings"] = week[F["new_bookings"]]
    v["arr"] = arr
    v["customers"] = float(len(model.customers))
    v["leads"] = week[F["leads"]] + week[F["referrals"]]
    v["referrals"] = week[F["referrals"]]
    v["open_leads"] = float(len(model.pipeline.leads))
    won, lost = quarter[F["won"]], quarter[F["lost"]]
    v["win_rate"] = _ratio(won, won + lost)
    v["lead_to_qualified"] = _ratio(quarter[F["qualified"]], quarter[F["worked"]])
    v["qualified_to_won"] = _ratio(won, quarter[F["qualified"]])
    v["sales_cycle_weeks"] = _ratio(quarter[F["cycle_weeks"]], won + lost)
    v["churn_annual"] = _ratio(year[F["churned"]], year[F["renewals_due"]])
    v["nrr"] = _ratio(year[F["arr_retained"]], year[F["arr_due"]])
    kept = year[F["arr_retained"]] - year[F["expansion_bookings"]]
    v["grr"] = _ratio(kept, year[F["arr_due"]])
    v["revenue_per_employee"] = arr / n
    everyone = means[0].tolist()
    v["knowledge"] = sum(everyone[:d]) / d
    territorial = model.territory_knowledge is not None
    served = ordered_sum(model.served_knowledge) / (n * d) if territorial else v["knowledge"]
    v["territory_knowledge"] = served
    accuracy = model.belief_accuracy
    v["belief_accuracy"] = v["knowledge"] if accuracy is None else accuracy
    v["playbook_knowledge"] = np.count_nonzero(model.codes == model.reality) / model.codes.size
    weights, cross = model.metrics_state.weights, model.metrics_state.cross
    role_knowledge = np.add.reduce(weights * means[1:free_row, :d], axis=1).tolist()
    v.update(zip((f"knowledge_{r}" for r in ROLES), role_knowledge, strict=True))
    v.update(zip((f"knowledge_{g}" for g in DOMAINS), everyone[:d], strict=True))
    v["cross_functional_knowledge"] = ordered_sum(cross * sums[1:free_row, :d]) / n
    v["belief_diversity"] = belief_diversity(people.beliefs)
    v["cooperation"], v["effort"], _, v["morale"] = everyone[d:]
    free, coop = means[free_row, d:].tolist(), means[free_row + 1, d:].tolist()
    v["effort_free_riders"], v["payoff_free_riders"] = free[1], free[2]
    v["effort_cooperators"], v["payoff_cooperators"] = coop[1], coop[2]
    weeks = min(max(state.weeks, 1), YEAR)
    v["attrition"] = year[F["leavers"]] / n * (YEAR / weeks)
    return {name: v[name] for name in METRICS}


def reference_assessment(model) -> dict[str, np.ndarray]:
    """Knowledge and performance as the numpy ``_assess`` computed them (right beliefs, then
    :func:`knowledge_and_performance`, then :func:`served_mean` over the territories)."""
    beliefs, d = model.people.beliefs, len(DOMAINS)
    knowledge, performance = knowledge_and_performance(
        beliefs == model.reality, d, model._role_weights
    )
    out = {"domain_knowledge": knowledge, "performance": performance}
    if model._territorial:
        t, (n, dims) = model.territories.n, beliefs.shape
        correct = beliefs[None] == model.territories.reality[:, None]
        weights = np.tile(model._served_weights, (t, 1))  # every territory's people in turn
        k, p = knowledge_and_performance(correct.reshape(t * n, dims), d, weights)
        k, p = k.reshape(t, n, -1), p.reshape(t, n)
        shares = work_shares(model.structure.serves)
        out |= {"territory_knowledge": k, "territory_performance": p}
        out["served_knowledge"] = served_mean(knowledge, k, shares)
        out["performance"] = served_mean(performance, p, shares)
    return out


SETTINGS = [
    {"design": "the_model"},
    {"design": "pods", "incentive": "hybrid", "share_free_riders": 0.4},  # no cooperators
    {"design": "functional", "territory_correlation": 0.5, "ae_territories": True},
    {"design": "pods", "territory_correlation": 0.0, "turbulence": 0.05},
    {"design": "the_model", "interdependence": 2, "territory_correlation": 0.6},
    {"design": "the_model", "selling": False, "reorganize_at": 4, "reorganize_to": "pods"},
]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: "-".join(map(str, s.values())))
def test_every_metric_and_the_assessment_equal_the_numpy_code(settings):
    model = SalesOrgModel(rng=4, burn_in_weeks=0, **settings)
    for week in range(12):
        np.testing.assert_equal(model.metrics, reference_metrics(model))  # NaN equals NaN
        if model.depends is None:
            for name, expected in reference_assessment(model).items():
                np.testing.assert_array_equal(getattr(model, name), expected, name)
        if week < 11:
            model.step()
    booked = model.datacollector.get_model_vars_dataframe()["bookings"].sum()
    assert booked > 0 or not model.params["selling"]  # the weeks sold something


def test_week_zero_after_a_burn_in_shows_no_flows_and_equals_the_numpy_code():
    model = SalesOrgModel(rng=9, burn_in_weeks=20)
    np.testing.assert_equal(model.metrics, reference_metrics(model))
    assert model.metrics["bookings"] == 0.0 and model.metrics["win_rate"] > 0
    model.step()
    np.testing.assert_equal(model.metrics, reference_metrics(model))


def test_the_assessment_kernel_equals_the_numpy_functions_on_random_states():
    rng = np.random.default_rng(3)
    n, per_domain, t = 57, 7, 6
    dims = len(DOMAINS) * per_domain
    beliefs = rng.integers(-1, 2, (n, dims)).astype(np.int8)
    reality = rng.choice(np.array([-1, 1], np.int8), dims)
    realities = rng.choice(np.array([-1, 1], np.int8), (t, dims))
    weights = rng.dirichlet(np.ones(len(DOMAINS)), n)
    territory_weights = rng.dirichlet(np.ones(len(DOMAINS)), n)
    territory = rng.integers(-1, t, n)  # one territory, or every one (-1): the structures'
    shares = work_shares((territory[:, None] == np.arange(t)) | (territory[:, None] < 0))
    out = [np.empty((n, 5)), np.empty(n), np.empty((t, n, 5)), np.empty((t, n))]
    served = [np.empty((n, 5)), np.empty(n)]
    assess_knowledge(beliefs, reality, realities, weights, territory_weights, territory, True,
                     *out, *served)  # fmt: skip
    knowledge, performance = knowledge_and_performance(beliefs == reality, 5, weights)
    correct = (beliefs[None] == realities[:, None]).reshape(t * n, dims)
    k, p = knowledge_and_performance(correct, 5, np.tile(territory_weights, (t, 1)))
    k, p = k.reshape(t, n, 5), p.reshape(t, n)
    expected = [knowledge, performance, k, p]
    expected += [served_mean(knowledge, k, shares), served_mean(performance, p, shares)]
    for got, want in zip([*out, *served], expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_the_ring_buffer_kernel_equals_the_numpy_update():
    rng = np.random.default_rng(5)
    flows, quarter, year = np.zeros((YEAR, len(FLOWS))), np.zeros(len(FLOWS)), np.zeros(len(FLOWS))
    ref_flows, ref_quarter, ref_year = flows.copy(), quarter.copy(), year.copy()
    for step in range(-60, 80):  # burn-in weeks are negative
        new = rng.lognormal(0.0, 2.0, len(FLOWS)) * (rng.random(len(FLOWS)) < 0.7)
        record(flows, quarter, year, step, new)
        ref_year += new - ref_flows[step % YEAR]
        ref_quarter += new - ref_flows[(step - QUARTER) % YEAR]
        ref_flows[step % YEAR] = new
    for got, want in ((flows, ref_flows), (quarter, ref_quarter), (year, ref_year)):
        np.testing.assert_array_equal(got, want)


def test_python_sum_is_pythons_sum_bit_for_bit():
    rng = np.random.default_rng(6)
    for size in (1, 2, 5, 9, 40):
        for _ in range(200):
            values = rng.lognormal(0.0, 4.0, size) * rng.choice([-1.0, 1.0], size)
            assert python_sum(values) == sum(values.tolist())
    cancelling = np.array([1e16, 1.0, -1e16, 3.0])  # a plain loop gives 3.0, Python's sum 4.0
    assert python_sum(cancelling) == sum(cancelling.tolist()) == 4.0


def test_collected_rows_read_mid_run_and_after_stay_in_order():
    model = SalesOrgModel(rng=2, burn_in_weeks=0)
    collector = model.datacollector
    model.step()
    first = {name: list(values) for name, values in collector.model_vars.items()}
    for _ in range(3):
        model.step()
    frame = collector.get_model_vars_dataframe()
    assert list(frame.columns) == list(METRICS) and len(frame) == 5
    assert frame["arr"].tolist()[:2] == first["arr"]
    np.testing.assert_equal(frame.iloc[-1].to_dict(), model.metrics)


def test_the_kernels_columns_name_the_metrics_and_flows():
    import salesorg.model.metrics as m

    for position, name in enumerate(METRICS):
        if name.startswith("knowledge_") and name != "knowledge":
            role_or_domain = name.removeprefix("knowledge_")
            if role_or_domain in ROLES:
                assert position == m.ROLE_KNOWLEDGE + ROLES.index(role_or_domain)
            else:
                assert position == m.DOMAIN_KNOWLEDGE + DOMAINS.index(role_or_domain)
        else:
            assert getattr(m, name.upper()) == position, name
    # flows named like a metric take a suffix
    renamed = {"leads": m.LEADS_F, "referrals": m.REFERRALS_F, "new_bookings": m.NEW_BOOKINGS_F}
    for position, name in enumerate(FLOWS):
        column = renamed[name] if name in renamed else getattr(m, name.upper())
        assert column == position, name


@pytest.mark.parametrize("shape", [(90, 50), (7, 3), (1, 30), (2000, 30)])
def test_agreement_counts_the_holders_of_each_belief(shape):
    """The diversity kernel's count is numpy's count of each value's holders per dimension,
    squared and summed, so the metric is Gini-Simpson bit for bit, and near the plain
    reference."""
    beliefs = np.random.default_rng(shape[0]).integers(-1, 2, shape).astype(np.int8)
    beliefs[: shape[0] // 3] = 1  # some agreement
    n, dims = shape
    holders = [np.count_nonzero(beliefs == v, axis=0).astype(np.int64) for v in (-1, 0, 1)]
    assert agreement(beliefs) == sum(int((h * h).sum()) for h in holders)
    diversity = (1.0 - agreement(beliefs) / (n * n * dims)) * 1.5
    assert diversity == belief_diversity(beliefs)
    assert diversity == pytest.approx(belief_diversity_reference(beliefs), abs=1e-12)
    beliefs[:] = -1  # everyone agrees: no diversity
    assert agreement(beliefs) == n * n * dims
