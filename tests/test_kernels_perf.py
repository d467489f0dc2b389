"""The performance rewrites (docs/performance.md) match straightforward reference implementations.

Each optimised kernel is checked on small random inputs against the plain version it replaced:
the column store against re-concatenating arrays, the single-queue fast paths of
``queue_rank`` / ``pick_workers`` against the general per-queue algorithm, and the exact-count
reductions against numpy's means. All of them must give identical results, not just close ones:
the fixed-seed baseline depends on it. Tests marked ``reference_only`` check the references in
tests/reference_queues.py against each other, not the model.
"""

import numpy as np
import pytest
from reference_queues import pick_workers, queue_rank
from salesorg.model.columns import MIN_CAPACITY, ColumnStore
from salesorg.model.learning import belief_diversity, domain_knowledge


class Table(ColumnStore):
    FIELDS = (("queue", np.int32), ("flag", np.bool_), ("value", np.float64))


class ReferenceTable:
    """The implementation the column store replaced: one concatenation per column and append."""

    def __init__(self):
        self.queue = np.empty(0, np.int32)
        self.flag = np.empty(0, np.bool_)
        self.value = np.empty(0, np.float64)

    def append(self, queue, flag, value):
        k = len(queue)
        for name, new in (("queue", queue), ("flag", flag), ("value", value)):
            old = getattr(self, name)
            column = np.concatenate([old, np.asarray(np.broadcast_to(new, k), old.dtype)])
            setattr(self, name, column)

    def keep(self, mask):
        for name in ("queue", "flag", "value"):
            setattr(self, name, getattr(self, name)[mask])


def assert_same(table, reference):
    assert len(table) == len(reference.queue)
    for name in ("queue", "flag", "value"):
        np.testing.assert_array_equal(getattr(table, name), getattr(reference, name))
        assert getattr(table, name).dtype == getattr(reference, name).dtype


@pytest.mark.parametrize("seed", range(5))
def test_column_store_matches_concatenation_through_appends_keeps_and_writes(seed):
    rng = np.random.default_rng(seed)
    table, reference = Table(), ReferenceTable()
    for _ in range(40):
        k = int(rng.integers(0, 3 * MIN_CAPACITY))  # crosses the capacity several times
        queue = rng.integers(0, 5, k)
        value = rng.random(k) if rng.random() < 0.5 else float(rng.random())  # array or scalar
        table.append(queue=queue, flag=rng.random(k) < 0.5, value=value)
        reference.append(queue, table.flag[len(table) - k :].copy(), value)
        assert_same(table, reference)
        # writes through a view and through augmented assignment reach the store
        if len(table):
            i = int(rng.integers(0, len(table)))
            table.queue[i] = 7
            reference.queue[i] = 7
            table.value += 1.0
            reference.value += 1.0
        mask = rng.random(len(table)) < 0.7
        table.keep(mask)
        reference.keep(mask)
        assert_same(table, reference)


def test_column_store_views_are_the_live_rows_only():
    table = Table()
    table.append(queue=np.arange(3), flag=True, value=0.5)
    assert len(table.queue) == 3
    assert table.flag.tolist() == [True, True, True]
    table.keep(np.array([True, False, True]))
    assert table.queue.tolist() == [0, 2]
    table.append(queue=np.empty(0, np.int64), flag=False, value=0.0)
    assert len(table) == 2


def reference_queue_rank(queue):
    """Position of each item in its queue, counted by a plain loop."""
    seen = {}
    rank = []
    for q in queue.tolist():
        rank.append(seen.get(q, 0))
        seen[q] = seen.get(q, 0) + 1
    return np.array(rank, dtype=np.int64)


@pytest.mark.reference_only
@pytest.mark.parametrize("n_queues", [1, 2, 7])
@pytest.mark.parametrize("seed", range(4))
def test_queue_rank_matches_a_plain_loop(n_queues, seed):
    queue = np.random.default_rng(seed).integers(0, n_queues, 50)
    np.testing.assert_array_equal(queue_rank(queue, n_queues), reference_queue_rank(queue))


