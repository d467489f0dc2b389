"""Reorganization mid-run: the same people move to another design at ``reorganize_at``."""

import numpy as np
import pytest
from salesorg.model import SalesOrgModel
from salesorg.model.organization import build_structure
from salesorg.model.parameters import ParameterError
from salesorg.model.reorganization import merge_playbooks, merge_playbooks_reference

SHORT = {"burn_in_weeks": 26, "employees": 45}


def step(model, weeks):
    for _ in range(weeks):
        model.step()
    return model


def snapshot(model):
    p = model.people
    arrays = (p.beliefs, p.type, p.cooperativeness, p.tenure, p.skill, p.morale, p.goodwill)
    return [a.copy() for a in arrays]


@pytest.mark.parametrize(("start", "to"), [("the_model", "pods"), ("pods", "the_model"),
                                           ("functional", "pods")])  # fmt: skip
def test_the_switch_keeps_people_and_work_and_builds_the_new_design(start, to):
    model = step(SalesOrgModel(rng=4, design=start, reorganize_at=9, reorganize_to=to, **SHORT), 8)
    people, leads, customers = snapshot(model), model.pipeline.leads, model.customers
    stages, codes = np.bincount(leads.stage, minlength=3), np.sort(leads.code)
    accounts = (np.sort(customers.acv), np.sort(customers.satisfaction))
    model.reorganize(to)  # what week 9 does first
    # the same people, unchanged
    for before, after in zip(people, snapshot(model), strict=True):
        np.testing.assert_array_equal(before, after)
    assert len(model.employees) == model.structure.size == 45
    # every lead, deal and customer accounted for, with its traits
    leads = model.pipeline.leads
    np.testing.assert_array_equal(np.bincount(leads.stage, minlength=3), stages)
    np.testing.assert_array_equal(np.sort(leads.code), codes)
    assert model.pipeline.accounted()
    np.testing.assert_array_equal(np.sort(model.customers.acv), accounts[0])
    np.testing.assert_array_equal(np.sort(model.customers.satisfaction), accounts[1])
    # the new units, queues and seats are those of the new design
    fresh = build_structure(to, 45, model.params["pod_composition"])
    for name in ("role", "unit", "queue", "unit_sizes"):
        np.testing.assert_array_equal(getattr(model.structure, name), getattr(fresh, name))
    assert model.codes.shape[0] == fresh.n_units
    nq = fresh.n_queues
    assert leads.queue.max(initial=0) < nq and model.customers.queue.max() < nq
    active = leads.stage == 2
    np.testing.assert_array_equal(leads.queue[active], fresh.queue[leads.ae[active]])
    positions = {tuple(agent.cell.coordinate) for agent in model.employees}
    assert len(positions) == 45
    # and the run goes on in the new design
    step(model, 10)
    assert model.pipeline.accounted() and model.structure.design == to


def test_the_switch_happens_at_the_given_week():
    model = step(SalesOrgModel(rng=2, reorganize_at=5, reorganize_to="pods", **SHORT), 4)
    assert model.structure.design == "the_model"
    model.step()
    assert model.structure.design == "pods" and model.week == 5
    same = step(SalesOrgModel(rng=2, **SHORT), 4)  # before the switch: the very same run
    reorganizing = step(SalesOrgModel(rng=2, reorganize_at=5, reorganize_to="pods", **SHORT), 4)
    np.testing.assert_array_equal(same.people.beliefs, reorganizing.people.beliefs)


def test_there_and_back_returns_the_original_structure():
    model = SalesOrgModel(rng=1, **SHORT)
    original = model.structure
    seats, plan = model.positions.copy(), model.learning.plan
    model.reorganize("pods")
    assert model.structure.n_units == 5
    # pods review inside each pod: every loop's briefers sit in the receiver's pod
    feedback, unit = model.learning.plan.debriefs, model.structure.unit
    assert (unit[feedback.pool] == unit[feedback.receivers[0]]).sum() > 0
    assert (unit[feedback.pool[feedback.pool_start]] == unit[feedback.receivers]).all()
    model.reorganize("the_model")
    for name in ("role", "pod", "unit", "queue", "unit_order", "unit_starts", "unit_sizes"):
        np.testing.assert_array_equal(getattr(model.structure, name), getattr(original, name))
    np.testing.assert_array_equal(model.positions, seats)  # by_unit seating is deterministic
    for name in ("receivers", "lookup", "start", "size"):
        np.testing.assert_array_equal(getattr(model.learning.plan, name), getattr(plan, name))
    assert (model.customers.queue == 0).all() and model.pipeline.accounted()


def test_playbooks_merge_by_majority_of_the_members_former_codes():
    rng = np.random.default_rng(0)
    codes = rng.integers(-1, 2, (6, 30)).astype(np.int8)
    old_unit = np.tile(np.arange(6), 5)
    new_unit = np.repeat(np.arange(5), 6)
    merged = merge_playbooks(codes, old_unit, new_unit, 5)
    np.testing.assert_array_equal(merged, merge_playbooks_reference(codes, old_unit, new_unit, 5))
    # one department per role into pods of one of each: every pod gets the same merged code
    assert (merged == merged[0]).all()
    np.testing.assert_array_equal(merged[0], np.sign(codes.astype(int).sum(axis=0)))
    # ten pods' codes into one department: the majority of the pods' codes
    back = merge_playbooks(merged, new_unit, np.zeros(30, int), 1)
    np.testing.assert_array_equal(back[0], merged[0])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"reorganize_at": 10}, "'reorganize_at' = 10 needs 'reorganize_to'"),
        ({"reorganize_to": "pods"}, "'reorganize_to' = 'pods' needs 'reorganize_at'"),
        ({"reorganize_at": 10, "reorganize_to": "the_model"}, "design the run starts with"),
        ({"reorganize_at": 0, "reorganize_to": "pods"}, "'reorganize_at' = 0 is out of range"),
        ({"reorganize_at": 10, "reorganize_to": "matrix"}, "'reorganize_to' = 'matrix'"),
    ],
)
def test_reorganization_inputs_are_validated(params, message):
    with pytest.raises(ParameterError, match=message):
        SalesOrgModel(**params)


def test_an_experiment_cannot_reorganize_after_its_last_week():
    from salesorg.experiments.spec import SpecError, spec_from_dict

    data = {
        "description": "x", "replications": 1, "steps": 20, "master_seed": 1,
        "fixed": {"reorganize_to": "pods"}, "factors": {"reorganize_at": [10, 30]},
    }  # fmt: skip
    with pytest.raises(SpecError, match=r"factors.reorganize_at\[1\].*after the run's last week"):
        spec_from_dict(data, name="x")
    data["factors"]["reorganize_at"] = [10, 20]
    assert spec_from_dict(data, name="x").factors["reorganize_at"] == (10, 20)
