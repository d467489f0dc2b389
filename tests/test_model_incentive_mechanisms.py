"""Mutual monitoring (``sanction_visibility``) and rivalry under individual pay (``rivalry``).

Each mechanism is neutral at 0 (the model without it, bit for bit) and has a lever test on
paired seeds (common random numbers), checked by :func:`analysis.power.assert_paired_effect`
(one-sided paired t: P(false pass) < 5%, P(false failure) < 0.1% for the stated effect and
per-seed sd, measured on 12 seeds when the test was written).
"""

import numpy as np
import pytest
from salesorg.analysis.power import assert_paired_effect
from salesorg.model import SalesOrgModel
from salesorg.model.conversations import draw_conversations, draw_conversations_reference
from salesorg.model.incentives import rival_key, rival_share, seen_share
from salesorg.model.people import People
from salesorg.model.seating import floor_shape

DESIGNS = ("functional", "the_model", "pods")


def history(weeks, **params):
    """Recorded metrics of a cold start (as the effects were measured) unless told otherwise."""
    model = SalesOrgModel(**{"burn_in_weeks": 0, **params})
    for _ in range(weeks):
        model.step()
    return model.datacollector.get_model_vars_dataframe()


def last_quarter(metric, weeks, seeds, **params):
    return np.array([history(weeks, rng=s, **params)[metric].iloc[-13:].mean() for s in seeds])


