"""Reorganization mid-run: the rules that carry a unit's playbook and unowned work across.

When a company moves to another design (``reorganize_at``, ``reorganize_to``; docs/ODD.md
section 5.2) the same people change units, seats, queues and pay pools. Two things have no
owner to follow and need a rule:

* **Playbooks** (March 1991's organizational code) merge: a new unit's code starts, on each
  dimension, from the majority of its members' former units' codes, one vote per member (a tie
  or no view leaves it 0). The code is the written practice people bring with them; March's own
  code aggregates by majority, and starting every new unit from zero would erase the
  organization's memory, which March's code exists to keep through turnover.
* **Unowned work** (new leads, qualified leads waiting for an AE, pending referrals and
  customer accounts) keeps its territory and goes to that territory's queue in the new design
  (the territory's pod in pods, the one shared queue in the assembly line; docs/ODD.md section
  7.9). Territories are spread evenly, so each pod starts with about an equal share of the book.
  Active deals are owned: they move with their AE to the AE's new queue.
"""

from __future__ import annotations

import numpy as np


def merge_playbooks(
    codes: np.ndarray, old_unit: np.ndarray, new_unit: np.ndarray, n_units: int
) -> np.ndarray:
    """New units' codes: per dimension, the sign of the summed former codes of their members.

    Args:
        codes: former units x dimensions int8 codes in {-1, 0, +1}.
        old_unit, new_unit: each person's former and new unit.
        n_units: number of new units.
    """
    votes = np.zeros((n_units, codes.shape[1]), dtype=np.int64)
    np.add.at(votes, new_unit, codes[old_unit].astype(np.int64))  # integer sums: exact
    return np.sign(votes).astype(np.int8)


def merge_playbooks_reference(codes, old_unit, new_unit, n_units):
    """Plain reference of :func:`merge_playbooks`: one unit and dimension at a time."""
    merged = np.zeros((n_units, codes.shape[1]), dtype=np.int8)
    for unit in range(n_units):
        members = [i for i in range(len(new_unit)) if new_unit[i] == unit]
        for dim in range(codes.shape[1]):
            total = sum(int(codes[old_unit[i], dim]) for i in members)
            merged[unit, dim] = (total > 0) - (total < 0)
    return merged
