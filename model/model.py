"""SalesOrgModel: how a B2B sales organization learns and sells, one week per step.

The model compares The Model's assembly line (marketing -> SDR -> AE -> CSM, with or without
feedback loops) with Predictable Revenue's pods (mixed-role mini business units), on a March
(1991) learning engine extended with roles, seating, peer learning, a pipeline and
incentives. ``docs/ODD.md`` describes it in full; ``model.PARAMETERS`` lists every input.
"""

from __future__ import annotations

import math

import mesa
import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid

from agents import AGENT_REPORTERS, create_employees
from model.collection import MetricCollector
from model.conversations import conversation_plan, debrief_plan, draw_conversations
from model.customers import Customers
from model.handoffs import Handoffs
from model.incentives import (
    TYPES,
    choose_effort,
    own_pay_share,
    rival_key,
    rival_share,
    sanction_force,
    settle_pay,
    sharing_kept,
    update_willingness,
)
from model.interdependence import dependency_map, effective, teachable
from model.knowledge import (
    DOMAINS,
    FEEDBACK_LOOPS,
    ROLE_INDEX,
    ROLES,
    as_matrix,
    cross_functional,
    dimension_domains,
    feedback_dimension_mask,
    performance_weights,
    talk_masks,
)
from model.learning import (
    domain_knowledge,
    learn_by_doing,
    peer_transfer,
    practice_cells,
    turbulence,
)
from model.march import rules
from model.metrics import FLOWS, METRICS, Metrics, role_performance
from model.organization import build_structure
from model.parameters import ParameterError
from model.people import WEEKS_PER_YEAR, People
from model.pipeline import Pipeline, Workforce
from model.reorganization import merge_playbooks
from model.seating import floor_shape, neighbour_table, place
from model.territories import Territories, served_mean, territory_of_cells, work_shares
from model.validation import validate_parameters

#: One independent random stream per random process (common random numbers across designs).
STREAMS = (
    "seating", "people", "market", "leads", "qualification", "deals", "customers", "churn",
    "learning", "attrition", "playbook", "territory_market", "territory_work",
)  # fmt: skip

#: Per role, the parameter that says how many cases make a full week's load: leads generated,
#: leads worked, deals worked, technical deals helped, accounts covered, tickets solved.
FULL_LOAD = {
    "marketer": "leads_per_marketer", "sdr": "sdr_capacity", "ae": "ae_capacity",
    "se": "se_capacity", "csm": "csm_capacity", "support": "support_capacity",
}  # fmt: skip

#: Head count the ``initial_customers`` default refers to (scaled for other sizes).
REFERENCE_EMPLOYEES = 90


