"""The browser page: watch pods and the assembly line learn and sell.

Run it with ``make viz`` or ``salesorg viz`` (which run ``solara run app.py`` on 127.0.0.1).
The page shows:

- the office floor: every employee at their seat (role, unit, knowledge, free riders, morale);
- who learns from whom: unit and seating ties, laid out once per model;
- the three designs side by side, run with the same seed and parameters;
- live plots: revenue, bookings, win rate, churn, knowledge by role, cooperation and effort.

Mesa's SolaraViz gives the app bar and the sidebar (Step / Play / Reset and the model's
controls, generated from the parameter table; a change takes effect on Reset). The main panel
is laid out here in rows that scale with the window, instead of SolaraViz's fixed-height
draggable grid, which crops tall figures.
"""

import solara
from mesa.visualization import SolaraViz

from salesorg.viz.controls import BrowserModel, model_params
from salesorg.viz.floor import OfficeFloor
from salesorg.viz.network import LearningNetwork
from salesorg.viz.plots import DesignComparison, plot_components

TITLE = "salesorg: pods vs the assembly line"
PLOTS = [make for make, _page in plot_components()]


def default_model() -> BrowserModel:
    """The model the page opens with: every control at its default."""
    return BrowserModel(**{name: spec["value"] for name, spec in model_params().items()})


@solara.component
def MainPanel(model):
    """Floor and network, the designs side by side, then the plots three to a row."""
    with solara.Columns([3, 2]):
        OfficeFloor(model)
        LearningNetwork(model)
    DesignComparison(model)
    with solara.Columns([1, 1, 1]):
        for make in PLOTS[:3]:
            make(model)
    with solara.Columns([1, 1, 1]):
        for make in PLOTS[3:]:
            make(model)
        solara.Text("")  # keeps the last row's plots the width of the row above


@solara.component
def Dashboard(model: solara.Reactive):
    """SolaraViz's app bar and sidebar for ``model``, and the main panel; Reset replaces
    ``model.value`` with a new model built from the controls."""
    SolaraViz(model, components=[], model_params=model_params(), name=TITLE)
    MainPanel(model.value)


@solara.component
def Page():
    first = solara.use_memo(default_model, [])  # one model per browser session
    Dashboard(solara.use_reactive(first))
