"""The office floor: every employee at their seat on the Mesa grid.

Colour is the role, marker size the employee's knowledge (share of market dimensions believed
correctly), marker shape the cooperation type (free riders are down-pointing triangles), and a
red ring marks low morale. Each unit (a pod, or a department in the assembly-line designs) has
its own tint on the floor with a dark outline around it, so one sees at a glance whether a
unit sits together (``seating="by_unit"``) or is scattered.

Drawn with Mesa's :class:`~mesa.visualization.SpaceRenderer` (grid and agents); the unit tints,
outlines and legend are added on the same axes at every render. Over the picture lies one
transparent box per seat whose tooltip names the person: role, unit, cooperation type,
knowledge, effort and morale (:func:`seat_tooltips`).
"""

from __future__ import annotations

import numpy as np
import solara
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D
from mesa.visualization import SpaceRenderer
from mesa.visualization.components import AgentPortrayalStyle
from mesa.visualization.utils import update_counter
from salesorg.analysis.theme import OKABE_ITO

_BLUE, _VERMILLION, _GREEN, _PURPLE, _ORANGE, _SKY, _BLACK, _YELLOW = OKABE_ITO
#: One colour per role: colour-blind-safe Okabe-Ito hues (vermillion is too close to the red kept
#: for low morale, black to the unit outlines, yellow too faint), and brown for support.
ROLE_COLOURS = {
    "marketer": _PURPLE,
    "sdr": _BLUE,
    "ae": _GREEN,
    "se": _SKY,
    "csm": _ORANGE,
    "support": "#8C6D31",
}
ROLE_LABELS = {
    "marketer": "marketer",
    "sdr": "SDR",
    "ae": "AE",
    "se": "sales engineer",
    "csm": "CSM",
    "support": "support",
}
TYPE_MARKERS = {"cooperator": "o", "conditional_cooperator": "s", "free_rider": "v"}
TYPE_LABELS = {
    "cooperator": "cooperator",
    "conditional_cooperator": "conditional cooperator",
    "free_rider": "free rider",
}
#: Morale below this is ringed in red: a clear grievance (morale is 1 without one).
LOW_MORALE = 0.75
LOW_MORALE_COLOUR = "#D62728"
#: Marker area (points^2) at knowledge 0 and 1, for a 10 x 9 floor; scaled for other sizes.
SIZE_AT_ZERO, SIZE_AT_ONE = 25.0, 330.0
#: Pale tints for units, cycled; neighbouring units in seat order get different tints.
UNIT_TINTS = (
    "#FBE3D6", "#DCEAF7", "#E2F0D9", "#FFF2CC", "#E8DFF5",
    "#D9F2F0", "#F7DCE6", "#EDEDED", "#FDEBD0", "#D6E4E1",
)  # fmt: skip
FIGSIZE, DPI = (7.6, 5.4), 90


def marker_scale(model) -> float:
    """Marker areas shrink with the floor so seats never overlap."""
    width, height = model.grid.dimensions
    return (10 / max(width, height)) ** 2


def portrayal(agent) -> AgentPortrayalStyle:
    """How one employee looks on the floor."""
    low = agent.morale < LOW_MORALE
    size = SIZE_AT_ZERO + (SIZE_AT_ONE - SIZE_AT_ZERO) * agent.knowledge
    return AgentPortrayalStyle(
        color=ROLE_COLOURS[agent.role],
        marker=TYPE_MARKERS[agent.type],
        size=size * marker_scale(agent.model),
        zorder=3,
        edgecolors=LOW_MORALE_COLOUR if low else "#333333",
        linewidths=2.4 if low else 0.6,
    )


def floor_renderer(model) -> SpaceRenderer:
    """A SpaceRenderer for the model's floor (the grid) with the employee portrayal."""
    renderer = SpaceRenderer(model, backend="matplotlib")
    renderer.setup_structure(color="#BBBBBB", linestyle="-", linewidth=0.4)
    return renderer.setup_agents(portrayal)


def unit_map(model) -> np.ndarray:
    """Unit of the person in each seat, as a (width, height) array; -1 for an empty seat."""
    units = np.full(model.grid.dimensions, -1, dtype=np.int64)
    x, y = model.positions[:, 0], model.positions[:, 1]
    units[x, y] = model.structure.unit
    return units


