"""The rewritten metric, knowledge and incentive kernels against plain reference versions.

The weekly metrics come from one group-sum matrix product, domain knowledge from one matrix
product, belief diversity from sums of beliefs and their squares, and willingness from per-type
terms; each must give what the straightforward per-metric computation gives.
"""

import numpy as np
import pytest
from salesorg.model import SalesOrgModel
from salesorg.model.incentives import CONDITIONAL, COOPERATOR, FREE_RIDER, update_willingness
from salesorg.model.knowledge import CROSS_FUNCTIONAL, DOMAINS, ROLES, WEIGHTS
from salesorg.model.learning import belief_diversity, domain_knowledge


def reference_people_metrics(model) -> dict[str, float]:
    """The person-averaged metrics, each computed on its own with numpy means."""
    people, role = model.people, model.structure.role
    dk = (model.people.beliefs == model.reality).reshape(len(role), len(DOMAINS), -1).mean(axis=2)
    out = {"knowledge": float((people.beliefs == model.reality).mean())}
    for r, name in enumerate(ROLES):
        members = role == r
        performance = (dk[members] * WEIGHTS[r]).sum(axis=1)
        out[f"knowledge_{name}"] = float(performance.mean()) if members.any() else float("nan")
    for d, name in enumerate(DOMAINS):
        out[f"knowledge_{name}"] = float(dk[:, d].mean())
    out["cross_functional_knowledge"] = float((dk * CROSS_FUNCTIONAL[role]).sum(axis=1).mean())
    for kind, label in ((FREE_RIDER, "free_riders"), (COOPERATOR, "cooperators")):
        members = people.type == kind
        for field in ("effort", "payoff"):
            values = getattr(people, field)[members]
            out[f"{field}_{label}"] = float(values.mean()) if members.any() else float("nan")
    for field in ("cooperation", "effort", "morale"):
        out[field] = float(getattr(people, field).mean())
    return out


@pytest.mark.parametrize("design", ["the_model", "pods", "functional"])
@pytest.mark.parametrize("free_riders", [0.0, 0.3, 0.4])
def test_group_mean_metrics_match_per_metric_means(design, free_riders):
    # 0.4 free riders leave no unconditional cooperator (0.6 are conditional): NaN means
    model = SalesOrgModel(rng=5, design=design, share_free_riders=free_riders)
    for _ in range(30):
        model.step()
        expected = reference_people_metrics(model)
        for name, value in expected.items():
            got = model.metrics[name]
            if np.isnan(value):
                assert np.isnan(got), name
            else:
                assert got == pytest.approx(value, abs=1e-12), name


def test_domain_knowledge_is_the_exact_share_per_domain():
    rng = np.random.default_rng(0)
    for dims_per_domain in (1, 5, 7):
        correct = rng.random((40, 6 * dims_per_domain)) < 0.6
        expected = correct.reshape(40, 6, dims_per_domain).sum(axis=2) / dims_per_domain
        np.testing.assert_array_equal(domain_knowledge(correct, 6), expected)


def test_belief_diversity_matches_counting_each_value():
    rng = np.random.default_rng(1)
    for n, p_zero in ((1, 0.3), (50, 0.0), (90, 0.5), (90, 1.0)):
        beliefs = rng.choice(
            np.array([-1, 0, 1], np.int8), (n, 30), p=[(1 - p_zero) / 2, p_zero, (1 - p_zero) / 2]
        )
        shares = [(beliefs == v).mean(axis=0) for v in (-1, 0, 1)]
        gini = 1.0 - sum(s * s for s in shares)
        assert belief_diversity(beliefs) == pytest.approx(gini.mean() * 1.5, abs=1e-12)
    assert belief_diversity(np.ones((10, 30), np.int8)) == 0.0


def test_willingness_by_type_terms_equals_the_nested_choice():
    model = SalesOrgModel(rng=2, share_free_riders=0.3, share_conditional_cooperators=0.4)
    people = model.people
    for _ in range(5):
        model.step()
        update_willingness(people, model.structure, model.params)
        expected = np.where(
            people.type == COOPERATOR,
            1.0,
            np.where(people.type == CONDITIONAL, people.goodwill, model.params["peer_sanctions"]),
        )
        np.testing.assert_array_equal(people.willingness, expected)


def test_turbulence_flips_each_dimension_independently_at_its_rate():
    from salesorg.model.learning import turbulence
    from scipy import stats

    rng = np.random.default_rng(3)
    reality = np.ones(30, np.int8)
    weeks, rate = 4000, 0.05
    flips_per_dimension = np.zeros(30)
    flips_per_week = np.zeros(weeks)
    for week in range(weeks):
        before = reality.copy()
        turbulence(reality, rate, rng)
        flipped = reality != before
        flips_per_dimension += flipped
        flips_per_week[week] = flipped.sum()
    # every dimension flips at the rate; a week's flips are Binomial(30, rate)
    assert stats.chisquare(flips_per_dimension).pvalue > 0.001
    assert flips_per_dimension.sum() / (30 * weeks) == pytest.approx(rate, rel=0.05)
    assert flips_per_week.var() == pytest.approx(30 * rate * (1 - rate), rel=0.1)
    assert set(np.unique(reality)) <= {-1, 1}
