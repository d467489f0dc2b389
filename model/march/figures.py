"""Figures in the style of March (1991), drawn from the validation tables.

Each function takes a table from :mod:`model.march.validation` and returns a matplotlib Figure;
none of them shows or saves it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from salesorg.analysis.theme import OKABE_ITO as PALETTE


def _axes(title: str, xlabel: str, ylabel: str):
    fig, ax = plt.subplots(figsize=(6, 4.2), layout="constrained")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(alpha=0.3)
    return fig, ax


def _line_per_group(ax, table: pd.DataFrame, group: str, x: str, label, marker="o") -> None:
    """One line of mean knowledge against ``x`` for each value of ``group``, labelled by
    ``label(value)``."""
    for color, (value, cell) in zip(PALETTE, table.groupby(group), strict=False):
        ax.plot(cell[x], cell["mean"], marker=marker, color=color, label=label(value))


def plot_fig1(fig1: pd.DataFrame) -> Figure:
    """Equilibrium knowledge vs socialization rate, one line per code learning rate p2."""
    fig, ax = _axes(
        "March (1991) Figure 1: effect of learning rates",
        "socialization rate p1",
        "equilibrium knowledge of the code",
    )
    _line_per_group(ax, fig1, "p2", "p1", lambda p2: f"p2 = {p2}")
    ax.legend(title="code learning rate")
    return fig


def plot_fig2(fig2: pd.DataFrame) -> Figure:
    """Equilibrium knowledge vs number of fast learners; mixed vs homogeneous groups."""
    fig, ax = _axes(
        "March (1991) Figure 2: mixed socialization rates (p2 = 0.5)",
        "fast learners (p1 = 0.9) among 50; slow learners have p1 = 0.1",
        "equilibrium knowledge of the code",
    )
    labels = {"mixed": "mixed fast/slow", "homogeneous": "homogeneous, same mean p1"}
    _line_per_group(ax, fig2, "group", "fast_learners", labels.get)
    ax.legend()
    return fig


def plot_turnover(table: pd.DataFrame) -> Figure:
    """Knowledge after 100 periods vs turnover rate, one line per socialization rate."""
    fig, ax = _axes(
        "March (1991): turnover and socialization (p2 = 0.5, period 100)",
        "turnover rate p3 (per period)",
        "knowledge of the code",
    )
    _line_per_group(ax, table, "p1", "p3", lambda p1: f"p1 = {p1}")
    ax.legend(title="socialization rate")
    return fig


def plot_turbulence(table: pd.DataFrame) -> Figure:
    """Knowledge over time in a turbulent world, with and without turnover."""
    fig, ax = _axes(
        "March (1991): turbulence p4 = 0.02 (p1 = p2 = 0.5)", "period", "knowledge of the code"
    )
    _line_per_group(ax, table, "p3", "period", lambda p3: f"turnover p3 = {p3}", marker=None)
    ax.axhline(0, color="grey", lw=0.8)
    ax.legend()
    return fig


FIGURES = {
    "fig1": plot_fig1,
    "fig2": plot_fig2,
    "turnover": plot_turnover,
    "turbulence": plot_turbulence,
}
