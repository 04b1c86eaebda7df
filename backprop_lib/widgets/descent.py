"""Sliders for gradient descent: the learning rate on a loss surface (crawl, converge, oscillate,
diverge), and momentum on an elongated valley. Each moves the lines of one figure in place."""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..plots import descent as dplots
from ..surfaces import Surface, quadratic
from .controls import LiveFigure, explore, log_slider, slider


def learning_rate_explorer(surface: Surface | None = None, lr: float = 0.3, start=None,
                           steps: int = 25, min_exp: float = -3.0, max_exp: float = 0.5):
    """A log-scale lr slider (10**min_exp .. 10**max_exp) over ``plots.descent.lr_explorer``:
    the path on the surface, the loss per step, and the regime in the title. One update is one
    descent of ``steps`` steps (microseconds) and a redraw."""
    surface = quadratic(1.0) if surface is None else surface
    with plt.ioff():
        fig = dplots.lr_explorer(surface, lr=lr, start=start, steps=steps)
    controls = {"lr": log_slider("learning rate lr", lr, min_exp, max_exp, step=0.05)}
    return explore(controls, LiveFigure(fig), lambda lr: dplots.update_lr_explorer(fig, lr),
                   draw_next=("lr",))            # the next step, drawn after each move


def momentum_explorer(surface: Surface | None = None, lr: float = 0.02, momentum: float = 0.0,
                      start=None, steps: int = 60):
    """Sliders for momentum (0 .. 0.99) and lr (log scale) over ``lr_explorer`` on a narrow
    valley: watch plain descent zig-zag across it and momentum run along it."""
    surface = quadratic([1.0, 20.0], angle=0.4) if surface is None else surface
    with plt.ioff():
        fig = dplots.lr_explorer(surface, lr=lr, start=start, steps=steps, momentum=momentum)
    controls = {"momentum": slider("momentum μ", momentum, 0.0, 0.99, step=0.01),
                "lr": log_slider("learning rate lr", lr, -3.0, -0.5, step=0.05)}
    return explore(controls, LiveFigure(fig),
                   lambda momentum, lr: dplots.update_lr_explorer(fig, lr, momentum=momentum),
                   draw_next=("momentum", "lr"))  # each slider's next step, drawn after a move
