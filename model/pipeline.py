"""The sales pipeline: leads and customers as numpy arrays, worked by the people's capacity.

Stages (MODEL.md section 3): marketers generate leads (volume from productivity, fit from
knowledge); SDRs qualify them first-in first-out within their queue (accuracy from knowledge);
AEs take qualified opportunities as deal slots free up, with an SE on technical deals; deals
close after a geometric sales cycle, won or lost by a logistic win model. Every lead is in
exactly one open stage (new, waiting for an AE, active) or closed (disqualified, expired, won,
lost); :meth:`Pipeline.accounted` checks the books.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.columns import ColumnStore
from model.knowledge import DOMAIN_INDEX, ROLE_INDEX, WEIGHTS
from model.queues import pick_workers, queue_rank, queue_totals

NEW, WAITING, ACTIVE, DISQUALIFIED, EXPIRED, WON, LOST = range(7)
STAGES = ("new", "waiting", "active", "disqualified", "expired", "won", "lost")
OPEN_STAGES = (NEW, WAITING, ACTIVE)

TECH = DOMAIN_INDEX["product_technical"]
EXPECT = DOMAIN_INDEX["expectation_setting"]


def logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class Leads(ColumnStore):
    """Open leads as parallel arrays, oldest first (so array order is first-in first-out)."""

    FIELDS = (
        ("queue", np.int32),
        ("fit", np.bool_),
        ("technical", np.bool_),
        ("referral", np.bool_),
        ("stage", np.int8),
        ("since", np.int32),
        ("qualified_at", np.int32),
        ("ae", np.int32),
        ("se", np.int32),
    )

    def __repr__(self) -> str:
        counts = np.bincount(self.stage, minlength=len(STAGES))
        return "Leads(" + ", ".join(f"{s}={c}" for s, c in zip(STAGES, counts, strict=True)) + ")"

    def add(self, queue, fit, technical, referral, step: int) -> None:
        self.append(
            queue=queue,
            fit=fit,
            technical=technical,
            referral=referral,
            stage=NEW,
            since=step,
            qualified_at=-1,
            ae=-1,
            se=-1,
        )


@dataclass
class Workforce:
    """This week's state of the people that the pipeline needs (arrays indexed by person).

    Attributes:
        productivity: effort x ramp-up x own-stage skill factor.
        performance: role-weighted knowledge (knowledge of what one's role needs).
        knowledge: people x domains share of dimensions believed correctly.
        output: credit for attributable results this week (filled in by the pipeline).
    """

    productivity: np.ndarray
    performance: np.ndarray
    knowledge: np.ndarray
    output: np.ndarray


class Pipeline:
    """Leads from generation to close; customers are kept by :class:`model.customers.Customers`."""

    NO_REFERRALS = (np.empty(0, np.int32), np.empty(0, bool), np.empty(0, bool))

    def __init__(self, params: dict, structure) -> None:
        self.p = params
        self.structure = structure
        self.leads = Leads()
        self.generated = 0
        self.closed = np.zeros(len(STAGES), dtype=np.int64)
        self.members = {role: structure.members(i) for role, i in ROLE_INDEX.items()}
        self.win_base = logit(params["win_rate_reference"])
        self.referred = self.NO_REFERRALS

    def __repr__(self) -> str:
        return f"Pipeline(generated={self.generated}, open={len(self.leads)}, {self.leads!r})"

    def accounted(self) -> bool:
        """Every lead ever generated is open in one stage or closed exactly once."""
        return self.generated == len(self.leads) + int(self.closed.sum())

    def _role(self, role: str):
        people = self.members[role]
        return people, self.structure.queue[people]

    def add_leads(self, queue, fit, technical, referral, step: int) -> None:
        self.leads.add(queue, fit, technical, referral, step)
        self.generated += len(queue)

    def refer(self, queue, fit, technical) -> None:
        """Hold referred leads until next week's lead intake (one array append per week)."""
        self.referred = (queue, fit, technical)

    def generate(self, step: int, wf: Workforce, rng: np.random.Generator, flow: dict) -> None:
        """Marketers generate leads (volume from productivity and knowledge, fit from knowledge);
        last week's referrals join them."""
        p = self.p
        people, _ = self._role("marketer")
        q = wf.performance[people]
        counts = rng.poisson(p["leads_per_marketer"] * wf.productivity[people] * (0.5 + q))
        source = np.repeat(people, counts)
        fit_share = p["lead_fit_min"] + (p["lead_fit_max"] - p["lead_fit_min"]) * wf.performance
        k = len(source)
        fit = rng.random(k) < fit_share[source]
        technical = rng.random(k) < p["technical_deal_share"]
        ref_queue, ref_fit, ref_technical = self.referred
        self.referred = self.NO_REFERRALS
        self.add_leads(
            np.concatenate([self.structure.queue[source], ref_queue]),
            np.concatenate([fit, ref_fit]),
            np.concatenate([technical, ref_technical]),
            np.arange(k + len(ref_queue)) >= k,
            step,
        )
        wf.output[people] += counts
        flow["leads"] += k

    def qualify(self, step: int, wf: Workforce, rng: np.random.Generator, flow: dict) -> None:
        """SDRs work new leads first-in first-out up to their capacity; accuracy from knowledge."""
        p, leads, nq = self.p, self.leads, self.structure.n_queues
        people, pq = self._role("sdr")
        weight = wf.productivity[people]
        capacity = queue_totals(pq, p["sdr_capacity"] * weight, nq)
        can_work = np.floor(capacity + rng.random(nq)).astype(np.int64)
        waiting = (leads.stage == NEW).nonzero()[0]  # flatnonzero, minus its overhead
        lq = leads.queue[waiting]
        worked = waiting[queue_rank(lq, nq) < can_work[lq]]
        u_pick, u_call = rng.random(len(worked)), rng.random(len(worked))
        if len(worked):
            sdr = pick_workers(leads.queue[worked], people, pq, weight, nq, u_pick)
            accuracy = (
                p["qualification_accuracy_min"]
                + (p["qualification_accuracy_max"] - p["qualification_accuracy_min"])
                * wf.performance[sdr]
            )
            right_call = u_call < accuracy
            passed = np.where(leads.fit[worked], right_call, ~right_call)
            leads.stage[worked] = np.where(passed, WAITING, DISQUALIFIED)
            leads.since[worked] = step
            leads.qualified_at[worked] = step
            wf.output += np.bincount(sdr[passed], minlength=len(wf.output))
            flow["worked"] += len(worked)
            flow["qualified"] += int(passed.sum())
        self._expire(NEW, step)

    def assign(self, step: int, wf: Workforce, rng: np.random.Generator) -> None:
        """Qualified opportunities become active deals as AE slots free up; SEs join tech deals."""
        p, leads, nq = self.p, self.leads, self.structure.n_queues
        aes, aq = self._role("ae")
        ae_weight = wf.productivity[aes]
        slots = np.floor(queue_totals(aq, p["ae_capacity"] * ae_weight, nq))
        active = leads.stage == ACTIVE
        free = np.maximum(slots - np.bincount(leads.queue[active], minlength=nq), 0)
        waiting = (leads.stage == WAITING).nonzero()[0]
        lq = leads.queue[waiting]
        start = waiting[queue_rank(lq, nq) < free[lq]]
        u_ae, u_se = rng.random(len(start)), rng.random(len(start))
        if len(start):
            leads.stage[start] = ACTIVE
            leads.since[start] = step
            leads.ae[start] = pick_workers(leads.queue[start], aes, aq, ae_weight, nq, u_ae)
            ses, sq = self._role("se")
            tech = start[leads.technical[start]]
            if len(ses) and len(tech):
                se_weight = wf.productivity[ses]
                se_slots = np.floor(queue_totals(sq, p["se_capacity"] * se_weight, nq))
                helped = active & (leads.se >= 0)
                se_free = np.maximum(se_slots - np.bincount(leads.queue[helped], minlength=nq), 0)
                tq = leads.queue[tech]
                get_se = tech[queue_rank(tq, nq) < se_free[tq]]
                pick = u_se[np.searchsorted(start, get_se)]
                leads.se[get_se] = pick_workers(leads.queue[get_se], ses, sq, se_weight, nq, pick)
        self._expire(WAITING, step)

    def close(self, step: int, wf: Workforce, rng: np.random.Generator, flow: dict):
        """Active deals close with hazard 1 / sales cycle; won or lost by a logistic model.

        Returns:
            ``(queue, fit, expectations, ae, se)`` of the won deals (``se`` is -1 where no SE
            helped).
        """
        p, leads = self.p, self.leads
        active = (leads.stage == ACTIVE).nonzero()[0]
        closing = active[rng.random(len(active)) < 1.0 / p["sales_cycle_weeks"]]
        ae, se = leads.ae[closing], leads.se[closing]
        helped = se >= 0
        tech_weight = WEIGHTS[ROLE_INDEX["ae"], TECH]
        ae_tech = wf.knowledge[ae, TECH]
        # an SE brings the technical knowledge of the better of the two to the deal
        best_tech = np.where(
            helped, np.maximum(ae_tech, wf.knowledge[np.maximum(se, 0), TECH]), ae_tech
        )
        deal_knowledge = wf.performance[ae] + tech_weight * (best_tech - ae_tech)
        log_odds = (
            self.win_base
            + p["knowledge_win_effect"] * (deal_knowledge - 0.5)
            - p["problem_customer_penalty"] * ~leads.fit[closing]
            - p["no_se_penalty"] * (leads.technical[closing] & ~helped)
            + p["referral_win_bonus"] * leads.referral[closing]
        )
        won = rng.random(len(closing)) < sigmoid(log_odds)
        leads.stage[closing] = np.where(won, WON, LOST)
        winners = closing[won]
        expectations = wf.knowledge[leads.ae[winners], EXPECT]
        se_won = leads.se[winners]
        expectations = np.where(
            se_won >= 0,
            0.5 * (expectations + wf.knowledge[np.maximum(se_won, 0), EXPECT]),
            expectations,
        )
        flow["won"] += len(winners)
        flow["lost"] += len(closing) - len(winners)
        flow["cycle_weeks"] += float((step - leads.qualified_at[closing]).sum())
        return leads.queue[winners], leads.fit[winners], expectations, ae[won], se[won]

    def _expire(self, stage: int, step: int) -> None:
        """Leads left waiting too long go cold."""
        leads = self.leads
        cold = (leads.stage == stage) & (step - leads.since >= self.p["lead_expiry_weeks"])
        leads.stage[cold] = EXPIRED

    def settle(self) -> None:
        """Book closed leads into the closed counters and drop them from the open arrays."""
        stage = self.leads.stage
        is_open = stage <= ACTIVE
        self.closed += np.bincount(stage[~is_open], minlength=len(STAGES))
        self.leads.keep(is_open)