def unit_outlines(units: np.ndarray) -> np.ndarray:
    """Segments ((x0, y0), (x1, y1)) between seats of different units, and around the floor."""
    padded = np.pad(units, 1, constant_values=-2)
    segments = []
    # a vertical wall left of seat (x, y) where the unit changes along x
    xs, ys = np.nonzero(padded[1:, 1:-1] != padded[:-1, 1:-1])
    segments += [((x - 0.5, y - 0.5), (x - 0.5, y + 0.5)) for x, y in zip(xs, ys, strict=True)]
    # a horizontal wall below seat (x, y) where the unit changes along y
    xs, ys = np.nonzero(padded[1:-1, 1:] != padded[1:-1, :-1])
    segments += [((x - 0.5, y - 0.5), (x + 0.5, y - 0.5)) for x, y in zip(xs, ys, strict=True)]
    return np.array(segments, dtype=float).reshape(-1, 2, 2)


def unit_names(model) -> list[str]:
    """'pod 1', ... or the department's role, per unit."""
    structure = model.structure
    if not structure.assembly_line:
        return [f"pod {u + 1}" for u in range(structure.n_units)]
    roles = list(ROLE_COLOURS)
    first = [np.flatnonzero(structure.unit == u)[0] for u in range(structure.n_units)]
    return [ROLE_LABELS[roles[structure.role[i]]] + " dept" for i in first]


def contiguous_units(model) -> list[int]:
    """Units whose seats form one connected block, seat touching seat (they sit together)."""
    units = unit_map(model)
    together = []
    for u in range(model.structure.n_units):
        seats = {tuple(c) for c in np.argwhere(units == u).tolist()}
        reached, frontier = set(), [next(iter(seats))]
        while frontier:  # flood fill over seats that share an edge
            x, y = frontier.pop()
            if (x, y) in reached:
                continue
            reached.add((x, y))
            near = ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1))
            frontier += [c for c in near if c in seats and c not in reached]
        if reached == seats:
            together.append(u)
    return together


def draw_units(ax, model) -> None:
    """Tint each unit's seats, wall units off from each other and name units that sit together."""
    units = unit_map(model)
    tint = ListedColormap(["#FFFFFF", *UNIT_TINTS])
    index = np.where(units >= 0, 1 + units % len(UNIT_TINTS), 0)
    width, height = units.shape
    extent = (-0.5, width - 0.5, -0.5, height - 0.5)
    ax.imshow(index.T, origin="lower", cmap=tint, vmin=0, vmax=len(UNIT_TINTS), extent=extent)
    ax.add_collection(LineCollection(unit_outlines(units), colors="#444444", linewidths=1.6))
    names = unit_names(model)
    x, y = model.positions[:, 0], model.positions[:, 1]
    for u in contiguous_units(model):
        members = np.flatnonzero(model.structure.unit == u)
        top = members[np.argmax(y[members] * width - x[members])]  # first seat of the top row
        ax.annotate(
            names[u],
            (x[top] - 0.45, y[top] + 0.45),
            fontsize=6.5,
            color="#333333",
            va="top",
            zorder=4,
        )


def legend_handles(model) -> list:
    present_roles = {model.structure.role[i] for i in range(model.structure.size)}
    roles = [r for i, r in enumerate(ROLE_COLOURS) if i in present_roles]
    handles = [
        Line2D([], [], marker="o", ls="", mfc=ROLE_COLOURS[r], mec="#333333", ms=8, label=lab)
        for r, lab in ((r, ROLE_LABELS[r]) for r in roles)
    ]
    handles += [
        Line2D([], [], marker=m, ls="", mfc="#FFFFFF", mec="#333333", ms=8, label=TYPE_LABELS[t])
        for t, m in TYPE_MARKERS.items()
    ]
    handles += [
        Line2D([], [], marker="o", ls="", mfc="#FFFFFF", mec=LOW_MORALE_COLOUR, mew=2.4, ms=8,
               label=f"morale < {LOW_MORALE}"),
        Line2D([], [], marker="o", ls="", mfc="#999999", mec="#333333", ms=4,
               label="small: knows little"),
        Line2D([], [], marker="o", ls="", mfc="#999999", mec="#333333", ms=11,
               label="large: knows much"),
    ]  # fmt: skip
    return handles


