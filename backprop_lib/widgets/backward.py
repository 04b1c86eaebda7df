"""A slider for notebook 04 (backpropagation): move one weight of a network and watch the
tangent whose slope the backward pass computed (``plots.backward.tangent_figure``)."""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..plots import backward as bplots
from ..slices import WeightSlice
from .controls import slider
from .forward import Explorer


def tangent_explorer(s: WeightSlice, w: float | None = None) -> Explorer:
    """A slider for the weight over the slice's range. Each move runs one forward and one
    backward pass of the network and moves the point, the tangent and the readout in place."""
    w = s.w0 if w is None else float(w)
    with plt.ioff():
        fig, artists = bplots.tangent_figure(s, w)
    lo, hi = float(s.values[0]), float(s.values[-1])
    controls = {"w": slider("weight w", w, lo, hi, (hi - lo) / 120)}

    def update(w):
        bplots.update_tangent(artists, s, w)

    return Explorer(controls, fig, update, title="the backward pass's dL/dw is the slope")
