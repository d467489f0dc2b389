"""The gap decomposition pairs seeds and switches each mechanism off in both designs."""

import numpy as np
import pytest

from salesorg.tools import design_gap
from salesorg.tools.design_gap import active_mechanisms, decompose, gaps, markdown


def test_only_existing_non_neutral_mechanisms_are_switched():
    active = active_mechanisms()
    assert "reviews and debriefs (feedback_rate)" in active  # default 0.2, neutral 0
    assert all(all(key in design_gap.PARAMETERS for key in off) for off in active.values())
    assert "reviews and debriefs (feedback_rate)" not in active_mechanisms({"feedback_rate": 0.0})


def test_each_worth_is_the_paired_change_of_the_gap(monkeypatch):
    monkeypatch.setattr(
        design_gap,
        "MECHANISMS",
        {"reviews": {"feedback_rate": 0.0}, "talks": {"talk_probability": 0.0}},
    )
    cold = {"burn_in_weeks": 0}
    rows = decompose(seeds=3, weeks=8, params=cold)
    on = gaps(3, 8, cold)
    off = gaps(3, 8, {**cold, "feedback_rate": 0.0})
    assert [r["row"] for r in rows][1:] == ["reviews", "talks", rows[-1]["row"]]
    assert rows[0]["mean"] == pytest.approx(np.mean(on))
    assert rows[1]["mean"] == pytest.approx(np.mean(on - off))
    both_off = gaps(3, 8, {**cold, "feedback_rate": 0.0, "talk_probability": 0.0})
    assert rows[-1]["mean"] == pytest.approx(np.mean(both_off))
    assert rows[1]["low"] <= rows[1]["mean"] <= rows[1]["high"]
    assert markdown(rows).count("\n") == len(rows) + 1
