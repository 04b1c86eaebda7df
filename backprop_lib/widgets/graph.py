"""A slider over the steps of the forward and then the backward pass of a scalar graph."""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..graph import Value
from ..plots import graph as gplots
from .controls import LiveFigure, explore, int_slider


def pass_explorer(root: Value, step: int = 0):
    """Step through ``plots.graph.draw_pass``: 0 = only the inputs known, then one node a step
    forward, then one node a step backward. Returns the widget; ``.controls`` and ``.live`` are
    attached for tests."""
    total = gplots.total_steps(root)
    with plt.ioff():
        fig = gplots.draw_pass(root, step)
    controls = {"step": int_slider("step (forward, then backward)", step, 0, total,
                                   layout={"width": "480px"})}
    return explore(controls, LiveFigure(fig),
                   lambda step: gplots.draw_pass(root, step, ax=fig.axes[0]))
