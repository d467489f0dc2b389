"""Live plots of the model's DataCollector, and the three designs run side by side.

The plots are Mesa's ``make_plot_component`` over the metrics in :data:`model.METRICS`, each
with a post-processing step that sizes the figure, names the lines and formats the axes.
:class:`DesignRace` runs the other two designs with the same seed and parameters in step with
the page's model (common random numbers: the designs differ, the draws do not), so one sees
pods, The Model and the functional assembly line diverge week by week.
"""

from __future__ import annotations

import numpy as np
import solara
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter
from mesa.visualization import make_plot_component
from mesa.visualization.utils import update_counter
from salesorg.model.inputs import DESIGNS
from salesorg.model.knowledge import ROLES
from salesorg.viz.floor import ROLE_COLOURS, ROLE_LABELS

DESIGN_COLOURS = {"functional": "#7F7F7F", "the_model": "#0072B2", "pods": "#D55E00"}
DESIGN_LABELS = {"functional": "functional", "the_model": "The Model", "pods": "pods"}

MILLIONS = FuncFormatter(lambda v, _: f"${v / 1e6:,.2f}M")
THOUSANDS = FuncFormatter(lambda v, _: f"${v / 1e3:,.0f}k")
PERCENT = PercentFormatter(xmax=1.0, decimals=None)

#: Size of each live plot (three to a row), small enough to redraw quickly every step.
PLOT_SIZE_INCHES, PLOT_DPI = (4.6, 3.1), 80


def styled(title: str, labels: dict[str, str], formatter=None, right: str | None = None):
    """A ``post_process`` for a Mesa plot: size, title, line labels, axis formats.

    Args:
        title: the plot's title.
        labels: metric name -> legend label.
        formatter: tick formatter of the y axis.
        right: a metric moved to a right-hand axis in millions of dollars (another scale).
    """

    def post_process(ax) -> None:
        ax.figure.set_size_inches(*PLOT_SIZE_INCHES)
        ax.figure.set_dpi(PLOT_DPI)
        handles = []
        for line in list(ax.get_lines()):
            name = line.get_label()
            if name == right:
                axis = ax.twinx()
                axis.plot(*line.get_data(), color=line.get_color(), linestyle="--")
                axis.yaxis.set_major_formatter(MILLIONS)
                axis.yaxis.set_major_locator(MaxNLocator(4))
                axis.tick_params(labelsize=7)
                line.remove()
                line = axis.get_lines()[0]
            line.set_label(labels.get(name, name))
            handles.append(line)
        ax.relim()  # the left axis's range without the moved line
        ax.autoscale_view()
        ax.set_title(title, fontsize=9)
        ax.set_ylabel("")
        ax.tick_params(labelsize=7)
        ax.yaxis.set_major_locator(MaxNLocator(5))
        if formatter is not None:
            ax.yaxis.set_major_formatter(formatter)
        ax.grid(alpha=0.3)
        ax.legend(handles=handles, loc="best", fontsize=6.5, frameon=False)

    return post_process


def plot_components() -> list:
    """Bookings and revenue, win rate, churn, knowledge by role, cooperation and effort."""
    return [
        make_plot_component(
            {"bookings": "#009E73", "new_bookings": "#56B4E9", "arr": "#0072B2"},
            post_process=styled(
                "Bookings per week; ARR (dashed, right)",
                {"bookings": "all bookings", "new_bookings": "new logos", "arr": "ARR"},
                THOUSANDS,
                right="arr",
            ),
        ),
        make_plot_component(
            {"win_rate": "#D55E00", "lead_to_qualified": "#0072B2", "qualified_to_won": "#009E73"},
            post_process=styled(
                "Win rate and conversion (last 13 weeks)",
                {
                    "win_rate": "win rate",
                    "lead_to_qualified": "lead -> qualified",
                    "qualified_to_won": "qualified -> won",
                },
                PERCENT,
            ),
        ),
        make_plot_component(
            {"churn_annual": "#D62728", "nrr": "#009E73"},
            post_process=styled(
                "Churn and net revenue retention (last 52 weeks)",
                {"churn_annual": "logo churn", "nrr": "net revenue retention"},
                PERCENT,
            ),
        ),
        make_plot_component(
            {f"knowledge_{role}": ROLE_COLOURS[role] for role in ROLES},
            post_process=styled(
                "Knowledge each role needs",
                {f"knowledge_{role}": ROLE_LABELS[role] for role in ROLES},
                PERCENT,
            ),
        ),
        make_plot_component(
            {
                "cooperation": "#009E73",
                "effort": "#0072B2",
                "effort_free_riders": "#D55E00",
                "effort_cooperators": "#56B4E9",
                "morale": "#CC79A7",
            },
            post_process=styled(
                "Cooperation, effort and morale",
                {
                    "cooperation": "cooperation (sharing)",
                    "effort": "effort, everyone",
                    "effort_free_riders": "effort, free riders",
                    "effort_cooperators": "effort, cooperators",
                    "morale": "morale",
                },
            ),
        ),
    ]


