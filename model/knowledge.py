"""Roles, knowledge domains and the role x domain matrices of the learning engine.

The market is a hidden reality of ``len(DOMAINS) * dimensions_per_domain`` dimensions, grouped
into named knowledge domains (docs/ODD.md, 7.4). Two documented matrices tie roles to domains:

* :data:`VANTAGE` (what a role *sees* from its own work, i.e. how fast learning by doing
  reveals each domain): support and CSMs see problem customers and expectation gaps, SDRs and
  AEs hear customer language and objections, marketers see campaign response.
* :data:`WEIGHTS` (what a role *needs* to be effective): marketers need customer language and
  fit signals, AEs need language, expectation setting and technical knowledge, CSMs need
  expectation setting, product knowledge and referral cultivation.

The gap between the two (:data:`CROSS_FUNCTIONAL`) is what a role can only learn from other
roles; it is why cross-functional ties can be worth more than within-function ones (Predictable
Revenue's pod argument, Ross & Tyler 2011, p. 178).

The numbers are a design choice read off the role descriptions in Ross & Tyler (2011) and
the process description of *THE MODEL* (Fukuda 2019); they are input data,
documented in ``docs/ODD.md`` (section 6), not fitted values. The constants here are the
defaults of the parameters ``vantage``, ``role_weights`` and ``expertise_threshold``
(``model.inputs``); the functions take the values a model was given.
"""

from __future__ import annotations

import numpy as np

#: Roles of the sales organization, in the order used by every role-indexed array.
ROLES: tuple[str, ...] = ("marketer", "sdr", "ae", "se", "csm", "support")

#: Knowledge domains, in the order of the belief dimensions (each domain is a contiguous block).
DOMAINS: tuple[str, ...] = (
    "customer_language",
    "fit_signals",
    "product_technical",
    "expectation_setting",
    "referral_cultivation",
)

# fmt: off
#: Learning-by-doing rate multiplier per role (rows, :data:`ROLES`) and domain (columns).
VANTAGE = np.array([
    # language  fit   technical  expectations  referrals
    [0.50,      0.20, 0.00,      0.00,         0.10],   # marketer: campaign response
    [0.80,      0.40, 0.00,      0.00,         0.00],   # sdr: calls, objections, fit questions
    [0.60,      0.50, 0.20,      0.50,         0.10],   # ae: discovery, demos, negotiation
    [0.10,      0.10, 0.90,      0.30,         0.00],   # se: technical evaluations
    [0.20,      0.60, 0.20,      0.80,         0.80],   # csm: renewals, expectation gaps, advocates
    [0.10,      0.70, 0.80,      0.50,         0.00],   # support: problems, problem customers
])

#: Importance of each domain for each role's performance (rows sum to 1).
WEIGHTS = np.array([
    # language  fit   technical  expectations  referrals
    [0.50,      0.40, 0.00,      0.00,         0.10],   # marketer: message and targeting
    [0.40,      0.50, 0.10,      0.00,         0.00],   # sdr: conversation and qualification
    [0.30,      0.10, 0.20,      0.40,         0.00],   # ae: pitch, technical fit, expectations
    [0.10,      0.00, 0.70,      0.20,         0.00],   # se: solution design
    [0.00,      0.20, 0.20,      0.30,         0.30],   # csm: adoption, expansion, referrals
    [0.10,      0.00, 0.60,      0.30,         0.00],   # support: solving problems
])
# fmt: on

#: Every domain weighed equally by every role: the limit of one role that needs everything
#: alike, March's (1991) organization (``performance_weights = "equal"``).
EQUAL_WEIGHTS = np.full_like(WEIGHTS, 1.0 / len(DOMAINS))

#: A role sees a domain well (and talks about it) from this vantage on.
EXPERTISE_THRESHOLD = 0.3


#: Needs a role cannot meet from its own work: the weights of the domains it needs but sees
#: with vantage below :data:`EXPERTISE_THRESHOLD`, rows normalised.
def cross_functional(weights: np.ndarray, vantage: np.ndarray, threshold: float) -> np.ndarray:
    """Roles x domains: the weights of the domains a role needs but sees with vantage below
    ``threshold``, rows normalised (a row with no such need stays 0)."""
    needs = weights * (vantage < threshold)
    total = needs.sum(axis=1, keepdims=True)
    return np.divide(needs, total, out=np.zeros_like(needs), where=total > 0)


CROSS_FUNCTIONAL = cross_functional(WEIGHTS, VANTAGE, EXPERTISE_THRESHOLD)

#: The Model's feedback loops (source role -> receiving role): CSM -> marketing, AE -> SDR,
#: SDR -> marketing (the two-way communication between stages of *THE MODEL*, Fukuda 2019).
FEEDBACK_LOOPS: tuple[tuple[str, str], ...] = (
    ("csm", "marketer"),
    ("ae", "sdr"),
    ("sdr", "marketer"),
)

ROLE_INDEX = {role: i for i, role in enumerate(ROLES)}
DOMAIN_INDEX = {domain: i for i, domain in enumerate(DOMAINS)}


def as_matrix(table) -> np.ndarray:
    """Roles x domains array of a ``role -> domain -> float`` table (a Matrix parameter)."""
    return np.array([[float(table[r][d]) for d in DOMAINS] for r in ROLES])


def as_table(matrix: np.ndarray) -> dict[str, dict[str, float]]:
    """The ``role -> domain -> float`` table of a roles x domains array."""
    return {r: {d: float(matrix[i, j]) for j, d in enumerate(DOMAINS)} for i, r in enumerate(ROLES)}


def performance_weights(kind: str, weights: np.ndarray = WEIGHTS) -> np.ndarray:
    """Roles x domains: what each role's performance weighs, ``weights`` (``"by_role"``)
    or :data:`EQUAL_WEIGHTS` (``"equal"``)."""
    return EQUAL_WEIGHTS if kind == "equal" else weights


def dimension_domains(dimensions_per_domain: int) -> np.ndarray:
    """Domain index of each belief dimension (domains are contiguous blocks)."""
    return np.repeat(np.arange(len(DOMAINS)), dimensions_per_domain)


def talk_masks(
    dimensions_per_domain: int,
    vantage: np.ndarray = VANTAGE,
    threshold: float = EXPERTISE_THRESHOLD,
) -> np.ndarray:
    """Roles x dimensions: what a source in each role talks about in an informal talk.

    People tell what their own work shows them, the domains they see well (vantage at least
    :data:`EXPERTISE_THRESHOLD`), so within-function talk mostly repeats what one already sees.
    """
    expertise = vantage >= threshold
    return expertise[:, dimension_domains(dimensions_per_domain)]


def feedback_dimension_mask(
    source: str, receiver: str, dimensions_per_domain: int, vantage: np.ndarray = VANTAGE
) -> np.ndarray:
    """Dimensions a feedback loop carries: the domains the source sees better than the receiver.

    This is the loop's purpose in The Model: downstream roles report what upstream roles
    cannot see from their own work (e.g. CSMs tell marketing which customers turn out badly).
    """
    better = vantage[ROLE_INDEX[source]] > vantage[ROLE_INDEX[receiver]]
    return better[dimension_domains(dimensions_per_domain)]