class SalesOrgModel(mesa.Model):
    """A sales organization of Mesa :class:`agents.Employee` agents on an office floor.

    Args:
        rng: seed or numpy Generator (Mesa's convention); every random stream derives from it.
        collect_agents: also collect agent-level data every step (expensive).
        **params: any of ``model.PARAMETERS``; missing ones take their defaults.

    Raises:
        ParameterError: an unknown name, a wrong type, a value out of range, or a combination
            the design cannot use (e.g. a pod without an AE).
    """

    ROLES, DOMAINS, TYPES = ROLES, DOMAINS, TYPES

    def __init__(self, rng=None, collect_agents: bool = False, **params) -> None:
        if not isinstance(collect_agents, bool):
            raise ParameterError(
                f"parameter 'collect_agents' = {collect_agents!r} has type "
                f"{type(collect_agents).__name__}; expected a bool"
            )
        self.params = validate_parameters(params)
        super().__init__(rng=rng)
        p = self.params
        self.streams = dict(zip(STREAMS, self.rng.spawn(len(STREAMS)), strict=True))
        # the model's week: burn-in weeks run up to 0, the recorded run from 1 on
        self.week = -p["burn_in_weeks"]
        self.structure = build_structure(
            p["design"], p["employees"], p["pod_composition"], p["ae_territories"]
        )
        n, dims = self.structure.size, len(DOMAINS) * p["dimensions_per_domain"]

        # the role x domain tables (inputs vantage and role_weights) as arrays
        self.vantage_matrix = as_matrix(p["vantage"])
        self.weights_matrix = as_matrix(p["role_weights"])
        # the market and what people believe about it
        self.reality = self.streams["market"].choice(np.array([-1, 1], dtype=np.int8), dims)
        self._market_structure(dims)
        self.people = People(n, dims, p, self.streams["people"])
        self.codes = np.zeros((self.structure.n_units, dims), dtype=np.int8)
        self.vantage = self.vantage_matrix[self.structure.role][
            :, dimension_domains(p["dimensions_per_domain"])
        ]
        self._pay_and_skill_tables()

        self._role_weights = performance_weights(p["performance_weights"], self.weights_matrix)[
            self.structure.role
        ]
        self._seat_employees()
        self._learning_tables(dims)

        self.pipeline = Pipeline(p, self.structure, self.streams["territory_work"])
        self.workforce: Workforce = None  # type: ignore[assignment]  # set by motivate() each week
        self.customers = Customers(p, self.structure)
        if p["selling"]:
            initial = round(p["initial_customers"] * n / REFERENCE_EMPLOYEES)
            self.customers.seed_base(initial, self.week, self.streams["customers"])
        self.connect_handoffs()

        self.metrics_state = Metrics(
            self.structure,
            self.weights_matrix,
            cross_functional(self.weights_matrix, self.vantage_matrix, p["expertise_threshold"]),
        )
        self._assess()
        self.burn_in()
        self.datacollector = MetricCollector(
            METRICS, agent_reporters=dict(AGENT_REPORTERS) if collect_agents else None
        )
        self.datacollector.collect(self)

    def __repr__(self) -> str:
        return (
            f"SalesOrgModel(design={self.structure.design!r}, employees={self.structure.size}, "
            f"week={self.week}, customers={len(self.customers)}, arr={self.customers.arr:,.0f})"
        )

    # ------------------------------------------------------------------ set-up
    def _pay_and_skill_tables(self) -> None:
        """Pay shares and ramp-up speeds, which depend on the structure (unit sizes, roles)."""
        p = self.params
        self.own_share = own_pay_share(p["incentive"], p["pooled_fraction"])
        self.marginal_return = self.own_share + (1.0 - self.own_share) / self.structure.size_of_unit

        self.people.ramp_speed = self._ramp_speed()

    def _ramp_speed(self) -> np.ndarray:
        """Per person, ``1 + specialization_advantage x`` the share of one's unit colleagues
        who hold one's own role: the structural feature specialization stands for (Becker &
        Murphy 1992), the same rule in every design (a department of one role: share 1)."""
        s = self.structure
        pairs = s.unit * len(ROLES) + s.role
        same = np.bincount(pairs, minlength=s.n_units * len(ROLES)).take(pairs) - 1
        share = same / s.others_in_unit
        return 1.0 + self.params["specialization_advantage"] * share

    def connect_handoffs(self) -> None:
        """Handoff distances of the current units and seats, for the pipeline and customers
        (docs/ODD.md 7.11); a reorganization calls this again (accounts keep their context)."""
        self.handoffs = Handoffs(self.params["handoff_loss"], self.structure, self.neighbours)
        self.pipeline.handoffs = self.customers.handoffs = self.handoffs

    def _market_structure(self, dims: int) -> None:
        """Territories' realities and the dependency map of interdependent knowledge.

        ``_territorial`` is False in the one-market, independent-dimensions case (the defaults),
        where every knowledge lookup takes the common reality (the same bits as before).
        """
        p, s = self.params, self.structure
        k = p["interdependence"]
        self.depends = dependency_map(dims, k, self.streams["market"]) if k else None
        self.territories = Territories(
            s.n_territories,
            self.reality,
            p["territory_correlation"],
            self.streams["territory_market"],
        )
        self._territorial = not self.territories.one_market or self.depends is not None
        self._territory_tables()

    def _territory_tables(self) -> None:
        """Who serves which territory, per structure (at set-up and at a reorganization)."""
        s = self.structure
        self.work_shares = work_shares(s.serves)
        # the territories a unit serves (a pod: its own; a department: its members' union),
        # per person (by unit) and per unit code: the superior group is judged on them
        unit_serves = np.zeros((s.n_units, s.n_territories), dtype=np.int64)
        np.add.at(unit_serves, s.unit, s.serves)
        unit_serves = (unit_serves > 0).astype(np.int64)
        self._row_serves = np.concatenate((unit_serves[s.unit], unit_serves))
        role_weights = performance_weights(self.params["performance_weights"], self.weights_matrix)
        role_weights = role_weights[s.role]
        self._territory_weights = np.tile(role_weights, (s.n_territories, 1))

    def _seat_employees(self) -> None:
        """Create the employees on the office floor and seat them (:meth:`_seat`)."""
        n = self.structure.size
        self.grid = OrthogonalMooreGrid(floor_shape(n), torus=False, capacity=1, random=self.random)
        self.employees = create_employees(self, self.structure.role)
        self._seat()

    def _seat(self) -> None:
        """Seat everyone by the seating rule and the structure; precompute seat neighbours and
        so who sees whose work."""
        p, n = self.params, self.structure.size
        shape = floor_shape(n)
        self.positions = place(self.structure, p["seating"], self.streams["seating"], shape)
        self.neighbours, self.neighbour_counts = neighbour_table(
            self.positions, shape, p["seat_radius"]
        )
        cells = self.grid._cells
        for agent in self.employees:  # free every seat first: one person per seat
            agent.cell = None
        for agent, (x, y) in zip(self.employees, self.positions.tolist(), strict=True):
            agent.cell = cells[(x, y)]
        # peer sanctions act through the colleagues who see one's work (ODD 7.1)
        self.people.feel_sanctions(sanction_force(self.structure, self.neighbours, p))

    def _learning_tables(self, dims: int) -> None:
        """Learning's tables, built once per structure (at set-up and at a reorganization).

        A week's conversations are slots of one plan (:func:`draw_conversations`); a slot's
        *row* indexes its topics (``_topics``: the source's talk mask for a talk, the loop's
        relay for a review) and how readily they are taken (``_adopt_rates``). Every slot
        tells its source's beliefs.
        """
        p, s, n = self.params, self.structure, self.structure.size
        loops = self._feedback_loops(dims)
        self._feedback = debrief_plan(loops)
        self._conversations = conversation_plan(
            s, self.neighbours, self.neighbour_counts, p, self._feedback
        )
        relay = np.array([r for *_, r in loops], dtype=float).reshape(len(loops), dims)
        talks = talk_masks(
            p["dimensions_per_domain"], self.vantage_matrix, p["expertise_threshold"]
        )
        talks = talks[s.role]  # what each person talks about
        self._topics = np.concatenate((talks.astype(float), relay))
        # per row, the chance of taking each dimension from a source who performs at least as
        # well as the receiver, then from one who performs worse (a review's briefer counts as
        # "better": the receiver asked for the report of a stage they do not see)
        rate = p["peer_learning_rate"] * self._topics
        self._adopt_rates = np.concatenate((rate, rate * p["worse_source_weight"]))
        self._worse_offset = len(self._topics)
        self._source_performance = np.full(n + len(loops), np.inf)  # a review: "better"
        # learning by doing and socialization: intensities of their per-cell Poisson processes
        self._neg_practice = -(p["learning_by_doing_rate"] * self.vantage).ravel()
        self._top_practice = p["learning_by_doing_rate"] * float(self.vantage.max(initial=0.0))
        self._socialization = (
            -np.log1p(-p["socialization_rate"]) if p["socialization_rate"] < 1 else np.inf
        )
        # a full load per role (the cases a fully productive person works in a week)
        full = np.array([p[FULL_LOAD[role]] for role in ROLES], dtype=float)
        self._full_load = full.take(s.role)
        self._code_cell = (s.unit[:, None] * dims + np.arange(dims)).ravel()
        self._code_change = rules.change_table(p["code_learning_rate"], n)  # per margin
        # the superior group's scores weigh each dimension by what the person's role needs,
        # in whole percent so that scores are exact integers and ties are ties
        percent = np.rint(100 * self._role_weights).astype(np.int16)
        self._score_weights = percent[:, dimension_domains(p["dimensions_per_domain"])]
        # rivalry under individual pay: less sharing with rivals, in talks and playbooks (7.1)
        kept = sharing_kept(p["rivalry"], self.own_share)
        self._rivals = None if kept == 1.0 else (rival_key(s), kept)
        self._playbook_kept = 1.0 - (1.0 - kept) * rival_share(s)  # exactly 1 without rivalry

    def _feedback_loops(self, dims: int):
        """The reviews' loops as (sources, receivers, relay), one per role pair and territory.

        The same role pairs (CSM -> marketer, AE -> SDR, SDR -> marketer) review in every
        design that holds reviews, among the people who work the same cases: The Model's
        departments share one territory, so its loops span the organization; a pod owns its
        territory end to end, so it reviews inside the pod (Ross & Tyler 2011). ``functional``
        has no reviews. ``relay`` is what a review passes per dimension: the source role's
        vantage on the domains it sees better than the receiver, zero elsewhere.
        """
        if self.structure.design == "functional":
            return []
        s = self.structure
        domains = dimension_domains(self.params["dimensions_per_domain"])
        loops = []
        for territory in range(s.n_queues):
            here = s.queue == territory
            for source, receiver in FEEDBACK_LOOPS:
                src = np.flatnonzero(here & (s.role == ROLE_INDEX[source]))
                dst = np.flatnonzero(here & (s.role == ROLE_INDEX[receiver]))
                if len(src) and len(dst):
                    vantage = self.vantage_matrix
                    mask = feedback_dimension_mask(
                        source, receiver, self.params["dimensions_per_domain"], vantage
                    )
                    loops.append((src, dst, vantage[ROLE_INDEX[source]][domains] * mask))
        return loops

    def burn_in(self) -> None:
        """Run ``burn_in_weeks`` unrecorded weeks under the model's own design (a warm start).

        The company has been running before the record starts: beliefs, playbooks, the
        pipeline, the customer base and the trailing windows of the rate metrics reach their
        steady state (docs/ODD.md, initialization). The burn-in draws from the same named
        streams as the recorded weeks, so a seed reproduces the whole run. Afterwards the week
        is 0 and the cumulative counters (leads generated and closed, customers acquired and
        churned) restart at 0; the trailing windows keep the burn-in weeks, which are the
        company's recent history.
        """
        if not self.params["burn_in_weeks"]:
            return
        while self.week < 0:
            self.run_week()
        self.pipeline.start_record()
        self.customers.start_record()
        self.metrics_state.start_record()
        self.metrics_state.update(self)

    def reorganize(self, design: str) -> None:
        """The same people move to ``design`` (docs/ODD.md section 5.2).

        Beliefs, traits, tenure, skill and morale stay with each person; units, seats, queues,
        pay pools, review loops and playbooks change. New playbooks merge the members' former
        ones and unowned work is dealt to the new queues in turn (:mod:`model.reorganization`);
        active deals follow their AE.
        """
        old = self.structure
        new = build_structure(
            design, old.size, self.params["pod_composition"], self.params["ae_territories"]
        )
        self.codes = merge_playbooks(self.codes, old.unit, new.unit, new.n_units)
        self.structure = new
        self._pay_and_skill_tables()
        self._seat()
        self._learning_tables(self.reality.shape[0])
        self._territory_tables()
        self.pipeline = self.pipeline.reorganized(new)
        self.customers.reassign(new)
        self.connect_handoffs()
        self.metrics_state.structure = new

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        """One recorded week: the week's phases, then the DataCollector's row."""
        self.run_week()
        self.datacollector.collect(self)

    def run_week(self) -> None:
        """One week, in the order of the schedule in docs/ODD.md section 3."""
        self.week += 1
        if self.week == self.params["reorganize_at"]:
            self.reorganize(self.params["reorganize_to"])
        self.flow = dict.fromkeys(FLOWS, 0.0)
        self.motivate()  # willingness, effort and cooperation for the week
        self.sell()  # leads -> qualification -> deals -> new customers
        self.serve_customers()  # support, CSM coverage, renewals, referrals
        self.learn()  # learning by doing, talks, feedback loops, playbooks
        self.pay_and_morale()  # pay by the incentive scheme; fairness moves morale
        self.turnover()  # leavers replaced by new hires who ramp up
        turbulence(self.reality, self.params["turbulence"], self.streams["market"])
        self.territories.drift(self.params["turbulence"])
        self.territories.follow(self.reality)
        self.metrics_state.record_week(self.week, self.flow)
        self._assess()

    def motivate(self) -> None:
        """Willingness, effort and productivity for the week (ODD 7.1)."""
        people = self.people
        update_willingness(people, self.structure, self.params)
        choose_effort(people, self.marginal_return, self.params)
        self.productivity = people.effort * people.ramp()
        people.output = np.zeros(len(people))
        self.workforce = Workforce(
            self.productivity,
            self.performance,
            self.served_knowledge,
            people.output,
            self.territory_performance,
            self.territory_knowledge,
        )

    def sell(self) -> None:
        """Leads through qualification and deals to new customers; credit the closers (7.2).

        Nothing happens in an organization that does not sell (``selling`` False).
        """
        if not self.params["selling"]:
            return
        wf, s, flow, pipeline = self.workforce, self.streams, self.flow, self.pipeline
        week = self.week
        pipeline.generate(week, wf, s["leads"], flow)
        pipeline.qualify(week, wf, s["qualification"], flow)
        pipeline.assign(week, wf, s["deals"])
        territory, fit, expectations, ae, se = pipeline.close(week, wf, s["deals"], flow)
        acv = self.customers.draw_acv(len(ae), s["deals"])
        context = pipeline.won_context  # what reached the CSMs and support (docs/ODD.md 7.11)
        self.customers.add(territory, fit, expectations, acv, week, 0.5, context)
        flow["new_bookings"] += float(np.add.reduce(acv))
        pipeline.credit(wf, ae, se, acv)  # the week's credit to marketers, SDRs, AEs and SEs

    def serve_customers(self) -> None:
        """Service, renewals and referrals; CSMs share credit for retained ARR (7.3)."""
        if not self.params["selling"]:
            return
        wf, s, customers = self.workforce, self.streams, self.customers
        customers.serve(wf, self.pipeline.members)
        retained = customers.renew(self.week, s["churn"], self.flow)
        customers.credit_staff(wf, retained)
        ref_territory, ref_fit, technical = customers.refer(s["leads"])
        self.pipeline.refer(ref_territory, ref_fit, technical)
        self.flow["referrals"] += len(ref_territory)

    def learn(self) -> None:
        """Learning by doing, informal talks, feedback debriefs and playbooks (7.4).

        One batch of uniforms decides the week's conversations, contributions to the playbooks
        and the playbooks' changes; learning by doing and socialization are the marked hits of
        one sparse Poisson process (:func:`practice_cells`); the told dimensions of all
        conversations take one more batch.
        """
        p, people, rng = self.params, self.people, self.streams["learning"]
        beliefs, n = people.beliefs, len(people)
        work = self.work_share()
        # what people did this week: their beliefs, a coin where they hold none (March 1991)
        actions = rules.act(beliefs, rules.coins_for(beliefs, self.streams["playbook"]))
        plan, codes = self._conversations, self.codes
        m = plan.n_uniforms
        k = m + n + codes.size
        top = self._top_practice * work.max(initial=0.0)  # the largest learning-by-doing rate
        practice = math.inf if top >= 1.0 else -math.log1p(-top)
        total = practice + self._socialization
        if total < math.inf:
            hits = rng.poisson(total * beliefs.size)
            u = rng.random(k + 2 * hits)
            practised, socialized = practice_cells(
                u[k : k + hits],
                u[k + hits :],
                self._neg_practice,
                work,
                practice,
                total,
            )
        else:  # a rate of 1 has no finite intensity: one coin per cell and process
            u = rng.random(k + 2 * beliefs.size)
            coins = u[k:].reshape(2, beliefs.size)
            rate = -(self._neg_practice.reshape(beliefs.shape) * work[:, None]).ravel()
            practised = (coins[0] < rate).nonzero()[0]
            socialized = (coins[1] < p["socialization_rate"]).nonzero()[0]
        self._learn_by_doing(practised)
        # talks and reviews pass the source's beliefs (right or wrong), read before any writes
        slot, sources, row = draw_conversations(plan, u[:m], people.cooperation, self._rivals)
        receivers = plan.receivers.take(slot)
        performance = self._source_performance
        performance[:n] = self.performance
        # a worse source's talk is taken less often: its row in the lower half of the rates
        worse = performance.take(row) < performance.take(receivers)
        probability = self._adopt_rates.take(row + self._worse_offset * worse, axis=0)
        u_told = rng.random(probability.shape, dtype=np.float32)
        told = beliefs.take(sources, axis=0)
        own = beliefs.take(receivers, axis=0)
        peer_transfer(beliefs, receivers, told, own, probability, u_told)
        # socialization: a step toward the unit playbook where it holds a view (March's p1)
        rules.socialize(beliefs, socialized, codes.take(self._code_cell.take(socialized)))
        # the superior group: people whose week's actions scored above their unit playbook on
        # what their role needs, and who share (cooperativeness gates the playbook too; what
        # goes into the playbook helps the unit's rivals too)
        s = self.structure
        acted = self._superior_score(actions)
        own_code = self._superior_score(codes.take(s.unit, axis=0))
        contributes = acted > own_code
        contributes &= u[m : m + n] < people.cooperation * self._playbook_kept
        tally = rules.superior_tally(actions, contributes, s.unit_order, s.unit_starts)
        rules.learn_code(codes, tally, self._code_change, u[m + n : k].reshape(codes.shape))

    def work_share(self) -> np.ndarray:
        """Per person, the cases worked this week relative to a full load (:data:`FULL_LOAD`),
        at most 1: learning by doing scales with it (the week's work is done: after sell and
        serve_customers)."""
        n = len(self.people)
        cases = self.pipeline.cases(self.week, n)
        cases += self.customers.cases(self.workforce, self.pipeline.members)
        # cases / full load below a full load, else 1 (no division that could overflow)
        full = self._full_load
        return np.divide(cases, full, out=(cases > 0).astype(float), where=cases < full)

    def _learn_by_doing(self, cells: np.ndarray) -> None:
        """People observe the truth of the dimensions in ``cells`` (flat person x dimension)
        in the reality of the account worked: its territory's (one served territory, or one
        drawn by work share), and with interdependence only where the person's beliefs on the
        dimensions it depends on are right (:mod:`model.interdependence`)."""
        beliefs = self.people.beliefs
        if not self._territorial:
            learn_by_doing(beliefs, self.reality, cells)
            return
        s, realities, dims = self.structure, self.territories.reality, beliefs.shape[1]
        territory = territory_of_cells(
            cells, dims, s.territory, s.n_territories, self.streams["territory_work"]
        )
        if self.depends is not None:
            keep = teachable(beliefs, realities, territory, cells, self.depends)
            cells, territory = cells[keep], territory[keep]
        beliefs.put(cells, realities.take(territory * dims + cells % dims))

    def _superior_score(self, rows: np.ndarray) -> np.ndarray:
        """March's score of each person's row (actions, or their unit's code) on what their
        role needs: against the common reality, or summed over the realities of the
        territories their unit serves; with interdependence a right value scores only where
        its dependencies are right too (integers: exact)."""
        if not self._territorial:
            return rules.score(rows, self.reality, self._score_weights)
        realities = self.territories.reality[:, None]  # territories x 1 x dimensions
        if self.depends is None:
            per = rules.score(rows[None], realities, self._score_weights)
        else:
            # +1 where right with its dependencies, -1 where wrong, 0 for no view (or a right
            # value whose dependencies are wrong: it does not count)
            right = effective(rows[None] == realities, self.depends)
            wrong = (rows[None] != 0) & (rows[None] != realities)
            value = np.where(right, 1, np.where(wrong, -1, 0))
            per = rules.score(value.astype(np.int8), 1, self._score_weights)
        return np.add.reduce(per * self._row_serves[: len(rows)].T, axis=0)

    def pay_and_morale(self) -> None:
        """Pay by the incentive scheme; unfairness moves morale (7.5)."""
        settle_pay(self.people, self.structure, self.own_share, self.params)

    def turnover(self) -> None:
        """Leavers, more when morale is low, replaced by new hires in their seats (7.4)."""
        p, people = self.params, self.people
        base = 1.0 - (1.0 - p["attrition_annual"]) ** (1.0 / WEEKS_PER_YEAR)
        effect = base * p["morale_attrition_effect"]
        # base x (1 + effect x (1 - morale)); above 1 needs no clip: every draw falls below it
        hazard = (base + effect) - effect * people.morale
        people.tenure += 1
        leavers = (self.streams["attrition"].random(len(people)) < hazard).nonzero()[0]
        people.replace(leavers, self.streams["attrition"], self.marginal_return)
        self.flow["leavers"] += len(leavers)

    # ------------------------------------------------------------------ observation
    def _assess(self) -> None:
        """What people know now (used by next week's work) and this week's metrics."""
        self.correct = self.people.beliefs == self.reality
        self.belief_accuracy = None  # the share of right beliefs, when it differs from knowledge
        if self.depends is not None:
            self.belief_accuracy = float(np.count_nonzero(self.correct) / self.correct.size)
            self.correct = effective(self.correct, self.depends)  # the right beliefs that count
        self.domain_knowledge = domain_knowledge(self.correct, len(DOMAINS))
        self.performance = role_performance(self.domain_knowledge, self._role_weights)
        self._assess_territories()
        self.metrics_state.update(self)

    def _assess_territories(self) -> None:
        """Knowledge against each territory's reality, and of the territories one serves.

        ``territory_knowledge`` (territories x people x domains) and ``territory_performance``
        are what a case of each territory is worked with; ``served_knowledge`` and
        ``performance`` average them over the territories one serves by work share. One market
        (``_territorial`` False): they are the common-market values.
        """
        if not self._territorial:
            self.territory_knowledge = self.territory_performance = None
            self.served_knowledge = self.domain_knowledge
            return
        beliefs, t = self.people.beliefs, self.territories.n
        n, dims = beliefs.shape
        correct = beliefs[None] == self.territories.reality[:, None]
        if self.depends is not None:
            correct = effective(correct, self.depends)
        knowledge = domain_knowledge(correct.reshape(t * n, dims), len(DOMAINS))
        self.territory_knowledge = knowledge.reshape(t, n, -1)
        performance = role_performance(knowledge, self._territory_weights)
        self.territory_performance = performance.reshape(t, n)
        shares = self.work_shares
        self.served_knowledge = served_mean(self.domain_knowledge, self.territory_knowledge, shares)
        self.performance = served_mean(self.performance, self.territory_performance, shares)

    def knowledge_by_role_and_domain(self):
        """Mean knowledge of each domain (columns) by role (rows) now, as a DataFrame.

        The full role x domain table behind the ``knowledge_<role>`` and ``knowledge_<domain>``
        metrics; computed on demand, not collected every step.
        """
        import pandas as pd

        role = self.structure.role
        counts = np.bincount(role, minlength=len(ROLES))[:, None]
        sums = np.zeros((len(ROLES), len(DOMAINS)))
        np.add.at(sums, role, self.domain_knowledge)
        table = np.divide(sums, counts, out=np.full_like(sums, np.nan), where=counts > 0)
        return pd.DataFrame(table, index=list(ROLES), columns=list(DOMAINS))

    @property
    def metrics(self) -> dict[str, float]:
        """Current value of every metric in :data:`model.METRICS`."""
        return self.metrics_state.values
