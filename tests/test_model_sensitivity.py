"""Every lever moves what it should, at its default and at another point of its range.

The cases live in ``tests/levers.py``: parameter, points (the default among them), metric, weeks,
settings, direction. Each step between consecutive points is a paired comparison on seeds
0..n-1 (common random numbers), checked with :func:`analysis.power.assert_paired_effect`: the
mean paired difference must clear the one-sided 5% threshold of a paired t test.

The stated effect and per-seed sd of each step are in ``tests/lever_effects.json``, measured by
``python -m salesorg.benchmarks.measure_levers`` on other seeds (100000 on). ``n`` is computed
from them so that a true effect of the measured size fails less than 0.1% of the time and no
effect passes at most 5%. A failure message gives the observed effect, sd, n and threshold next to
the stated ones.
"""

import ast
import re
from pathlib import Path

import numpy as np
import pytest
from levers import FACTS, LEVERS, outcomes, stated_effects
from salesorg.analysis.power import assert_paired_effect, seeds_needed
from salesorg.model import PARAMETERS, SalesOrgModel

STATED = stated_effects()
TESTS = Path(__file__).parent

#: Inputs with no direction test, and why.
STRUCTURAL: dict[str, str] = {
    "dimensions_per_domain": (
        "sets the resolution of the belief space (dimensions per domain); knowledge is a share "
        "of dimensions and shows no direction (3 -> 6: +0.009 +- 0.028, 6 -> 12: +0.008 +- "
        "0.027 in 26 weeks, 12 paired seeds); its shape is checked by "
        "test_dimensions_per_domain_sets_the_belief_space"
    ),
}


#: Inputs whose direction is shown by a named test elsewhere (checked to exist).
NAMED: dict[str, str] = {
    "rivalry": "test_rivalry_under_individual_pay_starves_the_departments_learning",
    "sanction_visibility": "test_sanctions_that_need_to_be_seen_hold_up_less_cooperation",
    "burn_in_weeks": "test_warm_start_begins_calibrated",
    "reorganize_at": "test_the_switch_happens_at_the_given_week",
    "reorganize_to": "test_the_switch_keeps_people_and_work_and_builds_the_new_design",
    "selling": "test_an_organization_that_does_not_sell_still_learns",
    "performance_weights": "test_equal_performance_weights_make_performance_the_share_known",
    # tests/test_territories.py and tests/test_interdependence.py
    "territory_correlation": "test_separate_territories_cost_the_assembly_line_more_than_pods",
    "ae_territories": "test_work_teaches_the_reality_of_the_worked_accounts_territory",
    "interdependence": "test_interdependence_lowers_knowledge_that_counts_and_bookings",
    # tests/test_model_handoffs.py
    "handoff_loss": "test_losing_context_at_handoffs_lowers_win_rate_and_satisfaction",
    # tests/test_model_constants.py
    "installed_base_fit": "test_a_fitter_installed_base_holds_every_good_fit_of_a_less_fit_one",
}


#: Lever cases whose steps are too weak (or too costly) to test on an affordable number of seeds
#: yet, with what was measured: they run as skips (listed by pytest -ra) until re-specified.
PENDING: dict[str, str] = {}


def planned(step: dict) -> tuple[float, float, int]:
    """Measured effect, sd, and the seeds they need."""
    if step["effect"] <= 0:
        raise AssertionError(f"measured step {step} is not positive: fix the case")
    if step["n"] is None:
        raise AssertionError(
            f"measured step {step} is too weak or too costly to test: fix the case"
        )
    return step["effect"], step["sd"], seeds_needed(step["effect"], step["sd"])


@pytest.mark.parametrize("lever", LEVERS, ids=[lever.id for lever in LEVERS])
def test_raising_a_parameter_moves_its_metric(lever):
    if lever.id in PENDING:
        pytest.skip(f"not yet powered: {PENDING[lever.id]}")
    stated = STATED[lever.id]
    measured_as = (stated["metric"], stated["weeks"], [step["from"] for step in stated["steps"]])
    assert measured_as == (lever.metric, lever.weeks, [repr(low) for low, _ in lever.steps()]), (
        f"{lever.id}: the case changed since it was measured; run benchmarks.measure_levers"
    )
    plans = [planned(step) for step in stated["steps"]]
    n = max(plan[2] for plan in plans)
    values = outcomes(lever, range(n))
    for k, ((low, high), (effect, sd, _)) in enumerate(zip(lever.steps(), plans, strict=True)):
        assert_paired_effect(
            values[k + 1],
            values[k],
            effect=effect,
            sd=sd,
            direction=lever.direction,
            label=f"{lever.name} {low!r} -> {high!r} on {lever.metric}",
        )


def test_every_lever_includes_the_default_among_its_points():
    for lever in LEVERS:
        if lever.name == "design" or lever.name in ("seating", "incentive", "pod_composition"):
            continue  # categories: their default need not sit between two others
        assert PARAMETERS[lever.name].default in lever.points, lever.id


def test_an_organization_that_does_not_sell_still_learns():
    model = SalesOrgModel(rng=2, selling=False, initial_customers=300, burn_in_weeks=0)
    for _ in range(10):
        model.step()
    assert len(model.customers) == 0
    assert model.metrics["bookings"] == 0 and model.metrics["leads"] == 0
    assert model.codes.any()  # the playbooks learned


def test_equal_performance_weights_make_performance_the_share_known():
    model = SalesOrgModel(rng=3, performance_weights="equal", burn_in_weeks=0)
    model.step()
    known = model.correct.mean(axis=1)
    np.testing.assert_allclose(model.performance, known, rtol=1e-12)
    by_role = SalesOrgModel(rng=3, burn_in_weeks=0)
    by_role.step()
    assert not np.allclose(by_role.performance, by_role.correct.mean(axis=1))


def test_every_parameter_has_a_direction_test():
    """Each input has a lever case (or a stated structural reason), and no case names an input
    the table does not have."""
    levers = {lever.name.split(".")[0] for lever in LEVERS}  # a table's entry: the table
    assert set(PARAMETERS.names()) == levers | set(STRUCTURAL) | set(NAMED)
    assert not levers & (set(STRUCTURAL) | set(NAMED))
    missing = set(NAMED.values()) - defined_tests()
    assert not missing, f"named tests that do not exist: {missing}"
    assert set(STATED) | set(PENDING) >= {lever.id for lever in LEVERS}
    assert set(PENDING) <= {lever.id for lever in LEVERS}


def defined_tests() -> set[str]:
    """Names of the test functions actually defined in tests/test_*.py (read, not imported)."""
    names = set()
    for path in TESTS.glob("test_*.py"):
        tree = ast.parse(path.read_text())
        names |= {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        }
    return names


def test_tests_named_in_the_docs_exist():
    """docs/ODD.md points readers at tests by name; each must exist (a lever case by its id)."""
    text = (TESTS.parent / "docs" / "ODD.md").read_text()
    defined = defined_tests()
    ids = {lever.id for lever in LEVERS} | {fact.id for fact in FACTS}
    named = re.findall(r"`(test_[a-z0-9_]+)(?:\[([a-z0-9_-]+)\])?`", text)
    assert named
    for name, case in named:
        assert name in defined, name
        assert not case or case in ids, f"{name}[{case}]"


def test_the_docs_check_finds_a_missing_test():
    assert "test_raising_a_parameter_moves_its_metric" in defined_tests()
    assert "test_that_does_not_exist" not in defined_tests()
