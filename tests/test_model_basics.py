"""SalesOrgModel: construction, determinism, bookkeeping invariants and the Mesa face."""

import numpy as np
import pandas as pd
import pytest
from salesorg.agents import Employee
from salesorg.model import METRICS, PARAMETERS, SalesOrgModel
from salesorg.model.pipeline import ACTIVE

from salesorg.tools.docs import PARAMETERS_FILE, render


def run(steps=30, **params):
    model = SalesOrgModel(**params)
    for _ in range(steps):
        model.step()
    return model


def frame(model):
    return model.datacollector.get_model_vars_dataframe()


@pytest.mark.parametrize("design", ["functional", "the_model", "pods"])
def test_same_seed_gives_identical_frames(design):
    a, b = run(rng=7, design=design), run(rng=7, design=design)
    pd.testing.assert_frame_equal(frame(a), frame(b))


def test_different_seeds_differ():
    a, b = run(rng=1), run(rng=2)
    assert not frame(a)["bookings"].equals(frame(b)["bookings"])


def test_collector_has_every_metric_each_step():
    model = run(steps=5)
    df = frame(model)
    assert list(df.columns) == list(METRICS)
    assert len(df) == 6  # the initial state plus five weeks


@pytest.mark.parametrize("design", ["functional", "the_model", "pods"])
def test_every_lead_accounted_and_nothing_negative(design):
    model = SalesOrgModel(rng=3, design=design)
    initial = len(model.customers)
    for _ in range(80):
        model.step()
        pipeline, customers = model.pipeline, model.customers
        assert pipeline.accounted()
        assert (pipeline.leads.stage <= ACTIVE).all()
        assert (customers.acv > 0).all()
        assert customers.arr >= 0 and model.metrics["bookings"] >= 0
        assert len(customers) == initial + customers.acquired - customers.churned
    assert pipeline.closed.sum() > 0 and len(customers) > 0


@pytest.mark.parametrize("burn_in_weeks", [0, 30])
def test_customers_are_conserved(burn_in_weeks):
    model = SalesOrgModel(rng=4, burn_in_weeks=burn_in_weeks)
    customers = model.customers
    # counted from week 0: the seeded base (cold) or the base the burn-in left (warm)
    initial = len(customers)
    if not burn_in_weeks:
        assert initial == round(PARAMETERS["initial_customers"].default)
    for _ in range(60):
        model.step()
    assert len(customers) == initial + customers.acquired - customers.churned


def test_metrics_stay_in_their_ranges():
    df = frame(run(rng=5, steps=60))
    for name in ["win_rate", "lead_to_qualified", "churn_annual", "knowledge", "cooperation",
                 "effort", "morale", "belief_diversity", "cross_functional_knowledge"]:  # fmt: skip
        values = df[name].dropna()
        assert ((values >= 0) & (values <= 1)).all(), name


def test_employees_are_cell_agents_on_unique_seats():
    model = SalesOrgModel(rng=1, employees=45)
    agents = list(model.agents.select(agent_type=Employee))
    assert len(agents) == 45
    assert len({a.cell.coordinate for a in agents}) == 45
    first = agents[0]
    assert first.role == "marketer" and first.unit == 0
    np.testing.assert_array_equal(first.beliefs, model.people.beliefs[first.index])
    assert 0 <= first.knowledge <= 1 and "Marketer(" in repr(first)


def test_the_floor_is_built_with_the_cyclic_collector_paused_and_restored(monkeypatch):
    import gc

    import salesorg.model.model as model_module

    seen = []
    create = model_module.create_employees

    def watching(model, role):
        seen.append(gc.isenabled())
        return create(model, role)

    monkeypatch.setattr(model_module, "create_employees", watching)
    assert gc.isenabled()
    SalesOrgModel(rng=1, employees=18, burn_in_weeks=0)
    assert seen == [False] and gc.isenabled()
    gc.disable()  # a caller's own choice is kept
    try:
        SalesOrgModel(rng=1, employees=18, burn_in_weeks=0)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), model_module.cyclic_collection_paused():
        raise RuntimeError  # restored on an error too
    assert gc.isenabled()


def test_agent_level_collection_only_when_asked():
    model = run(rng=1, steps=2, employees=18, collect_agents=True)
    agents = model.datacollector.get_agent_vars_dataframe()
    assert len(agents) == 3 * 18 and {"role", "knowledge", "effort"} <= set(agents.columns)
    assert run(rng=1, steps=2, employees=18).datacollector.agent_reporters == {}


def test_reporters_have_no_side_effects():
    model = run(rng=2, steps=10)
    state = (model.people.beliefs.copy(), model.rng.bit_generator.state)
    for reporter in model.datacollector.model_reporters.values():
        reporter(model)
    np.testing.assert_array_equal(state[0], model.people.beliefs)
    assert state[1] == model.rng.bit_generator.state


def test_parameters_doc_is_current():
    assert PARAMETERS_FILE.read_text() == render(), "run `python -m salesorg.tools.docs`"


def test_repr_is_useful():
    model = SalesOrgModel(rng=1)
    assert "design='the_model'" in repr(model) and "employees=90" in repr(model)
    assert "Structure(" in repr(model.structure) and "Pipeline(" in repr(model.pipeline)


def test_runs_under_mesa_batch_run():
    import mesa

    results = mesa.batch_run(
        SalesOrgModel,
        parameters={"design": ["pods", "functional"], "employees": 18},
        rng=[1, 2],
        max_steps=3,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    assert len(results) == 4 and {"bookings", "knowledge", "design"} <= set(results[0])


def test_designs_share_common_random_numbers():
    """Same seed: the same people, traits, beliefs, market and installed base in every design
    at the cold start (a burn-in then runs each design its own way)."""
    a = SalesOrgModel(rng=9, design="functional", burn_in_weeks=0)
    b = SalesOrgModel(rng=9, design="pods", burn_in_weeks=0)
    np.testing.assert_array_equal(a.people.beliefs, b.people.beliefs)
    np.testing.assert_array_equal(a.people.type, b.people.type)
    np.testing.assert_array_equal(a.reality, b.reality)
    np.testing.assert_array_equal(a.customers.acv, b.customers.acv)
    assert not np.array_equal(a.structure.unit, b.structure.unit)


def test_knowledge_table_by_role_and_domain_matches_the_metrics():
    model = run(rng=3, steps=10)
    table = model.knowledge_by_role_and_domain()
    assert table.shape == (6, 5) and table.index[0] == "marketer"
    people = model.structure.role == 0
    np.testing.assert_allclose(table.iloc[0], model.domain_knowledge[people].mean(axis=0))
    counts = np.bincount(model.structure.role)
    overall = (table.to_numpy() * counts[:, None]).sum(axis=0) / counts.sum()
    np.testing.assert_allclose(overall, [model.metrics[f"knowledge_{d}"] for d in table.columns])
