"""The salesorg parameter table: every input of :class:`model.SalesOrgModel` with its source.

One row per input (name, default, unit, allowed values, source). Defaults calibrated to
published B2B SaaS figures cite them (``docs/calibration.md``); the rest say "assumption" and
name where they are swept. ``docs/parameters.md`` is generated from this table
(``python -m salesorg.tools.docs``).
"""

from __future__ import annotations

from salesorg.model.knowledge import DOMAINS, EXPERTISE_THRESHOLD, ROLES, VANTAGE, WEIGHTS, as_table
from salesorg.model.parameters import Matrix, Parameter, ParameterTable

DESIGNS = ("functional", "the_model", "pods")
SEATINGS = ("by_function", "by_unit", "random")
INCENTIVES = ("individual", "pooled", "hybrid")

#: Predictable Revenue's example pod (Ross & Tyler 2011, p. 178).
DEFAULT_POD = {"marketer": 1, "sdr": 2, "ae": 2, "csm": 1, "support": 2, "se": 1}

#: A default with no published value: an assumption, tested over the points of its lever in
#: tests/levers.py (docs/testing.md) and free to sweep over its allowed range.
DESIGN_CHOICE = "assumption (no published value; swept over its lever points in tests/levers.py)"
ROSS = "Ross & Tyler 2011, Predictable Revenue p. 178"
MARCH = "March 1991 (p1, p2, p3, p4 ranges)"
FGF = "Fischbacher, Gachter & Fehr 2001"
#: where a constant's range is swept: the Morris screening of docs/sensitivity.md
SCREENED = "swept in the Morris screening of docs/sensitivity.md"


def _p(
    name, default, kind, unit, description, *, source, group, bounds=None, choices=None,
    optional=False, rows=None, columns=None,
):  # fmt: skip
    return Parameter(
        rows=rows,
        columns=columns,
        name=name,
        default=default,
        kind=kind,
        unit=unit,
        description=description,
        source=source,
        bounds=bounds,
        choices=choices,
        group=group,
        optional=optional,
    )


# fmt: off
_ORGANIZATION = [
    _p("design", "the_model", str, "-",
       "organization design: assembly line without feedback, with feedback loops, or mixed-role "
       "pods",
       source="Ross & Tyler 2011; Fukuda 2019 (THE MODEL)", group="organization", choices=DESIGNS),
    _p("employees", 90, int, "people",
       "head count (same for every design); a multiple of the pod size",
       source="assumption (10 pods of 9; swept 45-180 in tests/levers.py)",
       group="organization", bounds=(1, 20000)),
    _p("pod_composition", dict(DEFAULT_POD), dict, "people per pod",
       "role mix of one pod; also sets the role mix of the functional designs",
       source=ROSS, group="organization"),
    _p("feedback_rate", 0.2, float, "1/week",
       "probability per week that a receiver of a review loop (CSM->marketing, AE->SDR, "
       "SDR->marketing; across The Model's departments, inside each pod; none in functional) "
       "is debriefed on the briefer's beliefs",
       source=DESIGN_CHOICE, group="organization", bounds=(0.0, 1.0)),
    _p("specialization_advantage", 0.0, float, "-",
       "faster ramp-up from working beside colleagues in one's own role: one week on the job "
       "counts 1 + advantage x (share of one's unit colleagues in one's own role) ramp weeks, in "
       "every design (0 = none)",
       source="Becker & Murphy 1992 (division of labour); no published magnitude: assumption, "
       "default 0, swept 0-3",
       group="organization", bounds=(0.0, 3.0)),
    _p("selling", True, bool, "-",
       "the organization sells: leads, deals, customers and pay from results (False: a "
       "learning organization only, March's 1991 closed organization; see model.docking)",
       source="assumption (False docks the model to March 1991; True everywhere else)",
       group="organization"),
]

