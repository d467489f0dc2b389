"""The sales pipeline: leads and customers as numpy arrays, worked by the people's capacity.

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

The weekly cost is fixed overhead (a few hundred leads, a hundred numpy calls), so the code
favours fewer calls: traits packed in one ``code``, one batch of uniforms per stream and
stage, credit booked once a week (:meth:`Pipeline.credit`). With several
queues, the active and SE-helped deals per queue are kept up to date as deals open and close
(:class:`QueueDeals`), and the SDR, AE and SE crews share one running sum of the week's
weights (:class:`model.queues.CrewGroup`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from salesorg.model.columns import FifoStore
from salesorg.model.handoffs import ACCOUNT_DOMAINS, CONTEXT_ONE, Handoffs
from salesorg.model.knowledge import DOMAINS, ROLE_INDEX, as_matrix
from salesorg.model.queues import Crew, CrewGroup, first_in_line
from salesorg.model.selling import (  # a lead's traits packed in ``code``, and the loops
    FIT,
    HELPED,
    REFERRAL,
    TECH,
    TECHNICAL,
    TERRITORY_SHIFT,
    book_credit,
    call_leads,
    decide_deals,
    join_ses,
    lead_codes,
    lead_rates,
)

NEW, WAITING, ACTIVE, DISQUALIFIED, EXPIRED, WON, LOST = range(7)
STAGES = ("new", "waiting", "active", "disqualified", "expired", "won", "lost")
OPEN_STAGES = (NEW, WAITING, ACTIVE)

_AE = ROLE_INDEX["ae"]

#: Which codes an SE works: indexing this table is one cheap call, ``code & HELPED`` two.
HAS_HELPED = (np.arange(2 * HELPED) & HELPED) != 0


def by_territory(table: np.ndarray, n_territories: int) -> np.ndarray:
    """A per-trait-code table repeated for codes that also carry a territory (one cheap
    lookup per code, whatever its territory)."""
    return np.tile(table, n_territories)


def logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def trait(code: np.ndarray, bit: int) -> np.ndarray:
    """Whether each lead has the trait ``bit`` (FIT, TECHNICAL, REFERRAL or HELPED)."""
    return (code & bit) != 0


class Line(FifoStore):
    """Leads waiting in line for one stage (new ones for an SDR, qualified ones for an AE),
    oldest first; ``since`` is the week they joined the line. With one shared queue there is
    no queue column (every lead is in queue 0).

    ``holder`` is the person who last worked the lead (-1: none, e.g. a referral) and
    ``context`` the share of what was learned about it that is still held, in units of
    :data:`model.handoffs.CONTEXT_ONE` (docs/ODD.md section 7.11)."""

    FIELDS = (("code", np.intp), ("since", np.intp), ("holder", np.intp), ("context", np.intp))

    @property
    def queue(self) -> np.ndarray:
        return np.zeros(len(self), np.intp)


class QueueLine(Line):
    """A :class:`Line` shared by several queues: each lead also keeps its queue."""

    FIELDS = (
        ("code", np.intp),
        ("since", np.intp),
        ("queue", np.intp),
        ("holder", np.intp),
        ("context", np.intp),
    )

    def take_first(self, room) -> np.ndarray:
        """The leads each queue takes: the first ``room[q]`` of queue ``q`` (as
        :func:`model.queues.first_in_line`) leave the line.

        Returns:
            The leads taken, one row per field (``code, since, queue, holder, context``),
            grouped by queue (first-in first-out within each).
        """
        head, tail = self.head, self.tail
        table = self.table
        live = table[:, head:tail]
        queue = live[2]
        order = queue.argsort(kind="stable")
        by_queue = queue[order]
        # 1-based position within its queue: index in the queue-sorted list minus its start
        position = np.arange(1, tail - head + 1) - by_queue.searchsorted(by_queue)
        taken = position <= room[by_queue]
        block = live.take(order[taken], 1)  # every field of the taken leads in one gather
        left = order[~taken]
        if len(left) < tail - head:  # the others keep their order, at the front
            left.sort()
            m = len(left)
            table[:, :m] = live.take(left, 1)
            self.head, self.tail = 0, m
        return block


class Deals(FifoStore):
    """Active deals, as a log: new deals join at the back, closed ones stay (their close week
    has passed) until the log is compacted to make room; the log starts at row 0.
    ``se`` is the AE where no SE helps, so pairing an AE with it is a no-op.

    A deal's close week is drawn when it starts: closing with probability 1 / sales cycle each
    week it is active (from its first week on) makes the weeks to close geometric, and nothing
    else ends a deal.

    Attributes:
        count: active deals; ``helped``: those an SE works.
        week: the last week whose deals have closed.
    """

    FIELDS = (
        ("close_at", np.intp),
        ("code", np.intp),
        ("ae", np.intp),
        ("se", np.intp),
        ("qualified_at", np.intp),
        ("context", np.intp),  # in units of CONTEXT_ONE, as in Line
    )

    helped = 0  # an instance attribute once deals open (a tally per queue in QueueDeals)

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.week = -1

    def __len__(self) -> int:
        return self.count

    @property
    def live(self) -> np.ndarray:
        """Which rows of the log hold an active deal."""
        return self.close_at > self.week

    def open(self, k: int, close_at, code, ae, se, qualified_at, context=CONTEXT_ONE) -> None:
        """Start ``k`` deals: per field, an array."""
        self.append(k, close_at, code, ae, se, qualified_at, context)
        self.count += k

    def _make_room(self, k: int) -> None:
        """Compact the log to its active deals, with room for four times as many (compactions
        stay rare; a longer log costs little to scan)."""
        keep = self.live.nonzero()[0]
        n = len(keep)
        active = self.rows(keep)
        self._allocate(max(len(self._ordered[0]), 4 * (n + k)))
        self.table[:, :n] = active
        self.head, self.tail = 0, n


class QueueDeals(Deals):
    """:class:`Deals` shared by several queues: each deal also keeps its queue.

    ``tally`` keeps the active deals per queue up to date as deals open and close (no
    recount of the log each week): without an SE in its first ``n_queues`` entries, with one
    in the others.
    """

    FIELDS = (*Deals.FIELDS, ("queue", np.intp))

    def __init__(self, n_queues: int, n_territories: int = 1) -> None:
        super().__init__()
        self.n_queues = n_queues
        self.tally = np.zeros(2 * n_queues, np.intp)
        #: per code, the offset of its deals' entries in ``tally``
        self.offset = by_territory(HAS_HELPED * n_queues, n_territories)

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

    def settle(self, code: np.ndarray, queue: np.ndarray) -> None:
        """Deals with trait ``code`` in queue ``queue`` closed: take them off the tally."""
        self.tally -= np.bincount(queue + self.offset[code], None, len(self.tally))

    def open(self, k: int, close_at, code, ae, se, qualified_at, queue, context=CONTEXT_ONE):
        """Start ``k`` deals in their queues (and count them in the tally)."""
        self.append(k, close_at, code, ae, se, qualified_at, context, queue)
        self.count += k
        self.tally += np.bincount(queue + self.offset[code], None, len(self.tally))


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
            return self.territory_performance, self.territory_knowledge
        return self.performance[None], self.knowledge[None]


class Pipeline:
    """Leads from generation to close; customers are kept by :class:`model.customers.Customers`."""

    def __init__(self, params: dict, structure, territory_rng=None) -> None:
        self.p = params
        self.structure = structure
        self.n_queues = structure.n_queues
        self.single = self.n_queues == 1  # one new-lead (SDR) queue
        # the AE stage (waiting opportunities, deals) has its own queues: per territory in
        # pods and under ae_territories, else one
        n_territories = getattr(structure, "n_territories", 1)
        self.n_territories = n_territories
        n_deal_queues = getattr(structure, "n_deal_queues", self.n_queues)
        self.deal_single = n_deal_queues == 1
        self.new = Line() if self.single else QueueLine()
        self.waiting = Line() if self.deal_single else QueueLine()
        self.deals = Deals() if self.deal_single else QueueDeals(n_deal_queues, n_territories)
        self.generated = 0
        self._closed = [0] * len(STAGES)
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
        self.win_base = logit(params["win_rate_reference"])
        self.close_chance = 1.0 / params["sales_cycle_weeks"]
        self.log_odds = by_territory(self._log_odds_by_code(params), n_territories)
        self.referred = (0, None, None, None)
        self.no_queue = np.zeros(0, np.intp)
        p = params
        self._fit_range = (p["lead_fit_min"], p["lead_fit_max"] - p["lead_fit_min"])
        self._technical_share = p["technical_deal_share"]
        self._accuracy_range = (
            p["qualification_accuracy_min"],
            p["qualification_accuracy_max"] - p["qualification_accuracy_min"],
        )
        self._effect = p["knowledge_win_effect"]
        self._weights = as_matrix(p["role_weights"])  # roles x domains (input role_weights)
        self._effect_tech = float(
            p["knowledge_win_effect"] * p["role_weights"]["ae"][DOMAINS[TECH]]
        )
        #: the AE's weights of the buyer's language and problem (the account's domains)
        self._account_weights = tuple(float(self._weights[_AE, d]) for d in ACCOUNT_DOMAINS)
        self._per_median = 1.0 / p["acv_median"]
        self._credited = []  # this week's unit credits, booked by credit()
        self._worked = []  # this week's leads by marketer and by SDR, tallied by cases()
        self._arrivals = None  # this week's new leads (code, week, queue, holder) before the line
        #: handoff distances (model.handoffs.Handoffs); set by the model, None: no loss
        self.handoffs: Handoffs | None = None
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

    def __repr__(self) -> str:
        return f"Pipeline(generated={self.generated}, open={len(self.leads)}, {self.leads!r})"

    @property
    def leads(self) -> Leads:
        """The open leads of every stage (a view for inspection; the stages keep them)."""
        self._admit()
        return Leads(self.new, self.waiting, self.deals)

    def _admit(self) -> None:
        """This week's new leads held for the SDRs (see :meth:`generate`) join the line."""
        if self._arrivals is not None:
            code, step, queue, holder = self._arrivals
            self._arrivals = None
            self._write_line(code, queue, step, holder)

    @property
    def closed(self) -> np.ndarray:
        """Leads closed so far, per stage of :data:`STAGES` (zero for the open stages)."""
        return np.array(self._closed, dtype=np.int64)

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
        self._admit()
        moved = Pipeline(self.p, structure, self.territory_rng)
        moved.generated, moved._closed = self.generated, list(self._closed)
        for line, into, single in ((self.new, moved.new, moved.single),
                                   (self.waiting, moved.waiting, moved.deal_single)):  # fmt: skip
            code = line.code.copy()
            queue = () if single else (code >> TERRITORY_SHIFT,)
            held = (line.holder.copy(), line.context.copy())
            into.append(len(code), code, line.since.copy(), *queue, *held)
        deals = self.deals
        live = deals.live.nonzero()[0]
        close_at, code, ae, se, qualified_at, context = deals.rows(live)[:6]
        moved.deals.week = deals.week
        if moved.deal_single:
            moved.deals.open(len(live), close_at, code, ae, se, qualified_at, context)
            moved.deals.helped = int(np.count_nonzero(moved.has_helped[code]))
        else:
            queue = getattr(structure, "deal_queue", structure.queue)[ae]
            moved.deals.open(len(live), close_at, code, ae, se, qualified_at, queue, context)
        moved.referred = self.referred  # referrals keep their referrers' territories
        return moved

    def start_record(self) -> None:
        """The record starts (after a burn-in): the open leads count as its first generated
        ones and nothing is closed yet, so :meth:`accounted` holds from here on."""
        self.generated = len(self.leads)
        self._closed = [0] * len(STAGES)

    def accounted(self) -> bool:
        """Every lead ever generated is open in one stage or closed exactly once."""
        return self.generated == len(self.leads) + sum(self._closed)

    def add_leads(self, territory, fit, technical, referral, step: int) -> None:
        """New leads of ``territory`` join the line of their queue (arrays of equal length;
        in pods a territory's queue is its pod's, in the assembly line the one shared queue)."""
        self._admit()
        territory = np.asarray(territory)
        code = np.asarray(fit) * FIT + np.asarray(technical) * TECHNICAL
        code = code + np.asarray(referral) * REFERRAL + (territory << TERRITORY_SHIFT)
        self._join_line(code, territory, step)

    def _join_line(self, code: np.ndarray, queue, step: int, holder=-1) -> None:
        """Newly generated leads join the new-lead line (``holder``: their marketer, -1 for a
        referral); a new lead's context is whole."""
        self._write_line(code, queue, step, holder)
        self.generated += len(code)

    def _write_line(self, code: np.ndarray, queue, step: int, holder, context=CONTEXT_ONE):
        if self.single:
            self.new.append(len(code), code, step, holder, context)
        else:
            self.new.append(len(code), code, step, queue, holder, context)

    def refer(self, territory, fit, technical) -> None:
        """Hold referred leads (of their referrers' territories) until next week's lead intake
        (one array append per week)."""
        self.referred = (len(territory), territory, fit, technical)

    def generate(self, step: int, wf: Workforce, rng: np.random.Generator, flow: dict) -> None:
        """Marketers generate leads (volume from productivity and knowledge, fit from knowledge);
        last week's referrals join them.

        The marketers' Poisson counts are drawn as one Poisson total split among them in
        proportion to their rates (the same joint distribution); the week's leads are ordered
        by marketer, as if each marketer's were drawn in turn.
        """
        self._admit()
        self._worked = []
        crew = self.crews["marketer"]
        cumulative = lead_rates(wf.productivity, wf.performance, crew.people)
        total = float(cumulative[-1])
        k = int(rng.poisson(self.p["leads_per_marketer"] * total)) if total > 0 else 0
        referred, ref_territory, ref_fit, ref_technical = self.referred
        self.referred = (0, None, None, None)
        if referred:  # a referral stays in its referrer's territory
            ref_code = ref_technical * TECHNICAL + ref_fit + REFERRAL
            ref_code += ref_territory << TERRITORY_SHIFT
            ref_queue = None if self.single else ref_territory
        if not k:
            if referred:
                self._join_line(ref_code, ref_queue, step)
            return
        u = rng.random(3 * k)  # three per lead (so that one more lead leaves the others' alone)
        share = u[0::3]
        share.sort()
        # the marketer of each lead: the last bound is left out, so a draw rounded up to the
        # total stays with the last marketer
        source = cumulative[:-1].searchsorted(share * cumulative[-1:], "right")
        territory = self._lead_territories(source, rng)
        marketer = crew.people[source]
        # a lead's fit comes from its marketer's knowledge of the lead's territory
        performance = wf.tables()[0]
        code = lead_codes(
            u, marketer, territory, performance, self._fit_range, self._technical_share
        )
        queue = None if self.single else territory
        holder = marketer
        if referred:  # they join the line after this week's generated leads
            code = np.concatenate((code, ref_code))
            queue = None if self.single else np.concatenate((queue, ref_queue))
            holder = np.concatenate((marketer, np.full(referred, -1, np.intp)))
        if not len(self.new):
            # the usual case: last week's line was worked off, and the SDRs take these leads
            # straight from here (qualify), without writing and reading back the line
            self._arrivals = (code, step, queue, holder)
            self.generated += len(code)
        else:
            self._join_line(code, queue, step, holder)
        self._credited.append(marketer)  # one credit per lead (see credit())
        self._worked.append(marketer)
        flow["leads"] += k

    def _lead_territories(self, source: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Each new lead's territory: its marketer's, or for a marketer who serves every
        territory one drawn evenly (leads arrive spread over the territories), from the
        pipeline's territory stream (the model's), else from ``rng``."""
        territory = self.marketer_territory[source]
        if self.shared_marketers and self.n_territories > 1:
            shared = (territory < 0).nonzero()[0]
            draw = self.territory_rng if self.territory_rng is not None else rng
            territory[shared] = draw.integers(0, self.n_territories, len(shared))
        return np.maximum(territory, 0)

    def qualify(self, step: int, wf: Workforce, rng: np.random.Generator, flow: dict) -> None:
        """SDRs work new leads first-in first-out up to their capacity; accuracy from knowledge."""
        crew, line = self.crews["sdr"], self.new
        capacity = self.p["sdr_capacity"] * crew.load(wf.productivity)
        # one batch of uniforms: r to round the capacities (one per queue), then two per lead
        # (SDR, call) for at most `most` leads worked
        r = 1 if self.single else self.n_queues
        pending, self._arrivals = self._arrivals, None  # this week's, if the line was empty
        if pending is None:
            leads, lead_queue = line.code, (None if self.single else line.queue)
            holders, contexts = line.holder, line.context
        else:
            leads, _, lead_queue, holders = pending
            contexts = CONTEXT_ONE
        n = len(leads)
        most = min(n, int(capacity if self.single else capacity.sum()) + r)
        u = rng.random(r + 2 * most)
        if self.single:  # the oldest floor(capacity + U) leads
            k = min(int(capacity + u[0]), n)
            rows, code, queue = slice(0, k), leads[:k], None
            rest = slice(k, n)
        elif (np.bincount(lead_queue, None, r) <= capacity + u[:r]).all():
            rows, code, queue, rest = None, leads, lead_queue, None  # each queue works all
        else:
            rows, queue = first_in_line(lead_queue, capacity + u[:r])
            code = leads[rows]
            rest = np.ones(n, dtype=bool)
            rest[rows] = False
        k = len(code)
        if pending is not None and k < n:  # the others join the line
            rest_queue = None if self.single else lead_queue[rest]
            self._write_line(leads[rest], rest_queue, pending[1], holders[rest])
        if not k:
            return self._expire(line, step)
        sdr = crew.pick(u[r : r + 2 * k : 2], queue)
        self._worked.append(sdr)
        # the call is made with the SDR's knowledge of the lead's territory
        kept = call_leads(code, sdr, u[r + 1 :], wf.tables()[0], self._accuracy_range)
        passer = sdr[kept]
        self._credited.append(passer)  # one credit per lead passed
        held = (passer, self._hand_over(holders, contexts, rows, kept, sdr))
        if self.deal_single:
            self.waiting.append(len(kept), code[kept], step, *held)
        else:  # an AE-stage queue per territory
            self.waiting.append(len(kept), code[kept], step, code[kept] >> TERRITORY_SHIFT, *held)
        if pending is None:  # the worked leads leave the line
            if rows is None or isinstance(rows, slice):
                line.drop(k)
            else:
                line.remove(rows)
        self._closed[DISQUALIFIED] += k - len(kept)
        flow["worked"] += k
        flow["qualified"] += len(kept)
        self._expire(line, step)

    def assign(self, step: int, wf: Workforce, rng: np.random.Generator) -> None:
        """Qualified opportunities become active deals as AE slots free up; SEs join tech deals.

        Each new deal's close week is drawn now (see :class:`Deals`).
        """
        line, deals, crew = self.waiting, self.deals, self.crews["ae"]
        # floor(capacity) - busy free slots: the leads at 1-based positions up to
        # capacity - busy in their queue's line
        room = self.p["ae_capacity"] * crew.load(wf.productivity)
        if self.deal_single:
            k = max(0, min(int(room - deals.count), len(line)))
            code, queue = line.code[:k], None
            holder, context = line.holder[:k], line.context[:k]
        else:
            code, since, queue, holder, context = line.take_first(room - deals.busy)
            k = len(code)
        if not k:
            return self._expire(line, step)
        u = rng.random(2 * k)  # two per deal: AE, SE
        ae = crew.pick(u[0::2], queue)
        se = self._join_se(code, ae, queue, u[1::2], wf)
        close_at = rng.geometric(self.close_chance, k)
        close_at += step - 1  # a deal can close in its first week
        context = self._hand_over(holder, context, slice(None), slice(None), ae)
        if self.deal_single:
            deals.open(k, close_at, code, ae, se, line.since[:k], context)
            line.drop(k)
        else:
            deals.open(k, close_at, code, ae, se, since, queue, context)
        self._expire(line, step)

    def _hand_over(self, holder, context, rows, kept, receiver) -> np.ndarray:
        """Context of the leads ``[rows][kept]`` after their holders hand them to
        ``receiver[kept]``: each keeps ``1 - handoff_loss x distance`` of it (docs/ODD.md 7.11).

        ``rows`` picks the worked leads out of ``holder`` and ``context`` (None: all of them)
        and ``kept`` those handed on; ``context`` may be one number for all.
        """
        scalar = np.ndim(context) == 0
        if not scalar and rows is not None:
            context = context[rows]
        if self.handoffs is None or not self.handoffs.active:
            return context if scalar else context[kept]
        holder = (holder if rows is None else holder[rows])[kept]
        return self.handoffs.hand_over(holder, receiver[kept], context if scalar else context[kept])

    def _join_se(self, code, ae, queue, u, wf: Workforce) -> np.ndarray:
        """SEs join new technical deals, first-in first-out, as SE slots allow; marks them
        HELPED in ``code`` (in place). Returns each deal's SE (its AE where none)."""
        if "se" not in self.crews:
            return ae
        crew, deals = self.crews["se"], self.deals
        room = self.p["se_capacity"] * crew.load(wf.productivity)
        if crew.single:  # SEs serve every AE queue
            free, se_queue = np.array([room - deals.helped]), self.no_queue
        else:  # this week's deals are grouped by queue, first-in first-out within each
            free, se_queue = room - deals.helped_busy, queue
        se, helped = join_ses(code, ae, se_queue, u, free, *crew.weights)
        if self.deal_single:  # several queues: QueueDeals.open tallies them
            deals.helped += helped
        return se

    def close(self, step: int, wf: Workforce, rng: np.random.Generator, flow: dict):
        """Deals close in their close week; won or lost by a logistic model.

        A deal is worked with the AE's (and SE's) knowledge of the deal's territory. A deal's
        lost context (docs/ODD.md 7.11) costs the AE the account-specific part of that
        knowledge, which falls back to a guess (knowledge 0.5): the log-odds fall by
        ``knowledge_win_effect x (1 - context) x`` the AE's weighted knowledge of the buyer's
        language and problem above 0.5.

        Returns:
            ``(territory, fit, expectations, ae, se)`` of the won deals (``se`` is the AE where
            no SE helped); :attr:`won_context` holds their context (a share) once the AE has
            handed them to the CSMs of their queue and these to its support staff.
        """
        deals = self.deals
        deals.week = step
        # the log starts at row 0: its rows are the columns' indices
        closing = (deals.close_at == step).nonzero()[0]
        n = len(closing)
        if not n:
            self.won_context = np.zeros(0)
            return self.no_queue, np.zeros(0, bool), np.zeros(0), self.no_queue, self.no_queue
        closed = deals.rows(closing)  # every field of the closing deals, in one gather
        draw = rng.logistic(0.0, 1.0, n)  # won where it falls below the deal's log-odds
        performance, knowledge = wf.tables()
        lose_context = self.handoffs is not None and self.handoffs.active
        effects = (self._effect, self._effect_tech, *self._account_weights)
        territory, fit, expectations, ae, se, context = decide_deals(
            closed, draw, self.log_odds, performance, knowledge, effects, lose_context
        )
        won, code = len(ae), closed[1]
        deals.count -= n
        if self.deal_single:
            deals.helped -= int(np.count_nonzero(self.has_helped[code]))
        else:
            deals.settle(code, closed[6])  # closed[6]: the deals' queues
        self._closed[WON] += won
        self._closed[LOST] += n - won
        flow["won"] += won
        flow["lost"] += n - won
        flow["cycle_weeks"] += step * n - int(np.add.reduce(closed[4]))  # from qualified_at
        self.won_context = context
        if lose_context:  # to the CSMs, then support
            account_queue = np.zeros_like(territory) if self.single else territory
            self.won_context = self.handoffs.to_service(ae, account_queue, context)
        return territory, fit, expectations, ae, se

    def cases(self, step: int, n: int) -> np.ndarray:
        """Cases each of ``n`` people worked this week: leads a marketer generated, leads an
        SDR worked, deals an AE worked (open this week, closing ones included) and technical
        deals an SE helped with. Call after :meth:`close`; the tally restarts with the next
        week's :meth:`generate`."""
        deals = self.deals
        worked = (deals.close_at >= step).nonzero()[0]
        ae, se = deals.ae.take(worked), deals.se.take(worked)
        people = np.concatenate((*self._worked, ae, se[se != ae]))
        return np.bincount(people, minlength=n).astype(float)

    def credit(self, wf: Workforce, ae: np.ndarray, se: np.ndarray, acv: np.ndarray) -> None:
        """Book the week's credit into ``wf.output``, all at once: a marketer's per lead
        generated and an SDR's per lead passed (noted by :meth:`generate` and :meth:`qualify`),
        and the value of each won deal (ACV in units of the median) to its AE and to the SE
        who helped (``se`` is the AE where none helped: no second credit)."""
        units = np.concatenate(self._credited) if self._credited else self.no_queue
        self._credited = []
        book_credit(wf.output, units, ae, se, acv, self._per_median)

    def _expire(self, line: Line, step: int) -> None:
        """Leads left waiting too long go cold (a prefix of the line: it is oldest first)."""
        last = step - self.p["lead_expiry_weeks"]  # joined the line in this week or before
        if len(line) and line.columns["since"][line.head] <= last:
            cold = int(line.since.searchsorted(last, "right"))
            line.drop(cold)
            self._closed[EXPIRED] += cold