#: What the design comparison shows: metric, title, axis format.
RACE_METRICS = (
    ("arr", "ARR", MILLIONS),
    ("knowledge", "knowledge", PERCENT),
    ("cooperation", "cooperation", None),
)


class DesignRace:
    """The page's model and the same organization under the other designs, stepped together.

    Args:
        model: the page's model; it needs a ``seed`` (the page's models have one).
    """

    def __init__(self, model):
        self.model = model
        self.runs = {}
        for design in DESIGNS:
            if design == model.params["design"]:
                self.runs[design] = model
            else:
                params = {**model.params, "design": design}
                self.runs[design] = type(model)(seed=model.seed, **params)
        self.figure: Figure | None = None  # made on first use, then its lines are updated
        self.lines: dict = {}

    def __repr__(self) -> str:
        return f"DesignRace(step={self.model.steps}, designs={list(self.runs)})"

    def catch_up(self) -> None:
        """Step the other designs to the page model's week."""
        for run in self.runs.values():
            while run.steps < self.model.steps:
                run.step()

    def _figure(self) -> tuple[Figure, dict]:
        """Axes, titles and one line per design and metric, made once per race."""
        fig = Figure(figsize=(10.5, 2.9), dpi=PLOT_DPI, constrained_layout=True)
        axes = fig.subplots(1, len(RACE_METRICS), sharex=True)
        shown = self.model.params["design"]
        lines = {}
        for ax, (metric, title, formatter) in zip(axes, RACE_METRICS, strict=True):
            for design in self.runs:
                on_floor = design == shown
                (lines[metric, design],) = ax.plot(
                    [],
                    [],
                    color=DESIGN_COLOURS[design],
                    linewidth=2.6 if on_floor else 1.4,
                    label=DESIGN_LABELS[design] + (" (on the floor)" if on_floor else ""),
                )
            ax.set_title(title, fontsize=9)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
            ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
            ax.yaxis.set_major_locator(MaxNLocator(4))
            if formatter is not None:
                ax.yaxis.set_major_formatter(formatter)
        axes[0].legend(fontsize=7, frameon=False)
        fig.supxlabel("week", fontsize=8)
        fig.suptitle(
            "The three designs side by side (same people, seed and parameters)", fontsize=10
        )
        return fig, lines

    def draw(self) -> Figure:
        """The race's figure, its lines updated to the page model's week."""
        self.catch_up()
        if self.figure is None:
            self.figure, self.lines = self._figure()
        for (metric, design), line in self.lines.items():
            series = self.runs[design].datacollector.model_vars[metric]
            line.set_data(np.arange(len(series)), series)
        for ax in self.figure.axes:
            ax.relim()
            ax.autoscale_view()
        return self.figure


#: Marks the component: a CSS class in the page, a ref for tests without a browser.
REF = "salesorg-designs"


@solara.component
def DesignComparison(model):
    """Pods, The Model and the functional line, stepped with the page's model."""
    update_counter.get()
    race = solara.use_memo(lambda: DesignRace(model), [model])
    drawn = [race, model.steps, update_counter.value]
    figure = solara.use_memo(race.draw, drawn)
    with solara.Column(classes=[REF]):
        solara.FigureMatplotlib(figure, format="png", dependencies=drawn).meta(ref=REF)
