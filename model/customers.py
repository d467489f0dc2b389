"""Customers as numpy arrays: service, satisfaction, renewal, churn, expansion and referrals.

A customer is satisfied when it fits the product, its expectations were set right when the
deal was sold, support solves its problems and its CSM covers it well (MODEL.md section 3).
Contracts renew yearly; renewal probability rises with satisfaction (logistic), satisfied
customers with a covering CSM expand, and satisfied customers of CSMs who cultivate referrals
refer new, better-fitting leads.
"""

from __future__ import annotations

import numpy as np

from model.columns import ColumnStore
from model.knowledge import DOMAIN_INDEX
from model.pipeline import Workforce, logit, sigmoid
from model.queues import queue_totals, weighted_mean_by_queue

WEEKS_PER_YEAR = 52
REFERRALS = DOMAIN_INDEX["referral_cultivation"]
#: Weekly speed at which satisfaction moves toward what the customer experiences.
SATISFACTION_ADAPTATION = 0.1


class Customers(ColumnStore):
    """The customer base as parallel arrays (one entry per live customer)."""

    FIELDS = (
        ("queue", np.int32),
        ("fit", np.bool_),
        ("expectations", np.float64),
        ("acv", np.float64),
        ("start", np.int32),
        ("satisfaction", np.float64),
    )

    def __init__(self, params: dict, structure) -> None:
        self.p = params
        self.structure = structure
        super().__init__()
        self.churned = 0
        self.acquired = 0
        nq = structure.n_queues
        self.csm_coverage = np.zeros(nq)
        self.referral_skill = np.zeros(nq)
        self.churn_base = logit(params["churn_reference"])

    def __repr__(self) -> str:
        return f"Customers(n={len(self)}, arr={self.arr:,.0f}, churned={self.churned})"

    @property
    def arr(self) -> float:
        """Annual recurring revenue: the sum of live contract values."""
        return float(self.acv.sum())

    def draw_acv(self, k: int, rng: np.random.Generator) -> np.ndarray:
        return self.p["acv_median"] * np.exp(self.p["acv_spread"] * rng.standard_normal(k))

    def add(self, queue, fit, expectations, acv, start, satisfaction) -> None:
        self.append(
            queue=queue,
            fit=fit,
            expectations=expectations,
            acv=acv,
            start=start,
            satisfaction=satisfaction,
        )
        self.acquired += len(queue)

    def seed_base(self, count: int, rng: np.random.Generator) -> None:
        """An installed base at the start: renewal dates spread over the year."""
        fit = rng.random(count) < 0.7
        start = -rng.integers(0, WEEKS_PER_YEAR, count)
        acv = self.draw_acv(count, rng)
        # territory last, so every design draws the same fit, dates and values
        queue = rng.integers(0, self.structure.n_queues, count)
        self.add(queue, fit, np.full(count, 0.5), acv, start, 0.5)
        self.acquired = 0

    def serve(self, wf: Workforce, members: dict) -> None:
        """Support and CSM service per queue; satisfaction moves toward what customers get."""
        p, nq = self.p, self.structure.n_queues
        queue = self.structure.queue
        n_customers = np.bincount(self.queue, minlength=nq)
        # each role's queues, productivity and its per-queue total are read once (they recur)
        support = members["support"]
        support_queue, support_productivity = queue[support], wf.productivity[support]
        support_effort = queue_totals(support_queue, support_productivity, nq)
        capacity = queue_totals(support_queue, p["support_capacity"] * support_productivity, nq)
        load = queue_totals(self.queue, p["tickets_per_customer"] * (2.0 - self.fit), nq)
        solved = np.minimum(capacity, load)
        resolution = np.divide(solved, load, out=np.ones(nq), where=load > 0)
        support_quality = resolution * weighted_mean_by_queue(
            support_queue, wf.performance[support], support_productivity, nq, support_effort
        )
        # each support person is credited with the queue's solved tickets in proportion to
        # their productivity
        effort = support_effort[support_queue]
        share = np.divide(
            support_productivity, effort, out=np.zeros(len(support)), where=effort > 0
        )
        wf.output[support] += solved[support_queue] * share
        csms = members["csm"]
        csm_queue, csm_productivity = queue[csms], wf.productivity[csms]
        csm_effort = queue_totals(csm_queue, csm_productivity, nq)
        cover = queue_totals(csm_queue, p["csm_capacity"] * csm_productivity, nq)
        self.csm_coverage = np.minimum(
            1.0, np.divide(cover, n_customers, out=np.ones(nq), where=n_customers > 0)
        )
        csm_quality = self.csm_coverage * weighted_mean_by_queue(
            csm_queue, wf.performance[csms], csm_productivity, nq, csm_effort
        )
        self.referral_skill = self.csm_coverage * weighted_mean_by_queue(
            csm_queue, wf.knowledge[csms, REFERRALS], csm_productivity, nq, csm_effort
        )
        target = 0.25 * (
            self.fit + self.expectations + support_quality[self.queue] + csm_quality[self.queue]
        )
        self.satisfaction += SATISFACTION_ADAPTATION * (target - self.satisfaction)

    def renew(self, step: int, rng: np.random.Generator, flow: dict) -> np.ndarray:
        """Contracts at their anniversary renew (maybe expanded) or churn.

        Returns:
            ARR retained or added per queue (credited to that queue's CSMs).
        """
        p = self.p
        age = step - self.start
        due = ((age > 0) & (age % WEEKS_PER_YEAR == 0)).nonzero()[0]
        s = self.satisfaction[due]
        churn = rng.random(len(due)) < sigmoid(
            self.churn_base - p["satisfaction_churn_effect"] * (s - 0.5)
        )
        expand_p = p["expansion_rate"] * s * self.csm_coverage[self.queue[due]]
        expand = ~churn & (rng.random(len(due)) < expand_p)
        before = self.acv[due]
        added = np.where(expand, before * p["expansion_size"], 0.0)
        self.acv[due] += added
        flow["renewals_due"] += len(due)
        flow["churned"] += int(churn.sum())
        flow["arr_due"] += float(before.sum())
        flow["arr_retained"] += float((before + added)[~churn].sum())
        flow["expansion_bookings"] += float(added.sum())
        kept = np.where(churn, 0.0, before + added)
        credit = np.bincount(self.queue[due], weights=kept, minlength=self.structure.n_queues)
        if churn.any():
            alive = np.ones(len(self), dtype=bool)
            alive[due[churn]] = False
            self.keep(alive)
            self.churned += int(churn.sum())
        return credit

    def refer(self, rng: np.random.Generator):
        """Satisfied customers refer new leads, more so with a CSM who cultivates referrals.

        Returns:
            ``(queue, fit)`` of the referred leads.
        """
        p = self.p
        chance = p["referral_rate"] * self.satisfaction**2 * self.referral_skill[self.queue]
        referrers = (rng.random(len(self)) < chance).nonzero()[0]
        fit = rng.random(len(referrers)) < p["referral_fit"]
        return self.queue[referrers], fit
