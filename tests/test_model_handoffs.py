"""Handoffs and customer context (docs/ODD.md 7.11): the distance kernels against their plain
references, the neutral value, and the lever's direction on paired seeds."""

from __future__ import annotations

import numpy as np
import pytest
from salesorg.model import SalesOrgModel
from salesorg.model.handoffs import (
    CONTEXT_ONE,
    Handoffs,
    distance_reference,
    pool_distance_reference,
)
from salesorg.model.knowledge import ROLE_INDEX

CSM, SUPPORT = ROLE_INDEX["csm"], ROLE_INDEX["support"]


def _model(design: str, seating: str, **params) -> SalesOrgModel:
    return SalesOrgModel(rng=3, design=design, seating=seating, **params)


@pytest.mark.parametrize("design", ["the_model", "pods"])
@pytest.mark.parametrize("seating", ["by_unit", "random"])
def test_handoff_distances_match_the_pair_by_pair_reference(design, seating):
    model = _model(design, seating, seat_radius=2)
    s, table = model.structure, model.neighbours
    handoffs = Handoffs(0.4, s, table)
    rng = np.random.default_rng(0)
    giver, receiver = rng.integers(0, s.size, 300), rng.integers(0, s.size, 300)
    expected = [
        distance_reference(g, r, s.unit, table) for g, r in zip(giver, receiver, strict=True)
    ]
    np.testing.assert_allclose(handoffs.distance(giver, receiver), expected, rtol=0, atol=1e-15)
    keep = handoffs.keep(np.append(giver, -1), np.append(receiver, 0))
    np.testing.assert_allclose(keep[:-1], 1 - 0.4 * np.array(expected), rtol=0, atol=1e-15)
    assert keep[-1] == 1.0  # no colleague (a referral): nothing to lose
    queue = rng.integers(0, s.n_queues, 300)
    for role in (CSM, SUPPORT):
        pooled = [
            pool_distance_reference(
                g, np.flatnonzero((s.role == role) & (s.queue == q)), s.unit, table
            )
            for g, q in zip(giver, queue, strict=True)
        ]
        got = handoffs.keep_to_pool(giver, queue, role)
        np.testing.assert_allclose(got, 1 - 0.4 * np.array(pooled), rtol=0, atol=1e-12)


def test_the_distance_counts_a_unit_boundary_and_a_far_seat_alike_in_every_design():
    """Same unit and neighbours: 1/3; one of the two missing: 2/3; neither: 1 (any design)."""
    for design in ("functional", "the_model", "pods"):
        model = _model(design, "random")
        s, table = model.structure, model.neighbours
        handoffs = Handoffs(1.0, s, table)
        giver, receiver = np.meshgrid(np.arange(s.size), np.arange(s.size))
        giver, receiver = giver.ravel(), receiver.ravel()
        keep = giver != receiver
        giver, receiver = giver[keep], receiver[keep]
        near = (table[giver] == receiver[:, None]).any(axis=1)
        same = s.unit[giver] == s.unit[receiver]
        expected = (3 - near - same) / 3
        np.testing.assert_array_equal(handoffs.distance(giver, receiver), expected)


def _trajectory(model: SalesOrgModel, weeks: int) -> list[dict]:
    rows = []
    for _ in range(weeks):
        model.step()
        rows.append(dict(model.metrics))
    return rows


@pytest.mark.parametrize("design", ["functional", "the_model", "pods"])
def test_no_loss_is_the_model_without_handoffs_bit_for_bit(design):
    """At handoff_loss = 0 the mechanism changes nothing: every metric of every week equals a
    run with the handoff code disconnected, and every account keeps its whole context."""
    plain = SalesOrgModel(rng=11, design=design, burn_in_weeks=0)  # disconnected from week 0
    plain.pipeline.handoffs = plain.customers.handoffs = None
    neutral = SalesOrgModel(rng=11, design=design, handoff_loss=0.0, burn_in_weeks=0)
    assert _trajectory(neutral, 26) == _trajectory(plain, 26)
    assert (neutral.pipeline.waiting.context == CONTEXT_ONE).all()
    assert (neutral.customers.context == 1.0).all()


