"""The lever cases: which way each input moves an outcome a researcher reads, and how to measure it.

Each :class:`Lever` names a parameter, three or more increasing *points* of its range (the default
among them), the metric it should move, the run length, any settings the lever needs in order to
act, and the direction. Consecutive points form *steps* (``low -> default``, ``default -> high``);
each step is a paired comparison on common seeds, tested with :mod:`analysis.power`.

Nothing here runs the model at import. The measured effect and per-seed sd of every step live in
``tests/lever_effects.json``, written by ``python -m salesorg.benchmarks.measure_levers`` on
seeds the tests never use (from :data:`MEASURE_SEED`), so a test is a fresh sample, not a
replay of its own measurement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from salesorg.model import PARAMETERS, SalesOrgModel

UP, DOWN = 1, -1
EFFECTS_FILE = Path(__file__).with_name("lever_effects.json")
#: Measurement seeds start here; tests use seeds 0, 1, 2, ...
MEASURE_SEED = 100_000

#: Pooled pay with a fairness-sensitive mix: morale (and the parameters acting through it) moves
#: only when pay is pooled; under the default individual pay morale stays at 1.
POOLED_UNFAIR = {"incentive": "pooled", "unfairness_sensitivity": 3.0}
MANY_REFERRALS = {"referral_rate": 0.3}
BIG_BASE = {"initial_customers": 3000}
SMALL = {"marketer": 1, "sdr": 1, "ae": 1, "csm": 1, "support": 1, "se": 1}
#: Reviews as the only way beliefs pass between people: no talks, no playbooks.
REVIEWS_ONLY = {
    "talk_probability": 0.0,
    "unit_talk_probability": 0.0,
    "socialization_rate": 0.0,
    "code_learning_rate": 0.0,
}
BIG = {"marketer": 2, "sdr": 4, "ae": 4, "csm": 2, "support": 4, "se": 2}


@dataclass(frozen=True)
class Lever:
    """One claim: raising ``name`` through ``points`` moves ``metric`` in ``direction``."""

    name: str
    points: tuple
    metric: str
    weeks: int
    direction: int
    extra: dict = field(default_factory=dict)
    #: distinguishes two claims about one parameter
    tag: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}-{self.tag}" if self.tag else self.name

    def steps(self):
        return list(zip(self.points[:-1], self.points[1:], strict=True))


def metric_after(params: dict, weeks: int, metric: str, window: int, seed: int) -> float:
    """``metric`` of one run of ``weeks`` weeks, averaged over its last ``window`` values."""
    series = _frame(_settings(params), weeks, seed)[metric]
    return float(series.iloc[-window:].mean())


def _settings(params: dict) -> str:
    """Canonical text of the settings that differ from the defaults (the runs' cache key)."""
    changed = {k: v for k, v in params.items() if v != PARAMETERS[k].default}
    return json.dumps(changed, sort_keys=True)


@lru_cache(maxsize=512)
def _frame(settings: str, weeks: int, seed: int):
    """One run's collected metrics; cached, so cases sharing a run (the defaults) run it once.

    Runs start cold (``burn_in_weeks=0``, as measured): each lever acts from the same start.
    """
    model = SalesOrgModel(rng=seed, **{"burn_in_weeks": 0, **json.loads(settings)})
    for _ in range(weeks):
        model.step()
    return model.datacollector.get_model_vars_dataframe()


def outcome(lever: Lever, value, seed: int) -> float:
    """The lever's metric for one run, averaged over the last 13 weeks (or all, if shorter)."""
    params = {lever.name: value, **lever.extra}
    return metric_after(params, lever.weeks, lever.metric, max(1, min(13, lever.weeks)), seed)


def outcomes(lever: Lever, seeds) -> np.ndarray:
    """Array (points x seeds) of the lever's metric, every point run on the same seeds."""
    return np.array([[outcome(lever, value, seed) for seed in seeds] for value in lever.points])


@dataclass(frozen=True)
class Fact:
    """A stylized fact: the mean over seeds of ``metric`` lies in the cited [low, high]."""

    id: str
    metric: str
    weeks: int
    window: int
    low: float
    high: float
    source: str
    params: dict = field(default_factory=dict)

    def values(self, seeds) -> np.ndarray:
        return np.array(
            [metric_after(self.params, self.weeks, self.metric, self.window, s) for s in seeds]
        )


#: Cooperativeness 1 makes cooperation equal willingness, the share of the endowment contributed;
#: 900 people make the type mix close to its shares. One week is one round of the game.
PURE = {"cooperativeness_mean": 1.0, "cooperativeness_sd": 0.0, "employees": 900}
FACTS = [
    Fact("public_goods_first_round", "cooperation", 0, 1, 0.4, 0.6,
         "Ledyard 1995: first-round contributions 40-60%", PURE),
    Fact("public_goods_after_ten_rounds", "cooperation", 10, 1, 0.1, 0.2,
         "Ledyard 1995; Fehr & Gachter 2000: about 10-20% after ten rounds", PURE),
    Fact("public_goods_with_punishment", "cooperation", 10, 1, 0.5, 0.95,
         "Fehr & Gachter 2000: punishment sustains 50-95%", {**PURE, "peer_sanctions": 0.8}),
    Fact("year_two_logo_churn", "churn_annual", 104, 52, 0.08, 0.12,
         "KBCM 2016: median annual logo churn 10% (+-2 points, assumption)"),
    Fact("year_two_win_rate", "win_rate", 104, 52, 0.15, 0.35,
         "HubSpot survey: win rate of qualified opportunities 15-35%"),
]  # fmt: skip


def stated_effects() -> dict:
    """The measured effect and sd per lever and step, as written by benchmarks.measure_levers."""
    return json.loads(EFFECTS_FILE.read_text())


# fmt: off
LEVERS = [
    # organization
    # reviews are the only channel between people here (talks, playbooks off): the marketers
    # (receivers of two loops) learn what CSMs and SDRs see; with the other channels on, their
    # noise buries it (knowledge_sdr +0.022 +- 0.051 at defaults, about 400 seeds)
    Lever("design", ("functional", "the_model"), "knowledge_marketer", 26, UP,
          {"feedback_rate": 1.0, **REVIEWS_ONLY}, tag="feedback"),
    Lever("design", ("functional", "pods"), "cross_functional_knowledge", 13, UP,
          {"seating": "by_unit"}, tag="pods"),
    Lever("employees", (45, 90, 180), "bookings", 26, UP),
    Lever("pod_composition", (SMALL, BIG), "effort_free_riders", 3, DOWN,
          {"design": "pods", "incentive": "pooled", "employees": 90}),
    # since reviews pass the briefers' beliefs (not the true market) the default rate adds
    # little (0 -> 0.2: +0.025 +- 0.054 in 26 weeks, about 100 seeds to test): the step tested
    # starts at the default
    Lever("feedback_rate", (0.2, 1.0), "knowledge_marketer", 26, UP, {"design": "the_model"}),
    # one step from the default: 0.5 -> 3 adds +3.0 +- 4.1 leads (about 40 seeds of three
    # points, past the cost cap)
    Lever("specialization_advantage", (0.0, 0.5), "leads", 26, UP,
          {"design": "functional", "attrition_annual": 0.6}),
    # seating
    # departments seated together talk within their own function; mixed seating crosses it
    Lever("seating", ("by_function", "random"), "cross_functional_knowledge", 13, UP,
          {"design": "functional", "talk_probability": 1.0}),
    # a wider neighbourhood lets more of one's unit see one's work, so sanctions that must be
    # seen hold up more cooperation (talks hardly show it: cross-functional knowledge 1 -> 3
    # +0.005 +- 0.010, seated by function)
    Lever("seat_radius", (1, 3, 5), "cooperation", 5, UP,
          {"peer_sanctions": 1.0, "sanction_visibility": 1.0}),
    # above the default talks mostly repeat what people already heard (0.5 -> 1 adds
    # +0.005 +- 0.010 in 13 weeks): one step, ending at the default
    Lever("talk_probability", (0.0, 0.5), "cross_functional_knowledge", 13, UP,
          {"design": "pods"}),
    Lever("unit_talk_probability", (0.0, 0.3, 1.0), "cross_functional_knowledge", 13, UP,
          {"design": "pods", "talk_probability": 0.0}),
    # departments hold one function, so a unit talk crosses functions only over a cross-unit
    # link (belief diversity in pods hardly moves: 0.1 -> 0.5 +0.002 +- 0.008); the step from
    # the default to 1 (0.1 -> 0.5 +0.013 +- 0.008 and 0.5 -> 1 +0.009 +- 0.014 apart, 20 seeds)
    Lever("cross_unit_links", (0.1, 1.0), "cross_functional_knowledge", 13, UP,
          {"design": "functional", "talk_probability": 0.0, "unit_talk_probability": 1.0}),
    # knowledge
    # 0 -> 0.01 costs -0.035 +- 0.033 knowledge (26 paired seeds of 52 weeks to test): the step
    # tested starts at the default
    # turbulence erases what people know: fast learning by doing gives them knowledge to lose
    # in a cold start (at the default rate 0.01 -> 0.05 costs -0.029 +- 0.032 in 52 weeks)
    Lever("turbulence", (0.01, 0.05), "knowledge", 26, DOWN, {"learning_by_doing_rate": 0.2}),
    Lever("learning_by_doing_rate", (0.0, 0.01, 0.05), "knowledge", 26, UP),
    Lever("peer_learning_rate", (0.0, 0.5, 1.0), "cross_functional_knowledge", 26, UP,
          {"design": "pods", "peer_sanctions": 1.0}),
    # the step from the default to 1 (0.3 -> 0.6 alone: -0.011 +- 0.016, too weak)
    Lever("worse_source_weight", (0.3, 1.0), "knowledge", 26, DOWN,
          {"design": "pods", "peer_sanctions": 1.0}),
    Lever("socialization_rate", (0.02, 0.5), "belief_diversity", 26, DOWN),
    Lever("code_learning_rate", (0.0, 0.1, 0.5), "playbook_knowledge", 26, UP),
    # the role x domain tables, one entry each (addressed as name.role.domain): a marketer's
    # vantage on fit signals multiplies its learning by doing there (fast learning shows it in
    # 26 weeks; at the default rate 0.2 -> 0.6 adds +0.006 +- 0.014); an AE's performance weighs
    # customer language more (rows are not renormalised), and the win odds follow performance
    Lever("vantage.marketer.fit_signals", (0.0, 0.2, 0.6), "knowledge_fit_signals", 26, UP,
          {"learning_by_doing_rate": 0.2}),
    Lever("role_weights.ae.customer_language", (0.0, 0.3, 0.6), "win_rate", 26, UP),
    # people talk about the domains they see well (vantage at least the threshold): a higher
    # threshold leaves fewer domains to talk about, so less is learned from colleagues
    Lever("expertise_threshold", (0.15, 0.3, 0.55), "knowledge", 26, DOWN),
    # people
    Lever("attrition_annual", (0.05, 0.2, 0.6), "attrition", 52, UP),
    # above the default attrition hardly rises further (2 -> 8: +0.011 +- 0.031 in two years)
    Lever("morale_attrition_effect", (0.0, 2.0), "attrition", 52, UP, POOLED_UNFAIR),
    Lever("ramp_weeks", (0, 22, 52), "leads", 26, DOWN, {"attrition_annual": 0.6}),
    # cooperation
    Lever("cooperativeness_mean", (0.2, 0.7, 0.9), "cooperation", 13, UP),
    # a wider spread lowers mean cooperation only through clipping at 1 (0 -> 0.15: +0.002 +-
    # 0.006, no direction); the step tested starts at the default
    Lever("cooperativeness_sd", (0.15, 0.5), "cooperation", 13, DOWN),
    Lever("share_conditional_cooperators", (0.0, 0.6, 0.7), "cooperation", 13, DOWN),
    Lever("share_free_riders", (0.0, 0.3, 0.4), "cooperation", 13, DOWN),
    Lever("conditional_slope", (0.5, 0.8, 1.0), "cooperation", 26, UP),
    Lever("initial_goodwill", (0.2, 0.67, 0.9), "cooperation", 1, UP),
    Lever("cooperation_adaptation", (0.05, 0.4, 0.9), "cooperation", 5, DOWN),
    Lever("peer_sanctions", (0.0, 0.5, 1.0), "cooperation", 13, UP),
    Lever("effort_floor", (0.2, 0.5, 0.8), "effort_free_riders", 5, UP, {"incentive": "pooled"}),
    # incentives
    Lever("incentive", ("individual", "hybrid", "pooled"), "effort_free_riders", 5, DOWN),
    Lever("pooled_fraction", (0.1, 0.5, 0.9), "effort_free_riders", 5, DOWN,
          {"incentive": "hybrid"}),
    Lever("unfairness_sensitivity", (0.0, 1.0, 3.0), "morale", 26, DOWN, {"incentive": "pooled"}),
    Lever("morale_adaptation", (0.01, 0.1, 0.5), "morale", 5, DOWN, POOLED_UNFAIR),
    Lever("effort_cost", (0.5, 1.0, 2.0), "effort_free_riders", 5, DOWN, {"incentive": "hybrid"}),
    # pipeline
    Lever("leads_per_marketer", (3.0, 6.0, 12.0), "leads", 13, UP),
    # 0 -> 0.1 adds +0.019 +- 0.019 to lead-to-qualified in 26 weeks (26 seeds to test): the step
    # tested starts at the default
    Lever("lead_fit_min", (0.1, 0.5), "lead_to_qualified", 13, UP, {"lead_fit_max": 0.9}),
    Lever("lead_fit_max", (0.2, 0.5, 0.9), "lead_to_qualified", 26, UP),
    # SDR capacity is slack above its default even at three times the leads (10 -> 20: +2.3 +-
    # 14.6 open leads): one step, ending at the default
    Lever("sdr_capacity", (2.0, 10.0), "open_leads", 13, DOWN, {"leads_per_marketer": 18.0}),
    Lever("qualification_accuracy_min", (0.0, 0.5, 0.9), "win_rate", 26, UP),
    # a right call turns a poor fit away; most leads are poor fits (lead_fit_max 0.5), so a
    # more accurate SDR qualifies fewer (win rate barely shows it: 0.8 -> 0.95 -0.004 +- 0.027)
    Lever("qualification_accuracy_max", (0.6, 0.8, 0.95), "lead_to_qualified", 26, DOWN),
    Lever("lead_expiry_weeks", (1, 4, 12), "open_leads", 26, UP, {"sdr_capacity": 2.0}),
    Lever("ae_capacity", (2.0, 15.0, 30.0), "bookings", 26, UP, {"leads_per_marketer": 18.0}),
    Lever("sales_cycle_weeks", (4.0, 9.0, 16.0), "sales_cycle_weeks", 52, UP),
    Lever("win_rate_reference", (0.1, 0.25, 0.5), "win_rate", 26, UP),
    Lever("knowledge_win_effect", (0.0, 3.0, 6.0), "win_rate", 52, UP,
          {"learning_by_doing_rate": 0.2}),
    Lever("problem_customer_penalty", (0.0, 1.0, 4.0), "win_rate", 26, DOWN),
    Lever("technical_deal_share", (0.0, 0.5, 1.0), "win_rate", 26, DOWN, {"se_capacity": 0.0}),
    Lever("se_capacity", (0.0, 15.0, 30.0), "win_rate", 26, UP,
          {"leads_per_marketer": 18.0, "technical_deal_share": 1.0}),
    # above the default the penalty saturates (1 -> 4: -0.018 +- 0.026, about 47 seeds of three
    # points, past the cost cap): one step, ending at the default
    Lever("no_se_penalty", (0.0, 1.0), "win_rate", 26, DOWN, {"se_capacity": 2.0}),
    Lever("referral_win_bonus", (0.0, 0.7, 5.0), "win_rate", 26, UP, MANY_REFERRALS),
    Lever("acv_median", (10000.0, 30000.0, 60000.0), "bookings", 26, UP),
    Lever("acv_spread", (0.0, 0.5, 1.5), "bookings", 26, UP),
    # customers
    Lever("initial_customers", (100, 300, 600), "referrals", 13, UP, {"referral_rate": 0.02}),
    # service capacities are slack at the default installed base (raising them changes nothing):
    # ten times the customers make them bind at their defaults
    Lever("csm_capacity", (5.0, 150.0, 300.0), "churn_annual", 52, DOWN, BIG_BASE),
    Lever("tickets_per_customer", (0.0, 0.3, 3.0), "churn_annual", 52, UP, BIG_BASE),
    Lever("support_capacity", (0.0, 25.0, 50.0), "churn_annual", 52, DOWN, BIG_BASE),
    Lever("problem_ticket_ratio", (1.0, 2.0, 4.0), "churn_annual", 52, UP, BIG_BASE),
    # satisfaction starts at 0.5 and moves toward its target; with service stretched over ten
    # times the customers the target lies below 0.5, so a faster move loses customers sooner (at
    # the default base the target is near 0.5: 0.02 -> 0.1 -0.001 +- 0.009, no direction)
    Lever("satisfaction_adaptation", (0.02, 0.1, 0.5), "churn_annual", 52, UP, BIG_BASE),
    Lever("churn_reference", (0.05, 0.11, 0.4), "churn_annual", 52, UP),
    Lever("satisfaction_churn_effect", (0.0, 4.0), "churn_annual", 52, DOWN,
          {"learning_by_doing_rate": 0.2}),
    Lever("expansion_rate", (0.0, 0.6, 1.0), "nrr", 52, UP),
    Lever("expansion_size", (0.0, 0.4, 1.0), "nrr", 52, UP),
    Lever("referral_rate", (0.0, 0.004, 0.02), "referrals", 26, UP),
    # referrals are a small share of leads at the default rate; many referrals make fit show
    Lever("referral_fit", (0.0, 0.5, 0.85), "lead_to_qualified", 26, UP, MANY_REFERRALS),
]
# fmt: on
