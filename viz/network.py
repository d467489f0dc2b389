"""Who learns from whom: the unit and seating ties as a network.

People learn from the colleagues they talk to (Miller, Zhao & Calantone 2006): seat neighbours
within ``seat_radius`` (grey lines) and members of their own unit, whose playbook they also
learn (March 1991; each unit is a hub, the tinted lines). In The Model's design, the feedback
loops CSM -> marketing, AE -> SDR and SDR -> marketing join departments (dark arrows).

The ties do not change during a run (a new hire takes the leaver's seat), so the layout is
computed once per model: a spring layout started from fixed positions (units on a circle,
people around their unit) with a fixed seed, so nothing is left to chance and the same
organization always gets the same picture (unlike Mesa's ``Network`` space, whose default
spring layout is unseeded). Each step only restyles the
people: colour is the role, size the knowledge, a red ring low morale, as on the floor.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import solara
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from mesa.visualization.utils import update_counter
from salesorg.model.knowledge import FEEDBACK_LOOPS, ROLES
from salesorg.viz.floor import (
    LOW_MORALE,
    LOW_MORALE_COLOUR,
    ROLE_COLOURS,
    SIZE_AT_ONE,
    SIZE_AT_ZERO,
    UNIT_TINTS,
    unit_names,
)

FIGSIZE, DPI = (5.4, 5.4), 80
#: Spring-layout iterations: enough to settle ~100 nodes; the result is cached per model.
LAYOUT_ITERATIONS = 80
#: networkx's seed for the spring layout (every node has a start position, so it draws nothing;
#: fixed all the same, so the layout can never depend on global random state).
LAYOUT_SEED = 0
#: Preferred distance between people in the layout (units sit on a circle of radius 1).
SPRING_DISTANCE = 0.12


def hub(unit: int) -> str:
    return f"unit {unit}"


def seat_ties(model) -> np.ndarray:
    """Pairs (i, j), i < j, of people seated within ``seat_radius`` of each other."""
    table, counts = model.neighbours, model.neighbour_counts
    rows = np.repeat(np.arange(len(counts)), counts)
    cols = table[np.arange(table.shape[1])[None, :] < counts[:, None]]
    pairs = np.stack([rows, cols], axis=1)
    return np.unique(np.sort(pairs[pairs[:, 0] != pairs[:, 1]], axis=1), axis=0)


def feedback_ties(model) -> list[tuple[int, int]]:
    """(source unit, receiver unit) of The Model's feedback loops; none in other designs."""
    if model.structure.design != "the_model":  # the current design (after a reorganization)
        return []
    structure = model.structure
    unit_of_role = {ROLES[structure.role[i]]: int(structure.unit[i]) for i in range(structure.size)}
    return [
        (unit_of_role[source], unit_of_role[receiver])
        for source, receiver in FEEDBACK_LOOPS
        if source in unit_of_role and receiver in unit_of_role
    ]


def learning_network(model) -> nx.Graph:
    """People (nodes 0..n-1) and unit hubs, joined by seat and unit ties."""
    graph = nx.Graph()
    structure = model.structure
    graph.add_nodes_from(range(structure.size), kind="person")
    graph.add_nodes_from((hub(u) for u in range(structure.n_units)), kind="unit")
    graph.add_edges_from(map(tuple, seat_ties(model).tolist()), kind="seat", weight=0.5)
    graph.add_edges_from(
        ((i, hub(int(u))) for i, u in enumerate(structure.unit)), kind="unit", weight=1.0
    )
    graph.add_edges_from(
        ((hub(a), hub(b)) for a, b in feedback_ties(model)), kind="feedback", weight=1.0
    )
    return graph


def layout(graph: nx.Graph, n_units: int) -> dict:
    """Units fixed on a circle; people placed by a spring layout among them.

    People start around their unit's hub; unit ties pull them in, seat ties pull neighbours
    together across units, so units that share desks end up bridged.
    """
    start = {}
    hubs = [hub(u) for u in range(n_units)]
    for u, name in enumerate(hubs):
        angle = 2 * math.pi * u / n_units
        start[name] = np.array([math.cos(angle), math.sin(angle)])
    for node in graph.nodes:
        if graph.nodes[node]["kind"] == "person":
            unit_hub = next(n for n in graph.neighbors(node) if graph.nodes[n]["kind"] == "unit")
            angle = 2 * math.pi * ((node * 0.618034) % 1.0)  # golden-ratio spread around the hub
            start[node] = start[unit_hub] + 0.25 * np.array([math.cos(angle), math.sin(angle)])
    return nx.spring_layout(
        graph,
        pos=start,
        fixed=hubs,
        k=SPRING_DISTANCE,
        seed=LAYOUT_SEED,
        iterations=LAYOUT_ITERATIONS,
        weight="weight",
    )