_SEATING = [
    _p("seating", "by_unit", str, "-",
       "who sits next to whom on the office floor",
       source=DESIGN_CHOICE, group="seating", choices=SEATINGS),
    _p("seat_radius", 1, int, "cells",
       "Moore radius of the seat neighbourhood",
       source=DESIGN_CHOICE, group="seating", bounds=(1, 5)),
    _p("talk_probability", 0.5, float, "1/week",
       "probability per week of a talk with one random seat neighbour",
       source="Allen 1977 (communication falls with distance); rate an assumption, swept 0-1",
       group="seating", bounds=(0.0, 1.0)),
    _p("unit_talk_probability", 0.3, float, "1/week",
       "probability per week of a talk with a member of one's unit (pod or department)",
       source=DESIGN_CHOICE, group="seating", bounds=(0.0, 1.0)),
    _p("cross_unit_links", 0.1, float, "-",
       "share of unit talks that go to a random person in another unit (0 = isolated units, 1 = "
       "fully mixed)",
       source="Fang, Lee & Schilling 2010", group="seating", bounds=(0.0, 1.0)),
]

_TERRITORIES = [
    _p("territory_correlation", 1.0, float, "-",
       "correlation of each territory's market reality with the common one: a territory "
       "dimension equals the common dimension with probability (1 + value) / 2 (1 = one "
       "market; 0 = territories unrelated to each other)",
       source="assumption (neutral 1 = one market; swept 0-1); territories per Ross & Tyler "
              "2011, p. 178", group="territories", bounds=(0.0, 1.0)),
    _p("ae_territories", False, bool, "-",
       "assembly-line designs: each AE owns the deals of one territory (its own AE queue) "
       "instead of drawing from one shared queue; pods' AEs always own their pod's territory",
       source="assumption (common practice in The Model shops; both variants compared)",
       group="territories"),
]

_KNOWLEDGE = [
    _p("dimensions_per_domain", 6, int, "dimensions",
       "belief dimensions per knowledge domain (5 domains)",
       source="March 1991 (m = 30 in total)", group="knowledge", bounds=(1, 40)),
    _p("performance_weights", "by_role", str, "-",
       "what a person's performance weighs: each domain by what the role needs (docs/ODD.md "
       "section 6), or every domain equally (March's 1991 single-role organization)",
       source="assumption (role needs from Ross & Tyler 2011; 'equal' is March 1991's limit)",
       group="knowledge", choices=("by_role", "equal")),
    _p("turbulence", 0.01, float, "1/week",
       "probability per week that each dimension of the market reality flips (March's p4); "
       "0.01 flips about 41% of dimensions a year",
       source="assumption (March 1991's p4 has no calendar unit; kept where the win rate is "
       "calibrated); swept 0-0.02 in docs/ODD.md 7.4",
       group="knowledge", bounds=(0.0, 0.5)),
    _p("interdependence", 0, int, "dimensions",
       "NK-style interdependence: a dimension counts toward performance, and one's own work "
       "teaches it, only when the K dimensions it depends on (a fixed random map) are also "
       "believed right (0 = independent dimensions)",
       source="Kauffman 1993; Levinthal 1997; Lazer & Friedman 2007 (assumption: neutral 0, "
              "swept 0-5)", group="knowledge", bounds=(0, 199)),
    _p("learning_by_doing_rate", 0.01, float, "1/week",
       "probability per week of observing a dimension from a full load of one's own work, "
       "times the role's vantage and the share of a full load worked this week (cases worked "
       "/ the role's capacity, at most 1)",
       source=DESIGN_CHOICE, group="knowledge", bounds=(0.0, 1.0)),
    _p("peer_learning_rate", 0.5, float, "-",
       "probability that a shared, differing belief is adopted in a talk",
       source="Miller, Zhao & Calantone 2006", group="knowledge", bounds=(0.0, 1.0)),
    _p("worse_source_weight", 0.3, float, "-",
       "relative weight of advice from a colleague who performs worse than the receiver",
       source="Miller, Zhao & Calantone 2006", group="knowledge", bounds=(0.0, 1.0)),
    _p("socialization_rate", 0.02, float, "1/week",
       "probability per week of adopting the unit playbook on a dimension where it differs "
       "(March's p1)",
       source=MARCH, group="knowledge", bounds=(0.0, 1.0)),
    _p("code_learning_rate", 0.1, float, "1/week",
       "playbook learning from the unit's better performers (March's p2)",
       source=MARCH, group="knowledge", bounds=(0.0, 1.0)),
    _p("vantage", Matrix(as_table(VANTAGE)), Matrix, "-",
       "role x domain: how fast a role's own work reveals each domain (multiplies "
       "learning_by_doing_rate); roles that see a domain from expertise_threshold on talk about "
       "it, and review loops carry the domains the briefer sees better",
       source="assumption read off the role descriptions of Ross & Tyler 2011 and The Model "
       "(docs/ODD.md section 6); entries " + SCREENED + " over 0-1",
       group="knowledge", bounds=(0.0, 1.0), rows=ROLES, columns=DOMAINS),
    _p("role_weights", Matrix(as_table(WEIGHTS)), Matrix, "-",
       "role x domain: what a role's performance weighs (used as given, rows not renormalised; "
       "performance_weights = 'equal' replaces it by equal weights); also the AE's technical "
       "weight in the win odds and the weights of the role and cross-functional knowledge metrics",
       source="assumption (role needs from Ross & Tyler 2011; docs/ODD.md section 6); entries "
       + SCREENED + " over 0-1",
       group="knowledge", bounds=(0.0, 1.0), rows=ROLES, columns=DOMAINS),
    _p("expertise_threshold", EXPERTISE_THRESHOLD, float, "-",
       "vantage from which a role sees a domain well: it talks about it in informal talks, and "
       "a domain it needs below it counts as cross-functional knowledge",
       source="assumption; " + SCREENED + " over 0.1-0.6",
       group="knowledge", bounds=(0.0, 1.0)),
]

