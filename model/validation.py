"""Validation of a whole parameter set: the table's per-field checks plus cross-field rules.

Each cross-parameter rule is a small named function that raises one :class:`ParameterError`
quoting the value given and what is allowed (the Starsim habit), so a bad input never reaches
numpy or Mesa.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

from salesorg.model.inputs import PARAMETERS
from salesorg.model.knowledge import DOMAINS, ROLES
from salesorg.model.parameters import ParameterError

#: Roles a pipeline cannot run without: leads, qualification and closing.
REQUIRED_ROLES = ("marketer", "sdr", "ae")


def check_pod_composition(params: dict[str, Any]) -> None:
    """Pod composition: known roles, whole non-negative counts, at least one person, and one of
    each stage when the organization sells."""
    comp = params["pod_composition"]
    unknown = sorted(set(comp) - set(ROLES))
    if unknown:
        raise ParameterError(
            f"parameter 'pod_composition' = {comp!r} names unknown role(s) "
            f"{', '.join(map(repr, unknown))}; allowed roles are {', '.join(ROLES)}"
        )
    for role, count in comp.items():
        ok = isinstance(count, numbers.Integral) and not isinstance(count, bool)
        if not ok or count < 0 or count > 1000:
            raise ParameterError(
                f"parameter 'pod_composition' = {comp!r}: count for {role!r} is {count!r}; "
                "expected a whole number of people in [0, 1000]"
            )
    if sum(comp.values()) < 1:
        raise ParameterError(
            f"parameter 'pod_composition' = {comp!r} has nobody; expected at least one person"
        )
    for role in REQUIRED_ROLES if params["selling"] else ():
        if comp.get(role, 0) < 1:
            raise ParameterError(
                f"parameter 'pod_composition' = {comp!r} has no {role!r}; every pod needs at "
                f"least one of each of {', '.join(REQUIRED_ROLES)} (unless 'selling' is False)"
            )
    params["pod_composition"] = {role: int(comp.get(role, 0)) for role in ROLES}


def check_head_count(params: dict[str, Any]) -> None:
    """The head count must fill a whole number of pods, so every design has the same people."""
    size = sum(params["pod_composition"].values())
    n = params["employees"]
    if n < size or n % size:
        raise ParameterError(
            f"parameter 'employees' = {n!r} cannot fill the design: it must be a positive "
            f"multiple of the pod size {size} (pod_composition {params['pod_composition']!r}), "
            f"e.g. {max(size, size * round(n / size))}"
        )


def check_type_shares(params: dict[str, Any]) -> None:
    """Conditional cooperators and free riders cannot exceed the whole population."""
    cc, fr = params["share_conditional_cooperators"], params["share_free_riders"]
    if cc + fr > 1.0 + 1e-12:
        raise ParameterError(
            f"parameters 'share_conditional_cooperators' = {cc!r} and 'share_free_riders' = "
            f"{fr!r} sum to {cc + fr:.3g}; allowed: a sum of at most 1"
        )


def check_ordered_pairs(params: dict[str, Any]) -> None:
    """Each ``*_min`` must not exceed its ``*_max``."""
    for low, high in (
        ("lead_fit_min", "lead_fit_max"),
        ("qualification_accuracy_min", "qualification_accuracy_max"),
    ):
        if params[low] > params[high]:
            raise ParameterError(
                f"parameter '{low}' = {params[low]!r} exceeds '{high}' = {params[high]!r}; "
                f"allowed: {low} <= {high}"
            )


def check_reorganization(params: dict[str, Any]) -> None:
    """A reorganization names both its week and a design other than the one it leaves."""
    at, to, design = params["reorganize_at"], params["reorganize_to"], params["design"]
    if (at is None) != (to is None):
        given, missing = ("reorganize_at", "reorganize_to") if to is None else (
            "reorganize_to", "reorganize_at")  # fmt: skip
        raise ParameterError(
            f"parameter '{given}' = {params[given]!r} needs '{missing}' too; allowed: both "
            f"set (a week and a design) or both None"
        )
    if to is not None and to == design:
        raise ParameterError(
            f"parameter 'reorganize_to' = {to!r} is the design the run starts with (design = "
            f"{design!r}); allowed: one of the other designs"
        )


def check_interdependence(params: dict[str, Any]) -> None:
    """A dimension depends on ``interdependence`` other dimensions: there must be that many."""
    k, per = params["interdependence"], params["dimensions_per_domain"]
    others = len(DOMAINS) * per - 1
    if k > others:
        raise ParameterError(
            f"parameter 'interdependence' = {k!r} exceeds the {others} other dimensions a "
            f"dimension can depend on (dimensions_per_domain = {per!r}, {len(DOMAINS)} "
            f"domains); allowed: an int in [0, {others}]"
        )


RULES = (
    check_pod_composition,
    check_head_count,
    check_type_shares,
    check_ordered_pairs,
    check_reorganization,
    check_interdependence,
)


def validate_parameters(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return a complete, checked parameter dict, or raise one :class:`ParameterError`."""
    params = PARAMETERS.validate(values)
    params["pod_composition"] = dict(params["pod_composition"])
    for rule in RULES:
        rule(params)
    return params