class NetworkView:
    """The learning network of one model: graph and positions, computed once."""

    def __init__(self, model):
        self.graph = learning_network(model)
        self.positions = layout(self.graph, model.structure.n_units)
        n = model.structure.size
        self.xy = np.array([self.positions[i] for i in range(n)])
        self.hub_xy = np.array([self.positions[hub(u)] for u in range(model.structure.n_units)])
        seats = seat_ties(model)
        self.seat_segments = self.xy[seats]
        self.unit_segments = np.stack([self.xy, self.hub_xy[model.structure.unit]], axis=1)
        self.feedback = feedback_ties(model)
        self.figure: Figure | None = None  # drawn on first use, then restyled each step
        self.people = None

    def __repr__(self) -> str:
        return (
            f"NetworkView(nodes={self.graph.number_of_nodes()}, "
            f"edges={self.graph.number_of_edges()}, feedback_loops={len(self.feedback)})"
        )

    def _figure(self, model) -> tuple[Figure, object]:
        """The static part (ties, units, labels) and the people, drawn once per model."""
        fig = Figure(figsize=FIGSIZE, dpi=DPI, constrained_layout=True)
        ax = fig.add_subplot()
        structure = model.structure
        unit_tint = np.array(UNIT_TINTS)[structure.unit % len(UNIT_TINTS)]
        ax.add_collection(
            LineCollection(self.seat_segments, colors="#9A9A9A", linewidths=0.5, alpha=0.6)
        )
        ax.add_collection(
            LineCollection(self.unit_segments, colors=_darker(unit_tint), linewidths=0.9)
        )
        for source, receiver in self.feedback:
            ax.add_patch(
                FancyArrowPatch(
                    self.hub_xy[source],
                    self.hub_xy[receiver],
                    arrowstyle="-|>",
                    mutation_scale=14,
                    color="#222222",
                    linewidth=2.0,
                    connectionstyle="arc3,rad=0.25",
                    zorder=2,
                )
            )
        people = ax.scatter(
            *self.xy.T, c=[ROLE_COLOURS[ROLES[r]] for r in structure.role], zorder=3
        )
        ax.scatter(
            *self.hub_xy.T,
            s=180,
            marker="s",
            c=[UNIT_TINTS[u % len(UNIT_TINTS)] for u in range(structure.n_units)],
            edgecolors="#222222",
            linewidths=1.2,
            zorder=4,
        )
        for (x, y), name in zip(self.hub_xy, unit_names(model), strict=True):
            ax.annotate(
                name,
                (x, y),
                xytext=(0, -11),
                textcoords="offset points",
                fontsize=7,
                ha="center",
                va="top",
                zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
        ax.set_axis_off()
        ax.set_aspect("equal")
        ax.margins(0.06)
        return fig, people

    def draw(self, model) -> Figure:
        """The network's figure with the people styled as they are now (knowledge, morale)."""
        if self.figure is None:
            self.figure, self.people = self._figure(model)
        knowledge = model.correct.mean(axis=1)
        low = model.people.morale < LOW_MORALE
        self.people.set_sizes((SIZE_AT_ZERO + (SIZE_AT_ONE - SIZE_AT_ZERO) * knowledge) * 0.45)
        self.people.set_edgecolors(np.where(low, LOW_MORALE_COLOUR, "#333333"))
        self.people.set_linewidths(np.where(low, 2.0, 0.5))
        loops = "; arrows: feedback loops" if self.feedback else ""
        self.figure.axes[0].set_title(
            f"Who learns from whom, week {model.steps}\n"
            f"squares: units (ties to members); grey: seat neighbours{loops}",
            fontsize=8.5,
        )
        return self.figure


def _darker(hex_colours: np.ndarray) -> np.ndarray:
    rgb = np.array([[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in hex_colours])
    return rgb * 0.7


#: Marks the component: a CSS class in the page, a ref for tests without a browser.
REF = "salesorg-network"


@solara.component
def LearningNetwork(model):
    """The learning network: laid out once per model, restyled after every step."""
    update_counter.get()
    view = solara.use_memo(lambda: NetworkView(model), [model])
    drawn = [view, model.steps, update_counter.value]
    figure = solara.use_memo(lambda: view.draw(model), drawn)
    with solara.Column(classes=[REF]):
        solara.FigureMatplotlib(figure, format="png", dependencies=drawn).meta(ref=REF)
