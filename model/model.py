"""SalesOrgModel: how a B2B sales organization learns and sells, one week per step.

The model compares The Model's assembly line (marketing -> SDR -> AE -> CSM, with or without
feedback loops) with Predictable Revenue's pods (mixed-role mini business units), on a March
(1991) learning engine extended with roles, seating, peer learning, a pipeline and
incentives. ``docs/ODD.md`` describes it in full; ``model.PARAMETERS`` lists every input.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import mesa
import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid
from salesorg.agents import AGENT_REPORTERS, create_employees
from salesorg.model.assessment import assess_knowledge, serve_territories
from salesorg.model.collection import MetricCollector
from salesorg.model.customers import Customers
from salesorg.model.draws import Handles
from salesorg.model.handoffs import Handoffs
from salesorg.model.incentives import (
    TYPES,
    adjust_willingness,
    own_pay_share,
    pay_and_morale,
    sanction_force,
    work_effort,
)
from salesorg.model.interdependence import dependency_map, effective
from salesorg.model.knowledge import (
    DOMAINS,
    ROLES,
    as_matrix,
    cross_functional,
    performance_weights,
)
from salesorg.model.learning import (
    Learning,
    Market,
    knowledge_and_performance,
    market_turbulence,
)
from salesorg.model.metrics import FLOWS, METRICS, Metrics
from salesorg.model.organization import build_structure
from salesorg.model.parameters import ParameterError
from salesorg.model.people import WEEKS_PER_YEAR, People
from salesorg.model.pipeline import Pipeline, Workforce
from salesorg.model.seating import floor_shape, neighbour_table, place
from salesorg.model.territories import Territories
from salesorg.model.validation import validate_parameters

#: One independent random stream per random process (common random numbers across designs);
#: ``learning`` spawns one per learning sub-process (:attr:`model.learning.Learning.STREAMS`).
STREAMS = (
    "seating", "people", "market", "leads", "qualification", "deals", "customers", "churn",
    "learning", "attrition", "territory_market", "territory_work",
)  # fmt: skip

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
        self.handles = Handles(self.streams)  # the streams as compiled kernels draw from them
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
        self._pay_and_skill_tables()

        self._role_weights = performance_weights(p["performance_weights"], self.weights_matrix)[
            self.structure.role
        ]
        self._seat_employees()
        self.learning = Learning(
            p,
            self.structure,
            self.neighbours,
            self.neighbour_counts,
            self.own_share,
            self._role_weights,
            self.streams["learning"],
        )

        self.pipeline = Pipeline(p, self.structure, self.streams["territory_work"])
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
        self._knowledge_tables()
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
        self.depends: np.ndarray | None
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
        role_weights = performance_weights(self.params["performance_weights"], self.weights_matrix)
        self._served_weights = role_weights[s.role]  # people x domains, for each territory
        self._territory_weights: np.ndarray | None = None  # built when first needed

    def _seat_employees(self) -> None:
        """Create the employees on the office floor and seat them (:meth:`_seat`)."""
        n = self.structure.size
        with cyclic_collection_paused():  # many new objects, none of them garbage
            self.grid = OrthogonalMooreGrid(
                floor_shape(n), torus=False, capacity=1, random=self.random
            )
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

    @property
    def codes(self) -> np.ndarray:
        """The unit playbooks (March's organizational code), units x dimensions
        (:class:`model.learning.Learning` owns them)."""
        return self.learning.codes

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
        new = build_structure(
            design,
            self.structure.size,
            self.params["pod_composition"],
            self.params["ae_territories"],
        )
        self.structure = new
        self._pay_and_skill_tables()
        self._seat()
        self.learning.rebuild(new, self.neighbours, self.neighbour_counts, self.own_share)
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
        self.learn()  # acts, learning by doing, talks and reviews, socialization, playbooks
        self.pay_and_morale()  # pay by the incentive scheme; fairness moves morale
        self.turnover()  # leavers replaced by new hires who ramp up
        t, rate, h = self.territories, self.params["turbulence"], self.handles
        market_turbulence(
            self.reality, rate, h["market"], t.sign, t.reality, t.same, t.drifts(rate),
            h["territory_market"],
        )  # the common market flips, the territories drift and follow  # fmt: skip
        self.metrics_state.record_week(self.week, self.flow)
        self._assess()

    def motivate(self) -> None:
        """Willingness, effort and productivity for the week (ODD 7.1)."""
        people, p, structure = self.people, self.params, self.structure
        # update_willingness, choose_effort and People.ramp, as two loops over people
        adjust_willingness(
            people.willingness, people.goodwill, people.willingness_base, people.conditional,
            people.sanction_force, structure.unit, structure.unit_sizes,
            p["conditional_slope"], p["cooperation_adaptation"],
        )  # fmt: skip
        people.output.fill(0.0)  # the week's credit starts at nothing
        # a new array each week: the crews' loads are cached by the week's productivity array
        self.productivity = self.workforce.productivity = np.empty(len(people))
        work_effort(
            people.willingness, people.cooperativeness, self.marginal_return, people.tenure,
            people.ramp_speed, p["effort_floor"], p["effort_cost"], p["ramp_weeks"],
            people.effort, people.cooperation, self.productivity,
        )  # fmt: skip

    def sell(self) -> None:
        """Leads through qualification and deals to new customers; credit the closers (7.2).

        One compiled call (:meth:`model.pipeline.Pipeline.sell`) runs the pipeline's week and
        books the credit to marketers, SDRs, AEs and SEs; the won accounts join the customer
        base with the context that reached the CSMs and support (docs/ODD.md 7.11). Nothing
        happens in an organization that does not sell (``selling`` False).
        """
        if not self.params["selling"]:
            return
        week = self.week
        territory, fit, expectations, acv, context = self.pipeline.sell(
            week, self.workforce, self.handles, self.flow
        )
        self.customers.add(territory, fit, expectations, acv, week, 0.5, context)

    def serve_customers(self) -> None:
        """Service, renewals and referrals; CSMs share credit for retained ARR (7.3)."""
        if not self.params["selling"]:
            return
        # one compiled call: service, satisfaction, renewals (churn stream), the staff's
        # credit, referrals (leads stream)
        territory, fit, technical = self.customers.serve_week(
            self.workforce, self.pipeline.members, self.week, self.handles, self.flow
        )
        self.pipeline.refer(territory, fit, technical)
        self.flow["referrals"] += len(territory)

    def learn(self) -> None:
        """Acts, learning by doing, talks and reviews, socialization, playbooks (7.4), each
        from its own random stream (:class:`model.learning.Learning`). Work teaches, and the
        playbooks are judged against, the territories' realities where they differ from the
        common one or knowledge is interdependent (sections 7.9, 7.10)."""
        realities = self.territories.reality if self._territorial else None
        market = Market(self.reality, realities, self.depends)
        self.learning.step(self.people, market, self.performance, self.work_share())

    def work_share(self) -> np.ndarray:
        """Per person, the cases worked this week relative to a full load, at most 1
        (:meth:`model.learning.Learning.work_share`; the week's work is done: after sell and
        serve_customers)."""
        cases = self.pipeline.cases(self.week, len(self.people))
        cases += self.customers.cases(self.workforce, self.pipeline.members)
        return self.learning.work_share(cases)

    def pay_and_morale(self) -> None:
        """Pay by the incentive scheme; unfairness moves morale (7.5)."""
        people, p, structure = self.people, self.params, self.structure
        pay_and_morale(
            people.output, people.effort, people.pay, people.payoff, people.morale,
            structure.role, structure.role_divisor, structure.unit, structure.unit_sizes,
            self.own_share, p["effort_cost"], p["unfairness_sensitivity"],
            p["morale_adaptation"],
        )  # settle_pay as loops over people  # fmt: skip

    def turnover(self) -> None:
        """Leavers, more when morale is low, replaced by new hires in their seats (7.4)."""
        p, people = self.params, self.people
        base = 1.0 - (1.0 - p["attrition_annual"]) ** (1.0 / WEEKS_PER_YEAR)
        effect = base * p["morale_attrition_effect"]
        leavers = people.turnover(self.handles["attrition"], base, effect, self.marginal_return)
        self.flow["leavers"] += len(leavers)

    # ------------------------------------------------------------------ observation
    def _knowledge_tables(self) -> None:
        """The arrays the assessment rewrites every week (:meth:`_assess`), and the
        :attr:`workforce` that the week's work reads them through, built once over them."""
        n, d = self.structure.size, len(DOMAINS)
        t = self.territories.n if self._territorial else 0
        self.domain_knowledge, self.common_performance = np.zeros((n, d)), np.zeros(n)
        self._territory_knowledge = np.zeros((t, n, d))
        self._territory_performance = np.zeros((t, n))
        self.territory_knowledge: np.ndarray | None
        self.territory_performance: np.ndarray | None
        self.workforce: Workforce
        if self._territorial:
            self.served_knowledge, self.performance = np.zeros((n, d)), np.zeros(n)
            self.territory_knowledge = self._territory_knowledge
            self.territory_performance = self._territory_performance
        else:  # one market: what one knows of one's territories is the common knowledge
            self.served_knowledge, self.performance = self.domain_knowledge, self.common_performance
            self.territory_knowledge = self.territory_performance = None
        self.productivity = np.zeros(n)
        self.workforce = Workforce(
            self.productivity,
            self.performance,
            self.served_knowledge,
            self.people.output,
            self.territory_performance,
            self.territory_knowledge,
        )

    @property
    def correct(self) -> np.ndarray:
        """People x dimensions: which beliefs are right of the common reality now (with
        interdependence: right with their dependencies, the right beliefs that count)."""
        correct = self.people.beliefs == self.reality
        return correct if self.depends is None else effective(correct, self.depends)

    def _assess(self) -> None:
        """What people know now (used by next week's work) and this week's metrics."""
        if self._territorial != (self.territory_knowledge is not None):  # the market changed
            self._knowledge_tables()
        self.belief_accuracy: float | None
        if self.depends is None:
            self.belief_accuracy = None  # the share of right beliefs equals knowledge
            assess_knowledge(
                self.people.beliefs, self.reality, self.territories.reality, self._role_weights,
                self._served_weights, self.structure.territory, self._territorial,
                self.domain_knowledge, self.common_performance, self._territory_knowledge,
                self._territory_performance, self.served_knowledge, self.performance,
            )  # fmt: skip
        else:
            self._assess_interdependent(self.depends)
        self.metrics_state.update(self)

    def _assess_interdependent(self, depends: np.ndarray) -> None:
        """:meth:`_assess`'s knowledge with interdependence: a right belief counts only with
        its dependencies right (docs/ODD.md 7.10); ``belief_accuracy`` is the plain share."""
        right = self.people.beliefs == self.reality
        self.belief_accuracy = float(np.count_nonzero(right) / right.size)
        knowledge, performance = knowledge_and_performance(
            effective(right, depends), len(DOMAINS), self._role_weights
        )
        self.domain_knowledge[:] = knowledge
        self.common_performance[:] = performance
        if not self._territorial:
            return
        beliefs, t = self.people.beliefs, self.territories.n
        n, dims = beliefs.shape
        correct = effective(beliefs[None] == self.territories.reality[:, None], depends)
        if self._territory_weights is None:  # every territory's people in turn
            self._territory_weights = np.tile(self._served_weights, (t, 1))
        knowledge, performance = knowledge_and_performance(
            correct.reshape(t * n, dims), len(DOMAINS), self._territory_weights
        )
        self._territory_knowledge[:] = knowledge.reshape(t, n, -1)
        self._territory_performance[:] = performance.reshape(t, n)
        serve_territories(
            self.structure.territory, self.domain_knowledge, self.common_performance,
            self.territory_knowledge, self.territory_performance, self.served_knowledge,
            self.performance,
        )  # fmt: skip

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


@contextmanager
def cyclic_collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused inside the block, and as it was afterwards.

    Mesa's floor and agents are about 15 new Python objects per employee. That many new objects
    make CPython run a full collection, which walks every object of the process (about 180,000
    after numba's, scipy's and Mesa's imports): 0.09 s of a 9,000-employee model's 0.25-s
    construction (docs/performance.md, "Sixth round"). Nothing made here is garbage, so nothing
    is kept longer; the week makes few lasting objects, so the collection does not come back.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
