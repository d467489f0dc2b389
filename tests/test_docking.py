"""SalesOrgModel in March's limit docks to the March engine (Axtell et al. 1996)."""

import numpy as np
import pandas as pd
import pytest
from salesorg.model import PARAMETERS, SalesOrgModel
from salesorg.model.docking import at_equilibrium, code_knowledge, march_limit, run_to_equilibrium
from salesorg.model.march.engine import run_to_equilibrium as engine_run

from salesorg.cli import main

#: Cells that reach equilibrium within about 30 weeks (the p1 = 0.1 cells take about 110).
CELLS = ((0.5, 0.1), (0.9, 0.5), (0.9, 0.9))
REPLICATIONS, ENGINE_REPLICATIONS = 40, 1000


def test_march_limit_is_one_unit_of_50_of_one_role_and_the_switches_are_neutral_by_default():
    model = SalesOrgModel(rng=0, **march_limit(0.3, 0.7))
    s = model.structure
    assert s.size == 50 and s.n_units == 1 and len(set(s.role.tolist())) == 1
    assert model.codes.shape == (1, 30) and len(model.customers) == 0
    assert (model.people.cooperation == 1.0).all()
    assert PARAMETERS["selling"].default is True
    assert PARAMETERS["performance_weights"].default == "by_role"
    model.step()
    assert model.metrics["bookings"] == 0 and model.flow["leavers"] == 0


def test_a_replication_stops_at_march_equilibrium():
    knowledge, weeks = run_to_equilibrium(0.9, 0.9, np.random.default_rng(4))
    assert 0 < weeks < 100 and -1 <= knowledge <= 1
    model = SalesOrgModel(rng=np.random.default_rng(4), **march_limit(0.9, 0.9))
    for _ in range(weeks):
        model.step()
    assert at_equilibrium(model) and code_knowledge(model) == knowledge
    codes, beliefs = model.codes.copy(), model.people.beliefs.copy()
    for _ in range(5):  # nothing changes any more
        model.step()
    assert (model.codes == codes).all() and (model.people.beliefs == beliefs).all()


@pytest.mark.parametrize("p1, p2", CELLS)
def test_sales_model_in_march_limit_matches_the_engine(p1, p2):
    """Same distribution of equilibrium knowledge: the means differ by less than four standard
    errors of their difference (per replication the sd is about 0.1, so about 0.07 here)."""
    seeds = np.random.SeedSequence(1991).spawn(REPLICATIONS)
    ours = np.array([run_to_equilibrium(p1, p2, np.random.default_rng(s))[0] for s in seeds])
    engine, _ = engine_run(np.random.default_rng(1991), np.full(ENGINE_REPLICATIONS, p1), p2)
    se = np.sqrt(ours.var(ddof=1) / ours.size + engine.var(ddof=1) / engine.size)
    assert abs(ours.mean() - engine.mean()) < 4 * se


def test_validate_docking_writes_both_tables_and_prints_them(tmp_path, capsys):
    code = main(["validate", "docking", "--replications", "2", "--out", str(tmp_path)])
    for name in ("docking_fig1", "march1991_fig1"):
        table = pd.read_csv(tmp_path / f"{name}.csv")
        assert list(table.columns) == ["p1", "p2", "mean", "sd", "n"]
        assert len(table) == 27 and (table.n == 2).all()
    out = capsys.readouterr().out
    assert "max |salesorg - engine|" in out and "published" in out
    assert code == (0 if ": docked;" in out else 1)