_PEOPLE = [
    _p("attrition_annual", 0.2, float, "1/year",
       "annual probability of leaving at full morale (March's p3, per year)",
       source="KBCM 2016 / ForEntrepreneurs (25-30% rep failure)",
       group="people", bounds=(0.0, 0.95)),
    _p("morale_attrition_effect", 2.0, float, "-",
       "attrition hazard multiplier is 1 + effect x (1 - morale)",
       source=DESIGN_CHOICE, group="people", bounds=(0.0, 10.0)),
    _p("ramp_weeks", 22, int, "weeks",
       "weeks until a new hire is fully productive (linear ramp; the only discount for "
       "being new)",
       source="Bridge Group 2024 SaaS AE (median ramp 5 months)", group="people", bounds=(0, 104)),
]

_COOPERATION = [
    _p("cooperativeness_mean", 0.7, float, "-",
       "mean trait cooperativeness (probability of sharing when willing)",
       source=DESIGN_CHOICE, group="cooperation", bounds=(0.0, 1.0)),
    _p("cooperativeness_sd", 0.15, float, "-",
       "spread of trait cooperativeness",
       source=DESIGN_CHOICE, group="cooperation", bounds=(0.0, 0.5)),
    _p("share_conditional_cooperators", 0.6, float, "-",
       "share of conditional cooperators (including the hump-shaped contributors)",
       source=FGF + " (50% conditional + 14% hump-shaped)", group="cooperation", bounds=(0.0, 1.0)),
    _p("share_free_riders", 0.3, float, "-",
       "share of free riders (the rest are unconditional cooperators)",
       source=FGF, group="cooperation", bounds=(0.0, 1.0)),
    _p("conditional_slope", 0.5, float, "-",
       "how closely conditional cooperators match the cooperation they see (< 1: imperfect "
       "matching)",
       source="Fischbacher & Gachter 2010 (slope < 1); value calibrated with "
       "cooperation_adaptation so cooperation falls to 10-20% in ten weeks (Ledyard 1995)",
       group="cooperation", bounds=(0.0, 1.0)),
    _p("initial_goodwill", 0.67, float, "-",
       "willingness of a conditional cooperator on joining (first-round contribution)",
       source="Ledyard 1995; Fehr & Gachter 2000 (first round 40-60%: 0.67 puts the FGF mix "
       "at 50%)", group="cooperation",
       bounds=(0.0, 1.0)),
    _p("cooperation_adaptation", 0.4, float, "1/week",
       "speed at which conditional cooperators adjust to what they see",
       source="assumption, calibrated with conditional_slope to Ledyard 1995's ten-round "
       "decay", group="cooperation", bounds=(0.0, 1.0)),
    _p("peer_sanctions", 0.0, float, "-",
       "strength of peer recognition and sanctions (1 = free riders comply, conditional "
       "cooperators match fully, when seen: see sanction_visibility)",
       source="Fehr & Gachter 2000", group="cooperation", bounds=(0.0, 1.0)),
    _p("sanction_visibility", 0.0, float, "-",
       "how far peer sanctions need to be seen: at 0 everyone feels peer_sanctions in full; at 1 "
       "only as much as the share of one's unit seated within seat_radius (who see one's work)",
       source="Mas & Moretti 2009; Knez & Simester 2001; Kandel & Lazear 1992 (evidence for 1); "
       "default 0 reproduces the global peer_sanctions, range 0-1 swept",
       group="cooperation", bounds=(0.0, 1.0)),
    _p("effort_floor", 0.5, float, "-",
       "effort of someone with no incentive at all (the job's minimum)",
       source=DESIGN_CHOICE, group="cooperation", bounds=(0.0, 1.0)),
]