def general_pick_workers(item_queue, workers, worker_queue, weight, n_queues, uniform):
    """The per-queue algorithm, as it was before the single-queue fast path."""
    cumulative = np.cumsum(weight)
    total = np.bincount(worker_queue, weights=weight, minlength=n_queues)
    start = np.cumsum(total) - total
    target = start[item_queue] + uniform * total[item_queue]
    position = np.searchsorted(cumulative, target, side="right")
    count = np.bincount(worker_queue, minlength=n_queues)
    first = np.cumsum(count) - count
    position = np.clip(position, first[item_queue], first[item_queue] + count[item_queue] - 1)
    return workers[position]


@pytest.mark.reference_only
@pytest.mark.parametrize("n_queues", [1, 3])
@pytest.mark.parametrize("seed", range(6))
def test_pick_workers_matches_the_general_algorithm(n_queues, seed):
    rng = np.random.default_rng(seed)
    worker_queue = np.sort(rng.integers(0, n_queues, 12))
    worker_queue[:n_queues] = np.arange(n_queues)  # every queue has a worker
    worker_queue.sort()
    workers = rng.permutation(40)[:12]
    weight = rng.random(12)
    weight[rng.random(12) < 0.2] = 0.0  # idle workers are never picked
    item_queue = rng.integers(0, n_queues, 200)
    uniform = rng.random(200)
    uniform[:3] = [0.0, 1.0 - 1e-16, 0.5]  # the edges of the draw
    args = (item_queue, workers, worker_queue, weight, n_queues, uniform)
    np.testing.assert_array_equal(pick_workers(*args), general_pick_workers(*args))


@pytest.mark.reference_only
def test_pick_workers_with_one_queue_follows_the_weights():
    rng = np.random.default_rng(3)
    weight = np.array([1.0, 0.0, 3.0])
    picks = pick_workers(
        np.zeros(40_000, np.int64), np.array([10, 11, 12]), np.zeros(3, np.int64), weight, 1,
        rng.random(40_000),
    )  # fmt: skip
    share = np.bincount(picks - 10, minlength=3) / len(picks)
    np.testing.assert_allclose(share, [0.25, 0.0, 0.75], atol=0.01)


@pytest.mark.parametrize("seed", range(4))
def test_exact_count_reductions_equal_numpy_means(seed):
    rng = np.random.default_rng(seed)
    beliefs = rng.integers(-1, 2, (37, 30), dtype=np.int8)
    reality = rng.choice(np.array([-1, 1], np.int8), 30)
    correct = beliefs == reality
    np.testing.assert_array_equal(
        domain_knowledge(correct, 5), correct.reshape(37, 5, 6).mean(axis=2)
    )
    plus, minus = (beliefs == 1).mean(axis=0), (beliefs == -1).mean(axis=0)
    zero = 1.0 - plus - minus
    reference = float((1.0 - plus**2 - minus**2 - zero**2).mean() * 1.5)
    assert belief_diversity(beliefs) == pytest.approx(reference, rel=1e-15, abs=0)


@pytest.mark.parametrize("collect_agents", [False, True])
def test_metric_collector_matches_mesas_datacollector(collect_agents):
    """The copy-free collector records the same rows, steps and agent data as Mesa's own."""
    import mesa
    from salesorg.agents import AGENT_REPORTERS
    from salesorg.model import SalesOrgModel
    from salesorg.model.metrics import METRICS

    model = SalesOrgModel(rng=3, collect_agents=collect_agents)
    reference = mesa.DataCollector(
        model_reporters={
            name: (lambda m, name=name: m.metrics_state.values[name]) for name in METRICS
        },
        agent_reporters=dict(AGENT_REPORTERS) if collect_agents else None,
    )
    reference.collect(model)
    for _ in range(6):
        model.step()
        reference.collect(model)
    ours = model.datacollector
    assert list(ours.model_reporters) == list(METRICS)
    assert ours._collection_steps == reference._collection_steps == list(range(7))
    assert ours.get_model_vars_dataframe().equals(reference.get_model_vars_dataframe())
    if collect_agents:
        assert ours.get_agent_vars_dataframe().equals(reference.get_agent_vars_dataframe())
