"""Figure of sensitivity indices with their 95% confidence intervals."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from salesorg.analysis.theme import OKABE_ITO, metric_label, pretty, readable_numbers, theme

_INDEX_LABELS = {
    "S1": "first-order S1",
    "ST": "total ST",
    "mu_star": "mu* (mean |elementary effect|)",
    "sigma": "sigma (interactions, non-linearity)",
}


def sensitivity_figure(indices, *, info=None):
    """Horizontal bars of each parameter's indices, a panel per metric (and stratum).

    With strata (levels of a non-numeric factor such as ``design``), each metric is a row and
    each stratum a column.

    Sobol' panels show S1 and ST; Morris panels show mu* and sigma, in the metric's units.
    Error bars are the 95% bootstrap confidence intervals SALib reports (none for sigma).
    """
    if indices.empty:
        raise ValueError("no sensitivity indices to draw (did every output stay constant?)")
    info = info or {}
    strata = list(dict.fromkeys(indices["stratum"]))
    metrics = list(dict.fromkeys(indices["metric"]))
    # One row per metric and a column per stratum (e.g. design), so strata sit side by side.
    panels = [(stratum, metric) for metric in metrics for stratum in strata]
    present = set(indices.groupby(["stratum", "metric"]).groups)
    panels = [p for p in panels if p in present]
    kinds = list(dict.fromkeys(indices["index"]))
    params = list(dict.fromkeys(indices["parameter"]))
    ncols = len(strata) if 1 < len(strata) <= 4 else min(3, len(panels))
    nrows = -(-len(panels) // ncols)
    height = 0.32 * len(params) * len(kinds) / 2 + 1.3
    with theme():
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(3.4 * ncols, height * nrows + 0.5),
            layout="constrained",
            squeeze=False,
        )
        y = np.arange(len(params))
        width = 0.8 / len(kinds)
        for ax, (stratum, metric) in zip(axes.flat, panels, strict=False):
            data = indices[(indices["stratum"] == stratum) & (indices["metric"] == metric)]
            for k, kind in enumerate(kinds):
                rows = data[data["index"] == kind].set_index("parameter").reindex(params)
                conf = rows["conf"].to_numpy(dtype=float)
                ax.barh(
                    y + (k - (len(kinds) - 1) / 2) * width,
                    rows["value"].to_numpy(dtype=float),
                    height=width,
                    xerr=None if np.isnan(conf).all() else np.nan_to_num(conf),
                    color=OKABE_ITO[k],
                    label=_INDEX_LABELS.get(kind, kind),
                    error_kw={"elinewidth": 0.8, "capsize": 2},
                )
            ax.set_yticks(y, [pretty(p) for p in params])
            ax.set_ylim(len(params) - 0.5, -0.5)
            ax.axvline(0, color="0.3", linewidth=0.6)
            morris = "mu_star" in kinds
            ax.set_xlabel(metric_label(metric, info) if morris else "Share of output variance")
            readable_numbers(ax.xaxis, data["value"])
            ax.set_title(pretty(metric) + (f"\n{stratum}" if stratum else ""))
        for ax in axes.flat[len(panels) :]:
            ax.remove()
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
        method = "Morris elementary effects" if "mu_star" in kinds else "Sobol' indices"
        fig.suptitle(f"{method} with 95% confidence intervals", fontsize=8)
    return fig
