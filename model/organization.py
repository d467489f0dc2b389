"""Organization designs: who holds which role, in which unit, working which queue.

People are numbered in one canonical order for every design (pod by pod, roles in the pod's
composition order), so person ``i`` has the same role, traits and initial beliefs whatever the
design: comparing designs with the same seed compares designs, not draws (common random
numbers). The design only changes the grouping:

* ``functional`` and ``the_model``: units are departments (one per role); all work flows
  through one shared queue per stage (the assembly line of *THE MODEL*, Fukuda 2019).
* ``pods``: units are mini business units with their own territory and their own queues
  (Ross & Tyler 2011, p. 178).

Every design has the same territories, one per pod's worth of head count (``employees`` / pod
size), numbered like the pods. Who serves which territory is structure: in pods every member
serves the pod's territory; in the assembly line everyone serves every territory, except that
with ``ae_territories`` each AE owns the territory of its canonical pod block (its own AE queue).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from salesorg.model.knowledge import ROLES

ASSEMBLY_LINE_DESIGNS = ("functional", "the_model")


@dataclass(frozen=True, repr=False)
class Structure:
    """The fixed structure of one organization (arrays indexed by person).

    Attributes:
        design: name of the design.
        role: role index (into :data:`model.knowledge.ROLES`) per person.
        pod: pod (territory block) of each person in the canonical numbering.
        unit: unit per person: a pod, or a department in the assembly-line designs.
        queue: work queue per person: the pod, or 0 (one shared queue) in the assembly line.
        deal_queue: the AE-stage queue per person (waiting opportunities and deals): ``queue``,
            or the AE's territory under ``ae_territories`` in the assembly line.
        territory: the territory each person serves, or -1 for one who serves every territory.
        n_territories: territories (one per pod's worth of head count, in every design).
        unit_order: people sorted by unit; ``unit_starts``/``unit_sizes`` index its segments.
    """

    design: str
    role: np.ndarray
    pod: np.ndarray
    unit: np.ndarray
    queue: np.ndarray
    n_units: int
    n_queues: int
    deal_queue: np.ndarray
    n_deal_queues: int
    territory: np.ndarray
    n_territories: int
    unit_order: np.ndarray
    unit_starts: np.ndarray
    unit_sizes: np.ndarray

    @property
    def assembly_line(self) -> bool:
        return self.design in ASSEMBLY_LINE_DESIGNS

    @property
    def size(self) -> int:
        return len(self.role)

    @cached_property
    def size_of_unit(self) -> np.ndarray:
        """Size of each person's unit (per person)."""
        return self.unit_sizes[self.unit]

    @cached_property
    def others_in_unit(self) -> np.ndarray:
        """Number of other members of each person's unit (at least 1, to divide by)."""
        return np.maximum(self.size_of_unit - 1, 1)

    @cached_property
    def anyone_alone(self) -> bool:
        """True if some unit has a single member."""
        return bool((self.unit_sizes == 1).any())

    @cached_property
    def role_counts(self) -> np.ndarray:
        """Head count of each role (zero for a role the design does not staff)."""
        return np.bincount(self.role, minlength=len(ROLES))

    @cached_property
    def role_divisor(self) -> np.ndarray:
        """Head count of each role, 1 for an unstaffed role (to divide role sums by)."""
        return np.maximum(self.role_counts, 1).astype(float)

    def members(self, role: int) -> np.ndarray:
        """Indices of the people in ``role``, sorted by queue (for per-queue sampling); AEs by
        their deal queue."""
        idx = np.flatnonzero(self.role == role)
        queue = self.deal_queue if role == ROLES.index("ae") else self.queue
        return idx[np.argsort(queue[idx], kind="stable")]

    @cached_property
    def serves(self) -> np.ndarray:
        """People x territories: True where a person serves the territory."""
        t = np.arange(self.n_territories)
        return (self.territory[:, None] == t) | (self.territory[:, None] < 0)

    def __repr__(self) -> str:
        counts = {r: int((self.role == i).sum()) for i, r in enumerate(ROLES)}
        return (
            f"Structure(design={self.design!r}, people={self.size}, units={self.n_units}, "
            f"queues={self.n_queues}, roles={counts})"
        )


def build_structure(
    design: str, employees: int, composition: dict[str, int], ae_territories: bool = False
) -> Structure:
    """Lay out ``employees`` people in pods of ``composition`` and group them by ``design``.

    ``ae_territories`` gives each assembly-line AE the territory of its pod block (pods' AEs
    own their pod's territory anyway).
    """
    pod_roles = np.concatenate(
        [np.full(composition[r], i, dtype=np.int8) for i, r in enumerate(ROLES)]
    )
    n_pods = employees // len(pod_roles)
    role = np.tile(pod_roles, n_pods)
    pod = np.repeat(np.arange(n_pods, dtype=np.int32), len(pod_roles))
    if design == "pods":
        unit = pod.copy()
        queue = pod.copy()
    else:
        # departments numbered over the roles present, so no unit is empty
        present = np.unique(role)
        unit = np.searchsorted(present, role).astype(np.int32)
        queue = np.zeros(employees, dtype=np.int32)
    territory = pod.copy() if design == "pods" else np.full(employees, -1, dtype=np.int32)
    deal_queue = queue.copy()
    if ae_territories and design != "pods":
        ae = role == ROLES.index("ae")
        territory[ae] = deal_queue[ae] = pod[ae]
    unit_order = np.argsort(unit, kind="stable")
    unit_sizes = np.bincount(unit)
    unit_starts = np.concatenate(([0], np.cumsum(unit_sizes)[:-1]))
    return Structure(
        design=design,
        role=role,
        pod=pod,
        unit=unit,
        queue=queue,
        n_units=len(unit_sizes),
        n_queues=int(queue.max()) + 1,
        deal_queue=deal_queue,
        n_deal_queues=int(deal_queue.max()) + 1,
        territory=territory,
        n_territories=n_pods,
        unit_order=unit_order,
        unit_starts=unit_starts,
        unit_sizes=unit_sizes,
    )
