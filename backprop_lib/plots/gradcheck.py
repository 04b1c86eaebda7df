"""Pictures of gradient checking: a derivative next to the finite difference that estimates it
(``sensitivity``), how that estimate's error depends on the step h
(``finite_difference_errors``), and the relative error of every parameter over the grade bands
of ``bp.grade`` (``check_errors``, ``grade_bands``). Matplotlib only.
"""

from __future__ import annotations

import numpy as np

from ..gradcheck import GRADES
from .style import PALETTE, new_figure
from .style import caption as add_caption


def sensitivity(f, dfdx: float, x0: float, h: float = 0.5, ax=None, x_name: str = "w",
                y_name: str = "L", xlabel: str | None = None, ylabel: str | None = None,
                caption: str | None = None):
    """A function near ``x0``, its tangent (slope dfdx: the derivative) and the secant through
    x0 ± h (the centred finite difference). Returns the figure."""
    if ax is None:
        fig, ax = new_figure(width=6.0, height=4.0)
    else:
        fig = ax.figure
    span = max(3 * h, 1.0)
    xs = np.linspace(x0 - span, x0 + span, 200)
    ys = np.array([f(x) for x in xs])
    y0 = f(x0)
    slope_fd = (f(x0 + h) - f(x0 - h)) / (2 * h)
    ax.plot(xs, ys, color=PALETTE[0], lw=2, label=f"{y_name}({x_name})")
    ax.plot(xs, y0 + dfdx * (xs - x0), color=PALETTE[3], ls="--",
            label=f"tangent, slope d{y_name}/d{x_name} = {dfdx:.4g}")
    ax.plot([x0 - h, x0 + h], [f(x0 - h), f(x0 + h)], "o-", color=PALETTE[2], ms=5,
            label=f"finite difference, h={h:g}: {slope_fd:.4g}")
    ax.plot([x0], [y0], "o", color="black", ms=6)
    pad = 0.15 * (ys.max() - ys.min() + 1e-12)
    ax.set_ylim(ys.min() - pad, ys.max() + pad)
    ax.set_xlabel(xlabel or f"weight {x_name}")
    ax.set_ylabel(ylabel or f"loss {y_name}")
    ax.legend(fontsize=8, loc="best")
    ax.set_title(f"sensitivity of {y_name} to {x_name} at {x_name} = {x0:.3g}", fontsize=10)
    if caption:
        add_caption(fig, caption)
    return fig


def finite_difference_errors(errors: dict, ax=None, caption: str | None = None):
    """Log-log error of forward and centred differences against h, from
    ``graph.finite_difference_errors``. Returns the figure."""
    if ax is None:
        fig, ax = new_figure(width=6.0, height=4.0)
    else:
        fig = ax.figure
    h = errors["h"]
    floor = 1e-18                                  # an exact hit would vanish on a log axis
    ax.loglog(h, np.maximum(errors["forward"], floor), "o-", ms=3, color=PALETTE[0],
              label="forward (f(x+h) - f(x)) / h")
    ax.loglog(h, np.maximum(errors["central"], floor), "s--", ms=3, color=PALETTE[3],
              label="central (f(x+h) - f(x-h)) / 2h")
    ax.set_xlabel("step size h")
    ax.set_ylabel("|finite difference - derivative|")
    ax.legend(fontsize=8)
    ax.set_title("too big: the curve bends; too small: rounding", fontsize=10)
    if caption:
        add_caption(fig, caption)
    return fig


def grade_bands(lo: float = 1e-16, hi: float = 10.0) -> list[tuple[float, float, str]]:
    """``bp.gradcheck.GRADES``, the one table of grades, as bands [(from, to, grade), ...]
    covering lo..hi (the last band, unbounded in the table, is drawn up to ``hi``)."""
    bands, start = [], lo
    for limit, name in GRADES:
        end = min(limit, hi)
        if end > start:
            bands.append((start, end, name))
        start = max(start, limit)
    return bands


def check_errors(checks: dict, ax=None, caption: str | None = None):
    """Relative error of each parameter (bars, log axis) for several gradient checks
    {label: {parameter: error}} (a ``GradientCheck`` or a report's ``errors``), over the grade
    bands of ``bp.grade`` itself (``grade_bands``), so that figure, text and function can never
    disagree. A wrong shape is drawn as a bar to the top."""
    if ax is None:
        fig, ax = new_figure(width=7.5, height=3.8)
    else:
        fig = ax.figure
    names = list(dict.fromkeys(k for c in checks.values() for k in c))
    width = 0.8 / max(len(checks), 1)
    top = 10.0
    for i, (label, errs) in enumerate(checks.items()):
        xs = np.arange(len(names)) + (i - (len(checks) - 1) / 2) * width
        vals = [min(max(errs.get(n, np.nan), 1e-16), top) if np.isfinite(errs.get(n, np.nan))
                else top for n in names]
        ax.bar(xs, vals, width=width, color=PALETTE[i % len(PALETTE)], label=label)
    shades = [PALETTE[2], PALETTE[6], PALETTE[1], PALETTE[3]]     # green, yellow, orange, red
    bands = grade_bands(1e-16, top)
    for k, (lo, hi, name) in enumerate(bands):
        shade = shades[min(k, len(shades) - 2)] if k < len(bands) - 1 else shades[-1]
        ax.axhspan(lo, hi, color=shade, alpha=0.12, lw=0)
        ax.text(len(names) - 0.45, np.sqrt(lo * hi), name, fontsize=8, va="center")
    ax.set_yscale("log")
    ax.set_ylim(1e-13, top)
    ax.set_xticks(np.arange(len(names)), names)
    ax.set_xlim(-0.6, len(names) + 0.2)
    ax.set_xlabel("parameter (gradient checked)")
    ax.set_ylabel("relative error (log scale)")
    # above the axes, in one row: inside, it would hide the tall (WRONG) bars of the first column
    ax.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=len(checks),
              frameon=False, borderaxespad=0.2)
    if caption:
        add_caption(fig, caption)
    return fig


__all__ = ["check_errors", "grade_bands", "sensitivity", "finite_difference_errors"]
