"""Interdependent knowledge (interdependence): the dependency map, what counts, what work
teaches, the neutral value and the lever (docs/ODD.md section "Interdependent knowledge")."""

import numpy as np
import pytest
from salesorg.analysis.power import assert_paired_effect
from salesorg.model import SalesOrgModel
from salesorg.model.interdependence import (
    dependency_map,
    effective,
    teachable,
    teachable_reference,
)
from salesorg.model.parameters import ParameterError
from salesorg.model.validation import validate_parameters

#: Start cold (no burn-in), as the numbers in these docstrings were measured.
COLD = {"burn_in_weeks": 0}


def test_invalid_interdependence_names_field_value_and_what_is_allowed():
    with pytest.raises(ParameterError, match="'interdependence' = 30 exceeds the 29 other"):
        validate_parameters({"interdependence": 30})
    with pytest.raises(ParameterError, match="'interdependence' = -1 is out of range"):
        validate_parameters({"interdependence": -1})
    with pytest.raises(ParameterError, match=r"'interdependence' = 1\.5 has type float"):
        validate_parameters({"interdependence": 1.5})
    assert validate_parameters({"interdependence": 29})["interdependence"] == 29


def test_dependency_map_has_k_distinct_other_dimensions_per_dimension():
    depends = dependency_map(30, 4, np.random.default_rng(1))
    assert depends.shape == (30, 4)
    assert all(len(set(row)) == 4 and d not in row for d, row in enumerate(depends.tolist()))
    # drawn uniformly over the others: every dimension is depended on about 4 times
    counts = np.bincount(dependency_map(30, 4, np.random.default_rng(2)).ravel(), minlength=30)
    assert counts.sum() == 120 and counts.max() < 15


def test_a_right_belief_counts_only_with_its_dependencies_right():
    correct = np.array([[True, True, False, True], [True, True, True, True]])
    depends = np.array([[1], [2], [3], [0]])  # 0 needs 1, 1 needs 2, 2 needs 3, 3 needs 0
    assert effective(correct, depends).tolist() == [
        [True, False, False, True],
        [True, True, True, True],
    ]
    assert (effective(correct, np.zeros((4, 0), np.intp)) == correct).all()  # K = 0: as is


def test_work_teaches_a_dimension_only_where_its_dependencies_are_believed_right():
    beliefs = np.array([[1, -1, 1], [1, 1, 0]], dtype=np.int8)
    realities = np.array([[1, 1, 1]], dtype=np.int8)
    depends = np.array([[1], [2], [0]])
    cells = np.arange(6)  # every (person, dimension)
    keep = teachable(beliefs, realities, np.zeros(6, np.intp), cells, depends)
    # person 0: dim 0 needs dim 1 (wrong), dim 1 needs dim 2 (right), dim 2 needs dim 0 (right)
    # person 1: dim 0 needs 1 (right), dim 1 needs 2 (unknown), dim 2 needs 0 (right)
    assert keep.tolist() == [False, True, True, True, False, True]


@pytest.mark.parametrize("k", (0, 1, 4))
def test_teachable_kernel_equals_its_numpy_reference(k):
    """The compiled loop and the numpy code it replaced agree cell for cell (a cell listed twice
    included), over several territories and dependency counts."""
    rng = np.random.default_rng(k)
    beliefs = rng.integers(-1, 2, (20, 12)).astype(np.int8)
    realities = rng.choice(np.array([-1, 1], np.int8), (3, 12))
    depends = dependency_map(12, k, rng)
    cells = rng.integers(0, beliefs.size, 300)
    territory = rng.integers(0, 3, 300)
    keep = teachable(beliefs, realities, territory, cells, depends)
    expected = teachable_reference(beliefs, realities, territory, cells, depends)
    np.testing.assert_array_equal(keep, expected)
    assert 0 < keep.sum() <= 300


@pytest.mark.parametrize("design", ("the_model", "pods"))
def test_no_dependencies_through_the_interdependence_code_give_todays_bits(design):
    """interdependence = 0 skips the mechanism; forcing its code with an empty dependency map
    (every dimension depends on nothing) changes no bit of any outcome."""
    plain = SalesOrgModel(**COLD, rng=3, design=design)
    forced = SalesOrgModel(**COLD, rng=3, design=design)
    forced.depends = np.zeros((forced.reality.size, 0), np.intp)
    forced._territorial = True
    for _ in range(40):
        plain.step()
        forced.step()
    a, b = plain.metrics, forced.metrics
    skip = ("territory_knowledge", "belief_accuracy")
    np.testing.assert_equal(  # bit for bit, NaN equal to NaN
        {k: v for k, v in a.items() if k not in skip}, {k: v for k, v in b.items() if k not in skip}
    )
    assert b["belief_accuracy"] == pytest.approx(a["knowledge"], abs=1e-12)


def test_interdependence_lowers_knowledge_that_counts_and_bookings():
    """Lever, paired seeds (the_model, 52 weeks from a cold start, seeds 0-3): interdependence
    = 2 against 0.
    Measured when written: knowledge (week 52) falls by 0.40 (per-seed sd 0.023, n 4);
    bookings over the year by 6.8 M$ (sd 1.5, n 4; analysis.power.seeds_needed asks 3 and
    4). A right belief counts only with its two dependencies
    right, and a random belief is right with chance 1/3, so what counts falls steeply; the
    count of right beliefs (belief_accuracy) falls much less (by 0.04, sd 0.03)."""
    knowledge, bookings, accuracy = {}, {}, {}
    for k in (0, 2):
        for seed in range(4):
            m = SalesOrgModel(**COLD, rng=seed, design="the_model", interdependence=k)
            total = 0.0
            for _ in range(52):
                m.step()
                total += m.metrics["bookings"]
            knowledge[k, seed] = m.metrics["knowledge"]
            accuracy[k, seed] = m.metrics["belief_accuracy"]
            bookings[k, seed] = total / 1e6
    pair = lambda d, k: np.array([d[k, s] for s in range(4)])  # noqa: E731
    assert_paired_effect(pair(knowledge, 2), pair(knowledge, 0), effect=0.40, sd=0.023,
                         direction=-1, label="knowledge")  # fmt: skip
    assert_paired_effect(pair(bookings, 2), pair(bookings, 0), effect=6.8, sd=1.5,
                         direction=-1, label="bookings")  # fmt: skip
    lost_accuracy = pair(accuracy, 0) - pair(accuracy, 2)
    assert (lost_accuracy < pair(knowledge, 0) - pair(knowledge, 2)).all()