def test_context_shrinks_at_each_handoff_by_the_structural_distance():
    """With loss, waiting opportunities hold 1 - loss x distance(marketer, SDR) or (a
    referral) all of it; customers signed in the run hold less than the installed base."""
    model = SalesOrgModel(rng=5, design="the_model", handoff_loss=0.6, burn_in_weeks=0)
    for _ in range(30):
        model.step()
    context = model.pipeline.waiting.context / CONTEXT_ONE
    allowed = [1.0, *(1 - 0.6 * d for d in (1 / 3, 2 / 3, 1.0))]
    assert np.isclose(context[:, None], allowed, atol=1e-9).any(axis=1).all()
    signed = model.customers.start > 0
    assert signed.any() and (model.customers.context[signed] < 1.0).all()
    assert (model.customers.context[~signed] == 1.0).all()


#: A market people have come to know (no drift, fast learning by doing; from a cold start, as
#: measured): lost context then costs what was known about the account.
KNOWN_MARKET = dict(turbulence=0.0, learning_by_doing_rate=0.1, burn_in_weeks=0)


def _sold(design: str, loss: float, seed: int, weeks: int = 52) -> tuple[float, float]:
    """Win rate over the run and mean satisfaction of the customers signed in it."""
    from salesorg.model.pipeline import LOST, WON

    model = SalesOrgModel(rng=100 + seed, design=design, handoff_loss=loss, **KNOWN_MARKET)
    for _ in range(weeks):
        model.step()
    closed = model.pipeline.closed
    signed = model.customers.start > 0
    return closed[WON] / (closed[WON] + closed[LOST]), model.customers.satisfaction[signed].mean()


@pytest.mark.parametrize("design", ["functional", "the_model", "pods"])
def test_losing_context_at_handoffs_lowers_win_rate_and_satisfaction(design):
    """handoff_loss 0 -> 1 on 6 paired seeds, 52 weeks. Measured on seeds 100-107 when this
    test was written (mean paired difference, per-seed sd): win rate -0.070 / 0.018
    (functional), -0.068 / 0.017 (the_model), -0.055 / 0.010 (pods); satisfaction of new
    customers -0.042 / 0.016, -0.038 / 0.010, -0.040 / 0.011. Stated below: the smallest
    effect with the largest sd."""
    from salesorg.analysis.power import assert_paired_effect

    none = np.array([_sold(design, 0.0, seed) for seed in range(6)])
    full = np.array([_sold(design, 1.0, seed) for seed in range(6)])
    assert_paired_effect(full[:, 0], none[:, 0], effect=0.055, sd=0.0184, direction=-1,
                         label=f"{design}: win rate")  # fmt: skip
    assert_paired_effect(full[:, 1], none[:, 1], effect=0.038, sd=0.0162, direction=-1,
                         label=f"{design}: satisfaction")  # fmt: skip


def test_the_same_rule_keeps_more_context_in_co_located_units():
    """Structure, not a design flag: pods seated together hand accounts over inside a unit and
    within reach, the assembly line across departments; seated at random, pods keep the unit
    but lose the proximity."""

    def signed_context(design: str, seating: str) -> float:
        model = SalesOrgModel(
            rng=2, design=design, seating=seating, handoff_loss=0.5, burn_in_weeks=0
        )
        for _ in range(26):
            model.step()
        return float(model.customers.context[model.customers.start > 0].mean())

    line = signed_context("the_model", "by_unit")
    together = signed_context("pods", "by_unit")
    scattered = signed_context("pods", "random")
    assert line < scattered < together


def test_accounts_keep_their_context_through_a_reorganization():
    """Leads, deals and customers carry their context (and holder) across a move to pods;
    later handoffs use the new units and seats."""
    model = SalesOrgModel(rng=4, design="the_model", handoff_loss=0.6, burn_in_weeks=0)
    for _ in range(20):
        model.step()
    pipeline = model.pipeline

    def held(p):
        deals = p.deals
        return (
            sorted(zip(p.waiting.holder.tolist(), p.waiting.context.tolist(), strict=True)),
            sorted(deals.context[deals.live].tolist()),
        )

    before = held(pipeline), sorted(model.customers.context.tolist())
    assert any(c < CONTEXT_ONE for c in before[0][1])
    model.reorganize("pods")
    assert model.pipeline is not pipeline
    assert (held(model.pipeline), sorted(model.customers.context.tolist())) == before
    assert model.pipeline.handoffs is model.handoffs is model.customers.handoffs
    np.testing.assert_array_equal(model.handoffs.unit, model.structure.unit)