# ---------------------------------------------------------------- mutual monitoring (ODD 7.1)
def test_seen_share_counts_unit_mates_seated_within_the_radius():
    """Reference: the Chebyshev distance between seats, pair by pair."""
    for design, seating, radius in (("pods", "by_unit", 1), ("functional", "random", 2)):
        model = SalesOrgModel(rng=3, design=design, seating=seating, seat_radius=radius)
        s, pos = model.structure, model.positions
        expected = np.zeros(s.size)
        for i in range(s.size):
            near = np.abs(pos - pos[i]).max(axis=1) <= radius
            mates = near & (s.unit == s.unit[i])
            mates[i] = False
            expected[i] = mates.sum() / (s.size_of_unit[i] - 1)
        np.testing.assert_allclose(seen_share(s, model.neighbours), expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize("design", DESIGNS)
def test_visibility_zero_is_the_global_peer_sanctions_bit_for_bit(design, monkeypatch):
    """At 0 the model equals the model in which nobody's sanctions depend on being seen."""
    params = {"rng": 5, "design": design, "peer_sanctions": 0.8, "incentive": "pooled"}
    neutral = history(20, sanction_visibility=0.0, **params)
    monkeypatch.setattr(People, "feel_sanctions", lambda self, force: None)
    without = history(20, **params)
    assert neutral.equals(without)


@pytest.mark.parametrize("design", DESIGNS)
def test_whole_unit_in_sight_makes_visibility_irrelevant(design):
    """With a radius that covers the floor everyone sees their whole unit: same bits at 0 and 1."""
    assert max(floor_shape(27)) - 1 <= 5  # every seat within radius 5 of every other
    params = {"rng": 2, "design": design, "employees": 27, "peer_sanctions": 0.8, "seat_radius": 5}
    assert history(10, sanction_visibility=0.0, **params).equals(
        history(10, sanction_visibility=1.0, **params)
    )


def test_sanctions_that_need_to_be_seen_hold_up_less_cooperation():
    """Peer sanctions 0.8, pods seated by unit, 26 weeks: visibility 0 -> 1 lowers cooperation
    by 0.20 (per-seed sd of the paired difference 0.019, 12 seeds), as each pod member, seated in
    a 3 x 3 block, sees about half of the pod (seen 0.53), not all of it."""
    params = {"design": "pods", "seating": "by_unit", "peer_sanctions": 0.8}
    seeds = range(3)
    seen = last_quarter("cooperation", 26, seeds, sanction_visibility=1.0, **params)
    global_ = last_quarter("cooperation", 26, seeds, sanction_visibility=0.0, **params)
    assert_paired_effect(seen, global_, effect=0.20, sd=0.019, direction=-1, label="visibility")


def test_seating_together_sustains_cooperation_only_when_sanctions_need_to_be_seen():
    """Pods at peer sanctions 0.8, 26 weeks: seated by unit rather than at random, cooperation
    is 0.159 higher at visibility 1 (paired sd 0.018, 12 seeds; Mas & Moretti 2009: pressure
    comes from those who see one's work) and exactly the same at visibility 0."""
    seeds = range(4)
    base = {"design": "pods", "peer_sanctions": 0.8}
    for visibility in (0.0, 1.0):
        together, scattered = (
            last_quarter("cooperation", 26, seeds, seating=seating,
                         sanction_visibility=visibility, **base)
            for seating in ("by_unit", "random")
        )  # fmt: skip
        if visibility == 0.0:
            np.testing.assert_array_equal(together, scattered)
        else:
            assert_paired_effect(together, scattered, effect=0.159, sd=0.018, label="seating")


def test_small_units_seated_together_out_cooperate_departments_when_sanctions_need_to_be_seen():
    """Peer sanctions 0.8, visibility 1, 26 weeks: pods seated by unit cooperate 0.066 more than
    ``the_model`` seated by function (paired sd 0.015, 12 seeds). Both sit in compact blocks; a
    pod member sees 0.53 of a unit of 9, a department member 0.34 of a unit of 10 or 20 (each
    watcher counts 1/(N - 1): Kandel & Lazear 1992)."""
    seeds = range(4)
    base = {"peer_sanctions": 0.8, "sanction_visibility": 1.0}
    pods = last_quarter("cooperation", 26, seeds, design="pods", seating="by_unit", **base)
    line = last_quarter("cooperation", 26, seeds, design="the_model", seating="by_function", **base)
    assert_paired_effect(pods, line, effect=0.066, sd=0.015, label="pods vs the_model")


# ---------------------------------------------------------------- rivalry (ODD 7.1)
def test_rivals_share_role_and_queue_in_every_design():
    """In the assembly line a department's members all work one queue: all rivals. In a pod
    only its same-role members are (a pod of 2 SDRs: each SDR has one rival among 8 others)."""
    line = SalesOrgModel(rng=0, design="functional").structure
    pods = SalesOrgModel(rng=0, design="pods").structure
    key = rival_key(line)
    assert ((key[:, None] == key) == (line.role[:, None] == line.role)).all()
    np.testing.assert_array_equal(rival_share(line), 1.0)
    key = rival_key(pods)
    same = (pods.role[:, None] == pods.role) & (pods.pod[:, None] == pods.pod)
    assert ((key[:, None] == key) == same).all()
    expected = (same.sum(axis=1) - 1) / (pods.size_of_unit - 1)
    np.testing.assert_array_equal(rival_share(pods), expected)
    assert set(np.round(expected * 8).astype(int)) == {0, 1}


def test_rivals_share_less_in_talks_as_a_plain_loop_says():
    """draw_conversations with rivals equals one slot at a time on the same uniforms."""
    model = SalesOrgModel(rng=4, design="the_model")
    plan, n = model.learning.plan, model.structure.size
    key, kept = rival_key(model.structure), 0.3
    cooperation = np.random.default_rng(1).random(n)
    u = np.random.default_rng(2).random(plan.n_uniforms)
    slot, sources, rows = draw_conversations(plan, u, cooperation, (key, kept))
    expected = draw_conversations_reference(plan, u, cooperation, (key, kept))
    assert (slot.tolist(), sources.tolist(), rows.tolist()) == expected
    rival_slots = key[sources] == key[plan.receivers[slot]]
    assert rival_slots.any() and (~rival_slots).any()


@pytest.mark.parametrize("design", DESIGNS)
def test_rivalry_zero_is_no_rivalry_bit_for_bit(design):
    """At 0 the talks' rival mask, if applied with factor 1, gives the same bits as none."""
    params = {"rng": 6, "design": design, "incentive": "individual", "rivalry": 0.0}
    plain = history(20, **params)
    model = SalesOrgModel(burn_in_weeks=0, **params)
    assert model.learning.rivals is None and (model.learning.playbook_kept == 1.0).all()
    model.learning.rivals = (rival_key(model.structure), 1.0)
    for _ in range(20):
        model.step()
    assert model.datacollector.get_model_vars_dataframe().equals(plain)


def test_rivalry_under_individual_pay_starves_the_departments_learning():
    """``the_model`` under individual pay, 26 weeks: rivalry 0 -> 1 lowers knowledge by 0.055
    (paired sd 0.0155, 12 seeds; Drago & Garvey 1998: stronger individual incentives, less
    helping), as a department's members are all rivals and stop feeding its playbook. Under
    pooled pay nobody's pay falls when a rival gains: the same bits."""
    seeds = range(4)
    params = {"design": "the_model", "incentive": "individual"}
    rivals = last_quarter("knowledge", 26, seeds, rivalry=1.0, **params)
    none = last_quarter("knowledge", 26, seeds, rivalry=0.0, **params)
    assert_paired_effect(rivals, none, effect=0.055, sd=0.0155, direction=-1, label="rivalry")
    pooled = {"design": "the_model", "incentive": "pooled", "rng": 0}
    assert history(13, rivalry=1.0, **pooled).equals(history(13, rivalry=0.0, **pooled))