_INCENTIVES = [
    _p("incentive", "individual", str, "-",
       "pay from own results, the unit's pooled results, or a mix",
       source="Holmstrom 1982", group="incentives", choices=INCENTIVES),
    _p("pooled_fraction", 0.5, float, "-",
       "pooled share of pay under hybrid incentives",
       source=DESIGN_CHOICE, group="incentives", bounds=(0.0, 1.0)),
    _p("unfairness_sensitivity", 1.0, float, "-",
       "morale loss per unit of effort given above the unit mean under pooled pay",
       source="Fehr & Gachter 2000; second seed", group="incentives", bounds=(0.0, 5.0)),
    _p("morale_adaptation", 0.1, float, "1/week",
       "speed at which morale moves toward its target",
       source=DESIGN_CHOICE, group="incentives", bounds=(0.0, 1.0)),
    _p("effort_cost", 1.0, float, "pay units",
       "c in the quadratic cost of effort c e^2/2: free riders give effort min(1, m/c) "
       "above the floor, m their marginal return (1 keeps effort = m)",
       source="Holmstrom & Milgrom 1987 (linear return, quadratic cost); value an assumption, "
       "swept 0.5-2",
       group="incentives", bounds=(0.25, 4.0)),
    _p("rivalry", 0.0, float, "-",
       "how much the own-pay share deters sharing with a rival (same role, same queue): "
       "sharing probability x (1 - rivalry x own-pay share); 0 = no rivalry",
       source="Drago & Garvey 1998; Chan, Li & Pierce 2014; Lazear 1989 (direction); magnitude "
       "an assumption, default 0 reproduces no rivalry, range 0-1 swept",
       group="incentives", bounds=(0.0, 1.0)),
]

