"""The browser page without a browser: Solara renders it in-process, as Mesa's own viz tests do.

The page is rendered with ``solara.render``, its Step and Reset buttons are clicked and its
controls changed through their widgets, and the tests check that the model follows and that
the pictures are redrawn. The end-to-end test in ``test_viz_browser.py`` does the same in a real
Chromium.
"""

from __future__ import annotations

import math

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara
from salesorg.model import PARAMETERS, SalesOrgModel
from salesorg.model.parameters import ParameterError
from salesorg.viz import network
from salesorg.viz.controls import CONTROLLED, DEFAULT_SEED, BrowserModel, model_params, parse_seed
from salesorg.viz.floor import LOW_MORALE, ROLE_COLOURS, TYPE_MARKERS, portrayal, unit_outlines
from salesorg.viz.plots import DesignRace

from salesorg import app


def same_metrics(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        (math.isnan(a[k]) and math.isnan(b[k])) or a[k] == b[k] for k in a
    )


# --- controls ----------------------------------------------------------------------------------


def test_controls_come_from_the_parameter_table():
    params = model_params()
    assert list(params) == [*CONTROLLED, "seed"]
    for name in CONTROLLED:
        spec, table = params[name], PARAMETERS[name]
        assert spec["value"] == table.default, name
        if table.choices is not None:
            assert spec["type"] == "Select"
            assert spec["values"] == list(table.choices)
        else:
            low, high = table.bounds
            assert spec["type"] == ("SliderInt" if table.kind is int else "SliderFloat")
            assert low <= spec["min"] <= table.default <= spec["max"] <= high, name
    assert params["seed"] == {"type": "InputText", "label": "seed", "value": str(DEFAULT_SEED)}
    for lever in ("design", "seating", "incentive", "employees", "turbulence", "peer_sanctions"):
        assert lever in params


def test_every_value_a_control_offers_makes_a_model():
    """Each choice, and each slider's ends, is accepted by the model with the rest at defaults."""
    for name, spec in model_params().items():
        if name == "seed":
            continue
        values = spec["values"] if spec["type"] == "Select" else [spec["min"], spec["max"]]
        for value in values:
            model = BrowserModel(**{name: value})
            assert model.params[name] == value


def test_seed_typed_as_text_is_accepted_and_reproduces_the_run():
    typed, direct = BrowserModel(seed=" 7 "), SalesOrgModel(rng=7)
    assert typed.seed == 7
    for _ in range(5):
        typed.step()
        direct.step()
    assert same_metrics(typed.metrics, direct.metrics)
    assert parse_seed("+12") == 12
    assert parse_seed(3) == 3


@pytest.mark.parametrize("bad", ["abc", "-3", "1.5", "", True, None, 2.0])
def test_a_bad_seed_is_refused_with_a_clear_error(bad):
    with pytest.raises(ParameterError, match=r"seed = .* expected a whole number"):
        parse_seed(bad)


def test_reset_with_mesa_scenario_argument_still_builds_the_model():
    from mesa.experimental.scenarios import Scenario

    model = BrowserModel(seed="5", scenario=Scenario(), design="pods")
    assert model.seed == 5
    assert model.params["design"] == "pods"


# --- floor and network -------------------------------------------------------------------------


def test_portrayal_shows_role_knowledge_type_and_morale():
    model = BrowserModel(incentive="pooled")
    for _ in range(30):
        model.step()
    styles = {agent: portrayal(agent) for agent in model.agents}
    for agent, style in styles.items():
        assert style.color == ROLE_COLOURS[agent.role]
        assert style.marker == TYPE_MARKERS[agent.type]
        assert (style.linewidths > 1) == (agent.morale < LOW_MORALE)
    by_knowledge = sorted(styles, key=lambda a: a.knowledge)
    assert styles[by_knowledge[0]].size < styles[by_knowledge[-1]].size
    markers = {style.marker for style in styles.values()}
    assert TYPE_MARKERS["free_rider"] in markers  # 30% free riders by default
    assert any(a.morale < LOW_MORALE for a in model.agents)  # pooled pay breeds grievances


def test_unit_outlines_wall_off_units():
    units = np.array([[0, 0], [1, 1]])  # x = 0 column is unit 0, x = 1 column is unit 1
    segments = {tuple(map(tuple, s)) for s in unit_outlines(units).tolist()}
    assert ((0.5, -0.5), (0.5, 0.5)) in segments  # wall between the two units
    assert ((0.5, 0.5), (0.5, 1.5)) in segments
    assert ((-0.5, 0.5), (0.5, 0.5)) not in segments  # no wall inside unit 0
    assert len(segments) == 8 + 2  # the floor's perimeter and the two inner walls


def test_network_has_the_seat_unit_and_feedback_ties():
    model = BrowserModel(design="the_model")
    graph = network.learning_network(model)
    people = model.structure.size
    assert graph.number_of_nodes() == people + model.structure.n_units
    kinds = [d["kind"] for *_, d in graph.edges(data=True)]
    assert kinds.count("unit") == people
    assert kinds.count("seat") == len(network.seat_ties(model)) > people
    assert kinds.count("feedback") == 3  # CSM -> marketing, AE -> SDR, SDR -> marketing
    assert network.feedback_ties(BrowserModel(design="pods")) == []
    # seat ties join exactly the people the model lets talk across desks
    for i, j in network.seat_ties(model)[:20]:
        assert j in model.neighbours[i, : model.neighbour_counts[i]]


