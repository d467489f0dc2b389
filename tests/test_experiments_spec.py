"""Experiment files are validated before any run, and expand to the scenarios and seeds they say."""

import numpy as np
import pytest
from salesorg.experiments.sampling import resolve_scenarios, scenario_values
from salesorg.experiments.seeds import replication_seed
from salesorg.experiments.spec import SpecError, load_spec
from salesorg.experiments.sweep import plan_runs

BASE = """description = "test sweep"
model = "march1991"
replications = 3
steps = 10
master_seed = 11
"""


def write(tmp_path, body, name="exp.toml"):
    path = tmp_path / name
    path.write_text(BASE + body)
    return path


def error_of(tmp_path, body):
    path = write(tmp_path, body)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    return str(info.value), str(path)


@pytest.mark.parametrize(
    ("body", "field", "allowed"),
    [
        ("colect_every = 2\n", "colect_every", "collect_every"),
        ("[fixed]\np1 = 1.5\n", "fixed.p1", "in [0.0, 1.0]"),
        ("[fixed]\nbogus = 1\n", "fixed.bogus", "valid names are: fast_learners, m, n, p1"),
        ("[factors]\np2 = [0.1, 2.0]\n", "factors.p2[1]", "in [0.0, 1.0]"),
        ("[factors]\nheadcount = [1, 2]\n", "factors.headcount", "valid names are"),
        ("[factors]\np1 = { low = 0.2, high = 0.1, num = 3 }\n", "factors.p1", "below high"),
        ("[factors]\np1 = { low = 0.0, high = 1.0 }\n", "factors.p1.num", "needs num"),
        ("[factors]\np1 = { low = 0.0, hi = 1.0 }\n", "factors.p1.hi", "low, high"),
        ("[fixed]\np1 = 0.3\n[factors]\np1 = [0.1]\n", "factors.p1", "either fixed or varied"),
        ('metrics = ["knowledge"]\n', "metrics[0]", "available: code_knowledge"),
        ('sampler = "sobol"\nsamples = 12\n[factors]\np1 = {}\n', "samples", "8 or 16"),
        ('sampler = "latin"\n', "sampler", "grid, lhs, sobol, list"),
        ("[factors]\nn = [10, 10]\n", "factors.n", "repeat a value"),
        ("[[scenarios]]\np9 = 1\n", "scenarios[0].p9", "valid names are"),
        ("collect_every = 11\n", "collect_every", "integer in [1, 10]"),
    ],
)
def test_invalid_files_give_one_clear_error(tmp_path, body, field, allowed):
    message, path = error_of(tmp_path, body)
    assert message.startswith(f"{path}: {field}: "), message
    assert allowed in message, message