_PIPELINE = [
    _p("leads_per_marketer", 6.0, float, "leads/week",
       "leads a fully productive marketer generates per week at knowledge 0.5",
       source="assumption, calibrated to win rates of 20-30% (HubSpot survey)",
       group="pipeline", bounds=(0.0, 500.0)),
    _p("lead_fit_min", 0.1, float, "-",
       "share of good-fit leads from a marketer knowing nothing",
       source="HubSpot-derived MQL->SQL 13-50% (docs/calibration.md)",
       group="pipeline", bounds=(0.0, 1.0)),
    _p("lead_fit_max", 0.5, float, "-",
       "share of good-fit leads from a marketer knowing everything",
       source="HubSpot-derived MQL->SQL 13-50% (docs/calibration.md)",
       group="pipeline", bounds=(0.0, 1.0)),
    _p("sdr_capacity", 10.0, float, "leads/week",
       "leads a fully productive SDR works per week",
       source="TOPO 2015 / Bridge Group 2016: one SDR qualifies enough for ~2.5 AEs",
       group="pipeline", bounds=(0.0, 500.0)),
    _p("qualification_accuracy_min", 0.5, float, "-",
       "probability of a right qualification call by an SDR knowing nothing",
       source="vendor reports SQL->opportunity 30-75% (docs/calibration.md)",
       group="pipeline", bounds=(0.0, 1.0)),
    _p("qualification_accuracy_max", 0.95, float, "-",
       "same, knowing everything",
       source="vendor reports SQL->opportunity 30-75% (docs/calibration.md)",
       group="pipeline", bounds=(0.0, 1.0)),
    _p("lead_expiry_weeks", 4, int, "weeks",
       "weeks a lead or qualified opportunity waits for an SDR or AE before going cold",
       source=DESIGN_CHOICE, group="pipeline", bounds=(1, 52)),
    _p("ae_capacity", 15.0, float, "open deals",
       "deals a fully productive AE works at once",
       source="Bridge Group 2017 SaaS AE (quota / ACV)", group="pipeline", bounds=(0.0, 500.0)),
    _p("sales_cycle_weeks", 9.0, float, "weeks",
       "mean weeks an active deal takes to close (the measured cycle adds the wait for an AE)",
       source="Bridge Group 2017 SaaS AE (median 60 days)", group="pipeline", bounds=(1.0, 104.0)),
    _p("win_rate_reference", 0.25, float, "-",
       "win probability of a good-fit, non-technical deal worked by an AE of knowledge 0.5",
       source="HubSpot survey (21-29%, range 15-35%; docs/calibration.md)",
       group="pipeline", bounds=(0.01, 0.99)),
    _p("knowledge_win_effect", 3.0, float, "log-odds",
       "win log-odds per unit of the AE's role knowledge",
       source=DESIGN_CHOICE, group="pipeline", bounds=(0.0, 10.0)),
    _p("problem_customer_penalty", 1.0, float, "log-odds",
       "win log-odds lost on a poor-fit prospect",
       source=DESIGN_CHOICE, group="pipeline", bounds=(0.0, 5.0)),
    _p("technical_deal_share", 0.5, float, "-",
       "share of deals that need technical help",
       source=DESIGN_CHOICE, group="pipeline", bounds=(0.0, 1.0)),
    _p("se_capacity", 15.0, float, "open deals",
       "technical deals a fully productive SE supports at once",
       source=DESIGN_CHOICE, group="pipeline", bounds=(0.0, 500.0)),
    _p("no_se_penalty", 1.0, float, "log-odds",
       "win log-odds lost on a technical deal without an SE",
       source=DESIGN_CHOICE, group="pipeline", bounds=(0.0, 5.0)),
    _p("referral_win_bonus", 0.7, float, "log-odds",
       "win log-odds gained on a referred deal",
       source=DESIGN_CHOICE, group="pipeline", bounds=(0.0, 5.0)),
    _p("acv_median", 30000.0, float, "USD/year",
       "median annual contract value",
       source="Bridge Group 2017 ($25K) and 2021 ($55K)",
       group="pipeline", bounds=(100.0, 10000000.0)),
    _p("acv_spread", 0.5, float, "log USD",
       "log-normal spread of contract values",
       source=DESIGN_CHOICE, group="pipeline", bounds=(0.0, 2.0)),
]

