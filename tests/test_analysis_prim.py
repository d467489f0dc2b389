"""PRIM finds a box that is known in advance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from salesorg.analysis.prim import Box, choose_box, find_box, peel


def _known_box_case(n: int = 2000, seed: int = 1):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        {
            "a": rng.random(n),
            "b": rng.random(n),
            "noise": rng.random(n),
            "kind": rng.choice(["red", "green", "blue"], n),
        }
    )
    y = (x["a"] > 0.6) & (x["b"] < 0.4) & x["kind"].isin(["red", "green"])
    return x, y.to_numpy()


def test_prim_recovers_a_known_box_and_leaves_the_noise_input_alone():
    x, y = _known_box_case()
    box = find_box(x, y, alpha=0.05, min_coverage=0.8)
    assert set(box.restricted) == {"a", "b", "kind"}
    assert box.limits["a"][0] == pytest.approx(0.6, abs=0.03)
    assert box.limits["b"][1] == pytest.approx(0.4, abs=0.03)
    assert set(box.limits["kind"]) == {"red", "green"}
    assert box.density > 0.9 and box.coverage >= 0.8
    inside = box.contains(x)
    assert inside.sum() / len(x) == pytest.approx(box.support)
    assert y[inside].mean() == pytest.approx(box.density)
    assert "a in [0.6" in box.describe() and "kind in {" in box.describe()


def test_the_trajectory_starts_with_the_whole_space_and_density_rises_as_it_peels():
    x, y = _known_box_case(500, seed=2)
    trajectory = peel(x, y)
    whole = trajectory[0]
    assert whole.restricted == () and whole.coverage == 1.0 and whole.support == 1.0
    assert whole.describe() == "the whole space"
    assert trajectory[-1].density > 3 * whole.density
    assert all(b.support >= 0.05 for b in trajectory)
    supports = [b.support for b in trajectory]
    assert supports == sorted(supports, reverse=True)


def test_no_case_of_interest_anywhere_keeps_the_whole_space():
    x, _ = _known_box_case(200)
    box = find_box(x, np.zeros(len(x)))
    assert isinstance(box, Box) and box.restricted == ()


def test_choose_box_prefers_density_among_boxes_with_enough_coverage():
    boxes = [
        Box({}, coverage=1.0, density=0.3, support=1.0, restricted=()),
        Box({}, coverage=0.7, density=0.6, support=0.4, restricted=("a",)),
        Box({}, coverage=0.4, density=0.95, support=0.1, restricted=("a", "b")),
    ]
    assert choose_box(boxes, min_coverage=0.5) is boxes[1]
    assert choose_box(boxes, min_coverage=0.3) is boxes[2]
    assert choose_box(boxes, min_coverage=1.1) is boxes[0]