def test_network_layout_is_reproducible():
    """Same organization, same picture; other seat ties (random seating), another picture."""
    first, again = network.NetworkView(BrowserModel()), network.NetworkView(BrowserModel())
    assert np.array_equal(first.xy, again.xy)
    one = network.NetworkView(BrowserModel(seating="random", seed=1))
    other = network.NetworkView(BrowserModel(seating="random", seed=2))
    assert not np.allclose(one.xy, other.xy)


# --- the design race ---------------------------------------------------------------------------


def test_design_race_runs_the_three_designs_with_the_same_seed():
    model = BrowserModel(design="pods", seed=3, incentive="pooled")
    race = DesignRace(model)
    assert race.runs["pods"] is model
    for _ in range(4):
        model.step()
    race.draw()
    for design, run in race.runs.items():
        assert run.steps == 4
        assert run.seed == 3
        assert {k: v for k, v in run.params.items() if k != "design"} == {
            k: v for k, v in model.params.items() if k != "design"
        }
        alone = BrowserModel(design=design, seed=3, incentive="pooled")
        for _ in range(4):
            alone.step()
        assert same_metrics(run.metrics, alone.metrics), design


# --- the page, rendered ------------------------------------------------------------------------


@pytest.fixture
def page():
    """The page rendered in-process for a reactive model, and the render context."""
    model = solara.reactive(app.default_model())
    _box, rc = solara.render(solara.AppLayout(children=[app.Dashboard(model)]), handle_error=False)
    return model, rc


def picture(rc, ref: str) -> bytes:
    return bytes(rc.find(meta_ref=ref).widget.value)


def test_page_draws_floor_network_designs_and_plots(page):
    _model, rc = page
    images = rc.find(ipywidgets.Image).widgets
    assert len(images) == 3 + len(app.PLOTS)
    assert all(image.format == "png" and len(image.value) > 5_000 for image in images)
    for ref in ("salesorg-floor", "salesorg-network", "salesorg-designs"):
        assert picture(rc, ref)


def test_step_advances_the_model_and_redraws(page):
    model, rc = page
    first = model.value
    before = {ref: picture(rc, ref) for ref in ("salesorg-floor", "salesorg-network")}
    plots_before = [bytes(w.value) for w in rc.find(ipywidgets.Image).widgets]
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert model.value is first and first.steps == 1
    for ref, png in before.items():
        assert picture(rc, ref) != png, ref
    plots_after = [bytes(w.value) for w in rc.find(ipywidgets.Image).widgets]
    assert all(a != b for a, b in zip(plots_before, plots_after, strict=True))


def test_reset_and_controls_make_a_new_model(page, monkeypatch):
    model, rc = page
    layouts = []
    real_layout = network.layout
    monkeypatch.setattr(network, "layout", lambda *a: layouts.append(1) or real_layout(*a))
    rc.find(v.Btn, children=["Step"]).widget.click()
    floor_functional_line = picture(rc, "salesorg-floor")

    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert model.value.steps == 0
    assert model.value.params["design"] == "the_model" and model.value.seed == DEFAULT_SEED

    rc.find(v.Select, label="design").widget.v_model = "pods"
    seed_box = rc.find(v.TextField, label="seed").widget
    seed_box.v_model = "7"
    seed_box.fire_event("focusout", None)  # the box reports its text when it loses focus
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert model.value.params["design"] == "pods"
    assert model.value.seed == 7
    assert picture(rc, "salesorg-floor") != floor_functional_line
    # the network was laid out once per model (two resets), never per step
    assert len(layouts) == 2


def test_every_person_has_a_tooltip_over_their_seat():
    from salesorg.viz.floor import draw_floor, floor_renderer, seat_tooltips

    model = app.default_model()
    fig = draw_floor(model, floor_renderer(model))
    seats = seat_tooltips(model, fig)
    assert len(seats) == model.structure.size
    ae = next(i for i, a in enumerate(model.employees) if a.role == "ae")
    _box, text = seats[ae]
    agent = model.employees.to_list()[ae]
    for part in ("AE", "dept", "knowledge", "effort", "morale", f"{agent.effort:.2f}"):
        assert part in text
    boxes = np.array([b for b, _ in seats])
    assert (boxes[:, :2] >= 0).all() and (boxes[:, 0] + boxes[:, 2] <= 100).all()
    assert (boxes[:, 2] > 0).all() and (boxes[:, 3] > 0).all()
    # seats do not overlap: distinct boxes, one per seat
    assert len({(round(b[0], 2), round(b[1], 2)) for b in boxes}) == len(seats)
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_the_page_puts_the_tooltips_over_the_floor(page):
    from salesorg.viz.floor import SEAT_CLASS

    model, rc = page
    seats = rc.find(v.Html, class_=SEAT_CLASS).widgets
    assert len(seats) == model.value.structure.size
    assert all("morale" in seat.attributes["title"] for seat in seats)
