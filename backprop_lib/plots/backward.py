"""Pictures for notebook 04 (backpropagation): the loss along one weight of a network, and the
tangent whose slope is the dL/dw that the backward pass computed.

If the backward pass is right, the tangent touches the curve at the current weight and its slope
matches the curve's on both sides; a wrong backward tilts it. Numbers come from
``backprop_lib.slices.weight_slice`` (forward, loss and backward of the network itself).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..slices import WeightSlice
from . import style

__all__ = ["TangentArtists", "tangent_figure", "update_tangent"]


@dataclass
class TangentArtists:
    """What ``update_tangent`` moves: the marker, the tangent, the gradient marker, the title."""

    point: object
    tangent: object
    grad_point: object
    text: object
    half_width: float


def _tangent_xy(w, L, g, half_width):
    x = np.array([w - half_width, w + half_width])
    return x, L + g * (x - w)                  # the line through (w, L) with slope g


def tangent_figure(s: WeightSlice, w: float | None = None, caption: str | None = None):
    """Left: L as the weight moves (curve), the current point and the tangent with the slope the
    backward pass computed there. Right: that slope for every w (line), beside the curve's own
    slope by finite differences of neighbouring points (dots). Returns (fig, TangentArtists)."""
    w = s.w0 if w is None else float(w)
    L, g = s.at(w)
    fig, (ax, ax_g) = style.new_figure(2, width=5.0, height=3.8)
    label = f"{s.name}[{', '.join(str(i) for i in s.index)}]"
    ax.plot(s.values, s.losses, color=style.color(0), lw=2, label="loss L (forward pass)")
    half = 0.2 * (s.values[-1] - s.values[0])
    tx, ty = _tangent_xy(w, L, g, half)
    tangent = ax.plot(tx, ty, color=style.color(3), lw=2, ls="--",
                      label="tangent, slope = dL/dw (backward)")[0]
    point = ax.plot([w], [L], "o", color=style.color(3), ms=8, mec="black")[0]
    ax.set_xlabel(f"weight w = {label}")
    ax.set_ylabel("loss L")
    lo, hi = float(s.losses.min()), float(s.losses.max())
    pad = 0.15 * (hi - lo) + 1e-12
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlim(s.values[0], s.values[-1])

    fd = np.gradient(s.losses, s.values)       # the curve's own slope, from its neighbours
    ax_g.plot(s.values, s.grads, color=style.color(3), lw=2, label="dL/dw from backward")
    ax_g.plot(s.values[::6], fd[::6], "o", color=style.color(0), ms=4,
              label="slope of the curve (finite differences)")
    grad_point = ax_g.plot([w], [g], "o", color=style.color(3), ms=8, mec="black")[0]
    ax_g.axhline(0, color="black", lw=0.6)
    ax_g.set_xlabel(f"weight w = {label}")
    ax_g.set_ylabel("dL/dw")
    for a in (ax, ax_g):
        a.grid(True, alpha=0.3)
        a.legend(loc="best", fontsize="small")
    text = fig.suptitle("")
    artists = TangentArtists(point, tangent, grad_point, text, half)
    _readout(artists, w, L, g)
    if caption:
        style.caption(fig, caption)
    return fig, artists


def _readout(artists, w, L, g):
    artists.text.set_text(f"w = {w:+.2f}:  L = {L:.4f},  dL/dw (backward) = {g:+.4f}")


def update_tangent(artists: TangentArtists, s: WeightSlice, w: float) -> tuple[float, float]:
    """Move the point and the tangent to weight ``w`` (one forward and one backward pass).
    Returns (L, dL/dw) there."""
    L, g = s.at(w)
    artists.point.set_data([w], [L])
    artists.tangent.set_data(*_tangent_xy(w, L, g, artists.half_width))
    artists.grad_point.set_data([w], [g])
    _readout(artists, w, L, g)
    return L, g
