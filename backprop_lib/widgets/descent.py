"""Sliders for gradient descent: the learning rate on a loss surface (crawl, converge, oscillate,
diverge), and momentum on an elongated valley. Each moves the lines of one figure in place."""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..plots import descent as dplots
from ..surfaces import Surface, quadratic
from .controls import LiveFigure, log_slider, panel, slider


def learning_rate_explorer(surface: Surface | None = None, lr: float = 0.3, start=None,
                           steps: int = 25, min_exp: float = -3.0, max_exp: float = 0.5):
    """A log-scale lr slider (10**min_exp .. 10**max_exp) over ``plots.descent.lr_explorer``:
    the path on the surface, the loss per step, and the regime in the title. One update is one
    descent of ``steps`` steps (microseconds) and a redraw."""
    surface = quadratic(1.0) if surface is None else surface
    with plt.ioff():
        fig = dplots.lr_explorer(surface, lr=lr, start=start, steps=steps)
    live = LiveFigure(fig)
    lr_slider = log_slider("learning rate lr", lr, min_exp, max_exp, step=0.05)

    def update(change=None):
        dplots.update_lr_explorer(fig, lr_slider.value)
        live.refresh()

    lr_slider.observe(update, names="value")
    box = panel([lr_slider], live.widget)
    box.controls = {"lr": lr_slider}
    box.live = live
    return box


def momentum_explorer(surface: Surface | None = None, lr: float = 0.02, momentum: float = 0.0,
                      start=None, steps: int = 60):
    """Sliders for momentum (0 .. 0.99) and lr (log scale) over ``lr_explorer`` on a narrow
    valley: watch plain descent zig-zag across it and momentum run along it."""
    surface = quadratic([1.0, 20.0], angle=0.4) if surface is None else surface
    with plt.ioff():
        fig = dplots.lr_explorer(surface, lr=lr, start=start, steps=steps, momentum=momentum)
    live = LiveFigure(fig)
    mu_slider = slider("momentum μ", momentum, 0.0, 0.99, step=0.01)
    lr_slider = log_slider("learning rate lr", lr, -3.0, -0.5, step=0.05)

    def update(change=None):
        dplots.update_lr_explorer(fig, lr_slider.value, momentum=mu_slider.value)
        live.refresh()

    mu_slider.observe(update, names="value")
    lr_slider.observe(update, names="value")
    box = panel([mu_slider, lr_slider], live.widget)
    box.controls = {"momentum": mu_slider, "lr": lr_slider}
    box.live = live
    return box