def test_unknown_model_and_missing_or_mistyped_fields(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(BASE.replace('"march1991"', '"mach"'))
    with pytest.raises(SpecError, match=r"bad.toml: model: unknown model 'mach'; expected one"):
        load_spec(path)
    path.write_text('description = "x"\nsteps = 5\nmaster_seed = 1\n')
    with pytest.raises(SpecError, match=r"bad.toml: replications: missing"):
        load_spec(path)
    path.write_text(BASE.replace("steps = 10", "steps = true"))
    with pytest.raises(SpecError, match=r"bad.toml: steps: True is not allowed; expected an int"):
        load_spec(path)
    path.write_text(BASE + "[fixed\n")
    with pytest.raises(SpecError, match=r"bad.toml: not valid TOML"):
        load_spec(path)


def test_cross_parameter_rules_are_checked_before_any_run(tmp_path):
    spec = load_spec(write(tmp_path, "[fixed]\nn = 5\n[factors]\nfast_learners = [2, 9]\n"))
    with pytest.raises(SpecError, match=r"exp.toml: scenario 1 \{'fast_learners': 9\}: .*n = 5"):
        plan_runs(spec)


def test_unknown_shipped_name_lists_the_shipped_ones():
    with pytest.raises(FileNotFoundError, match=r"shipped experiments are: .*march_learning"):
        load_spec("no_such_experiment")


def test_grid_is_the_full_factorial_in_file_order(tmp_path):
    spec = load_spec(
        write(
            tmp_path,
            "[factors]\np1 = [0.1, 0.9]\np2 = { low = 0.1, high = 0.5, num = 3 }\n"
            "m = { low = 4, high = 6 }\n",
        )
    )
    values = scenario_values(spec)
    assert len(values) == 2 * 3 * 3
    assert values[0] == {"p1": 0.1, "p2": 0.1, "m": 4}
    assert values[1] == {"p1": 0.1, "p2": 0.1, "m": 5}
    assert values[-1] == {"p1": 0.9, "p2": 0.5, "m": 6}
    assert spec.factor_names() == ["p1", "p2", "m"]


@pytest.mark.parametrize("sampler", ["lhs", "sobol"])
def test_quasi_random_samples_stay_in_range_and_are_reproducible(tmp_path, sampler):
    body = (
        f'sampler = "{sampler}"\nsamples = 16\n[factors]\n'
        "p1 = { low = 0.2, high = 0.4 }\nm = { low = 3, high = 5 }\nn = [10, 20]\n"
    )
    first = scenario_values(load_spec(write(tmp_path, body)))
    again = scenario_values(load_spec(write(tmp_path, body, "again.toml")))
    assert first == again and len(first) == 16
    p1 = np.array([s["p1"] for s in first])
    assert ((p1 >= 0.2) & (p1 <= 0.4)).all()
    assert {s["m"] for s in first} == {3, 4, 5}
    assert {s["n"] for s in first} == {10, 20}
    if sampler == "lhs":  # one point per stratum of each factor
        assert sorted(np.floor((p1 - 0.2) / 0.2 * 16).astype(int)) == list(range(16))


def test_seeds_come_from_the_master_seed_by_replication(tmp_path):
    spec = load_spec(write(tmp_path, "[factors]\np1 = [0.1, 0.5, 0.9]\n"))
    tasks = plan_runs(spec)
    assert len(tasks) == 9 and len({t.run_id for t in tasks}) == 9
    children = np.random.SeedSequence(11).spawn(3)
    for task in tasks:
        expected = int(children[task.replication].generate_state(1, np.uint64)[0] >> np.uint64(1))
        assert task.seed == expected == replication_seed(11, task.replication)
    # the same replication seeds in every scenario, different seeds across replications
    by_rep = {}
    for task in tasks:
        by_rep.setdefault(task.replication, set()).add(task.seed)
    assert all(len(seeds) == 1 for seeds in by_rep.values())
    assert len({next(iter(s)) for s in by_rep.values()}) == 3
    assert replication_seed(12, 0) != replication_seed(11, 0)


def test_explicit_scenario_list(tmp_path):
    spec = load_spec(
        write(
            tmp_path, "[fixed]\nm = 8\n[[scenarios]]\np1 = 0.2\n[[scenarios]]\np1 = 0.7\np2 = 0.3\n"
        )
    )
    assert spec.sampler == "list" and spec.factor_names() == ["p1", "p2"]
    resolved = resolve_scenarios(spec)
    assert [r["p1"] for r in resolved] == [0.2, 0.7]
    assert resolved[1]["p2"] == 0.3 and resolved[0]["p2"] == 0.5  # default
    assert all(r["m"] == 8 for r in resolved)


@pytest.mark.parametrize("sampler", ["lhs", "grid"])
def test_compare_runs_every_sampled_point_at_each_level_on_the_same_seeds(tmp_path, sampler):
    factors = "p1 = { low = 0.1, high = 0.9 }" if sampler == "lhs" else "p1 = [0.1, 0.5, 0.9]"
    samples = "samples = 3\n" if sampler == "lhs" else ""
    body = f'sampler = "{sampler}"\n{samples}[compare]\np2 = [0.2, 0.8]\n[factors]\n{factors}\n'
    spec = load_spec(write(tmp_path, body))
    assert spec.compare == ("p2", (0.2, 0.8))
    assert spec.factor_names() == ["p1", "p2"]
    values = scenario_values(spec)
    assert len(values) == 6
    assert [v["p2"] for v in values] == [0.2, 0.8] * 3
    for point in range(3):  # a point's copies differ only in the compared parameter
        assert values[2 * point]["p1"] == values[2 * point + 1]["p1"]
    tasks = plan_runs(spec)
    seeds = {(t.replication, t.seed) for t in tasks}
    assert len(seeds) == spec.replications  # every scenario runs on the replication's seed


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[compare]\np2 = [0.5]\n", "at least two levels"),
        ("[compare]\np2 = [0.5, 0.5]\n", "repeat a value"),
        ("[compare]\np2 = [0.1, 0.2]\np1 = [0.1, 0.2]\n", "exactly one parameter"),
        ("[compare]\nbogus = [1, 2]\n", "valid names are"),
        ("[compare]\np2 = [0.1, 2.0]\n", "compare.p2[1]"),
        ("[compare]\np2 = [0.1, 0.2]\n[factors]\np2 = [0.3, 0.4]\n", "set once"),
    ],
)
def test_invalid_compare_gives_one_clear_error(tmp_path, body, message):
    text, path = error_of(tmp_path, body)
    assert text.startswith(path) and "compare" in text and message in text
