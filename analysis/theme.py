"""One look for every salesorg figure: theme, colour-blind-safe palette, labels, saving.

The palette is Okabe & Ito's (2008, "Color Universal Design"), which stays distinguishable under
the common colour-vision deficiencies; ordered numeric factors use ``cividis`` (Nuñez et al. 2018,
PLoS ONE 13:e0199239), a sequential map designed for the same readers. Figures are returned and
saved, never shown; importing this module leaves matplotlib's backend alone (a notebook keeps its
inline backend), and the command line picks the non-interactive Agg backend for itself.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import re
from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import EngFormatter
from salesorg.model.files import atomic_write_bytes

#: Okabe-Ito colours, yellow last because it is faint on white.
OKABE_ITO = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)

#: Resolution of raster output.
DPI = 300

_RC = {
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "savefig.bbox": "tight",
    "pdf.fonttype": 42,  # embed TrueType so PDF text stays editable in journals' tools
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.title_fontsize": 8,
    "legend.frameon": False,
    "lines.linewidth": 1.4,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@contextlib.contextmanager
def theme():
    """Apply the salesorg look to figures created inside the block (global state restored)."""
    rc = {**sns.plotting_context("paper"), **sns.axes_style("ticks"), **_RC}
    with plt.rc_context(rc):
        yield


def palette(levels) -> dict:
    """Colour per level: Okabe-Ito for up to 8 categories, else cividis in level order."""
    levels = list(levels)
    if len(levels) <= len(OKABE_ITO):
        colours = OKABE_ITO[: len(levels)]
    else:
        colours = sns.color_palette("cividis", len(levels))
    return dict(zip(levels, colours, strict=True))


def pretty(name: str) -> str:
    """Readable text for a metric or factor name: ``win_rate`` -> ``Win rate``."""
    special = {"arr": "ARR", "nrr": "NRR", "sdr": "SDR", "ae": "AE", "se": "SE", "csm": "CSM"}
    words = [special.get(w, w) for w in re.split(r"[_\s]+", name.strip()) if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def in_sentence(name: str) -> str:
    """:func:`pretty` for use mid-sentence: ``win_rate`` -> ``win rate``, ``arr`` -> ``ARR``."""
    text = pretty(name)
    first = text.split(" ", 1)[0]
    return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]


def metric_label(name: str, info: dict | None = None) -> str:
    """Axis label with unit, e.g. ``Win rate (share of deals)``, from the model's METRICS."""
    unit = (info or {}).get(name, ("", ""))[0]
    if unit and unit not in ("-", "1", "dimensionless", "bool"):
        return f"{pretty(name)} ({unit})"
    return pretty(name)


def readable_numbers(axis, values) -> None:
    """Large numbers as ``25 M`` instead of an offset ``1e7`` that readers miss."""
    finite = [abs(float(v)) for v in values if v == v]
    if finite and max(finite) >= 1e4:
        axis.set_major_formatter(EngFormatter(sep=" "))


def compact(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits, with k / M / G / T for large ones."""
    if value != value:
        return ""
    if abs(value) >= 1e4:
        exponent = min(4, int(math.log10(abs(value)) // 3))
        return f"{value / 1000**exponent:.{digits}g} {' kMGT'[exponent]}"
    return f"{value:.{digits}g}"


def slug(text: str) -> str:
    """File-name-safe form of ``text``: lower case, words joined with ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"


def save_figure(fig: Figure, directory: Path | str, name: str) -> list[Path]:
    """Write ``fig`` as ``<name>.png`` (300 dpi) and ``<name>.pdf`` (vector) in ``directory``.

    Each file is written atomically, like every other output. The figure stays open.
    """
    directory = Path(directory)
    paths = []
    with theme():
        for ext in ("png", "pdf"):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=ext, dpi=DPI, metadata=_metadata(ext))
            path = directory / f"{name}.{ext}"
            atomic_write_bytes(path, buffer.getvalue())
            paths.append(path)
    return paths


def _metadata(ext: str) -> dict:
    # Fixed metadata keeps output byte-stable between runs (no creation dates).
    if ext == "pdf":
        return {"Creator": "salesorg", "CreationDate": None}
    return {"Software": "salesorg"}


def text_overlaps(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty texts in ``fig`` whose drawn boxes overlap.

    Used by the tests to hold every figure to "no overlapping text".
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    hidden = _undrawn_tick_labels(fig)
    boxes = []
    for text in fig.findobj(Text):
        if id(text) in hidden or not text.get_visible() or not text.get_text().strip():
            continue
        box = text.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            boxes.append((text.get_text(), box.shrunk(0.98, 0.9)))
    return [(ta, tb) for (ta, a), (tb, b) in itertools.combinations(boxes, 2) if a.overlaps(b)]


def _undrawn_tick_labels(fig: Figure) -> set[int]:
    """Ids of tick labels matplotlib keeps but does not draw (ticks outside the view limits)."""
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            tol = 1e-9 * max(1.0, abs(high - low))
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - tol <= tick.get_loc() <= high + tol:
                    hidden.update({id(tick.label1), id(tick.label2)})
    return hidden
