"""Shared look: colours a colour-blind reader can tell apart, and small figure helpers.

The palette is Okabe and Ito's (2008), distinguishable under the common forms of colour
blindness; lines also differ in style where several are drawn together.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import LogFormatterSciNotation, LogLocator

# Okabe-Ito: blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow, black
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
LINESTYLES = ["-", "--", "-.", ":"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]

# For decision regions: light versions of the first colours, one per class.
CLASS_COLORS = PALETTE[:3] + PALETTE[4:6] + [PALETTE[3], PALETTE[6], PALETTE[7]]
SEQUENTIAL_CMAP = "viridis"       # perceptually uniform, colour-blind safe
DIVERGING_CMAP = "PuOr"           # for signed values (weights, gradients), colour-blind safe


def color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def linestyle(i: int) -> str:
    return LINESTYLES[i % len(LINESTYLES)]


def class_cmap(k: int) -> ListedColormap:
    """A discrete colour map with one colour per class."""
    return ListedColormap(CLASS_COLORS[:k])


def new_figure(ncols: int = 1, nrows: int = 1, width: float = 6.0, height: float = 4.0, **kw):
    """A figure with a grid of axes, sized per panel; returns (fig, axes)."""
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows),
                             layout="constrained", **kw)
    return fig, axes


def log_axis(ax, which: str = "y") -> None:
    """A log scale on ``ax``'s y (or x) axis, with minor ticks at 2 and 5 times each power of
    ten only: the default 8 per decade blur together over the many decades a gradient spans,
    and drawing them was a fifth of a live figure's redraw. Labels are ``PowersOfTen``."""
    (ax.set_yscale if which == "y" else ax.set_xscale)("log")
    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
    axis.set_major_formatter(PowersOfTen())
    axis.set_minor_formatter(PowersOfTen(labelOnlyBase=False))


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class PowersOfTen(LogFormatterSciNotation):
    """Log-axis labels as plain text, 10⁻⁴ and 2×10⁻⁴: the labels matplotlib writes, set in
    the text font instead of typeset as formulas. Typesetting a new power of ten took about
    8 ms (the formula parser) and a live figure meets new ones as its range moves."""

    def __call__(self, x, pos=None):
        label = super().__call__(x, pos)
        if not label.startswith("$"):
            return label
        body = label.strip("$").removeprefix("\\mathdefault{").removesuffix("}")
        body = body.replace("\\times", "×").replace("\\cdot", "·").replace("\\,", "")
        if "^{" in body:
            head, power = body.split("^{", 1)
            return head + power.rstrip("}").translate(_SUPERSCRIPT)
        return body


def _text_width(text: str, prop: FontProperties) -> float:
    """Width of ``text`` set in ``prop``, in points, measured from the font (no renderer)."""
    return TextToPath().get_text_width_height_descent(text, prop, ismath=False)[0]


def wrap_to_width(text: str, width_points: float, prop: FontProperties) -> str:
    """``text`` with its lines broken between words so that each fits in ``width_points``,
    measured in the font ``prop`` (a word longer than the width gets a line of its own).
    Line breaks already in ``text`` are kept."""
    lines = []
    for part in text.split("\n"):
        line = ""
        for word in part.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and _text_width(candidate, prop) > width_points:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "\n".join(lines)


def caption(fig, text: str) -> None:
    """A caption under the figure: what to notice. Wrapped to the figure's width (a single
    long line would be clipped at the figure's edges); a constrained layout leaves room for
    every line, and a figure without a layout engine gets its bottom margin raised to fit."""
    prop = FontProperties(size="medium", style="italic")
    wrapped = wrap_to_width(text, 0.96 * fig.get_figwidth() * 72, prop)
    fig.supxlabel(wrapped, fontproperties=prop)
    if fig.get_layout_engine() is None:
        lines = wrapped.count("\n") + 1
        size = prop.get_size_in_points()
        needed = (lines * 1.3 * size + 36) / 72 / fig.get_figheight()   # + ticks and a label
        fig.subplots_adjust(bottom=min(0.5, max(fig.subplotpars.bottom, needed)))


def fit_ylim(ax, values) -> np.ndarray:
    """Fit ``ax``'s y range to the finite ``values`` (the positive ones on a log axis), with a
    margin: a factor 1.5 on a log axis, 5% of the range on a linear one. Returns the values it
    fitted (empty: the range is left as it was).

    On a log axis the range also reaches down to the power of ten just below the smallest
    value: a loss ending at 0.016 then shows a labelled 10⁻² rather than ending just above it
    (0.016 / 1.5 = 0.011) with a single labelled decade."""
    y = np.asarray(values, dtype=float).reshape(-1)
    y = y[np.isfinite(y) & (y > 0)] if ax.get_yscale() == "log" else y[np.isfinite(y)]
    if y.size:
        lo, hi = float(y.min()), float(y.max())
        if ax.get_yscale() == "log":
            ax.set_ylim(min(lo / 1.5, 10.0 ** np.floor(np.log10(lo))), hi * 1.5)
        else:
            pad = 0.05 * (hi - lo) + 1e-12
            ax.set_ylim(lo - pad, hi + pad)
    return y
