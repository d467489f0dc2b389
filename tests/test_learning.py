"""The learning mechanism: each kernel equals its plain reference beside it in model/learning.py,
and each sub-process draws from its own stream, so changing one leaves the others' draws alone."""

import numpy as np
import pytest
from salesorg.model import SalesOrgModel
from salesorg.model import learning as L
from salesorg.model.conversations import draw_conversations, draw_conversations_reference
from salesorg.model.learning import Learning
from salesorg.model.reorganization import merge_playbooks_reference


def small(seed, n=12, m=10):
    rng = np.random.default_rng(seed)
    beliefs = rng.integers(-1, 2, (n, m)).astype(np.int8)
    return beliefs, rng.choice(np.array([-1, 1], np.int8), m)


def test_domain_knowledge_equals_reference():
    beliefs, reality = small(0, m=15)
    correct = beliefs == reality
    np.testing.assert_array_equal(
        L.domain_knowledge(correct, 5), L.domain_knowledge_reference(correct, 5)
    )


def test_practice_cells_equal_reference_on_the_same_uniforms():
    rng = np.random.default_rng(1)
    neg_rate = -rng.random(12 * 10) * 0.3
    work = rng.random(12)
    practice = -np.log1p(-0.3)
    hits = 500
    u_cell, u_mark = rng.random(hits), rng.random(hits)
    got = L.practice_cells(u_cell, u_mark, neg_rate, work, practice)
    expected = L.practice_cells_reference(u_cell, u_mark, neg_rate, work, practice)
    assert 0 < len(got) < hits
    np.testing.assert_array_equal(got, expected)


def test_learn_by_doing_equals_reference():
    beliefs, reality = small(2)
    cells = np.random.default_rng(3).integers(0, beliefs.size, 30)
    expected = beliefs.copy()
    L.learn_by_doing_reference(expected, reality, cells)
    L.learn_by_doing(beliefs, reality, cells)
    np.testing.assert_array_equal(beliefs, expected)


def test_peer_transfer_equals_reference():
    beliefs, _ = small(4)  # 12 people; rows 0-11 talks with each person, 12-13 two reviews
    rng = np.random.default_rng(5)
    receivers = rng.integers(0, 12, 40)
    sources = rng.integers(0, 12, 40)
    rows = np.where(rng.random(40) < 0.3, 12 + rng.integers(0, 2, 40), sources)
    standing = np.concatenate((rng.random(12), [np.inf, np.inf]))
    rates = rng.random((28, 10))  # rows 14-27: from a worse source
    u = rng.random((40, 10), dtype=np.float32)
    expected = beliefs.copy()
    args = (receivers, sources, rows, standing, rates, 14, u)
    n_expected = L.peer_transfer_reference(expected, *args)
    n_got = L.peer_transfer(beliefs, *args)
    np.testing.assert_array_equal(beliefs, expected)
    assert n_got == n_expected > 0
    worse = standing[rows] < standing[receivers]
    assert 0 < worse.sum() < 40  # both rates are used


def test_belief_diversity_equals_reference():
    beliefs, _ = small(6, n=40, m=9)
    assert L.belief_diversity(beliefs) == pytest.approx(L.belief_diversity_reference(beliefs))


@pytest.mark.parametrize(
    "change, unchanged",
    [
        ({"socialization_rate": 0.2}, ("acts", "learning_by_doing", "conversations")),
        ({"peer_learning_rate": 0.9}, ("acts", "learning_by_doing", "socialization")),
        ({"learning_by_doing_rate": 0.05}, ("acts", "conversations", "socialization")),
        ({"code_learning_rate": 0.9}, ("acts", "learning_by_doing", "conversations")),
    ],
)
def test_each_sub_process_draws_from_its_own_stream(change, unchanged):
    """Changing one mechanism's rate leaves the other mechanisms' streams where they were."""
    base = SalesOrgModel(rng=7, burn_in_weeks=0)
    other = SalesOrgModel(rng=7, burn_in_weeks=0, **change)
    base.step(), other.step()
    for name in unchanged:
        a = base.learning.streams[name].bit_generator.state
        b = other.learning.streams[name].bit_generator.state
        assert a == b, name


def test_one_stream_per_sub_process_and_none_shared():
    model = SalesOrgModel(rng=7, burn_in_weeks=0)
    streams = model.learning.streams
    assert tuple(streams) == Learning.STREAMS
    states = {str(rng.bit_generator.state) for rng in streams.values()}
    assert len(states) == len(streams)


def test_rebuild_merges_the_playbooks_and_keeps_the_streams():
    model = SalesOrgModel(rng=9, design="the_model", burn_in_weeks=0)
    for _ in range(30):
        model.step()
    learning, old_unit = model.learning, model.structure.unit
    streams, codes = dict(learning.streams), model.codes.copy()
    assert codes.any()
    model.reorganize("pods")
    assert model.learning is learning and learning.streams == streams
    new = model.structure
    np.testing.assert_array_equal(
        model.codes, merge_playbooks_reference(codes, old_unit, new.unit, new.n_units)
    )
    assert (
        learning.plan.receivers.size > 0
        and (learning.code_cell // 30 == np.repeat(new.unit, 30)).all()
    )


def test_learning_owns_the_playbooks():
    model = SalesOrgModel(rng=8, design="pods", burn_in_weeks=0)
    assert model.codes is model.learning.codes
    assert model.codes.shape == (model.structure.n_units, model.people.beliefs.shape[1])
    assert "Learning(" in repr(model.learning)


@pytest.mark.parametrize("design", ["the_model", "pods"])
def test_draw_conversations_equals_reference_on_the_same_uniforms(design):
    """Talks and reviews, without rivalry: the kernel equals its plain reference slot by slot."""
    model = SalesOrgModel(rng=5, design=design, burn_in_weeks=0)
    plan, n = model.learning.plan, model.structure.size
    cooperation = np.random.default_rng(1).random(n)
    u = np.random.default_rng(2).random(plan.n_uniforms)
    slot, sources, rows = draw_conversations(plan, u, cooperation)
    expected = draw_conversations_reference(plan, u, cooperation)
    assert (slot.tolist(), sources.tolist(), rows.tolist()) == expected
    assert (slot >= 2 * n).any()  # reviews among them
