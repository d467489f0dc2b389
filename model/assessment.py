"""What people know and how well they work, assessed at the end of every week (docs/ODD.md 7.4,
7.9): compiled loops over people, the way the ODD states them.

With beliefs ``b_id``, a reality ``z_d`` and domains ``D`` (contiguous blocks of dimensions):

- knowledge ``K_iD`` = the share of domain ``D``'s dimensions with ``b_id = z_d``;
- performance ``q_i = sum_D W[r(i), D] K_iD``, added in domain order (role-weighted knowledge);
- with territories, both against each territory's reality, and what one works with is their
  mean over the territories one serves, weighted by work share: ``x_i = x_common + sum_t
  share_it (x_it - x_common)``, added in territory order (:func:`model.territories.served_mean`).

:func:`assess_knowledge` is the week's one call (without interdependence; with it,
:meth:`model.SalesOrgModel._assess` finds the right beliefs that count with numpy first). The
plain references are :func:`model.learning.knowledge_and_performance` of ``beliefs == reality``
and :func:`model.territories.served_mean` of the dense work shares
(``tests/test_perf_observation.py``).
"""

from __future__ import annotations

from salesorg.model.jit import inline_kernel, kernel


@kernel
def knowledge_of(beliefs, reality, weights, knowledge, performance) -> None:
    """Everyone's knowledge ``K_iD`` of ``reality`` and performance ``q_i``, in place.

    Args:
        beliefs: people x dimensions (int8); reality: per dimension.
        weights: people x domains, each person's role weights ``W[r(i)]``.
        knowledge, performance: people x domains and per person, written.
    """
    people, dims = beliefs.shape
    domains = knowledge.shape[1]
    per_domain = dims // domains
    for i in range(people):
        for g in range(domains):
            hits = 0
            for j in range(g * per_domain, (g + 1) * per_domain):
                if beliefs[i, j] == reality[j]:
                    hits += 1
            knowledge[i, g] = hits / per_domain
        total = knowledge[i, 0] * weights[i, 0]
        for g in range(1, domains):
            total += knowledge[i, g] * weights[i, g]
        performance[i] = total


@inline_kernel
def served_value(common, per_territory, own, even) -> float:
    """One person's quantity over the territories they serve: ``common + sum_t share_t (x_t -
    common)`` (:func:`model.territories.served_mean`). Work shares follow the structure: one
    who serves territory ``own`` (>= 0) works only there, a sum of one term; one who serves
    every territory (``own`` -1) splits the work evenly, ``even`` = 1 / T each, added in
    territory order."""
    if own >= 0:
        return common + (per_territory[own] - common)
    total = even * (per_territory[0] - common)
    for t in range(1, len(per_territory)):
        total += even * (per_territory[t] - common)
    return common + total


@inline_kernel
def serve_territories(
    territory, knowledge, performance, territory_knowledge, territory_performance,
    served_knowledge, served_performance,
) -> None:  # fmt: skip
    """Knowledge and performance of the territories one serves, in place
    (:func:`served_value`). O(people) for people of one territory: no people x territories
    table of work shares.

    Args:
        territory: per person, the one territory they serve, or -1 for every territory
            (:attr:`model.organization.Structure.territory`).
        knowledge, performance: against the common reality (people x domains, per person).
        territory_knowledge, territory_performance: against each territory's reality
            (territories x people [x domains]).
        served_knowledge, served_performance: written.
    """
    territories, people, domains = territory_knowledge.shape
    even = 1.0 / territories
    for i in range(people):
        own = territory[i]
        for g in range(domains):
            served_knowledge[i, g] = served_value(
                knowledge[i, g], territory_knowledge[:, i, g], own, even
            )
        served_performance[i] = served_value(performance[i], territory_performance[:, i], own, even)


@kernel
def assess_knowledge(
    beliefs, reality, realities, weights, territory_weights, territory, territorial,
    knowledge, performance,
    territory_knowledge, territory_performance, served_knowledge, served_performance,
) -> None:  # fmt: skip
    """The week's assessment without interdependence, in place: knowledge and performance
    against the common ``reality`` (:func:`knowledge_of`, role ``weights``); if
    ``territorial``, against each territory's (``realities``, territories x dimensions; role
    ``territory_weights``) and of the territories one serves (:func:`serve_territories`); else
    the served arrays are the common ones, untouched."""
    knowledge_of(beliefs, reality, weights, knowledge, performance)
    if not territorial:
        return
    for t in range(realities.shape[0]):
        knowledge_of(
            beliefs,
            realities[t],
            territory_weights,
            territory_knowledge[t],
            territory_performance[t],
        )
    serve_territories(
        territory, knowledge, performance, territory_knowledge, territory_performance,
        served_knowledge, served_performance,
    )  # fmt: skip
