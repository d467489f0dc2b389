"""The sales pipeline: leads and deals in integer tables, worked by the people's capacity.

Stages (docs/ODD.md, 7.2): marketers generate leads (volume from productivity, fit from
knowledge); SDRs qualify them first-in first-out within their queue (accuracy from knowledge);
AEs take qualified opportunities as deal slots free up, with an SE on technical deals; deals
close after a geometric sales cycle, won or lost by a logistic win model. Every lead is in
exactly one open stage (new, waiting for an AE, active) or closed (disqualified, expired, won,
lost); :meth:`Pipeline.accounted` checks the books.

Each open stage keeps its own leads, so no week scans all leads by stage: new leads and
qualified opportunities wait in line (:class:`Line`, oldest first, so a queue's first-in
first-out work is a prefix of its line and expiry a prefix of the whole line); active deals
are kept in a log (:class:`Deals`) with the close week each drew when it started. Closed
leads are only counted. :class:`Leads` shows the open leads of all stages at once.

The week is one compiled call (:meth:`Pipeline.sell`, :func:`model.selling.sell_week`), which
draws from the model's named streams inside the kernels; :meth:`Pipeline.generate`,
:meth:`~Pipeline.qualify`, :meth:`~Pipeline.assign`, :meth:`~Pipeline.close` and
:meth:`~Pipeline.credit` run its steps one at a time from numpy Generators (for tests and
inspection). The SDR, AE and SE crews with several queues share one running sum of the week's
weights (:class:`model.queues.CrewGroup`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from salesorg.model.columns import FifoStore
from salesorg.model.draws import handle
from salesorg.model.handoffs import ACCOUNT_DOMAINS, CONTEXT_ONE, Handoffs, inactive_tables
from salesorg.model.knowledge import DOMAINS, ROLE_INDEX, as_matrix
from salesorg.model.queues import Crew, CrewGroup, first_in_line
from salesorg.model.selling import (  # a lead's traits packed in ``code``, and the kernels
    ACTIVE,
    DISQUALIFIED,
    EXPIRED,
    FIT,
    FLOWS,
    GENERATED,
    HELPED,
    LOST,
    NEW,
    REFERRAL,
    STAGES,
    TECH,
    TECHNICAL,
    TERRITORY_SHIFT,
    WAITING,
    WON,
    book_credit,
    close_deals,
    count_cases,
    generate_leads,
    qualify_leads,
    sell_week,
    start_deals,
)

__all__ = [
    "ACTIVE", "DISQUALIFIED", "EXPIRED", "FIT", "HELPED", "LOST", "NEW", "REFERRAL", "STAGES",
    "TECHNICAL", "TERRITORY_SHIFT", "WAITING", "WON", "Deals", "Leads", "Line", "Pipeline",
    "Workforce",
]  # fmt: skip

OPEN_STAGES = (NEW, WAITING, ACTIVE)

_AE = ROLE_INDEX["ae"]

#: Which codes an SE works: indexing this table is one cheap call, ``code & HELPED`` two.
HAS_HELPED = (np.arange(2 * HELPED) & HELPED) != 0


def by_territory(table: np.ndarray, n_territories: int) -> np.ndarray:
    """A per-trait-code table repeated for codes that also carry a territory (one cheap
    lookup per code, whatever its territory)."""
    return np.tile(table, n_territories)


def logit(p: float) -> float:
    """``log(p / (1 - p))`` by the C library (the same bits on every CPU, as in the kernels)."""
    return math.log(p / (1.0 - p))


def trait(code: np.ndarray, bit: int) -> np.ndarray:
    """Whether each lead has the trait ``bit`` (FIT, TECHNICAL, REFERRAL or HELPED)."""
    return (code & bit) != 0


class Line(FifoStore):
    """Leads waiting in line for one stage (new ones for an SDR, qualified ones for an AE),
    oldest first; ``since`` is the week they joined the line and ``queue`` the queue they wait
    in (0 where the stage has one shared queue).

    ``holder`` is the person who last worked the lead (-1: none, e.g. a referral) and
    ``context`` the share of what was learned about it that is still held, in units of
    :data:`model.handoffs.CONTEXT_ONE` (docs/ODD.md section 7.11). The fields are the rows of
    ``table`` in this order (:data:`model.selling.CODE` and the names after it)."""

    FIELDS = (
        ("code", np.intp),
        ("since", np.intp),
        ("queue", np.intp),
        ("holder", np.intp),
        ("context", np.intp),
    )

    def take_first(self, room) -> np.ndarray:
        """The leads each queue takes: the first ``room[q]`` of queue ``q``
        (:func:`model.queues.first_in_line`) leave the line.

        Returns:
            The leads taken, one row per field (``code, since, queue, holder, context``),
            grouped by queue (first-in first-out within each).
        """
        taken = first_in_line(self.queue, np.asarray(room, float))[0]
        assert self.table is not None  # a line's fields share one dtype: one table
        block = self.table[:, self.head :].take(taken, 1)
        self.remove(taken)
        return block


class Deals(FifoStore):
    """Active deals, as a log: new deals join at the back, closed ones stay (their close week
    has passed) until the log is compacted to make room; the log starts at row 0.
    ``se`` is the AE where no SE helps, so pairing an AE with it is a no-op. The fields are the
    rows of ``table`` in this order (:data:`model.selling.CLOSE_AT` and the names after it).

    A deal's close week is drawn when it starts: closing with probability 1 / sales cycle each
    week it is active (from its first week on) makes the weeks to close geometric, and nothing
    else ends a deal.

    Attributes:
        tally: the active deals per queue, kept up to date as deals open and close (no recount
            of the log each week): without an SE in its first ``n_queues`` entries, with one in
            the others.
        ends: head (always 0), tail, and the last week whose deals have closed (``week``).
    """

    FIELDS = (
        ("close_at", np.intp),
        ("code", np.intp),
        ("ae", np.intp),
        ("se", np.intp),
        ("qualified_at", np.intp),
        ("context", np.intp),  # in units of CONTEXT_ONE, as in Line
        ("queue", np.intp),
    )

    def __init__(self, n_queues: int = 1) -> None:
        super().__init__()
        self.ends = np.array([0, 0, -1], np.intp)
        self.n_queues = n_queues
        self.tally = np.zeros(2 * n_queues, np.intp)

    def __len__(self) -> int:
        return self.count

    @property
    def week(self) -> int:
        return int(self.ends[2])

    @week.setter
    def week(self, value: int) -> None:
        self.ends[2] = value

    @property
    def count(self) -> int:
        """Active deals."""
        return int(self.tally.sum())

    @property
    def busy(self) -> np.ndarray:
        """Active deals per queue."""
        nq = self.n_queues
        return self.tally[:nq] + self.tally[nq:]

    @property
    def helped_busy(self) -> np.ndarray:
        """Active deals an SE works, per queue."""
        return self.tally[self.n_queues :]

    @property
    def helped(self) -> int:
        """Active deals an SE works."""
        return int(self.tally[self.n_queues :].sum())

    @property
    def live(self) -> np.ndarray:
        """Which rows of the log hold an active deal."""
        return self.close_at > self.week

    def open(self, k: int, close_at, code, ae, se, qualified_at, context=CONTEXT_ONE, queue=0):
        """Start ``k`` deals in their queues (per field, an array or one value for all)."""
        self.append(k, close_at, code, ae, se, qualified_at, context, queue)
        helped = (np.broadcast_to(code, k) & HELPED) != 0
        entry = np.broadcast_to(queue, k) + self.n_queues * helped
        self.tally += np.bincount(entry, None, len(self.tally))

    def _make_room(self, k: int) -> None:
        """Compact the log to its active deals, with room for four times as many (compactions
        stay rare; a longer log costs little to scan)."""
        keep = self.live.nonzero()[0]
        n = len(keep)
        active = self.rows(keep)
        self._allocate(max(len(self._ordered[0]), 4 * (n + k)))
        assert self.table is not None  # the deals' fields share one dtype: one table
        self.table[:, :n] = active
        self.head, self.tail = 0, n


class Leads:
    """The open leads, stage by stage (new, waiting for an AE, active), for inspection.

    Each field is one array over all open leads: new leads, then waiting ones, each oldest
    first, then active deals. ``qualified_at`` is -1 for new leads; ``ae`` and ``se`` are -1
    where none is assigned.
    """

    def __init__(self, new: Line, waiting: Line, deals: Deals) -> None:
        self.new, self.waiting, self.deals = new, waiting, deals

    def __len__(self) -> int:
        return len(self.new) + len(self.waiting) + len(self.deals)

    def __repr__(self) -> str:
        counts = np.bincount(self.stage, minlength=len(STAGES))
        return "Leads(" + ", ".join(f"{s}={c}" for s, c in zip(STAGES, counts, strict=True)) + ")"

    def _deal(self, name: str) -> np.ndarray:
        deals = self.deals
        if name not in deals.columns:  # one shared queue
            return np.zeros(len(deals), np.intp)
        return getattr(deals, name)[deals.live]

    def _join(self, new, waiting, active) -> np.ndarray:
        sizes = (len(self.new), len(self.waiting))
        return np.concatenate([np.broadcast_to(new, sizes[0]), np.broadcast_to(waiting, sizes[1]),
                               active])  # fmt: skip

    @property
    def stage(self) -> np.ndarray:
        return self._join(NEW, WAITING, np.full(len(self.deals), ACTIVE)).astype(np.int8)

    @property
    def queue(self) -> np.ndarray:
        return self._join(self.new.queue, self.waiting.queue, self._deal("queue"))

    @property
    def code(self) -> np.ndarray:
        return self._join(self.new.code, self.waiting.code, self._deal("code"))

    @property
    def territory(self) -> np.ndarray:
        return self.code >> TERRITORY_SHIFT

    @property
    def fit(self) -> np.ndarray:
        return trait(self.code, FIT)

    @property
    def technical(self) -> np.ndarray:
        return trait(self.code, TECHNICAL)

    @property
    def referral(self) -> np.ndarray:
        return trait(self.code, REFERRAL)

    @property
    def qualified_at(self) -> np.ndarray:
        return self._join(-1, self.waiting.since, self._deal("qualified_at"))

    @property
    def ae(self) -> np.ndarray:
        return self._join(-1, -1, self._deal("ae"))

    @property
    def se(self) -> np.ndarray:
        ae, se = self._deal("ae"), self._deal("se")
        return self._join(-1, -1, np.where(se == ae, -1, se))


@dataclass
class Workforce:
    """This week's state of the people that the pipeline needs (arrays indexed by person).

    Attributes:
        productivity: effort x ramp-up (the share of full productivity a newcomer reached).
        performance: role-weighted knowledge (knowledge of what one's role needs) of the
            territories one serves, weighted by one's share of work in each.
        knowledge: people x domains share of dimensions believed correctly (of the territories
            one serves, weighted likewise).
        output: credit for attributable results this week (filled in by the pipeline).
        territory_performance, territory_knowledge: ``performance`` and ``knowledge`` against
            each territory's reality (territories x people [x domains]); a case is worked with
            the knowledge of its own territory. None: one market (the rows are all equal).
    """

    productivity: np.ndarray
    performance: np.ndarray
    knowledge: np.ndarray
    output: np.ndarray
    territory_performance: np.ndarray | None = None
    territory_knowledge: np.ndarray | None = None

    def tables(self) -> tuple[np.ndarray, np.ndarray]:
        """``(performance, knowledge)`` by territory for the kernels: territories x people
        [x domains], or one row that every territory reads (one market)."""
        if self.territory_performance is not None:
            assert self.territory_knowledge is not None  # the two are set together
            return self.territory_performance, self.territory_knowledge
        return self.performance[None], self.knowledge[None]


class Pipeline:
    """Leads from generation to close; customers are kept by :class:`model.customers.Customers`."""

    def __init__(self, params: dict, structure, territory_rng=None) -> None:
        self.p = p = params
        self.structure = structure
        self.n_queues = structure.n_queues
        self.single = self.n_queues == 1  # one new-lead (SDR) queue
        # the AE stage (waiting opportunities, deals) has its own queues: per territory in
        # pods and under ae_territories, else one
        n_territories = getattr(structure, "n_territories", 1)
        self.n_territories = n_territories
        n_deal_queues = getattr(structure, "n_deal_queues", self.n_queues)
        self.deal_single = n_deal_queues == 1
        self.new, self.waiting, self.deals = Line(), Line(), Deals(n_deal_queues)
        #: leads generated (entry 0), then closed per stage (:data:`model.selling.GENERATED`)
        self.ledger = np.zeros(1 + len(STAGES), np.intp)
        self.members = {role: structure.members(i) for role, i in ROLE_INDEX.items()}
        deal_queue = getattr(structure, "deal_queue", structure.queue)
        self.crews = {
            role: Crew(self.members[role], deal_queue, n_deal_queues)
            if role == "ae"
            else Crew(self.members[role], structure.queue, self.n_queues)
            for role in ("marketer", "sdr", "ae", "se")
            if len(self.members[role])
        }
        if not (self.single or self.deal_single):  # the week's SDR, AE and SE weights at once
            CrewGroup([crew for role, crew in self.crews.items() if role != "marketer"])
        self._init_territories(structure, territory_rng)
        self.win_base = logit(p["win_rate_reference"])
        self.close_chance = 1.0 / p["sales_cycle_weeks"]
        self.log_odds = by_territory(self._log_odds_by_code(p), n_territories)
        self.no_queue = np.zeros(0, np.intp)
        self._no_referrals = (self.no_queue, np.zeros(0, bool), np.zeros(0, bool))
        self.referred = self._no_referrals
        self._weights = as_matrix(p["role_weights"])  # roles x domains (input role_weights)
        self._effect = p["knowledge_win_effect"]
        self._effect_tech = float(
            p["knowledge_win_effect"] * p["role_weights"]["ae"][DOMAINS[TECH]]
        )
        #: the AE's weights of the buyer's language and problem (the account's domains)
        self._account_weights = tuple(float(self._weights[_AE, d]) for d in ACCOUNT_DOMAINS)
        self._per_median = 1.0 / p["acv_median"]
        self._settings = self._kernel_settings(p)
        n = structure.size
        #: this week's credit per person (booked by credit()) and cases worked (see cases())
        self.credit_due, self.worked = np.zeros(n), np.zeros(n, np.intp)
        self.flows = np.zeros(len(FLOWS))  # this week's flows (model.selling.FLOWS)
        #: handoff distances (model.handoffs.Handoffs); set by the model, None: no loss
        self.handoffs: Handoffs | None = None
        self._no_handoffs = inactive_tables(n, self.n_queues)
        self._fixed: tuple | None = None  # see _fixed_bundles
        self.won_context = np.zeros(0)  # the context of the week's won accounts (ODD 7.11)

    def _init_territories(self, structure, rng) -> None:
        """The per-code table of deals an SE works, for codes with a territory, and each
        marketer's territory (-1: one who serves every territory draws each lead's territory
        from ``rng``)."""
        t = self.n_territories
        self.has_helped = by_territory(HAS_HELPED, t)
        self.territory_rng = rng
        # no marketers (March's limit: one unit of one role): no leads to place
        crew = self.crews.get("marketer")
        marketers = crew.people if crew is not None else np.zeros(0, np.intp)
        territory = getattr(structure, "territory", None)
        if territory is None:  # one market, or pods: a marketer's territory is its queue
            territory = structure.queue if t > 1 else np.zeros(structure.size, np.intp)
        self.marketer_territory = territory[marketers].astype(np.intp)
        self.shared_marketers = bool((self.marketer_territory < 0).any())

    def _log_odds_by_code(self, p: dict) -> np.ndarray:
        """The part of a deal's win log-odds fixed by its traits, for each trait ``code``,
        with the knowledge term's centring (``- knowledge_win_effect x 0.5``) folded in."""
        code = np.arange(2 * HELPED)
        return (
            self.win_base
            - 0.5 * p["knowledge_win_effect"]
            - p["problem_customer_penalty"] * ~trait(code, FIT)
            - p["no_se_penalty"] * (trait(code, TECHNICAL) & ~trait(code, HELPED))
            + p["referral_win_bonus"] * trait(code, REFERRAL)
        )

    def _kernel_settings(self, p: dict) -> tuple:
        """The parameters and the layout the kernels read (:mod:`model.selling`), per step."""
        generating = (float(p["leads_per_marketer"]), float(p["lead_fit_min"]),
                      float(p["lead_fit_max"] - p["lead_fit_min"]),
                      float(p["technical_deal_share"]))  # fmt: skip
        accuracy_min = float(p["qualification_accuracy_min"])
        accuracy_span = float(p["qualification_accuracy_max"] - accuracy_min)
        qualifying = (float(p["sdr_capacity"]), accuracy_min, accuracy_span)
        starting = (float(p["ae_capacity"]), float(p["se_capacity"]), self.close_chance)
        # log(acv_median) and acv_spread: Customers.draw_acv's lognormal
        acv_law = (math.log(p["acv_median"]), float(p["acv_spread"]))
        closing = (float(self._effect), self._effect_tech, *self._account_weights,
                   self._per_median, *acv_law)  # fmt: skip
        crews = self.crews
        layout = (int(p["lead_expiry_weeks"]), int(self.n_territories), self.single,
                  self.deal_single, self.shared_marketers, "se" in crews,
                  "se" in crews and crews["se"].single)  # fmt: skip
        return generating, qualifying, starting, closing, layout, self.log_odds

    def bundles(
        self, wf: Workforce, rngs: tuple
    ) -> tuple[tuple, tuple, tuple, tuple, tuple, tuple]:
        """The arguments of the selling kernels (:mod:`model.selling`): ``rngs`` (the handles of
        the leads, territory, qualification and deals streams), the week's work, the crews,
        the stores' tables, their state and the settings."""
        work = (wf.productivity, wf.performance, wf.output, *wf.tables())
        tables = (self.new.table, self.waiting.table, self.deals.table)
        crews, state, settings = self._fixed_bundles()
        return rngs, work, crews, tables, state, settings

    def _fixed_bundles(self) -> tuple:
        """The crews, state and settings bundles: arrays the kernels work in place, the same
        every week until the handoffs change (a reorganization makes a new pipeline)."""
        if self._fixed is None or self._fixed[3] is not self.handoffs:
            crews = [self.marketer_people(), self.marketer_territory]
            nobody = Crew(self.no_queue, self.structure.queue, self.n_queues)
            for role in ("sdr", "ae", "se"):
                crew = self.crews.get(role, nobody)
                crews += (crew.loading, crew.weights)
            deals = self.deals
            state = (self.new.ends, self.waiting.ends, deals.ends, deals.tally, self.ledger,
                     self.credit_due, self.worked, self.flows)  # fmt: skip
            tables = self._no_handoffs if self.handoffs is None else self.handoffs.tables
            self._fixed = (tuple(crews), state, (*self._settings, tables), self.handoffs)
        return self._fixed[:3]

    def marketer_people(self) -> np.ndarray:
        crew = self.crews.get("marketer")
        return crew.people if crew is not None else self.no_queue

    def _adopt(self, tables: tuple) -> None:
        """Keep the stores' tables after a kernel (new ones where a store grew)."""
        self.new.adopt(tables[0])
        self.waiting.adopt(tables[1])
        self.deals.adopt(tables[2])

    def _flow(self, flow: dict, names: tuple = FLOWS) -> None:
        """Add the week's ``names`` flows to ``flow`` (each kernel call starts them at 0)."""
        for name, value in zip(FLOWS, self.flows.tolist(), strict=True):
            if name in names:
                flow[name] += value

    def __repr__(self) -> str:
        return f"Pipeline(generated={self.generated}, open={len(self.leads)}, {self.leads!r})"

    @property
    def leads(self) -> Leads:
        """The open leads of every stage (a view for inspection; the stages keep them)."""
        return Leads(self.new, self.waiting, self.deals)

    @property
    def generated(self) -> int:
        """Leads generated so far (referrals included)."""
        return int(self.ledger[GENERATED])

    @generated.setter
    def generated(self, value: int) -> None:
        self.ledger[GENERATED] = value

    @property
    def closed(self) -> np.ndarray:
        """Leads closed so far, per stage of :data:`STAGES` (zero for the open stages)."""
        return self.ledger[1:].astype(np.int64)

    def reorganized(self, structure) -> Pipeline:
        """This pipeline's open work in a new ``structure`` (a reorganization, docs/ODD.md 5.2).

        Every lead and deal keeps its territory. Active deals move with their AE to the AE's
        new queue (the SE helping stays on the deal); new leads, qualified leads waiting for an
        AE and pending referrals have no owner and go to their territory's queue in the new
        design (the territory's pod in pods; the shared queue, or the territory's AEs under
        ``ae_territories``, in the assembly line). Line order, weeks and traits are kept; the
        ledger (generated, closed) carries over, so :meth:`accounted` still holds. Holders and
        context (docs/ODD.md 7.11) stay with every lead and deal.
        """
        moved = Pipeline(self.p, structure, self.territory_rng)
        moved.ledger[:] = self.ledger
        for line, into, single in ((self.new, moved.new, moved.single),
                                   (self.waiting, moved.waiting, moved.deal_single)):  # fmt: skip
            code = line.code.copy()
            queue = 0 if single else code >> TERRITORY_SHIFT
            into.append(len(code), code, line.since.copy(), queue, line.holder.copy(),
                        line.context.copy())  # fmt: skip
        deals = self.deals
        live = deals.live.nonzero()[0]
        close_at, code, ae, se, qualified_at, context = deals.rows(live)[:6]
        moved.deals.week = deals.week
        queue = 0 if moved.deal_single else getattr(structure, "deal_queue", structure.queue)[ae]
        moved.deals.open(len(live), close_at, code, ae, se, qualified_at, context, queue)
        moved.referred = self.referred  # referrals keep their referrers' territories
        return moved

    def start_record(self) -> None:
        """The record starts (after a burn-in): the open leads count as its first generated
        ones and nothing is closed yet, so :meth:`accounted` holds from here on."""
        self.ledger[:] = 0
        self.generated = len(self.leads)

    def accounted(self) -> bool:
        """Every lead ever generated is open in one stage or closed exactly once."""
        return self.generated == len(self.leads) + int(self.ledger[1:].sum())

    def add_leads(self, territory, fit, technical, referral, step: int) -> None:
        """New leads of ``territory`` join the line of their queue (arrays of equal length;
        in pods a territory's queue is its pod's, in the assembly line the one shared queue)."""
        territory = np.asarray(territory)
        code = np.asarray(fit) * FIT + np.asarray(technical) * TECHNICAL
        code = code + np.asarray(referral) * REFERRAL + (territory << TERRITORY_SHIFT)
        queue = 0 if self.single else territory
        self.new.append(len(code), code, step, queue, -1, CONTEXT_ONE)
        self.generated += len(code)

    def refer(self, territory, fit, technical) -> None:
        """Hold referred leads (of their referrers' territories) until next week's lead intake."""
        self.referred = (np.asarray(territory, np.intp), np.asarray(fit, bool),
                         np.asarray(technical, bool))  # fmt: skip

    # ------------------------------------------------------------------ the week
    def sell(self, step: int, wf: Workforce, handles, flow: dict) -> tuple:
        """The week's selling, in one compiled call (:func:`model.selling.sell_week`): leads,
        qualification, new deals, closing deals, the week's credit into ``wf.output`` and the
        flows into ``flow``. ``handles`` are the model's streams' (:class:`model.draws.Handles`).

        Returns:
            ``(territory, fit, expectations, acv, context)`` of the won accounts, for
            :meth:`model.customers.Customers.add`.
        """
        leads = handles["leads"]
        territory = handles["territory_work"] if self.territory_rng is not None else leads
        rngs = (leads, territory, handles["qualification"], handles["deals"])
        referred, self.referred = self.referred, self._no_referrals
        tables, won = sell_week(step, *self.bundles(wf, rngs), referred)
        self._adopt(tables)
        self._flow(flow)
        self.won_context = won[4]
        return won

    def _stage(self, stage, step: int, wf: Workforce, rng, uses: int, *extra):
        """Run one step's kernel, drawing from the numpy Generator ``rng`` (as stream ``uses``
        of ``rngs``; the territory stream is the pipeline's own, else ``rng``)."""
        address = handle(rng)
        streams = [address] * 4
        if self.territory_rng is not None:
            streams[1] = handle(self.territory_rng)
        streams[uses] = address
        rngs, work, crews, tables, state, settings = self.bundles(wf, tuple(streams))
        self.flows[:] = 0.0
        if stage is close_deals:
            return close_deals(step, rngs, work, tables, state, settings)
        result = stage(step, rngs, work, crews, tables, state, settings, *extra)
        self._adopt(result)
        return None

    def generate(self, step: int, wf: Workforce, rng: np.random.Generator, flow: dict) -> None:
        """Marketers generate leads; last week's referrals join them
        (:func:`model.selling.generate_leads`)."""
        referred, self.referred = self.referred, self._no_referrals
        self._stage(generate_leads, step, wf, rng, 0, referred)
        self._flow(flow, ("leads",))

    def qualify(self, step: int, wf: Workforce, rng: np.random.Generator, flow: dict) -> None:
        """SDRs work new leads first-in first-out up to their capacity; accuracy from knowledge
        (:func:`model.selling.qualify_leads`)."""
        self._stage(qualify_leads, step, wf, rng, 2)
        self._flow(flow, ("worked", "qualified"))

    def assign(self, step: int, wf: Workforce, rng: np.random.Generator) -> None:
        """Qualified opportunities become active deals as AE slots free up; SEs join tech deals
        (:func:`model.selling.start_deals`)."""
        self._stage(start_deals, step, wf, rng, 3)

    def close(self, step: int, wf: Workforce, rng: np.random.Generator, flow: dict):
        """Deals close in their close week; won or lost by a logistic model
        (:func:`model.selling.close_deals`).

        Returns:
            ``(territory, fit, expectations, ae, se)`` of the won deals (``se`` is the AE where
            no SE helped); :attr:`won_context` holds their context (a share) once the AE has
            handed them to the CSMs of their queue and these to its support staff.
        """
        territory, fit, expectations, ae, se, context = self._stage(close_deals, step, wf, rng, 3)
        self._flow(flow, ("won", "lost", "cycle_weeks"))
        self.won_context = context
        return territory, fit, expectations, ae, se

    def credit(self, wf: Workforce, ae: np.ndarray, se: np.ndarray, acv: np.ndarray) -> None:
        """Book the week's credit into ``wf.output``, all at once
        (:func:`model.selling.book_credit`): a marketer's per lead generated and an SDR's per
        lead passed (noted by :meth:`generate` and :meth:`qualify`), and the value of each won
        deal (ACV in units of the median) to its AE and to the SE who helped (``se`` is the AE
        where none helped: no second credit)."""
        book_credit(wf.output, self.credit_due, ae, se, acv, self._per_median)

    def cases(self, step: int, n: int) -> np.ndarray:
        """Cases each of ``n`` people worked this week: leads a marketer generated, leads an
        SDR worked, deals an AE worked (open this week, closing ones included) and technical
        deals an SE helped with. Call after :meth:`close`; the tally restarts with the next
        week's :meth:`generate`."""
        deals = self.deals
        return count_cases(self.worked, deals.table, deals.ends, step, n)