_CUSTOMERS = [
    _p("initial_customers", 300, int, "customers",
       "customers at the start (per 90 employees; scaled with head count)",
       source=DESIGN_CHOICE, group="customers", bounds=(0, 10000)),
    _p("csm_capacity", 150.0, float, "accounts",
       "accounts a fully productive CSM covers",
       source=DESIGN_CHOICE, group="customers", bounds=(1.0, 5000.0)),
    _p("tickets_per_customer", 0.3, float, "tickets/week",
       "support tickets per good-fit customer (problem customers file problem_ticket_ratio "
       "times as many)",
       source=DESIGN_CHOICE, group="customers", bounds=(0.0, 10.0)),
    _p("problem_ticket_ratio", 2.0, float, "-",
       "tickets a poor-fit (problem) customer files per ticket of a good-fit customer",
       source="assumption; " + SCREENED + " over 1-4", group="customers", bounds=(0.0, 10.0)),
    _p("satisfaction_adaptation", 0.1, float, "1/week",
       "weekly speed at which a customer's satisfaction moves toward the mean of fit, "
       "expectations, support quality and CSM quality",
       source="assumption; " + SCREENED + " over 0.02-0.5", group="customers",
       bounds=(0.001, 1.0)),
    _p("installed_base_fit", 0.7, float, "-",
       "share of good-fit customers in the installed base at the start",
       source="assumption (between lead_fit_max and referral_fit); " + SCREENED + " over 0.4-1",
       group="customers", bounds=(0.0, 1.0)),
    _p("support_capacity", 25.0, float, "tickets/week",
       "tickets a fully productive support person solves per week",
       source=DESIGN_CHOICE, group="customers", bounds=(0.0, 5000.0)),
    _p("churn_reference", 0.11, float, "1/year",
       "probability of not renewing at satisfaction 0.5",
       source="KBCM 2016 (median annual logo churn 10%: 0.11 gives 10% in year 2)",
       group="customers", bounds=(0.001, 0.999)),
    _p("satisfaction_churn_effect", 4.0, float, "log-odds",
       "renewal log-odds per unit of satisfaction",
       source=DESIGN_CHOICE, group="customers", bounds=(0.0, 20.0)),
    _p("expansion_rate", 0.6, float, "1/year",
       "probability of an expansion at renewal for a fully satisfied, fully covered customer",
       source="KBCM 2016 (16% of new ACV from upsell)", group="customers", bounds=(0.0, 1.0)),
    _p("expansion_size", 0.4, float, "-",
       "expansion as a share of the contract value",
       source="SaaS Capital 2023 (NRR 100-110%)", group="customers", bounds=(0.0, 5.0)),
    _p("referral_rate", 0.004, float, "1/week",
       "referral probability per week of a fully satisfied customer with a CSM who knows "
       "referral cultivation",
       source=DESIGN_CHOICE, group="customers", bounds=(0.0, 1.0)),
    _p("referral_fit", 0.85, float, "-",
       "share of good-fit leads among referrals",
       source=DESIGN_CHOICE, group="customers", bounds=(0.0, 1.0)),
]

_HANDOFFS = [
    _p("handoff_loss", 0.2, float, "-",
       "share of what was learned about an account (the buyer's problem, the expectations set, "
       "the technical fit) lost in a handoff between two people at distance 1; the distance is "
       "(1 + [different units] + [not seated within seat_radius]) / 3 (0 = no loss)",
       source="assumption (no published magnitude; retention barely moves with it, docs/ODD.md "
       "7.11), swept over [0, 1] in when_pods_win; distance terms: Szulanski 1996, Hansen 1999, "
       "Allen 1977",
       group="handoffs", bounds=(0.0, 1.0)),
]

_TIMELINE = [
    _p("burn_in_weeks", 156, int, "weeks",
       "unrecorded weeks the company runs under its own design before week 0 (a warm start; "
       "0 = cold start, nobody knows anything at week 0)",
       source="assumption: long enough for a cold start's win rate, knowledge, churn and NRR "
       "to level off (measured in docs/ODD.md section 2, 12 paired seeds); swept 0-260",
       group="timeline", bounds=(0, 1040)),
    _p("reorganize_at", None, int, "week",
       "recorded week at whose start the same people move to the design reorganize_to "
       "(None = no reorganization)",
       source="assumption: the question a company asks (whether to move to pods); swept 13-156",
       group="timeline", bounds=(1, 100000), optional=True),
    _p("reorganize_to", None, str, "-",
       "design the organization moves to at reorganize_at (None = no reorganization)",
       source="Ross & Tyler 2011; Fukuda 2019 (THE MODEL)", group="timeline", choices=DESIGNS,
       optional=True),
]

# fmt: on

PARAMETERS = ParameterTable(
    tuple(
        _ORGANIZATION
        + _SEATING
        + _TERRITORIES
        + _KNOWLEDGE
        + _PEOPLE
        + _COOPERATION
        + _INCENTIVES
        + _PIPELINE
        + _CUSTOMERS
        + _HANDOFFS
        + _TIMELINE
    ),
    title="SalesOrgModel",
)
