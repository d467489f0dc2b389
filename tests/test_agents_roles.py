"""Role subclasses of Employee: Mesa's ``agents_by_type`` works, state still comes from the rows."""

from __future__ import annotations

import numpy as np
from salesorg.agents import AE, CSM, ROLE_CLASSES, SDR, SE, Employee, Marketer, Support
from salesorg.model import SalesOrgModel
from salesorg.model.knowledge import ROLES


def test_one_class_per_role_of_the_model():
    assert set(ROLE_CLASSES) == set(ROLES)
    assert {Marketer, SDR, AE, SE, CSM, Support} == set(ROLE_CLASSES.values())
    assert all(issubclass(cls, Employee) for cls in ROLE_CLASSES.values())


def test_agents_by_type_holds_each_role_and_reads_the_rows():
    model = SalesOrgModel(rng=3, employees=45, burn_in_weeks=0)
    role = model.structure.role
    for r, name in enumerate(ROLES):
        cls = ROLE_CLASSES[name]
        people = model.agents_by_type.get(cls, [])
        assert sorted(a.index for a in people) == np.flatnonzero(role == r).tolist()
        assert all(a.role == name for a in people)
    ae = next(iter(model.agents_by_type[AE]))
    assert ae.effort == model.people.effort[ae.index]
    # the model's employees stay in row order, whatever order the roles were created in
    assert [a.index for a in model.employees] == list(range(45))


def test_a_new_hire_keeps_the_seat_and_its_role_class():
    model = SalesOrgModel(rng=3, employees=45, attrition_annual=0.9, burn_in_weeks=0)
    before = {a.index: type(a) for a in model.employees}
    hires = model.people.hire_id.copy()
    for _ in range(20):
        model.step()
    assert (model.people.hire_id != hires).any()  # someone left and was replaced
    assert {a.index: type(a) for a in model.employees} == before


def test_agents_are_not_stepped_one_by_one():
    """The model's step() acts on everyone's rows; employees keep Mesa's empty ``step``."""
    import mesa

    from salesorg import agents

    for cls in (Employee, *ROLE_CLASSES.values()):
        assert cls.step is mesa.Agent.step
    assert 'shuffle_do("step")' in agents.__doc__ and "whole population" in agents.__doc__