def draw_floor(model, renderer: SpaceRenderer):
    """A new figure of the floor as it is now."""
    renderer.space = model.grid
    renderer.backend_renderer.initialize_canvas()
    ax = renderer.canvas
    fig = ax.get_figure()
    fig.set_size_inches(*FIGSIZE)
    fig.set_dpi(DPI)
    renderer.draw_structure()
    renderer.draw_agents()  # Mesa draws the whole figure once here: keep it small until now
    draw_units(ax, model)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")
    design = model.structure.design.replace("_", " ")  # the current design (after a reorganization)
    ax.set_title(
        f"Office floor, week {model.steps}: {design}, seating {model.params['seating']}",
        fontsize=10,
    )
    fig.legend(
        handles=legend_handles(model),
        loc="outside right center",
        fontsize=7.5,
        frameon=False,
        title="legend",
        title_fontsize=8,
    )
    return fig


def tooltip(agent, units: list[str]) -> str:
    """What hovering over a person shows."""
    return (
        f"{ROLE_LABELS[agent.role]}, {units[agent.unit]}, {TYPE_LABELS[agent.type]}\n"
        f"knowledge {agent.knowledge:.2f}, effort {agent.effort:.2f}, morale {agent.morale:.2f}"
    )


def seat_tooltips(model, fig) -> list[tuple[tuple[float, float, float, float], str]]:
    """Each person's seat as a box in percent of the picture (left, top, width, height), with
    the tooltip text, in the figure's final layout (the picture is the whole figure)."""
    fig.draw_without_rendering()  # run the layout so positions are final
    ax = fig.axes[0]
    width, height = fig.bbox.width, fig.bbox.height
    xy = model.positions.astype(float)
    corners = ax.transData.transform(np.concatenate([xy - 0.5, xy + 0.5]))
    low, high = corners[: len(xy)], corners[len(xy) :]
    left, right = 100 * low[:, 0] / width, 100 * high[:, 0] / width
    top, bottom = 100 * (1 - high[:, 1] / height), 100 * (1 - low[:, 1] / height)
    units = unit_names(model)
    return [
        ((left[i], top[i], right[i] - left[i], bottom[i] - top[i]), tooltip(agent, units))
        for i, agent in enumerate(model.employees)
    ]


#: Marks the component: a CSS class in the page, a ref for tests without a browser.
REF = "salesorg-floor"
#: The picture's box: as large as the picture, without the gap below an inline image.
PICTURE_BOX = "display: inline-block; line-height: 0"
#: CSS class of a seat's tooltip box over the floor.
SEAT_CLASS = "salesorg-seat"


@solara.component
def SeatTooltips(model, figure):
    """Transparent boxes over the floor's seats, each with its person's tooltip."""
    seats = solara.use_memo(lambda: seat_tooltips(model, figure), [figure])
    # a layer exactly over the picture: percentages below are of the picture's size
    with solara.v.Html(tag="div", style_="position: absolute; inset: 0"):
        for (left, top, width, height), text in seats:
            solara.v.Html(
                tag="div",
                class_=SEAT_CLASS,
                attributes={"title": text},
                style_=(
                    f"position: absolute; left: {left:.3f}%; top: {top:.3f}%; "
                    f"width: {width:.3f}%; height: {height:.3f}%"
                ),
            )


@solara.component
def OfficeFloor(model):
    """The floor, redrawn after every step (Mesa's update counter) and for every new model."""
    update_counter.get()
    renderer = solara.use_memo(lambda: floor_renderer(model), [model])
    figure = solara.use_memo(
        lambda: draw_floor(model, renderer), [model, model.steps, update_counter.value]
    )
    with (
        solara.Column(classes=[REF]),
        # line-height 0: no gap under the picture, so the seat layer covers it exactly
        solara.v.Html(
            tag="div", style_="position: relative; display: inline-block; line-height: 0"
        ),
    ):
        solara.FigureMatplotlib(figure, format="png", dependencies=[figure]).meta(ref=REF)
        SeatTooltips(model, figure)
